"""Sanctions on Russia, the re-export channel through the states, and enforcement.

Four separate pieces (concept §3 step 3):

* **Intensity** ``s`` of the sanctions regime, set by dated packages.
* **Circumvention**: a price wedge ``ω = wedge · s`` opens a re-export channel
  (SU23-18: import from Europe, export to Russia). Its volume per state, as a
  share of the state's 2021 trade with Russia, is
  ``c_i = elasticity · ω · openness_i · (1 − b_i) · exp(−deterrence · e)``.
* **Secondary enforcement** ``e`` in [0, 1] escalates while circumvention
  persists, ``e += escalation · c̄ · (1 − e)``, and passes the stages
  outreach → visits → designations (CH25-26). Designations arrive as a Poisson
  process in proportion to each state's share of circumvention.
* **Bank-level compliance** ``b_i`` rises with the expected secondary cost
  ``e · c_i`` and is distinct from **formal adherence**, a state decision taken
  only when the state's diplomatic alignment with the sanctioning bloc exceeds
  a threshold (SU23-05 vs CH25-41).
"""

from __future__ import annotations

import numpy as np

from model.params import SanctionsParams

STAGES: tuple[str, ...] = ("none", "outreach", "visits", "designations")
"""Escalation stages of secondary enforcement, in order (CH25-26)."""

STAGE_THRESHOLDS: tuple[float, ...] = (0.0, 0.1, 0.3, 0.5)
"""Assumption: enforcement level at which each stage is reached endogenously."""

COMPLIANCE_ADJUSTMENT = 0.25
"""Assumption: share of the gap to the compliance target banks close per quarter."""


class SanctionsRegime:
    """State of the sanctions regime and the circumvention channel.

    Args:
        params: The scenario's sanctions parameters.
        state_codes: Codes of the Central Asian states, in model order.
        openness: Circumvention openness per state, in [0, 1].
    """

    def __init__(self, params: SanctionsParams, state_codes: tuple[str, ...], openness: np.ndarray) -> None:
        self.params = params
        self.openness = openness
        self.intensity = 0.0
        self.enforcement = 0.0
        self.stage = 0
        self.floor = np.array([params.bank_compliance_floor.get(code, 0.0) for code in state_codes])
        self.bank_compliance = self.floor.copy()
        self.circumvention = np.zeros(len(state_codes))
        self.designations = np.zeros(len(state_codes))
        self.adherence = np.zeros(len(state_codes), dtype=bool)

    @property
    def wedge(self) -> float:
        """Price wedge between sanctioned and world prices (share of price)."""
        return self.params.wedge * self.intensity

    def apply_package(self, intensity: float) -> None:
        """Set the sanctions intensity after a package (timeline event)."""
        self.intensity = intensity

    def apply_enforcement(self, level: float, stage: str) -> None:
        """Raise enforcement to at least ``level`` and ``stage`` (timeline event)."""
        self.enforcement = max(self.enforcement, level)
        self.stage = max(self.stage, STAGES.index(stage))

    def step(self, rng: np.random.Generator, western_diplomacy: np.ndarray) -> np.ndarray:
        """Advance one quarter.

        Args:
            rng: The model's generator.
            western_diplomacy: Each state's diplomatic alignment with the senders.

        Returns:
            Designations made this quarter, per state (firms).
        """
        p = self.params
        deterrence = np.exp(-p.deterrence * self.enforcement)
        self.circumvention = p.reexport_elasticity * self.wedge * self.openness * (1 - self.bank_compliance) * deterrence
        mean_circumvention = float(self.circumvention.mean())
        self.enforcement += p.enforcement_escalation * mean_circumvention * (1 - self.enforcement)
        self.stage = max(self.stage, _stage_for(self.enforcement))
        target = np.minimum(1.0, p.bank_compliance_response * self.enforcement * self.circumvention)
        self.bank_compliance += COMPLIANCE_ADJUSTMENT * (np.maximum(target, self.floor) - self.bank_compliance)
        self.bank_compliance = np.maximum(self.bank_compliance, self.floor)
        self.adherence |= western_diplomacy > p.adherence_threshold
        return self._designate(rng, mean_circumvention)

    def _designate(self, rng: np.random.Generator, mean_circumvention: float) -> np.ndarray:
        if self.stage < STAGES.index("designations") or mean_circumvention <= 0:
            return np.zeros_like(self.circumvention)
        share = self.circumvention / self.circumvention.sum()
        expected = self.params.designation_rate * self.enforcement * share
        made = rng.poisson(expected).astype(float)
        self.designations += made
        return made

    def secondary_exposure(self) -> np.ndarray:
        """Expected secondary-sanctions exposure per state: enforcement × circumvention."""
        return self.enforcement * self.circumvention


def _stage_for(level: float) -> int:
    return max(i for i, threshold in enumerate(STAGE_THRESHOLDS) if level >= threshold)
