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

import numpy as np

from multivector.model.calendar import QUARTERS_PER_YEAR
from multivector.model.simplex import DIVISION_FLOOR
from multivector.model.tables import Tables

CONGESTION_POWER = 4.0
"""Exponent of the volume-delay term (the BPR convention)."""

LOAD_CAP = 3.0
"""Load ratio beyond which congestion stops rising (keeps costs finite on overfull routes)."""

TOLERANCE = 1e-11
"""Convergence test of the equilibrium: largest residual of the equilibrium conditions (cost units)."""

MAX_NEWTON_STEPS = 100
"""Newton steps allowed before the equilibrium is declared not found."""


class CorridorNetwork:
    """The routes, their capacity pipeline and this quarter's flows, in every run.

    Args:
        tables: The runs' live parameters (``corridors``, ``transport``).

    Attributes:
        capacity: ``[R, route]`` usable capacity (Mt/yr).
        flow: ``[R, route]`` this quarter's equilibrium flows (Mt/yr).
        demand: ``[R]`` freight demand (Mt/yr).
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        corridors = tables.corridors
        self.ids = corridors.codes
        self.capacity = corridors.capacity.copy()
        self.serves = corridors.states.T.astype(float)  # [state, route]
        self.pending: dict[int, np.ndarray] = {}
        self.demand = tables.transport.demand.copy()
        self.flow = self._equilibrium(self.demand, np.zeros_like(self.demand), np.zeros_like(self.demand), None)
        self.initial_flow = self.flow.copy()

    def invest(self, index: int, capacity: np.ndarray | float, arrives: int) -> None:
        """Queue ``capacity`` (Mt/yr, per run or for all) for route ``index`` to open at step ``arrives``."""
        queued = self.pending.setdefault(arrives, np.zeros_like(self.capacity))
        queued[:, index] += capacity

    def step(self, t: int, intensity: np.ndarray, enforcement: np.ndarray) -> None:
        """Open capacity due at step ``t``, start sponsors' build-out, and split demand."""
        corridors = self.tables.corridors
        building = corridors.investment > 0  # [R, route]
        for k in np.flatnonzero(building.any(axis=0)):
            lags = corridors.lag[:, k].astype(int)
            for lag in np.unique(lags[building[:, k]]):
                these = building[:, k] & (lags == lag)
                self.invest(k, np.where(these, corridors.investment[:, k] / QUARTERS_PER_YEAR, 0.0), t + int(lag))
        due = self.pending.pop(t, None)
        if due is not None:
            self.capacity = self.capacity + due
        transport = self.tables.transport
        self.demand = transport.demand * (1 + transport.demand_growth / 100) ** (t / QUARTERS_PER_YEAR)
        self.flow = self._equilibrium(self.demand, intensity, enforcement, self.flow)

    def generalised_cost(self, intensity: np.ndarray, enforcement: np.ndarray, flow: np.ndarray | None) -> np.ndarray:
        """``[R, route]`` generalised cost per route (index units) at the given flows."""
        transport, corridors = self.tables.transport, self.tables.corridors
        load = np.zeros_like(self.capacity) if flow is None else flow / np.maximum(self.capacity, DIVISION_FLOOR)
        congestion = 1 + transport.congestion[:, None] * np.minimum(load, LOAD_CAP) ** CONGESTION_POWER
        risk = (transport.sanctions_risk * intensity * (1 + enforcement))[:, None] * corridors.sanctions_exposure
        return corridors.cost * congestion + risk

    def _cost_slope(self, flow: np.ndarray) -> np.ndarray:
        """Slope of each route's cost in its own flow, ``dg_k/dx_k``, ``[R, route]``."""
        transport, corridors = self.tables.transport, self.tables.corridors
        capacity = np.maximum(self.capacity, DIVISION_FLOOR)
        load = flow / capacity
        slope = corridors.cost * transport.congestion[:, None] * CONGESTION_POWER * load ** (CONGESTION_POWER - 1) / capacity
        return np.where(load < LOAD_CAP, slope, 0.0)

    def _equilibrium(self, demand: np.ndarray, intensity: np.ndarray, enforcement: np.ndarray,
                     start: np.ndarray | None) -> np.ndarray:
        """``[R, route]`` the logit equilibrium flows (Mt/yr); routes without capacity carry nothing.

        Newton's method on ``g_k(x_k) + ln(x_k)/θ = μ``, ``Σ x_k = Q`` per run; a run
        stops updating once its residuals pass the convergence test, so a run's
        flows do not depend on the other runs solved with it.

        Raises:
            FloatingPointError: If some run does not converge (it converges from any
                positive start on this strictly convex problem; the guard keeps a
                failure from passing silently).
        """
        theta = self.tables.transport.cost_sensitivity[:, None]
        open_routes = self.capacity > 0
        solvable = (demand > 0) & open_routes.any(axis=-1) & (theta[:, 0] > 0)
        even = np.where(open_routes, demand[:, None] / np.maximum(open_routes.sum(axis=-1, keepdims=True), 1), 0.0)
        flow = np.where(((demand > 0) & ~solvable)[:, None], even, 0.0)
        if not solvable.any():
            return flow
        x = np.where(open_routes, self._start(demand, intensity, enforcement, start, open_routes, theta), 1.0)
        active = solvable.copy()
        mu = np.zeros_like(demand)
        first = True
        for _ in range(MAX_NEWTON_STEPS):
            full = np.where(open_routes, x, 0.0)
            condition = self.generalised_cost(intensity, enforcement, full) + np.log(x) / theta
            if first:
                count = open_routes.sum(axis=-1)
                mu = np.where(open_routes, condition, 0.0).sum(axis=-1) / np.maximum(count, 1)
                first = False
            residual = np.where(open_routes, condition - mu[:, None], 0.0)
            gap = demand - full.sum(axis=-1)
            done = (np.abs(residual).max(axis=-1) < TOLERANCE) & (np.abs(gap) < TOLERANCE * np.maximum(demand, 1e-300))
            active = active & ~done
            if not active.any():
                return np.where(solvable[:, None], full, flow)
            slope = np.where(open_routes, self._cost_slope(full) + 1.0 / (theta * x), 1.0)
            inverse = np.where(open_routes, 1.0 / slope, 0.0)
            d_mu = (gap + (residual * inverse).sum(axis=-1)) / inverse.sum(axis=-1)
            dx = np.where(open_routes, (d_mu[:, None] - residual) * inverse, 0.0)
            shrink = np.where(dx < 0, -0.9 * x / np.minimum(dx, -1e-300), np.inf).min(axis=-1)
            step = np.minimum(1.0, shrink)
            x = np.where(active[:, None], x + step[:, None] * dx, x)
            mu = np.where(active, mu + step * d_mu, mu)
        raise FloatingPointError(f"corridor equilibrium not found in {MAX_NEWTON_STEPS} Newton steps")

    def _start(self, demand: np.ndarray, intensity: np.ndarray, enforcement: np.ndarray, start: np.ndarray | None,
               open_routes: np.ndarray, theta: np.ndarray) -> np.ndarray:
        """Last quarter's flows scaled to this demand where all open routes carry some, else the uncongested logit split."""
        cost = self.generalised_cost(intensity, enforcement, None)
        cheapest = np.where(open_routes, cost, np.inf).min(axis=-1, keepdims=True)
        weights = np.where(open_routes, np.exp(-theta * (cost - cheapest)), 0.0)
        logit = demand[:, None] * weights / np.maximum(weights.sum(axis=-1, keepdims=True), 1e-300)
        if start is None:
            return logit
        usable = np.all(np.where(open_routes, start > 0, True), axis=-1)
        scaled = start * (demand / np.maximum(np.where(open_routes, start, 0.0).sum(axis=-1), 1e-300))[:, None]
        return np.where(usable[:, None], scaled, logit)

    @property
    def shares(self) -> np.ndarray:
        """``[R, route]`` share of freight on each route (zeros when nothing moves)."""
        total = self.flow.sum(axis=-1, keepdims=True)
        return np.divide(self.flow, total, out=np.zeros_like(self.flow), where=total > 0)

    def sponsor_presence(self) -> np.ndarray:
        """``[R, state, power]``: flow share of the routes serving each state, by sponsor."""
        shares = self.serves[None] * self.shares[:, None, :]  # [R, state, route]
        sponsors = self.tables.corridors.sponsors  # [R, route, power]
        return (shares[..., None] * sponsors[:, None, :, :]).sum(axis=-2)

    def transit_gain(self) -> np.ndarray:
        """``[R, state]``: change in freight on its routes since 2021, as a share of 2021 demand."""
        demand = self.tables.transport.demand
        gained = ((self.flow - self.initial_flow)[:, None, :] * self.serves[None]).sum(axis=-1)
        return np.divide(gained, demand[:, None], out=np.zeros_like(gained), where=demand[:, None] > 0)
