"""Cooperation formats and the leverage their competition gives the states.

"Competitive multilateralism" (YA24-01..05): each active format a state attends
adds to its leverage *in the domains the format covers*, a summit-level format
more than a ministerial one, but the effect of each is diluted by how many
there are (YA24-41); acting as a group adds leverage in every domain
(ZE23-24, ZE23-33):

    ℓ[i, d] = κ · W_id / (1 + φ · (W_id − 1)) + κ_c · cohesion,    W_id = Σ_f attend[i, f] · w_f · covers[f, d]

with ``w_f`` the level weight (so ``W_id`` is the level-weighted count of the
formats state *i* attends in domain *d*, a summit counting ``summit_weight``
times: it crowds the agenda as much as it adds),
``κ`` leverage per format and ``φ`` the fragmentation penalty. For ``φ ≤ 1``
the leverage never falls when a format is added or upgraded: its derivative in
``W`` is ``κ (1 − φ) / (1 + φ (W − 1))²``. Leverage raises
the cost of concentrating on one partner in every rule but bandwagoning
(``model.decision_rules``), so it widens, never narrows, the states' spread.
Separately, a sponsor gains offer value with the states attending its formats,
in the domains they cover (``sponsor_gain``; YA24-39). A formally neutral state
(SU23-62) attends formats only outside the security domain.

A format meets from ``start`` to ``end``. Its level starts at ``level``, rises to
summit level on its scheduled date (digest §8) or, for a dialogue without one,
with a hazard that grows with the number of rival sponsors already at summit
level (YA24-39); a dated ``parameter`` event can also set it. The live level is
the ``formats.level`` entry of the run's tables.
"""

from __future__ import annotations

import numpy as np

from multivector.model.params import DOMAINS
from multivector.model.tables import Tables

C5 = "C5"
"""Sponsor code of the states' own formats (the consultative meetings)."""

SUMMIT = "summit"
"""The level of a heads-of-state format."""

SECURITY = DOMAINS.index("security")


