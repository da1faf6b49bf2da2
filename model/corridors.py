"""Transport corridors: capacity, generalised cost, flows and investment.

Freight demand ``Q`` (Mt/yr) splits across routes by a logit on generalised
cost (CH25-10, CH25-27, YA24-40):

    g_k = cost_k · (1 + congestion · (x_k / cap_k)^4) + risk · exposure_k · s · (1 + e)
    x_k = Q · exp(−θ g_k) / Σ_j exp(−θ g_j)

with the load ratio ``x/cap`` capped at 3 (a BPR-style volume-delay term),
``s`` the sanctions intensity and ``e`` secondary enforcement. Flows are the
logit equilibrium, found by successive averages starting from last quarter's flows.
Investment adds capacity after a lag (CH25-29: the Middle Corridor build-out).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from model.params import CorridorParams, TransportParams

CONGESTION_POWER = 4.0
"""Exponent of the volume-delay term (the BPR convention)."""

EQUILIBRIUM_ITERATIONS = 12
"""Iterations of the method of successive averages toward the logit equilibrium."""


class CorridorNetwork:
    """The routes, their capacity pipeline and this quarter's flows.

    Args:
        corridors: Route parameters keyed by route id (model order kept).
        transport: Demand and route-choice parameters.
        state_codes: State codes in model order.
        power_codes: Power codes in model order.
    """

    def __init__(
        self,
        corridors: dict[str, CorridorParams],
        transport: TransportParams,
        state_codes: tuple[str, ...],
        power_codes: tuple[str, ...],
    ) -> None:
        self.ids = tuple(corridors)
        self.transport = transport
        self.capacity = np.array([c.capacity for c in corridors.values()], dtype=float)
        self.cost = np.array([c.cost for c in corridors.values()], dtype=float)
        self.exposure = np.array([c.sanctions_exposure for c in corridors.values()], dtype=float)
        self.build_rate = np.array([c.investment for c in corridors.values()], dtype=float)
        self.lags = np.array([c.lag for c in corridors.values()], dtype=int)
        self.serves = np.array([[code in c.states for c in corridors.values()] for code in state_codes], dtype=float)
        self.sponsors = np.array(
            [[c.sponsors.get(p, 0.0) for p in power_codes] for c in corridors.values()], dtype=float
        ).reshape(len(self.ids), len(power_codes))
        self.pending: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(len(self.ids)))
        self.demand = transport.demand
        self.flow = self._equilibrium(self.demand, intensity=0.0, enforcement=0.0, start=None)
        self.initial_flow = self.flow.copy()

    def invest(self, index: int, capacity: float, arrives: int) -> None:
        """Queue ``capacity`` (Mt/yr) for route ``index`` to open at step ``arrives``."""
        self.pending[arrives][index] += capacity

    def step(self, t: int, intensity: float, enforcement: float) -> None:
        """Open capacity due at step ``t``, start sponsors' build-out, and split demand."""
        for k, rate in enumerate(self.build_rate):
            if rate > 0:
                self.invest(k, rate / 4.0, t + int(self.lags[k]))
        self.capacity += self.pending.pop(t, np.zeros(len(self.ids)))
        self.demand = self.transport.demand * (1 + self.transport.demand_growth / 100) ** (t / 4)
        self.flow = self._equilibrium(self.demand, intensity, enforcement, start=self.flow)

    def _equilibrium(self, demand: float, intensity: float, enforcement: float, start: np.ndarray | None) -> np.ndarray:
        """Stochastic user equilibrium by successive averages, from last quarter's flows.

        Routes without capacity carry nothing.
        """
        open_routes = self.capacity > 0
        flow = self._logit(demand, intensity, enforcement, None, open_routes) if start is None else start * demand / start.sum()
        for k in range(1, EQUILIBRIUM_ITERATIONS + 1):
            flow += (self._logit(demand, intensity, enforcement, flow, open_routes) - flow) / (k + 1)
        return flow

    def _logit(
        self, demand: float, intensity: float, enforcement: float, flow: np.ndarray | None, open_routes: np.ndarray
    ) -> np.ndarray:
        generalised = self.generalised_cost(intensity, enforcement, flow)
        weights = np.where(open_routes, np.exp(-self.transport.cost_sensitivity * (generalised - generalised.min())), 0.0)
        return demand * weights / weights.sum()

    def generalised_cost(self, intensity: float, enforcement: float, flow: np.ndarray | None) -> np.ndarray:
        """Generalised cost per route (index units) at the given flows."""
        load = np.zeros_like(self.cost) if flow is None else flow / np.maximum(self.capacity, 1e-9)
        congestion = 1 + self.transport.congestion * np.minimum(load, 3.0) ** CONGESTION_POWER
        risk = self.transport.sanctions_risk * self.exposure * intensity * (1 + enforcement)
        return self.cost * congestion + risk

    @property
    def shares(self) -> np.ndarray:
        """Share of freight on each route."""
        return self.flow / self.flow.sum()

    def sponsor_presence(self) -> np.ndarray:
        """``[state, power]``: flow share of the routes serving each state, by sponsor."""
        return (self.serves * self.shares[None, :]) @ self.sponsors

    def transit_gain(self) -> np.ndarray:
        """Per state: change in freight on its routes since 2021, as a share of 2021 demand."""
        return self.serves @ (self.flow - self.initial_flow) / self.transport.demand
