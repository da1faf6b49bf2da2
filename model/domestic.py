"""Domestic dynamics: growth, regime security, unrest and regional cohesion.

* Growth (%/yr) = trend + trade response + remittance response + transit gain
  − designation cost + noise (ZE23-34, CH25-31, SU23-61). The trade response
  reads the change of trade *relative to GDP*, so trend growth does not feed
  back on itself.
* Regime security relaxes toward its 2021 level, shifted by growth away from
  trend and by security ties to powers that protect incumbents beyond their
  2021 level (ZE23-14, SU23-54): with 2021 conditions it stays where it was.
* Unrest arrives with a hazard that grows with regime insecurity, succession
  risk and a growth shortfall (SU23-54, YA24-48). Severe unrest calls in the
  security provider the state leans on most, weighted by its capacity to
  intervene (ZE23-14: the CSTO in Kazakhstan, Jan 2022) — unless the state is
  formally neutral (SU23-62), which invites no foreign forces.
* Cohesion among the five grows with their own consultative meetings and
  erodes with the Kazakh–Uzbek rivalry and with divergent alignments
  (SU23-40, ZE23-32, YA24-46, YA24-47).
"""

from __future__ import annotations

import numpy as np

from model.tables import Tables

REFERENCE_GROWTH = 3.0
"""Assumption: growth (%/yr) below which economic stress feeds unrest."""

DESIGNATION_COST = 0.05
"""Assumption: growth points lost per designated firm in the quarter of designation."""

REGIME_GROWTH_SLOPE, REGIME_PROTECTION = 0.03, 0.4
"""Assumption: regime-security target = 2021 level + slope·(growth − trend) + protection·(ties − 2021 ties)."""

UNREST_DAMAGE = 0.5
"""Assumption: share of the severity an unrest event takes off regime security."""


