"""The model as the seminar page runs it: optional human players for some states, and utilities.

:class:`SeminarModel` is :class:`~multivector.mesa_model.MultivectorModel` with three
additions that leave the model's dynamics untouched when nobody plays:

* keyword arguments Mesa's ``SolaraViz`` can pass (``scenario``, ``seed`` and
  lever values by key path with ``__`` for dots);
* each quarter, the utility every state draws from its alignment under its own
  decision rule (:meth:`MultivectorModel.utility`: offers, ties, threat and the
  cost of dependence that quarter);
* :class:`Player` s, at most one per state: after the states decide, each
  player's state takes the alignment its player chose instead of the one its
  decision rule gave; states without a player follow their rule.

The model still draws the decision noise of every player's state, so the random
stream — and with it every other state's noise, unrest and format upgrades —
stays the same as in the run without players on the same seed, until the
players' different choices change what the others see. A player whose every
move is "as the model decides" leaves the run bit for bit as it is without them.

:func:`replay` and :func:`rerun` run the same scenario, seed and levers again
from recorded moves: with every player's moves (the same run again), or with
some players' moves left out (their states back under the model's rule).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
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
        moves: Domain → move code (see :data:`MOVES`) applied at the next step; they stay until changed.
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

    def set_moves(self, moves: Mapping[str, str]) -> None:
        """Set the moves of every domain at once; a domain not given is "as the model decides".

        Raises:
            ValueError: On an unknown domain or move (nothing is changed then).
        """
        self.moves = checked_moves(moves)


def checked_moves(moves: Mapping[str, str]) -> dict[str, str]:
    """A full set of moves, one per domain, with ``"model"`` for a domain not given.

    Args:
        moves: Domain → move code (see :data:`MOVES`).

    Raises:
        ValueError: On an unknown domain or move, naming the valid ones.
    """
    wrong = [f"{domain!r}: {move!r}" for domain, move in moves.items() if domain not in DOMAINS or move not in MOVES]
    if wrong:
        raise ValueError(f"unknown domain or move ({', '.join(wrong)}); domains: {', '.join(DOMAINS)}; moves: {', '.join(MOVES)}")
    return {domain: moves.get(domain, "model") for domain in DOMAINS}


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
    """The model with keyword parameters for the page, recorded utilities and optional players.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        seed: Seed of the run.
        player: The person playing one state, or ``None`` (kept for one player; see ``players``).
        players: State code → the person playing it, for several players (at most one per state).
        **kwargs: Scenario values by key path with ``__`` for dots
            (``sanctions__secondary_cost=1.2``), validated like file input.

    Attributes:
        scenario_name: The scenario as given.
        seed: The run's seed.
        player: The single player given as ``player``, or ``None``.
        players: State code → player, every player of the run (``player`` included).
        overrides: The scenario values given as keyword arguments.
        utilities: ``(steps, states)`` utility of each state each quarter; NaN before it is run.
        format_log: Per step run, the ids of active formats and of those at summit level.
        turns: Per step run, state code → the moves its player made that quarter (empty with no players).

    Raises:
        ValueError: On a player of an unknown state, two players of one state, or a ``players`` key
            that is not its player's state.
    """

    def __init__(self, scenario: str = "baseline", seed: int = 1, player: Player | None = None,
                 players: Mapping[str, Player] | None = None, **kwargs: Any) -> None:
        """Build the model; see the class docstring."""
        super().__init__(scenario, rng=int(seed), **kwargs)
        self.scenario_name, self.seed, self.player, self.overrides = scenario, int(seed), player, dict(kwargs)
        self.players: dict[str, Player] = {}
        for code, each in (players or {}).items():
            if code != each.state:
                raise ValueError(f"the player under {code!r} plays {each.state!r}: key each player by the state it plays")
            self.add_player(each)
        if player is not None and self.players.get(player.state) is not player:
            self.add_player(player)
        self.utilities = np.full((len(self.quarters), len(self.states)), np.nan)
        self.format_log: list[tuple[frozenset[str], frozenset[str]]] = []
        self.turns: list[dict[str, dict[str, str]]] = []

    def add_player(self, player: Player) -> None:
        """Seat a player for a state that has none; it plays from the next quarter on.

        Raises:
            ValueError: On an unknown state or a state that already has a player.
        """
        if player.state not in self.state_codes:
            raise ValueError(f"unknown state {player.state!r}; one of: {', '.join(self.state_codes)}")
        if player.state in self.players:
            raise ValueError(f"{player.state} already has a player; one player per state")
        self.players[player.state] = player

    def step(self) -> None:
        """One quarter, with the players' choices for their states and the formats' log."""
        self._before = self.alignment.copy()
        super().step()
        ids, arena = self.arena.ids, self.arena
        self.format_log.append((frozenset(f for f, on in zip(ids, arena.active, strict=True) if on),
                                frozenset(f for f, on in zip(ids, arena.summit[0], strict=True) if on)))

    def after_decide(self) -> None:
        """Apply each player's moves to their state, then record every state's utility."""
        self._apply_players(self._before)
        self.utilities[self.t] = self.utility()

    def _apply_players(self, before: np.ndarray) -> None:
        """Each player's state (in the scenario's order) takes the alignment its player's moves give."""
        applied: dict[str, dict[str, str]] = {}
        for i, (code, state) in enumerate(zip(self.state_codes, self.states, strict=True)):
            player = self.players.get(code)
            if player is None:
                continue
            moves = checked_moves(player.moves)
            state.alignment = np.stack([lean(before[i, d], state.alignment[d], moves[domain], self.bloc_of, state.params.adjustment_rate)
                                        for d, domain in enumerate(DOMAINS)])
            player.history.append(moves)
            applied[code] = dict(moves)
        self.turns.append(applied)


def replay(scenario: str, seed: int, turns: Sequence[Mapping[str, Mapping[str, str]]], **kwargs: Any) -> SeminarModel:
    """Run a scenario again from recorded moves, one quarter per entry of ``turns``.

    Args:
        scenario: A library scenario name or a path to a scenario file.
        seed: Seed of the run.
        turns: Per quarter from the start, state code → that state's moves (domain → move code);
            a state absent in a quarter follows the model's rule then.
        **kwargs: Scenario values by key path with ``__`` for dots, as for :class:`SeminarModel`.

    Returns:
        The model, stepped ``len(turns)`` quarters (or to the end of the horizon).
    """
    codes = sorted({code for turn in turns for code in turn})
    model = SeminarModel(scenario, seed=seed, players={code: Player(code) for code in codes}, **kwargs)
    for turn in turns:
        if not model.running:
            break
        for code, player in model.players.items():
            player.set_moves(turn.get(code, {}))
        model.step()
    return model


def rerun(model: SeminarModel, without: Collection[str] = ()) -> SeminarModel:
    """The same scenario, seed and levers over the quarters ``model`` has run, its players' moves replayed.

    Args:
        model: A model with players (or none), stepped some quarters.
        without: State codes whose players' moves are left out: those states follow the
            model's rule (all of the model's states: the model's-rule run).

    Returns:
        A new model at the same quarter; without ``without`` its outcomes equal ``model``'s bit for bit.
    """
    turns = [{code: moves for code, moves in turn.items() if code not in without} for turn in model.turns]
    return replay(model.scenario_name, model.seed, turns, **model.overrides)


def model_kwargs(levers: dict[str, float]) -> dict[str, float]:
    """Dotted lever paths → keyword arguments of :class:`SeminarModel` (``__`` for dots)."""
    return {path.replace(".", "__"): float(value) for path, value in levers.items()}
