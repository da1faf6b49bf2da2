"""Transport corridors: capacity, generalised cost, flows and investment.

Freight demand ``Q`` (Mt/yr) splits across routes by a logit on generalised
cost (CH25-10, CH25-27, YA24-40):

    g_k = cost_k · (1 + congestion · (x_k / cap_k)^4) + risk · exposure_k · s · (1 + e)
    x_k = Q · exp(−θ g_k) / Σ_j exp(−θ g_j)

with the load ratio ``x/cap`` capped at 3 (a BPR-style volume-delay term),
``s`` the sanctions intensity and ``e`` secondary enforcement. Flows are the
stochastic user equilibrium: the routes' costs depend on their own flows
only, so the equilibrium is the solution of ``g_k(x_k) + ln(x_k)/θ = μ`` for
every open route with ``Σ x_k = Q``, found by Newton's method from last
quarter's flows and stopped on a convergence test. Investment adds capacity
after a lag (CH25-29: the Middle Corridor build-out).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from model.tables import Tables

CONGESTION_POWER = 4.0
"""Exponent of the volume-delay term (the BPR convention)."""

LOAD_CAP = 3.0
"""Load ratio beyond which congestion stops rising (keeps costs finite on overfull routes)."""

TOLERANCE = 1e-11
"""Convergence test of the equilibrium: largest residual of the equilibrium conditions (cost units)."""

MAX_NEWTON_STEPS = 100
"""Newton steps allowed before the equilibrium is declared not found."""


class CorridorNetwork:
    """The routes, their capacity pipeline and this quarter's flows.

    Args:
        tables: The run's live parameters (``corridors``, ``transport``).
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        corridors = tables.corridors
        self.ids = corridors.codes
        self.capacity = corridors.capacity.copy()
        self.serves = corridors.states.T.astype(float)
        self.sponsors = corridors.sponsors
        self.pending: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(len(self.ids)))
        self.demand = tables.transport.demand
        self.flow = self._equilibrium(self.demand, intensity=0.0, enforcement=0.0, start=None)
        self.initial_flow = self.flow.copy()

    def invest(self, index: int, capacity: float, arrives: int) -> None:
        """Queue ``capacity`` (Mt/yr) for route ``index`` to open at step ``arrives``."""
        self.pending[arrives][index] += capacity

    def step(self, t: int, intensity: float, enforcement: float) -> None:
        """Open capacity due at step ``t``, start sponsors' build-out, and split demand."""
        corridors = self.tables.corridors
        for k, rate in enumerate(corridors.investment):
            if rate > 0:
                self.invest(k, rate / 4.0, t + int(corridors.lag[k]))
        self.capacity += self.pending.pop(t, np.zeros(len(self.ids)))
        transport = self.tables.transport
        self.demand = transport.demand * (1 + transport.demand_growth / 100) ** (t / 4)
        self.flow = self._equilibrium(self.demand, intensity, enforcement, start=self.flow)

    def generalised_cost(self, intensity: float, enforcement: float, flow: np.ndarray | None) -> np.ndarray:
        """Generalised cost per route (index units) at the given flows."""
        transport, corridors = self.tables.transport, self.tables.corridors
        load = np.zeros(len(self.ids)) if flow is None else flow / np.maximum(self.capacity, 1e-9)
        congestion = 1 + transport.congestion * np.minimum(load, LOAD_CAP) ** CONGESTION_POWER
        risk = transport.sanctions_risk * corridors.sanctions_exposure * intensity * (1 + enforcement)
        return corridors.cost * congestion + risk

    def _cost_slope(self, flow: np.ndarray) -> np.ndarray:
        """Slope of each route's cost in its own flow, ``dg_k/dx_k``."""
        transport, corridors = self.tables.transport, self.tables.corridors
        capacity = np.maximum(self.capacity, 1e-9)
        load = flow / capacity
        slope = corridors.cost * transport.congestion * CONGESTION_POWER * load ** (CONGESTION_POWER - 1) / capacity
        return np.where(load < LOAD_CAP, slope, 0.0)

    def _equilibrium(self, demand: float, intensity: float, enforcement: float, start: np.ndarray | None) -> np.ndarray:
        """The logit equilibrium flows (Mt/yr); routes without capacity carry nothing.

        Raises:
            FloatingPointError: If Newton's method does not converge (it converges
                from any positive start on this strictly convex problem; the guard
                keeps a failure from passing silently).
        """
        open_routes = self.capacity > 0
        flow = np.zeros(len(self.ids))
        if demand <= 0 or not open_routes.any():
            return flow
        theta = self.tables.transport.cost_sensitivity
        if theta <= 0:
            flow[open_routes] = demand / open_routes.sum()
            return flow
        x = self._start(demand, intensity, enforcement, start, open_routes, theta)
        full = np.zeros(len(self.ids))
        mu = None
        for _ in range(MAX_NEWTON_STEPS):
            full[open_routes] = x
            condition = self.generalised_cost(intensity, enforcement, full)[open_routes] + np.log(x) / theta
            mu = condition.mean() if mu is None else mu
            residual, gap = condition - mu, demand - x.sum()
            if np.abs(residual).max() < TOLERANCE and abs(gap) < TOLERANCE * demand:
                return full.copy()
            slope = self._cost_slope(full)[open_routes] + 1.0 / (theta * x)
            d_mu = (gap + (residual / slope).sum()) / (1.0 / slope).sum()
            dx = (d_mu - residual) / slope
            step = min(1.0, np.where(dx < 0, -0.9 * x / np.minimum(dx, -1e-300), np.inf).min())
            x, mu = x + step * dx, mu + step * d_mu
        raise FloatingPointError(f"corridor equilibrium not found in {MAX_NEWTON_STEPS} Newton steps")

    def _start(self, demand: float, intensity: float, enforcement: float, start: np.ndarray | None,
               open_routes: np.ndarray, theta: float) -> np.ndarray:
        """Last quarter's flows scaled to this demand, or the uncongested logit split."""
        if start is not None and np.all(start[open_routes] > 0):
            x = start[open_routes]
            return x * demand / x.sum()
        cost = self.generalised_cost(intensity, enforcement, None)[open_routes]
        weights = np.exp(-theta * (cost - cost.min()))
        return demand * weights / weights.sum()

    @property
    def shares(self) -> np.ndarray:
        """Share of freight on each route (zeros when nothing moves)."""
        total = self.flow.sum()
        return self.flow / total if total > 0 else np.zeros_like(self.flow)

    def sponsor_presence(self) -> np.ndarray:
        """``[state, power]``: flow share of the routes serving each state, by sponsor."""
        return (self.serves * self.shares[None, :]) @ self.sponsors

    def transit_gain(self) -> np.ndarray:
        """Per state: change in freight on its routes since 2021, as a share of 2021 demand."""
        demand = self.tables.transport.demand
        return self.serves @ (self.flow - self.initial_flow) / demand if demand > 0 else np.zeros(self.serves.shape[0])
