"""Sanctions on Russia, the re-export channel through the states, and secondary enforcement.

Each state has its own exposure (concept §3 step 3; ODD §7.4):

* **Intensity** ``s`` of the sanctions regime, set by dated packages.
* **Circumvention**: a price wedge ``ω = wedge · s`` opens a re-export channel
  (SU23-18: import from Europe, export to Russia). Its volume per state, as a
  share of the state's trade with the target, is
  ``c_i = elasticity · ω · openness_i · (1 − b_i) · exp(−deterrence · e)``.
* **Secondary enforcement** ``e`` in [0, 1] escalates while circumvention
  persists, ``e += escalation · c̄ · (1 − e)``, and passes the stages
  outreach → visits → designations (CH25-26); dated events can raise or ease it.
  Designations arrive as a Poisson process whose rate follows each state's
  re-export volume ``V_i``: ``designation_rate · e · V_i / V_ref`` firms a quarter.
* **Secondary exposure** of state *i*: ``X_i = e · (c_i + κ_D · D̃_i)`` with
  ``D̃_i`` its recently designated firms (a stock that keeps ``DESIGNATION_MEMORY`` a quarter).
  Its expected cost ``secondary_cost · X_i`` lowers the value of economic
  alignment with the target (ODD §7.3) and
  drives **bank-level compliance** ``b_i`` toward
  ``min(1, response · secondary_cost · X_i)`` (CH25-41, CH25-26) — which is
  distinct from **formal adherence**, a state decision taken only when the
  state's diplomatic alignment with the senders exceeds a threshold (SU23-05).
"""

from __future__ import annotations

import numpy as np

from model.tables import Tables

STAGES: tuple[str, ...] = ("none", "outreach", "visits", "designations")
"""Escalation stages of secondary enforcement, in order (CH25-26)."""

STAGE_THRESHOLDS: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5)
"""Assumption: enforcement level at which each stage is reached endogenously."""

COMPLIANCE_ADJUSTMENT = 0.25
"""Assumption: share of the gap to the compliance target banks close per quarter."""

REFERENCE_VOLUME = 1.0
"""Assumption: re-exports (US$ bn/yr) at which ``designation_rate`` applies in full; Kazakhstan's were about 0.6–1 in 2022–2023."""

DESIGNATION_EXPOSURE = 0.005
"""Assumption: exposure added per recently designated firm (six firms weigh as much as re-exports worth 3 % of trade with Russia)."""

DESIGNATION_MEMORY = 0.75
"""Assumption: share of last quarter's recent designations still counted this quarter (listings of about the last year weigh)."""


class SanctionsRegime:
    """State of the sanctions regime, the circumvention channel and each state's exposure.

    Args:
        tables: The run's live parameters (``sanctions`` and ``states.circumvention_openness`` are read each quarter).
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        n = len(tables.states.codes)
        self.intensity = 0.0
        self.enforcement = 0.0
        self.stage = 0
        self.bank_compliance = tables.sanctions.bank_compliance_floor.copy()
        self.circumvention = np.zeros(n)
        self.designations = np.zeros(n)
        self.recent_designations = np.zeros(n)
        self.adherence = np.zeros(n, dtype=bool)

    @property
    def wedge(self) -> float:
        """Price wedge between sanctioned and world prices (share of price)."""
        return self.tables.sanctions.wedge * self.intensity

    def apply_package(self, intensity: float) -> None:
        """Set the sanctions intensity after a package (timeline event)."""
        self.intensity = intensity

    def apply_enforcement(self, level: float, stage: str) -> None:
        """Raise enforcement to at least ``level`` and ``stage`` (timeline event)."""
        self.enforcement = max(self.enforcement, level)
        self.stage = max(self.stage, STAGES.index(stage))

    def ease_enforcement(self, level: float, stage: str) -> None:
        """Lower enforcement to at most ``level`` and ``stage`` (timeline event)."""
        self.enforcement = min(self.enforcement, level)
        self.stage = min(self.stage, STAGES.index(stage))

    def new_quarter(self) -> None:
        """Age last quarter's recent designations (called before the quarter's events, which count in full)."""
        self.recent_designations *= DESIGNATION_MEMORY

    def designate(self, state: int, firms: float) -> None:
        """Record a dated round of designations (timeline event)."""
        self.designations[state] += firms
        self.recent_designations[state] += firms

    def exposure(self) -> np.ndarray:
        """Secondary exposure per state: enforcement × (circumvention share + κ_D × recently designated firms)."""
        return self.enforcement * (self.circumvention + DESIGNATION_EXPOSURE * self.recent_designations)

    def expected_cost(self) -> np.ndarray:
        """Expected secondary-sanctions cost per state (utility units): ``secondary_cost · X_i``."""
        return self.tables.sanctions.secondary_cost * self.exposure()

    def step(self, rng: np.random.Generator, western_diplomacy: np.ndarray, volume: np.ndarray) -> np.ndarray:
        """Advance one quarter: compliance, circumvention, enforcement, adherence, designations.

        Args:
            rng: The generator of designations.
            western_diplomacy: Each state's diplomatic alignment with the senders.
            volume: Each state's re-exports last quarter (US$ bn/yr), which draw designations.

        Returns:
            Designations made this quarter, per state (firms).
        """
        p = self.tables.sanctions
        floor = p.bank_compliance_floor
        target = np.minimum(1.0, p.bank_compliance_response * self.expected_cost())
        self.bank_compliance += COMPLIANCE_ADJUSTMENT * (np.maximum(target, floor) - self.bank_compliance)
        self.bank_compliance = np.maximum(self.bank_compliance, floor)
        openness = self.tables.states.circumvention_openness
        deterrence = np.exp(-p.deterrence * self.enforcement)
        self.circumvention = p.reexport_elasticity * self.wedge * openness * (1 - self.bank_compliance) * deterrence
        mean_circumvention = float(self.circumvention.mean())
        self.enforcement += p.enforcement_escalation * mean_circumvention * (1 - self.enforcement)
        self.stage = max(self.stage, _stage_for(self.enforcement))
        self.adherence |= western_diplomacy > p.adherence_threshold
        return self._designate(rng, volume)

    def _designate(self, rng: np.random.Generator, volume: np.ndarray) -> np.ndarray:
        if self.stage < STAGES.index("designations"):
            return np.zeros_like(self.circumvention)
        expected = self.tables.sanctions.designation_rate * self.enforcement * volume / REFERENCE_VOLUME
        made = rng.poisson(expected).astype(float)
        self.designations += made
        self.recent_designations += made
        return made


def _stage_for(level: float) -> int:
    return max(i for i, threshold in enumerate(STAGE_THRESHOLDS) if level >= threshold)