class FormatArena:
    """Active formats, their levels, attendance and the leverage they yield, in every run.

    Args:
        tables: The runs' live parameters (formats, institutions, states' neutrality).
        first_quarter: Ordinal of the horizon's first quarter (formats scheduled to
            reach summit level by then start at summit level).

    Attributes:
        active: ``[format]`` meeting this quarter (dates are the same in every run).
        attending: ``[R, state, format]``.
    """

    def __init__(self, tables: Tables, first_quarter: int) -> None:
        self.tables = tables
        formats = tables.formats
        self.ids = formats.codes
        powers = tables.powers.codes
        self.sponsor_index = np.array([powers.index(s) if s in powers else -1 for s in formats.sponsor], dtype=int)
        self.is_c5 = np.array([s == C5 for s in formats.sponsor], dtype=bool)
        self.is_dialogue = np.array([k == "dialogue" for k in (formats.options["kind"][int(c)] for c in formats.kind[0])],
                                    dtype=bool)
        self.n_powers = len(powers)
        self.sponsor_matrix = np.array([[s == p for p in powers] for s in formats.sponsor], dtype=float).reshape(-1, len(powers))
        self.sponsored_by = [(p, np.flatnonzero(self.sponsor_index == p)) for p in range(len(powers))
                             if (self.sponsor_index == p).any()]
        self.summit_code = formats.options["level"].index(SUMMIT)
        formats.level[:, formats.summit_from <= first_quarter] = self.summit_code
        runs, n_states = tables.states.neutrality.shape
        self.active = np.zeros(len(self.ids), dtype=bool)
        self.attending = np.zeros((runs, n_states, len(self.ids)), dtype=bool)

    @property
    def summit(self) -> np.ndarray:
        """``[R, format]``: meeting at summit level now."""
        return self.tables.formats.level == self.summit_code

    def step(self, quarter: int, uniforms: np.ndarray | None, diplomacy: np.ndarray) -> None:
        """Update activity, levels and attendance for the quarter with ordinal ``quarter``.

        Args:
            quarter: Quarter ordinal (see :func:`model.calendar.quarter_ordinal`).
            uniforms: ``[R, format]`` this quarter's uniform draws of each run's format stream
                (``None``: no endogenous upgrades, as at set-up).
            diplomacy: ``[R, state, power]`` diplomatic alignment.
        """
        formats = self.tables.formats
        self.active = (formats.start <= quarter) & (quarter <= formats.end)
        formats.level[:, self.active & (formats.summit_from == quarter)] = self.summit_code
        if uniforms is not None:
            self._endogenous_upgrades(uniforms)
        self.attending = formats.members.T[None] & self.active & self._willing(diplomacy)
        self.weights = self._weight()

    def _endogenous_upgrades(self, uniforms: np.ndarray) -> None:
        formats = self.tables.formats
        summit = self.summit
        sponsored = self.sponsor_index >= 0
        candidates = (self.active & ~summit & (formats.summit_from == np.iinfo(np.int64).max)
                      & self.is_dialogue & sponsored)
        if not candidates.any():
            return
        at_summit = (self.active & summit & sponsored)[..., None] * self.sponsor_matrix  # [R, format, power]
        sponsors_at_summit = at_summit.max(axis=-2)  # [R, power]
        rivals = sponsors_at_summit.sum(axis=-1, keepdims=True) - (sponsors_at_summit @ self.sponsor_matrix.T)
        hazard = np.minimum(1.0, self.tables.institutions.upgrade_hazard[:, None] * rivals / max(self.n_powers, 1))
        formats.level[candidates & (uniforms < hazard)] = self.summit_code

    def remember_2021(self, diplomacy: np.ndarray) -> None:
        """Record each state's 2021 diplomatic share with each format's sponsor (the reference of attendance)."""
        self.sponsor_share_2021 = self._sponsor_share(diplomacy)

    def _sponsor_share(self, diplomacy: np.ndarray) -> np.ndarray:
        """``[R, state, format]`` each state's diplomatic share with each format's sponsor (1 for the states' own)."""
        return np.where(self.sponsor_index >= 0, diplomacy[..., np.maximum(self.sponsor_index, 0)], 1.0)

    def _willing(self, diplomacy: np.ndarray) -> np.ndarray:
        """``[R, state, format]``: the state still engages enough with the sponsor to attend.

        A state skips a sponsor's formats once its diplomatic share with the sponsor
        falls below ``attendance_threshold`` times its 2021 share (so quarter-to-quarter
        noise in a small share does not switch attendance on and off).
        """
        threshold = self.tables.institutions.attendance_threshold[:, None, None]
        return self._sponsor_share(diplomacy) >= threshold * self.sponsor_share_2021

    @property
    def level_weight(self) -> np.ndarray:
        """``[R, format]`` weight of each format: ``summit_weight`` at summit level, 1 otherwise."""
        return np.where(self.summit, self.tables.institutions.summit_weight[:, None], 1.0)

    def covered(self) -> np.ndarray:
        """``[R, state, format, domain]``: the state attends the format and the format covers the domain.

        A formally neutral state's attendance counts outside the security domain only (SU23-62).
        """
        covers = self.tables.formats.domains[None, None] & self.attending[..., None]
        neutral = self.tables.states.neutrality  # [R, state]
        covers[..., SECURITY] &= ~neutral[..., None]
        return covers

    def weight(self) -> np.ndarray:
        """``[R, state, format, domain]``: level weight of each attended format in each domain it covers, diluted.

        Computed once per quarter, when attendance is set (:meth:`step`).
        """
        return self.weights

    def _weight(self) -> np.ndarray:
        """``[R, state, format, domain]``: level weight of each attended format in each domain it covers, diluted.

        The dilution ``1 / (1 + φ (W − 1))`` counts the level-weighted formats W the
        state attends in that domain: formats compete with those covering the same
        issues (YA24-41).
        """
        weighted = self.covered() * self.level_weight[:, None, :, None]
        count = weighted.sum(axis=-2)  # [R, state, domain]
        penalty = self.tables.institutions.fragmentation_penalty[:, None, None]
        dilution = 1.0 / (1.0 + penalty * np.maximum(count - 1, 0))
        return weighted * dilution[:, :, None, :]

    def leverage(self, cohesion: np.ndarray) -> np.ndarray:
        """``[R, state, domain]`` leverage ℓ ≥ 0 from formats and regional cohesion (``cohesion`` ``[R]``)."""
        inst, dom = self.tables.institutions, self.tables.domestic
        formats = inst.leverage_per_format[:, None, None] * self.weight().sum(axis=-2)
        return formats + (dom.cohesion_leverage * cohesion)[:, None, None]

    def sponsor_gain(self) -> np.ndarray:
        """``[R, state, domain, power]``: offer value each sponsor gains through its attended formats."""
        weight = self.weight()  # [R, state, format, domain]
        gain = np.zeros((*weight.shape[:2], weight.shape[-1], self.n_powers))
        for power, formats in self.sponsored_by:  # a fixed order of addition: a run's sums do not depend on its chunk
            gain[..., power] = weight[:, :, formats, :].sum(axis=2)
        return self.tables.institutions.sponsor_gain[:, None, None, None] * gain

    def c5_attendance(self) -> np.ndarray:
        """``[R]`` share of states attending an active format of their own (C5) this quarter."""
        own = self.attending[..., self.is_c5 & self.active]
        return own.any(axis=-1).mean(axis=-1) if own.shape[-1] else np.zeros(own.shape[0])

    @property
    def summit_count(self) -> np.ndarray:
        """``[R]`` number of active C5+X dialogues at summit level (organisations excluded)."""
        return (self.active & self.summit & self.is_dialogue).sum(axis=-1)

    def fragmentation(self) -> np.ndarray:
        """``[R]`` 1 − Herfindahl index of level weights across sponsors of active dialogues.

        0 when one sponsor holds all active C5+X weight; approaches 1 as weight
        spreads over many sponsors.
        """
        mask = self.active & self.is_dialogue & (self.sponsor_index >= 0)
        weight = np.where(mask, self.level_weight, 0.0)  # [R, format]
        by_sponsor = (weight[..., None] * self.sponsor_matrix).sum(axis=-2)  # [R, power]
        total = by_sponsor.sum(axis=-1, keepdims=True)
        share = np.divide(by_sponsor, total, out=np.zeros_like(by_sponsor), where=total > 0)
        return np.where(total[..., 0] > 0, 1.0 - (share**2).sum(axis=-1), 0.0)
