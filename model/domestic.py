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

from multivector.model.calendar import ANNUALISED_PERCENT, QUARTERS_PER_YEAR
from multivector.model.tables import Tables

REFERENCE_GROWTH = 3.0
"""Assumption: growth (%/yr) below which economic stress feeds unrest."""

DESIGNATION_COST = 0.05
"""Assumption: growth points lost per designated firm in the quarter of designation."""

REGIME_GROWTH_SLOPE, REGIME_PROTECTION = 0.03, 0.4
"""Assumption: regime-security target = 2021 level + slope·(growth − trend) + protection·(ties − 2021 ties)."""

UNREST_DAMAGE = 0.5
"""Assumption: share of the severity an unrest event takes off regime security."""


class DomesticDynamics:
    """Growth, regime security, unrest and cohesion for the five states, in every run.

    Args:
        tables: The runs' live parameters (``domestic`` and ``states``).
        protection: ``[R, state]`` each state's 2021 security ties to incumbent-protecting powers
            (``security alignment · regime_support``), the reference of the regime-security target.

    Attributes:
        growth: ``[R, state]`` annualised growth this quarter (%/yr).
        gdp_index: ``[R, state]`` real GDP relative to the start.
        regime_security: ``[R, state]`` security of each incumbent regime, in [0, 1].
        unrest_risk: ``[R, state]`` this quarter's unrest hazard (chance of a drawn unrest event).
        cohesion: ``[R]`` regional cohesion, in [0, 1].
    """

    def __init__(self, tables: Tables, protection: np.ndarray) -> None:
        self.tables = tables
        states = tables.states
        self.growth = states.trend_growth.copy()
        self.gdp_index = np.ones_like(self.growth)
        self.regime_security = states.regime_security.copy()
        self.regime_reference = states.regime_security.copy()
        self.protection_reference = protection.copy()
        self.cohesion = tables.domestic.cohesion.copy()
        self.unrest_risk = np.zeros_like(self.growth)
        self.last_capacity: np.ndarray | None = None
        self.last_transit = np.zeros_like(self.growth)

    def grow(self, shocks: np.ndarray, trade_change: np.ndarray, capacity: np.ndarray, transit: np.ndarray,
             designated: np.ndarray) -> None:
        """Set this quarter's growth and advance GDP.

        Args:
            shocks: ``[R, state]`` this quarter's standard normal draws of each run's growth stream.
            trade_change: ``[R, state]`` quarter-on-quarter relative change of trade per unit of GDP.
            capacity: ``[R, power]`` powers' capacities this quarter (remittances follow the sender's).
            transit: ``[R, state]`` freight gained on the state's routes since 2021 (share of 2021 demand).
            designated: ``[R, state]`` firms designated this quarter.
        """
        p, states = self.tables.domestic, self.tables.states
        capacity_change = np.zeros_like(capacity) if self.last_capacity is None else capacity / self.last_capacity - 1
        self.last_capacity = capacity.copy()
        remittance = (states.remittances_gdp * capacity_change[:, None, :]).sum(axis=-1)
        transit_change = transit - self.last_transit
        self.last_transit = transit
        self.growth = (
            states.trend_growth
            + (p.trade_elasticity * ANNUALISED_PERCENT)[:, None] * trade_change
            + (p.remittance_elasticity * ANNUALISED_PERCENT)[:, None] * remittance
            + (p.transit_elasticity * ANNUALISED_PERCENT)[:, None] * transit_change
            - DESIGNATION_COST * designated
            + p.growth_noise[:, None] * shocks
        )
        self.gdp_index = self.gdp_index * (1 + self.growth / ANNUALISED_PERCENT)

    def draw_unrest(self, hits: np.ndarray, severities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stochastic unrest this quarter from each run's pre-drawn uniforms.

        Args:
            hits: ``[R, state]`` uniforms compared with the hazard.
            severities: ``[R, state]`` uniforms that set the severity.

        Returns:
            ``[R, state]`` where unrest broke out, and its severity in [0, 1].
        """
        p, states = self.tables.domestic, self.tables.states
        stress = 1 + p.unrest_growth_slope[:, None] * np.maximum(0.0, REFERENCE_GROWTH - self.growth)
        hazard = np.minimum(1.0, p.unrest_hazard[:, None] * (1 - self.regime_security) * (1 + states.succession_risk) * stress)
        self.unrest_risk = hazard
        severity = np.minimum(1.0, (0.2 + 0.8 * severities) * 2 * (1 - self.regime_security))
        return hits < hazard, severity

    def unrest(self, hit: np.ndarray, severity: np.ndarray, security: np.ndarray, intervention: np.ndarray) -> np.ndarray:
        """Apply unrest where it broke out; return the power asked to intervene per run and state (−1: none).

        Args:
            hit: ``[R, state]`` where unrest breaks out.
            severity: ``[R, state]`` its severity in [0, 1] (1 = regime-threatening).
            security: ``[R, state, power]`` security alignment.
            intervention: ``[R, power]`` each power's capacity to intervene, in [0, 1].
        """
        damage = np.where(hit, UNREST_DAMAGE * severity, 0.0)
        self.regime_security = np.maximum(0.0, self.regime_security - damage)
        willingness = security * intervention[:, None, :]
        provider = np.argmax(willingness, axis=-1)
        best = np.take_along_axis(willingness, provider[..., None], axis=-1)[..., 0]
        calls = (hit & (severity >= self.tables.domestic.intervention_threshold[:, None])
                 & ~self.tables.states.neutrality & (best > 0))
        restored = damage * np.take_along_axis(intervention, provider, axis=-1)
        self.regime_security = np.where(calls, np.minimum(1.0, self.regime_security + restored), self.regime_security)
        return np.where(calls, provider, -1)

    def security_shock(self, states: np.ndarray, threat: float) -> None:
        """Lower regime security in proportion to Afghan exposure (ZE23-12, ZE23-15); ``states`` a ``[state]`` mask."""
        exposure = self.tables.states.afghan_exposure
        self.regime_security = np.where(states, np.maximum(0.0, self.regime_security - threat * exposure), self.regime_security)

    def update_regime_security(self, protection: np.ndarray) -> None:
        """Relax regime security toward its target.

        Args:
            protection: ``[R, state]`` each state's security ties to incumbent-protecting powers now.
        """
        states = self.tables.states
        target = (self.regime_reference + REGIME_GROWTH_SLOPE * (self.growth - states.trend_growth)
                  + REGIME_PROTECTION * (protection - self.protection_reference))
        target = np.clip(target, 0.0, 1.0)
        self.regime_security = self.regime_security + self.tables.domestic.regime_recovery[:, None] * (target - self.regime_security)

    def update_cohesion(self, c5_attendance: np.ndarray, diplomacy: np.ndarray) -> None:
        """Cohesion gains from the states' own meetings, losses from rivalry and divergence.

        Args:
            c5_attendance: ``[R]`` share of states attending an active C5 format.
            diplomacy: ``[R, state, power]`` diplomatic alignment (divergence is the
                mean pairwise total-variation distance between states).
        """
        p = self.tables.domestic
        gaps = np.abs(diplomacy[:, :, None, :] - diplomacy[:, None, :, :]).sum(axis=-1) / 2
        n = diplomacy.shape[-2]
        divergence = gaps.sum(axis=(-2, -1)) / max(n * (n - 1), 1)
        gain = p.cohesion_gain / QUARTERS_PER_YEAR * c5_attendance * (1 - self.cohesion)
        loss = p.cohesion_decay * (p.rivalry + divergence) * self.cohesion
        self.cohesion = np.clip(self.cohesion + gain - loss, 0.0, 1.0)
