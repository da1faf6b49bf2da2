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

from model.params import DOMAINS
from model.tables import Tables

C5 = "C5"
"""Sponsor code of the states' own formats (the consultative meetings)."""

SUMMIT = "summit"
"""The level of a heads-of-state format."""

SECURITY = DOMAINS.index("security")


class FormatArena:
    """Active formats, their levels, attendance and the leverage they yield.

    Args:
        tables: The run's live parameters (formats, institutions, states' neutrality).
        first_quarter: Ordinal of the horizon's first quarter (formats scheduled to
            reach summit level by then start at summit level).
    """

    def __init__(self, tables: Tables, first_quarter: int) -> None:
        self.tables = tables
        formats = tables.formats
        self.ids = formats.codes
        powers = tables.powers.codes
        self.sponsor_index = np.array([powers.index(s) if s in powers else -1 for s in formats.sponsor], dtype=int)
        self.is_c5 = np.array([s == C5 for s in formats.sponsor], dtype=bool)
        self.n_powers = len(powers)
        self.sponsor_matrix = np.array([[s == p for p in powers] for s in formats.sponsor], dtype=float).reshape(-1, len(powers))
        n_states = len(tables.states.codes)
        formats.level[formats.summit_from <= first_quarter] = SUMMIT
        self.active = np.zeros(len(self.ids), dtype=bool)
        self.attending = np.zeros((n_states, len(self.ids)), dtype=bool)

    @property
    def summit(self) -> np.ndarray:
        """Per format: meeting at summit level now."""
        return self.tables.formats.level == SUMMIT

    @property
    def is_dialogue(self) -> np.ndarray:
        """Per format: a C5+X dialogue (not a treaty organisation)."""
        return self.tables.formats.kind == "dialogue"

    def remember_2021(self, diplomacy: np.ndarray) -> None:
        """Record each state's 2021 diplomatic share with each format's sponsor (the reference of attendance)."""
        self.sponsor_share_2021 = np.where(self.sponsor_index >= 0, diplomacy[:, np.maximum(self.sponsor_index, 0)], 1.0)

    def step(self, quarter: int, rng: np.random.Generator | None, diplomacy: np.ndarray) -> None:
        """Update activity, levels and attendance for the quarter with ordinal ``quarter``.

        Args:
            quarter: Quarter ordinal (see :func:`model.calendar.quarter_ordinal`).
            rng: The model's generator (``None``: no endogenous upgrades, as at set-up).
            diplomacy: ``[state, power]`` diplomatic alignment.
        """
        formats = self.tables.formats
        self.active = (formats.start <= quarter) & (quarter <= formats.end)
        formats.level[self.active & (formats.summit_from == quarter)] = SUMMIT
        if rng is not None:
            self._endogenous_upgrades(rng)
        self.attending = formats.members.T & self.active[None, :] & self._willing(diplomacy)

    def _endogenous_upgrades(self, rng: np.random.Generator) -> None:
        formats = self.tables.formats
        candidates = (self.active & ~self.summit & (formats.summit_from == np.iinfo(np.int64).max)
                      & self.is_dialogue & (self.sponsor_index >= 0))
        if not candidates.any():
            return
        summit_sponsors = set(self.sponsor_index[self.active & self.summit & (self.sponsor_index >= 0)].tolist())
        rivals = np.array([len(summit_sponsors - {s}) for s in self.sponsor_index])
        hazard = np.minimum(1.0, self.tables.institutions.upgrade_hazard * rivals / max(self.n_powers, 1))
        formats.level[candidates & (rng.random(len(self.ids)) < hazard)] = SUMMIT

    def _willing(self, diplomacy: np.ndarray) -> np.ndarray:
        """``[state, format]``: the state still engages enough with the sponsor to attend.

        A state skips a sponsor's formats once its diplomatic share with the sponsor
        falls below ``attendance_threshold`` times its 2021 share (so quarter-to-quarter
        noise in a small share does not switch attendance on and off).
        """
        sponsor_share = np.where(self.sponsor_index >= 0, diplomacy[:, np.maximum(self.sponsor_index, 0)], 1.0)
        return sponsor_share >= self.tables.institutions.attendance_threshold * self.sponsor_share_2021

    @property
    def level_weight(self) -> np.ndarray:
        """Weight of each format: ``summit_weight`` at summit level, 1 otherwise."""
        return np.where(self.summit, self.tables.institutions.summit_weight, 1.0)

    def covered(self) -> np.ndarray:
        """``[state, format, domain]``: the state attends the format and the format covers the domain.

        A formally neutral state's attendance counts outside the security domain only (SU23-62).
        """
        covers = self.tables.formats.domains[None, :, :] & self.attending[:, :, None]
        covers[self.tables.states.neutrality, :, SECURITY] = False
        return covers

    def weight(self) -> np.ndarray:
        """``[state, format, domain]``: level weight of each attended format in each domain it covers, diluted.

        The dilution ``1 / (1 + φ (W − 1))`` counts the level-weighted formats W the
        state attends in that domain: formats compete with those covering the same
        issues (YA24-41).
        """
        weighted = self.covered() * self.level_weight[None, :, None]
        count = weighted.sum(axis=1)  # [state, domain]
        dilution = 1.0 / (1.0 + self.tables.institutions.fragmentation_penalty * np.maximum(count - 1, 0))
        return weighted * dilution[:, None, :]

    def leverage(self, cohesion: float) -> np.ndarray:
        """``[state, domain]`` leverage ℓ ≥ 0 from formats and regional cohesion."""
        inst, dom = self.tables.institutions, self.tables.domestic
        return inst.leverage_per_format * self.weight().sum(axis=1) + dom.cohesion_leverage * cohesion

    def sponsor_gain(self) -> np.ndarray:
        """``[state, domain, power]``: offer value each sponsor gains through its attended formats."""
        return self.tables.institutions.sponsor_gain * np.einsum("sfd,fp->sdp", self.weight(), self.sponsor_matrix)

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
