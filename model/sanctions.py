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
  re-export volume ``V_i``: ``designation_rate · e · V_i / V_ref`` firms a quarter,
  drawn by inverting each run's own pre-drawn uniforms.
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

from multivector.model.tables import Tables

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


def poisson_from_uniform(rate: np.ndarray, uniform: np.ndarray, most: int = 200) -> np.ndarray:
    """Poisson draws by inversion of pre-drawn uniforms: the smallest ``k`` whose cumulative probability reaches ``u``.

    Each element depends only on its own rate and uniform, so a run's draws do
    not depend on the other runs drawn with it.
    """
    term = np.exp(-rate)
    cumulative = term.copy()
    count = np.zeros_like(rate)
    for k in range(1, most + 1):
        short = uniform > cumulative
        if not short.any():
            break
        count = np.where(short, float(k), count)
        term = term * rate / k
        cumulative = cumulative + term
    return count


class SanctionsRegime:
    """State of the sanctions regime, the circumvention channel and each state's exposure, in every run.

    Args:
        tables: The runs' live parameters (``sanctions`` and ``states.circumvention_openness`` are read each quarter).

    Attributes:
        intensity: ``[R]`` sanctions intensity.
        enforcement: ``[R]`` secondary enforcement level.
        stage: ``[R]`` escalation stage (index into :data:`STAGES`).
        bank_compliance, circumvention, designations, recent_designations, adherence: ``[R, state]``.
    """

    def __init__(self, tables: Tables) -> None:
        self.tables = tables
        shape = tables.states.circumvention_openness.shape
        self.intensity = np.zeros(shape[0])
        self.enforcement = np.zeros(shape[0])
        self.stage = np.zeros(shape[0], dtype=np.int64)
        self.bank_compliance = tables.sanctions.bank_compliance_floor.copy()
        self.circumvention = np.zeros(shape)
        self.designations = np.zeros(shape)
        self.recent_designations = np.zeros(shape)
        self.adherence = np.zeros(shape, dtype=bool)

    @property
    def wedge(self) -> np.ndarray:
        """``[R]`` price wedge between sanctioned and world prices (share of price)."""
        return self.tables.sanctions.wedge * self.intensity

    def apply_package(self, intensity: float) -> None:
        """Set the sanctions intensity after a package (timeline event)."""
        self.intensity[:] = intensity

    def apply_enforcement(self, level: float, stage: str) -> None:
        """Raise enforcement to at least ``level`` and ``stage`` (timeline event)."""
        self.enforcement = np.maximum(self.enforcement, level)
        self.stage = np.maximum(self.stage, STAGES.index(stage))

    def ease_enforcement(self, level: float, stage: str) -> None:
        """Lower enforcement to at most ``level`` and ``stage`` (timeline event)."""
        self.enforcement = np.minimum(self.enforcement, level)
        self.stage = np.minimum(self.stage, STAGES.index(stage))

    def new_quarter(self) -> None:
        """Age last quarter's recent designations (called before the quarter's events, which count in full)."""
        self.recent_designations *= DESIGNATION_MEMORY

    def designate(self, state: int, firms: float) -> None:
        """Record a dated round of designations (timeline event)."""
        self.designations[:, state] += firms
        self.recent_designations[:, state] += firms

    def exposure(self) -> np.ndarray:
        """``[R, state]`` secondary exposure: enforcement × (circumvention share + κ_D × recently designated firms)."""
        return self.enforcement[:, None] * (self.circumvention + DESIGNATION_EXPOSURE * self.recent_designations)

    def expected_cost(self) -> np.ndarray:
        """``[R, state]`` expected secondary-sanctions cost (utility units): ``secondary_cost · X_i``."""
        return self.tables.sanctions.secondary_cost[:, None] * self.exposure()

    def step(self, uniforms: np.ndarray, western_diplomacy: np.ndarray, volume: np.ndarray) -> np.ndarray:
        """Advance one quarter: compliance, circumvention, enforcement, adherence, designations.

        Args:
            uniforms: ``[R, state]`` this quarter's uniform draws of each run's designation stream.
            western_diplomacy: ``[R, state]`` each state's diplomatic alignment with the senders.
            volume: ``[R, state]`` each state's re-exports last quarter (US$ bn/yr), which draw designations.

        Returns:
            Designations made this quarter, ``[R, state]`` (firms).
        """
        p = self.tables.sanctions
        floor = p.bank_compliance_floor
        target = np.minimum(1.0, p.bank_compliance_response[:, None] * self.expected_cost())
        self.bank_compliance = self.bank_compliance + COMPLIANCE_ADJUSTMENT * (np.maximum(target, floor) - self.bank_compliance)
        self.bank_compliance = np.maximum(self.bank_compliance, floor)
        openness = self.tables.states.circumvention_openness
        deterrence = np.exp(-p.deterrence * self.enforcement)
        self.circumvention = (p.reexport_elasticity * self.wedge * deterrence)[:, None] * openness * (1 - self.bank_compliance)
        mean_circumvention = self.circumvention.mean(axis=-1)
        self.enforcement = self.enforcement + p.enforcement_escalation * mean_circumvention * (1 - self.enforcement)
        self.stage = np.maximum(self.stage, stage_for(self.enforcement))
        self.adherence = self.adherence | (western_diplomacy > p.adherence_threshold[:, None])
        return self._designate(uniforms, volume)

    def _designate(self, uniforms: np.ndarray, volume: np.ndarray) -> np.ndarray:
        listing = (self.stage >= STAGES.index("designations"))[:, None]
        rate = (self.tables.sanctions.designation_rate * self.enforcement / REFERENCE_VOLUME)[:, None] * volume
        made = np.where(listing, poisson_from_uniform(np.where(listing, rate, 0.0), uniforms), 0.0)
        self.designations = self.designations + made
        self.recent_designations = self.recent_designations + made
        return made


def stage_for(level: np.ndarray) -> np.ndarray:
    """The escalation stage each enforcement level reaches on its own (:data:`STAGE_THRESHOLDS`)."""
    return np.searchsorted(np.asarray(STAGE_THRESHOLDS), level, side="right") - 1