class DomesticDynamics:
    """Growth, regime security, unrest and cohesion for the five states (arrays over states).

    Args:
        tables: The run's live parameters (``domestic`` and ``states``).
        rng: The model's generator.
        protection: Each state's 2021 security ties to incumbent-protecting powers
            (``security alignment · regime_support``), the reference of the regime-security target.

    Attributes:
        growth: Annualised growth this quarter, per state (%/yr).
        gdp_index: Real GDP relative to the start, per state.
        regime_security: Security of each incumbent regime, in [0, 1].
        unrest_risk: This quarter's unrest hazard per state (chance of a drawn unrest event).
        cohesion: Regional cohesion, in [0, 1].
    """

    def __init__(self, tables: Tables, rng: np.random.Generator, protection: np.ndarray) -> None:
        self.tables = tables
        self.rng = rng
        states = tables.states
        self.growth = states.trend_growth.copy()
        self.gdp_index = np.ones(len(states.codes))
        self.regime_security = states.regime_security.copy()
        self.regime_reference = states.regime_security.copy()
        self.protection_reference = protection.copy()
        self.cohesion = float(tables.domestic.cohesion)
        self.unrest_risk = np.zeros(len(states.codes))
        self.last_capacity: np.ndarray | None = None
        self.last_transit = np.zeros(len(states.codes))

    def grow(self, trade_change: np.ndarray, capacity: np.ndarray, transit: np.ndarray, designated: np.ndarray) -> None:
        """Set this quarter's growth and advance GDP.

        Args:
            trade_change: Quarter-on-quarter relative change of trade per unit of GDP, per state.
            capacity: Powers' capacities this quarter (remittances follow the sender's).
            transit: Freight gained on the state's routes since 2021 (share of 2021 demand).
            designated: Firms designated this quarter, per state.
        """
        p, states = self.tables.domestic, self.tables.states
        capacity_change = np.zeros_like(capacity) if self.last_capacity is None else capacity / self.last_capacity - 1
        self.last_capacity = capacity.copy()
        remittance = (states.remittances_gdp * capacity_change[None, :]).sum(axis=1)
        transit_change = transit - self.last_transit
        self.last_transit = transit
        shocks = self.rng.normal(0.0, 1.0, len(states.codes))
        self.growth = (
            states.trend_growth
            + p.trade_elasticity * 400 * trade_change
            + p.remittance_elasticity * 400 * remittance
            + p.transit_elasticity * 400 * transit_change
            - DESIGNATION_COST * designated
            + p.growth_noise * shocks
        )
        self.gdp_index = self.gdp_index * (1 + self.growth / 400)

    def draw_unrest(self) -> list[tuple[int, float]]:
        """Stochastic unrest this quarter: (state index, severity) pairs."""
        p, states = self.tables.domestic, self.tables.states
        stress = 1 + p.unrest_growth_slope * np.maximum(0.0, REFERENCE_GROWTH - self.growth)
        hazard = np.minimum(1.0, p.unrest_hazard * (1 - self.regime_security) * (1 + states.succession_risk) * stress)
        self.unrest_risk = hazard
        hit = self.rng.random(len(states.codes)) < hazard
        severity = np.minimum(1.0, self.rng.uniform(0.2, 1.0, len(states.codes)) * 2 * (1 - self.regime_security))
        return [(int(i), float(severity[i])) for i in np.flatnonzero(hit)]

    def unrest(self, index: int, severity: float, security: np.ndarray, intervention: np.ndarray) -> int | None:
        """Apply unrest to a state; return the index of the power asked to intervene, if any.

        Args:
            index: The state hit.
            severity: Severity in [0, 1] (1 = regime-threatening).
            security: The state's security alignment ``[power]``.
            intervention: Each power's capacity to intervene, in [0, 1].
        """
        self.regime_security[index] = max(0.0, self.regime_security[index] - UNREST_DAMAGE * severity)
        if severity < self.tables.domestic.intervention_threshold or self.tables.states.neutrality[index]:
            return None
        willingness = security * intervention
        provider = int(np.argmax(willingness))
        if willingness[provider] <= 0:
            return None
        restored = self.regime_security[index] + UNREST_DAMAGE * severity * intervention[provider]
        self.regime_security[index] = min(1.0, restored)
        return provider

    def security_shock(self, indices: list[int], threat: float) -> None:
        """Lower regime security in proportion to Afghan exposure (ZE23-12, ZE23-15)."""
        exposure = self.tables.states.afghan_exposure
        for i in indices:
            self.regime_security[i] = max(0.0, self.regime_security[i] - threat * exposure[i])

    def update_regime_security(self, protection: np.ndarray) -> None:
        """Relax regime security toward its target.

        Args:
            protection: Each state's security ties to incumbent-protecting powers now.
        """
        states = self.tables.states
        target = (self.regime_reference + REGIME_GROWTH_SLOPE * (self.growth - states.trend_growth)
                  + REGIME_PROTECTION * (protection - self.protection_reference))
        target = np.clip(target, 0.0, 1.0)
        self.regime_security += self.tables.domestic.regime_recovery * (target - self.regime_security)

    def update_cohesion(self, c5_attendance: float, diplomacy: np.ndarray) -> None:
        """Cohesion gains from the states' own meetings, losses from rivalry and divergence.

        Args:
            c5_attendance: Share of states attending an active C5 format.
            diplomacy: ``[state, power]`` diplomatic alignment (divergence is the
                mean pairwise total-variation distance between states).
        """
        p = self.tables.domestic
        gaps = np.abs(diplomacy[:, None, :] - diplomacy[None, :, :]).sum(axis=-1) / 2
        n = diplomacy.shape[0]
        divergence = gaps.sum() / max(n * (n - 1), 1)
        gain = p.cohesion_gain / 4 * c5_attendance * (1 - self.cohesion)
        loss = p.cohesion_decay * (p.rivalry + divergence) * self.cohesion
        self.cohesion = float(np.clip(self.cohesion + gain - loss, 0.0, 1.0))
