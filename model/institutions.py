"""Cooperation formats and the leverage their competition gives the states.

"Competitive multilateralism" (YA24-01..05): each active format a state attends
adds to its bargaining leverage, a summit-level format more than a ministerial
one, but the effect of each is diluted by how many there are (YA24-41):

    L_i = 1 + κ · W_i / (1 + φ · (N_i − 1)) + κ_c · cohesion

with ``W_i`` the level-weighted count of formats the state attends, ``N_i`` their
number, ``κ`` leverage per format and ``φ`` the fragmentation penalty. A sponsor
also gains diplomatic offer value with the members of its formats.

Formats upgrade to summit level on their scheduled date (digest §8) or, for
formats without one, with a hazard that grows with the number of rival
sponsors already at summit level (YA24-39: everyone upgrades C5+ formats).
"""

from __future__ import annotations

import numpy as np

from model.calendar import quarter_ordinal
from model.params import FormatParams, InstitutionParams

C5 = "C5"
"""Sponsor code of the states' own formats (the consultative meetings)."""


class FormatArena:
    """Active formats, their levels, attendance and the leverage they yield.

    Args:
        formats: Format parameters keyed by id.
        params: Institutional parameters.
        state_codes: State codes in model order.
        power_codes: Power codes in model order.
    """

    def __init__(
        self,
        formats: dict[str, FormatParams],
        params: InstitutionParams,
        state_codes: tuple[str, ...],
        power_codes: tuple[str, ...],
    ) -> None:
        self.ids = tuple(formats)
        self.params = params
        self.start = np.array([quarter_ordinal(f.start) for f in formats.values()])
        self.summit_from = np.array(
            [quarter_ordinal(f.summit_from) if f.summit_from else np.iinfo(np.int64).max for f in formats.values()]
        )
        self.scheduled = np.array([f.summit_from is not None for f in formats.values()])
        self.is_dialogue = np.array([f.kind == "dialogue" for f in formats.values()])
        self.sponsor_index = np.array([power_codes.index(f.sponsor) if f.sponsor in power_codes else -1 for f in formats.values()])
        self.is_c5 = np.array([f.sponsor == C5 for f in formats.values()])
        self.members = np.array([[code in f.members for f in formats.values()] for code in state_codes], dtype=bool)
        self.n_powers = len(power_codes)
        self.active = np.zeros(len(self.ids), dtype=bool)
        self.summit = np.zeros(len(self.ids), dtype=bool)
        self.attending = np.zeros_like(self.members)

    def step(self, quarter: int, rng: np.random.Generator, diplomacy: np.ndarray) -> None:
        """Update activity, levels and attendance for absolute quarter ``quarter``.

        Args:
            quarter: Quarter ordinal (see :func:`model.calendar.quarter_ordinal`).
            rng: The model's generator.
            diplomacy: ``[state, power]`` diplomatic alignment.
        """
        self.active = self.start <= quarter
        self.summit |= self.active & (self.summit_from <= quarter)
        self._endogenous_upgrades(rng)
        self.attending = self.members & self.active[None, :] & self._willing(diplomacy)

    def _endogenous_upgrades(self, rng: np.random.Generator) -> None:
        candidates = self.active & ~self.summit & ~self.scheduled & self.is_dialogue & (self.sponsor_index >= 0)
        if not candidates.any():
            return
        summit_sponsors = set(self.sponsor_index[self.summit & (self.sponsor_index >= 0)].tolist())
        rivals = np.array([len(summit_sponsors - {s}) for s in self.sponsor_index])
        hazard = np.minimum(1.0, self.params.upgrade_hazard * rivals / max(self.n_powers, 1))
        self.summit |= candidates & (rng.random(len(self.ids)) < hazard)

    def _willing(self, diplomacy: np.ndarray) -> np.ndarray:
        """``[state, format]``: the state engages enough with the sponsor to attend."""
        sponsor_share = np.where(self.sponsor_index >= 0, diplomacy[:, np.maximum(self.sponsor_index, 0)], 1.0)
        return sponsor_share >= self.params.attendance_threshold

    @property
    def level_weight(self) -> np.ndarray:
        """Weight of each format: ``summit_weight`` at summit level, 1 otherwise."""
        return np.where(self.summit, self.params.summit_weight, 1.0)

    def dilution(self) -> np.ndarray:
        """Per state: ``1 / (1 + φ (N_i − 1))`` for the N_i formats it attends."""
        count = self.attending.sum(axis=1)
        return 1.0 / (1.0 + self.params.fragmentation_penalty * np.maximum(count - 1, 0))

    def leverage(self, cohesion: float, cohesion_leverage: float) -> np.ndarray:
        """Bargaining leverage multiplier per state (≥ 1)."""
        weighted = (self.attending * self.level_weight[None, :]).sum(axis=1)
        return 1.0 + self.params.leverage_per_format * weighted * self.dilution() + cohesion_leverage * cohesion

    def sponsor_bonus(self) -> np.ndarray:
        """``[state, power]``: diplomatic offer a sponsor gains through its formats."""
        bonus = np.zeros((self.members.shape[0], self.n_powers))
        effect = self.attending * self.level_weight[None, :] * self.dilution()[:, None] * self.params.leverage_per_format
        for f, sponsor in enumerate(self.sponsor_index):
            if sponsor >= 0:
                bonus[:, sponsor] += effect[:, f]
        return bonus

    def c5_attendance(self) -> float:
        """Share of states attending an active format of their own (C5) this quarter."""
        own = self.attending[:, self.is_c5 & self.active]
        return float(own.any(axis=1).mean()) if own.size else 0.0

    @property
    def summit_count(self) -> int:
        """Number of active C5+X dialogues at summit level (organisations excluded)."""
        return int((self.active & self.summit & self.is_dialogue).sum())

    def fragmentation(self) -> float:
        """1 − Herfindahl index of level weights across sponsors of active dialogues.

        0 when one sponsor holds all active C5+X weight; approaches 1 as weight
        spreads over many sponsors.
        """
        mask = self.active & self.is_dialogue & (self.sponsor_index >= 0)
        if not mask.any():
            return 0.0
        weight = np.bincount(self.sponsor_index[mask], weights=self.level_weight[mask], minlength=self.n_powers)
        share = weight / weight.sum()
        return float(1.0 - (share**2).sum())
