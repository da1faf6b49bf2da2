"""Domestic dynamics: growth, regime security, unrest and regional cohesion.

* Growth (%/yr) = trend + trade response + remittance response + transit gain
  − designation cost + noise (ZE23-34, CH25-31, SU23-61).
* Regime security relaxes toward a target that rises with growth and with
  security ties to powers that protect incumbents (ZE23-14, SU23-54).
* Unrest arrives with a hazard that grows with regime insecurity, succession
  risk and a growth shortfall (SU23-54, YA24-48). Severe unrest calls in the
  security provider the state leans on most, weighted by its capacity to
  intervene; the intervention restores the regime and shifts security
  alignment toward the provider (ZE23-14: the CSTO in Kazakhstan, Jan 2022).
* Cohesion among the five grows with their own consultative meetings and
  erodes with the Kazakh–Uzbek rivalry and with divergent alignments
  (SU23-40, ZE23-32, YA24-46, YA24-47).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from model.params import DomesticParams

if TYPE_CHECKING:
    from model.agents import CentralAsianState, ExternalPower

REFERENCE_GROWTH = 3.0
"""Assumption: growth (%/yr) below which economic stress feeds unrest and insecurity."""

GROWTH_NOISE = 0.8
"""Assumption: std. dev. of quarterly growth shocks (%/yr)."""

DESIGNATION_COST = 0.05
"""Assumption: growth points lost per designated firm in the quarter of designation."""

REGIME_BASE, REGIME_GROWTH_SLOPE, REGIME_PROTECTION, REGIME_SUCCESSION = 0.55, 0.03, 0.4, 0.3
"""Assumption: regime-security target = base + slope·(growth − 3) + protection·ties − succession·risk."""

UNREST_DAMAGE = 0.5
"""Assumption: share of the severity an unrest event takes off regime security."""


class DomesticDynamics:
    """Growth, regime security, unrest and cohesion for the five states.

    Args:
        params: The scenario's domestic parameters.
        states: The state agents (their ``growth``, ``gdp_index`` and
            ``regime_security`` attributes are updated in place).
        power_codes: Power codes in model order.
        rng: The model's generator.
    """

    def __init__(
        self,
        params: DomesticParams,
        states: Sequence[CentralAsianState],
        power_codes: tuple[str, ...],
        rng: np.random.Generator,
    ) -> None:
        self.params = params
        self.states = states
        self.rng = rng
        self.cohesion = params.cohesion
        self.remittances = np.array([[s.params.remittances_gdp.get(c, 0.0) for c in power_codes] for s in states])
        self.trend = np.array([s.params.trend_growth for s in states])
        self.exposure = np.array([s.params.afghan_exposure for s in states])
        self.succession = np.array([s.params.succession_risk for s in states])
        self.last_capacity: np.ndarray | None = None
        self.last_transit = np.zeros(len(states))

    def grow(self, trade_change: np.ndarray, capacity: np.ndarray, transit: np.ndarray, designated: np.ndarray) -> None:
        """Set this quarter's growth and advance GDP.

        Args:
            trade_change: Quarter-on-quarter relative change of total trade, per state.
            capacity: Powers' capacities this quarter (remittances follow the sender's).
            transit: Freight gained on the state's routes since 2021 (share of 2021 demand).
            designated: Firms designated this quarter, per state.
        """
        p = self.params
        capacity_change = np.zeros_like(capacity) if self.last_capacity is None else capacity / self.last_capacity - 1
        self.last_capacity = capacity
        remittance = (self.remittances * capacity_change[None, :]).sum(axis=1)
        transit_change = transit - self.last_transit
        self.last_transit = transit
        growth = (
            self.trend
            + p.trade_elasticity * 400 * trade_change
            + p.remittance_elasticity * 400 * remittance
            + p.transit_elasticity * 400 * transit_change
            - DESIGNATION_COST * designated
            + self.rng.normal(0.0, GROWTH_NOISE, len(self.states))
        )
        for state, g in zip(self.states, growth, strict=True):
            state.growth = float(g)
            state.gdp_index *= 1 + g / 400

    def draw_unrest(self) -> list[tuple[int, float]]:
        """Stochastic unrest this quarter: (state index, severity) pairs."""
        p = self.params
        security = np.array([s.regime_security for s in self.states])
        growth = np.array([s.growth for s in self.states])
        stress = 1 + p.unrest_growth_slope * np.maximum(0.0, REFERENCE_GROWTH - growth)
        hazard = np.minimum(1.0, p.unrest_hazard * (1 - security) * (1 + self.succession) * stress)
        hit = self.rng.random(len(self.states)) < hazard
        severity = np.minimum(1.0, self.rng.uniform(0.2, 1.0, len(self.states)) * 2 * (1 - security))
        return [(int(i), float(severity[i])) for i in np.flatnonzero(hit)]

    def unrest(self, index: int, severity: float, powers: Sequence[ExternalPower]) -> int | None:
        """Apply unrest to a state; return the index of an intervening power, if any."""
        state = self.states[index]
        state.regime_security = max(0.0, state.regime_security - UNREST_DAMAGE * severity)
        if severity < self.params.intervention_threshold:
            return None
        willingness = state.alignment[0] * np.array([p.params.intervention for p in powers])
        provider = int(np.argmax(willingness))
        if willingness[provider] <= 0:
            return None
        state.shift_security(provider, self.params.intervention_boost)
        state.regime_security = min(1.0, state.regime_security + UNREST_DAMAGE * severity * powers[provider].params.intervention)
        return provider

    def security_shock(self, indices: list[int], threat: float) -> None:
        """Lower regime security in proportion to Afghan exposure (ZE23-12, ZE23-15)."""
        for i in indices:
            state = self.states[i]
            state.regime_security = max(0.0, state.regime_security - threat * self.exposure[i])

    def update_regime_security(self, security_alignment: np.ndarray, regime_support: np.ndarray) -> None:
        """Relax regime security toward its target."""
        protection = security_alignment @ regime_support
        for i, state in enumerate(self.states):
            target = (REGIME_BASE + REGIME_GROWTH_SLOPE * (state.growth - REFERENCE_GROWTH)
                      + REGIME_PROTECTION * protection[i] - REGIME_SUCCESSION * self.succession[i])
            target = float(np.clip(target, 0.05, 0.95))
            state.regime_security += self.params.regime_recovery * (target - state.regime_security)

    def update_cohesion(self, c5_attendance: float, diplomacy: np.ndarray) -> None:
        """Cohesion gains from the states' own meetings, losses from rivalry and divergence.

        Args:
            c5_attendance: Share of states attending an active C5 format.
            diplomacy: ``[state, power]`` diplomatic alignment (divergence is the
                mean pairwise total-variation distance between states).
        """
        p = self.params
        gaps = np.abs(diplomacy[:, None, :] - diplomacy[None, :, :]).sum(axis=-1) / 2
        n = len(self.states)
        divergence = gaps.sum() / max(n * (n - 1), 1)
        gain = p.cohesion_gain / 4 * c5_attendance * (1 - self.cohesion)
        loss = p.cohesion_decay * (p.rivalry + divergence) * self.cohesion
        self.cohesion = float(np.clip(self.cohesion + gain - loss, 0.0, 1.0))
