"""The model as the seminar page runs it: an optional human player for one state, and utilities.

:class:`SeminarModel` is :class:`~multivector.mesa_model.MultivectorModel` with three
additions that leave the model's dynamics untouched when nobody plays:

* keyword arguments Mesa's ``SolaraViz`` can pass (``scenario``, ``seed`` and
  lever values by key path with ``__`` for dots);
* each quarter, the utility every state draws from its alignment under its own
  decision rule (:meth:`MultivectorModel.utility`: offers, ties, threat and the
  cost of dependence that quarter);
* a :class:`Player`: after the states decide, the player's state takes the
  alignment the player chose instead of the one its decision rule gave.

The model still draws the decision noise of the player's state, so the random
stream — and with it every other state's noise, unrest and format upgrades —
stays the same as in the run without a player on the same seed, until the
player's different choices change what the others see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from multivector.mesa_model import MultivectorModel
from multivector.model.params import BLOCS, DOMAINS
from multivector.model.simplex import project_to_simplex

MOVES: dict[str, str] = {
    "model": "as the model decides",
    "hold": "hold steady",
    "russia": "lean to Russia",
    "china": "lean to China",
    "west": "lean to the West",
    "other": "lean to the others",
    "spread": "spread evenly",
}
"""Move code → what the player's choice means, per domain and quarter."""


@dataclass
class Player:
    """A person playing one Central Asian state.

    Attributes:
        state: Code of the state played (``"KAZ"``).
        moves: Domain → move code (see :data:`MOVES`) applied at the next step.
        history: Moves applied, one dict per quarter played.
    """

    state: str
    moves: dict[str, str] = field(default_factory=lambda: dict.fromkeys(DOMAINS, "model"))
    history: list[dict[str, str]] = field(default_factory=list)

    def choose(self, domain: str, move: str) -> None:
        """Set the move for one domain.

        Raises:
            ValueError: On an unknown domain or move.
        """
        if domain not in DOMAINS or move not in MOVES:
            raise ValueError(f"unknown domain {domain!r} or move {move!r}; moves: {', '.join(MOVES)}")
        self.moves[domain] = move


def lean(before: np.ndarray, decided: np.ndarray, move: str, bloc_of: np.ndarray, rate: float) -> np.ndarray:
    """One domain's alignment after a player's move.

    Args:
        before: The alignment at the start of the quarter, ``[power]``.
        decided: What the state's decision rule chose this quarter, ``[power]``.
        move: A code of :data:`MOVES`.
        bloc_of: Bloc index (``model.params.BLOCS``) of each power.
        rate: Share of the way moved toward the chosen target in one quarter
            (the state's adjustment rate, the same speed limit the model's rule has).

    Returns:
        The new alignment row, on the simplex.
    """
    if move == "model":
        return decided
    if move == "hold":
        return before.copy()
    if move == "spread":
        toward = np.full_like(before, 1.0 / before.size)
    else:
        members = bloc_of == BLOCS.index(move)
        weights = np.where(members, before, 0.0)
        toward = weights / weights.sum() if weights.sum() > 0 else members / members.sum()
    return project_to_simplex((1 - rate) * before + rate * toward)


class SeminarModel(MultivectorModel):
    """The model with keyword parameters for the page, recorded utilities and an optional player.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        seed: Seed of the run.
        player: The person playing one state, or ``None``.
        **kwargs: Scenario values by key path with ``__`` for dots
            (``sanctions__secondary_cost=1.2``), validated like file input.

    Attributes:
        scenario_name: The scenario as given.
        seed: The run's seed.
        overrides: The scenario values given as keyword arguments.
        utilities: ``(steps, states)`` utility of each state each quarter; NaN before it is run.
        format_log: Per step run, the ids of active formats and of those at summit level.
    """

    def __init__(self, scenario: str = "baseline", seed: int = 1, player: Player | None = None, **kwargs: Any) -> None:
        """Build the model; see the class docstring."""
        super().__init__(scenario, rng=int(seed), **kwargs)
        self.scenario_name, self.seed, self.player, self.overrides = scenario, int(seed), player, dict(kwargs)
        if player is not None and player.state not in self.state_codes:
            raise ValueError(f"unknown state {player.state!r}; one of: {', '.join(self.state_codes)}")
        self.utilities = np.full((len(self.quarters), len(self.states)), np.nan)
        self.format_log: list[tuple[frozenset[str], frozenset[str]]] = []

    def step(self) -> None:
        """One quarter, with the player's choice for their state and the formats' log."""
        self._before = self.alignment.copy()
        super().step()
        ids, arena = self.arena.ids, self.arena
        self.format_log.append((frozenset(f for f, on in zip(ids, arena.active, strict=True) if on),
                                frozenset(f for f, on in zip(ids, arena.summit[0], strict=True) if on)))

    def after_decide(self) -> None:
        """Apply the player's moves to their state, then record every state's utility."""
        if self.player is not None:
            self._apply_player(self._before)
        self.utilities[self.t] = self.utility()

    def _apply_player(self, before: np.ndarray) -> None:
        i = self.state_codes.index(self.player.state)
        state = self.states[i]
        rows = [lean(before[i, d], state.alignment[d], self.player.moves[domain], self.bloc_of, state.params.adjustment_rate)
                for d, domain in enumerate(DOMAINS)]
        state.alignment = np.stack(rows)
        self.player.history.append(dict(self.player.moves))


def model_kwargs(levers: dict[str, float]) -> dict[str, float]:
    """Dotted lever paths → keyword arguments of :class:`SeminarModel` (``__`` for dots)."""
    return {path.replace(".", "__"): float(value) for path, value in levers.items()}
