"""The shared state of one classroom: seats, prediction rounds and a shared game, for every session of the page.

Each browser tab of the seminar page is a session of its own; what the class
shares — who has joined, the open question and its answers, the one game and
its turn counter — lives in one :class:`Classroom` behind one lock, reached
through :func:`classroom` (one per server process). Nothing here imports Solara:
a page subscribes (:meth:`Classroom.subscribe`) and redraws in its own session
when told that something changed. Listeners are called after the lock is
released, each in the thread of the call that made the change, so a listener
must hand the change over to its own session (a Solara page calls its setter
inside that session's kernel context).

* **Seats.** A class is joined with the join code shown on the lecturer's screen
  (:data:`CODE_LENGTH` characters from :data:`CODE_ALPHABET`); a seat is keyed
  on the session id, so a refresh finds the same seat.
* **Prediction rounds.** The lecturer opens a question — a metric in the
  project's syntax (``model.metrics``) on a scenario with lever values — each
  student submits one number, and closing the round runs the model's
  distribution (:data:`ROUND_RUNS` seeds, ``predict.run_prediction``).
* **A shared game.** Up to one student per state claims a state; the lecturer
  starts the game; each quarter resolves once every claimed state has moved,
  when the quarter's deadline has passed (:meth:`Classroom.tick`) or when the
  lecturer forces it. The powers and unclaimed states follow the model. Every
  turn is logged, and :func:`replay` runs the log again to the same outcomes.

The lecturer's actions take the lecturer token, which is made at random when the
classroom is created and compared in constant time. There is no other
authentication: anyone on the network who knows the join code can take a seat.
"""

from __future__ import annotations

import csv
import hmac
import io
import logging
import os
import re
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np

from multivector.analysis.seminar.levers import library, scenario_with
from multivector.analysis.seminar.play import DOMAINS, Player, SeminarModel, checked_moves, model_kwargs
from multivector.analysis.seminar.predict import ROOT_SEED, checked_metric, run_prediction
from multivector.analysis.seminar.scorecard import Scorecard, reference_run, scorecard
from multivector.model.errors import InputError
from multivector.model.params import Scenario

logger = logging.getLogger(__name__)
T = TypeVar("T")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
"""Characters of a join code: capital letters and digits without the easily confused 0, 1, I, L and O."""

CODE_LENGTH = 6
"""Characters in a join code."""

MAX_SEATS = 40
"""Seats in a classroom."""

MAX_NAME = 40
"""Longest name a student can give (characters, after markup is stripped)."""

MAX_QUESTION = 200
"""Longest question text of a prediction round (characters)."""

ROUND_RUNS = 100
"""Seeds of the model's distribution when a round closes (about 0.3 s on one core for a library scenario)."""

QUANTILES: tuple[float, ...] = (0.1, 0.25, 0.5, 0.75, 0.9)
"""Quantiles of the model's distribution reported for each round (and in the export)."""

CODE_ENV = "MULTIVECTOR_CLASS_CODE"
"""The join code a server made for its class (``run.py viz --class`` makes it before the page listens)."""

TOKEN_ENV = "MULTIVECTOR_CLASS_TOKEN"
"""The lecturer token made with it (printed on the lecturer's terminal only)."""

DEFAULT_SCENARIO = "baseline"
"""The scenario whose states can be claimed before a game names its own."""

Change = Literal["seats", "round", "game"]
"""What changed, as a listener is told: the seats, a prediction round, or the game (claims included)."""

Listener = Callable[[Change], None]
"""A function called with what changed, after the change (see :meth:`Classroom.subscribe`)."""

How = Literal["moved", "timed out", "forced"]
"""How a state's move in a quarter came about: the player moved, the deadline passed first, or the lecturer forced the quarter."""


class ClassroomError(InputError):
    """An action that does not fit the classroom as it is (no open round, a state already claimed…); the message says what was expected."""


class WrongCodeError(ClassroomError):
    """A join code that is not this classroom's."""


# ----------------------------------------------------------------- views


@dataclass(frozen=True)
class Seat:
    """A student's seat.

    Attributes:
        session_id: The page session that took it.
        name: The student's name, stripped of markup.
        number: Order of joining, from 1.
    """

    session_id: str
    name: str
    number: int


@dataclass(frozen=True)
class Histogram:
    """Counts of the students' and the model's values over common bins.

    Attributes:
        edges: Bin edges, ``bins + 1`` values in the metric's unit.
        students: Students' answers per bin.
        model: Model runs per bin.
    """

    edges: np.ndarray
    students: np.ndarray
    model: np.ndarray


@dataclass(frozen=True)
class RoundView:
    """A prediction round as it stands (a copy: it does not change afterwards).

    Attributes:
        number: The round's number, from 1.
        question: The question, in the lecturer's words.
        metric: The metric's text (``model.metrics`` syntax).
        unit: The metric's unit.
        scenario: The scenario's name.
        levers: Dotted key path → value set for the round.
        is_open: Whether answers are still taken.
        answers: ``(student name, value)`` in the order the students joined.
        model_values: One value per model run once the round is closed; empty before.
    """

    number: int
    question: str
    metric: str
    unit: str
    scenario: str
    levers: dict[str, float]
    is_open: bool
    answers: tuple[tuple[str, float], ...]
    model_values: np.ndarray

    @property
    def student_values(self) -> np.ndarray:
        """The students' answers, pooled."""
        return np.array([value for _, value in self.answers], dtype=float)

    @property
    def quantiles(self) -> dict[float, float]:
        """Quantile (:data:`QUANTILES`) → model value; empty while the round is open."""
        if not self.model_values.size:
            return {}
        return dict(zip(QUANTILES, np.quantile(self.model_values, QUANTILES).tolist(), strict=True))

    def histogram(self, bins: int = 15) -> Histogram:
        """The students' answers and the model's runs counted over the same bins (spanning both).

        Args:
            bins: Number of bins.
        """
        pooled = np.concatenate([self.student_values, self.model_values])
        low, high = (float(pooled.min()), float(pooled.max())) if pooled.size else (0.0, 1.0)
        edges = np.histogram_bin_edges(pooled, bins=bins, range=(low, high) if high > low else (low - 0.5, low + 0.5))
        return Histogram(edges, np.histogram(self.student_values, edges)[0], np.histogram(self.model_values, edges)[0])


@dataclass(frozen=True)
class Turn:
    """One state's moves in one quarter of the shared game.

    Attributes:
        quarter: The quarter played (``"2021Q1"``).
        state: The state's code.
        moves: Domain → move code (``play.MOVES``), every domain.
        how: Whether the player moved, the deadline passed first ("as the model decides") or the lecturer forced it.
    """

    quarter: str
    state: str
    moves: Mapping[str, str]
    how: How


@dataclass(frozen=True)
class GameView:
    """The shared game as it stands (a copy).

    Attributes:
        scenario: The scenario's name.
        seed: The run's seed.
        levers: Dotted key path → value.
        finished: Whether the horizon has been played to its end.
        quarter: The quarter being played (the last one once finished).
        quarters_played: Quarters resolved so far.
        claims: State code → name of the student playing it.
        moved: Claimed states whose player has moved this quarter.
        deadline: When this quarter resolves without the missing moves (on the classroom's clock), or ``None``.
        seconds_left: Seconds to the deadline at the time of the copy (0 once passed), or ``None``.
        turns: Turns logged so far.
    """

    scenario: str
    seed: int
    levers: dict[str, float]
    finished: bool
    quarter: str
    quarters_played: int
    claims: dict[str, str]
    moved: frozenset[str]
    deadline: float | None
    seconds_left: float | None
    turns: int


# ----------------------------------------------------------------- state


@dataclass
class _Round:
    number: int
    question: str
    metric: str
    unit: str
    name: str
    levers: dict[str, float]
    scenario: Scenario
    answers: dict[str, float] = field(default_factory=dict)
    is_open: bool = True
    model_values: np.ndarray = field(default_factory=lambda: np.empty(0))


@dataclass
class _Game:
    name: str
    seed: int
    levers: dict[str, float]
    quarter_seconds: float | None
    model: SeminarModel
    deadline: float | None
    pending: dict[str, dict[str, str]] = field(default_factory=dict)
    log: list[Turn] = field(default_factory=list)


def clean_name(text: str) -> str:
    """A student's name without markup: tags removed, only letters, marks, digits, spaces and ``-.'`` kept, at most :data:`MAX_NAME` characters.

    A name never starts with a character a spreadsheet reads as a formula.
    """
    text = re.sub(r"<[^>]*>", " ", unicodedata.normalize("NFC", str(text)))
    kept = "".join(c for c in text if c.isspace() or c in "-.'" or unicodedata.category(c)[0] in "LMN")
    kept = " ".join(kept.split()).lstrip("-.' ")
    return kept[:MAX_NAME].rstrip()


def _same(given: str | None, secret: str) -> bool:
    """Whether ``given`` equals ``secret``, in time that does not depend on where they differ."""
    return isinstance(given, str) and hmac.compare_digest(given.encode("utf-8"), secret.encode("utf-8"))


class Classroom:
    """The seats, prediction rounds and shared game of one class, safe to use from many sessions at once.

    Args:
        now: The clock deadlines are measured on, in seconds (``time.monotonic``; tests pass their own).
        max_seats: Seats available.
        runs: Model runs behind each round's distribution.
        scenario: The scenario whose states can be claimed before a game is started.
        code: The join code (default: made at random).
        lecturer_token: The lecturer token (default: made at random).

    Attributes:
        code: The join code students type.
        lecturer_token: The secret that makes a session the lecturer's (show it to the lecturer only).
    """

    def __init__(self, *, now: Callable[[], float] = time.monotonic, max_seats: int = MAX_SEATS,
                 runs: int = ROUND_RUNS, scenario: str = DEFAULT_SCENARIO, code: str | None = None,
                 lecturer_token: str | None = None) -> None:
        """Create an empty classroom with the join code and lecturer token given, or fresh ones."""
        self.code = code or "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        self.lecturer_token = lecturer_token or secrets.token_urlsafe(24)
        self._now, self._max_seats, self._runs = now, int(max_seats), int(runs)
        self._states = {code: params.name or code for code, params in library(scenario).scenario.states.items()}
        self._lock = threading.RLock()  # re-entrant: a with_game reader may call the other methods
        self._listeners: list[Listener] = []
        self._seats: dict[str, Seat] = {}
        self._rounds: list[_Round] = []
        self._claims: dict[str, str] = {}  # state code → session id
        self._game: _Game | None = None

    # ------------------------------------------------------------ listeners

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with what changed after every change; returns the function that unsubscribes it."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _notify(self, change: Change) -> None:
        """Tell every listener, outside the lock; one that raises is logged and the others are still told."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(change)
            except Exception:
                logger.exception("a classroom listener failed on a %s change", change)

    # ------------------------------------------------------------ roles

    def is_lecturer(self, token: str | None) -> bool:
        """Whether ``token`` is the lecturer token (compared in constant time)."""
        return _same(token, self.lecturer_token)

    def _require_lecturer(self, token: str | None, action: str) -> None:
        if not self.is_lecturer(token):
            raise PermissionError(f"only the lecturer can {action}: the lecturer token is missing or wrong")

    # ------------------------------------------------------------ seats

    def join(self, session_id: str, name: str, code: str) -> Seat:
        """Take a seat, or find the one this session already has.

        Args:
            session_id: The page session's id (a refresh keeps it).
            name: The student's name; markup is stripped (:func:`clean_name`) and a name
                already taken gets a number after it.
            code: The join code, in any case, spaces ignored.

        Returns:
            The seat; on a rejoin from the same session, the seat it has (the name given is then ignored).

        Raises:
            WrongCodeError: If the code is not this classroom's.
            ClassroomError: If the name is empty once cleaned, or every seat is taken.
        """
        given = "".join(str(code).split()).upper()
        if not _same(given, self.code):
            raise WrongCodeError(f"wrong join code {given[:CODE_LENGTH * 2]!r}: expected the {CODE_LENGTH}-character code "
                            "on the lecturer's screen (letters and digits; no 0, 1, I, L or O)")
        with self._lock:
            if session_id in self._seats:
                return self._seats[session_id]
            cleaned = clean_name(name)
            if not cleaned:
                raise ClassroomError(f"a name is needed: letters or digits, up to {MAX_NAME} characters")
            if len(self._seats) >= self._max_seats:
                raise ClassroomError(f"the classroom is full: all {self._max_seats} seats are taken")
            taken = {seat.name for seat in self._seats.values()}
            unique, k = cleaned, 1
            while unique in taken:
                k += 1
                unique = f"{cleaned[:MAX_NAME - len(str(k)) - 3]} ({k})"
            seat = self._seats[session_id] = Seat(session_id, unique, len(self._seats) + 1)
        self._notify("seats")
        return seat

    def seat(self, session_id: str) -> Seat | None:
        """The seat of a session, or ``None``."""
        with self._lock:
            return self._seats.get(session_id)

    def seats(self) -> tuple[Seat, ...]:
        """Every seat, in the order of joining."""
        with self._lock:
            return tuple(self._seats.values())

    def _seated(self, session_id: str) -> Seat:
        seat = self._seats.get(session_id)
        if seat is None:
            raise ClassroomError("join the class first: this session has no seat")
        return seat

    # ------------------------------------------------------------ prediction rounds

    def open_round(self, token: str | None, question: str, metric: str, scenario: str = DEFAULT_SCENARIO,
                   levers: Mapping[str, float] | None = None) -> RoundView:
        """Open a prediction round (lecturer only).

        Args:
            token: The lecturer token.
            question: The question as the students read it.
            metric: What is predicted, in the metric syntax (``hedging_index@2030``).
            scenario: A library scenario name or a scenario file.
            levers: Dotted key path → value for the round's scenario.

        Raises:
            PermissionError: Without the lecturer token.
            ClassroomError: If a round is open already or the question is empty.
            model.errors.InputError: On a metric, scenario or lever value that does not fit.
        """
        self._require_lecturer(token, "open a prediction round")
        question = " ".join(str(question).split())[:MAX_QUESTION]
        if not question:
            raise ClassroomError("a question is needed: the text the students see")
        values = {str(path): float(value) for path, value in (levers or {}).items()}
        resolved = scenario_with(scenario, values)
        unit = checked_metric(metric, resolved).unit
        with self._lock:
            if self._rounds and self._rounds[-1].is_open:
                raise ClassroomError(f"round {self._rounds[-1].number} is still open: close it before opening another")
            entry = _Round(len(self._rounds) + 1, question, metric, unit, scenario, values, resolved)
            self._rounds.append(entry)
            view = self._round_view(entry)
        self._notify("round")
        return view

    def submit(self, session_id: str, value: float) -> RoundView:
        """A student's answer to the open round; a second answer replaces the first.

        Raises:
            ClassroomError: Without a seat, without an open round, or on a value that is not a finite number.
        """
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = float("nan")
        if not np.isfinite(number):
            raise ClassroomError(f"an answer must be a finite number; got {value!r}")
        with self._lock:
            self._seated(session_id)
            current = self._rounds[-1] if self._rounds else None
            if current is None or not current.is_open:
                raise ClassroomError("no round is open: wait for the lecturer's next question")
            current.answers[session_id] = number
            view = self._round_view(current)
        self._notify("round")
        return view

    def close_round(self, token: str | None) -> RoundView:
        """Close the open round and run the model's distribution (lecturer only; :data:`ROUND_RUNS` runs, well under 2 s).

        Raises:
            PermissionError: Without the lecturer token.
            ClassroomError: If no round is open.
        """
        self._require_lecturer(token, "close a prediction round")
        with self._lock:
            current = self._rounds[-1] if self._rounds else None
            if current is None or not current.is_open:
                raise ClassroomError("no round is open to close")
            pooled = list(current.answers.values())
            verdict = run_prediction(current.scenario, current.metric, float(np.median(pooled)) if pooled else 0.0,
                                     runs=self._runs, root_seed=ROOT_SEED)
            current.model_values, current.is_open = np.asarray(verdict.values, dtype=float), False
            view = self._round_view(current)
        self._notify("round")
        return view

    def rounds(self) -> tuple[RoundView, ...]:
        """Every round so far, the latest last."""
        with self._lock:
            return tuple(self._round_view(entry) for entry in self._rounds)

    def current_round(self) -> RoundView | None:
        """The latest round (open or closed), or ``None`` before the first."""
        with self._lock:
            return self._round_view(self._rounds[-1]) if self._rounds else None

    def _round_view(self, entry: _Round) -> RoundView:
        answers = tuple((seat.name, entry.answers[sid]) for sid, seat in self._seats.items() if sid in entry.answers)
        return RoundView(entry.number, entry.question, entry.metric, entry.unit, entry.name, dict(entry.levers),
                         entry.is_open, answers, entry.model_values.copy())

    def csv_text(self, token: str | None) -> str:
        """Every round as CSV, one row per answer (lecturer only).

        Columns: round, question, metric, unit, scenario, levers (``path=value; …``), student,
        value, and the model's quantiles ``model_q10`` … (empty while a round is open). A round
        without answers has one row with the student and value empty.

        Raises:
            PermissionError: Without the lecturer token.
        """
        self._require_lecturer(token, "export the rounds")
        quantile_names = [f"model_q{round(q * 100):02d}" for q in QUANTILES]
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["round", "question", "metric", "unit", "scenario", "levers", "student", "value", *quantile_names])
        for view in self.rounds():
            quantiles = [f"{view.quantiles[q]:.6g}" for q in QUANTILES] if view.quantiles else [""] * len(QUANTILES)
            common = [view.number, view.question, view.metric, view.unit, view.scenario,
                      "; ".join(f"{path}={value:g}" for path, value in view.levers.items())]
            for name, value in view.answers or (("", None),):
                writer.writerow([*common, name, "" if value is None else repr(value), *quantiles])
        return out.getvalue()

    # ------------------------------------------------------------ the shared game

    def claim(self, session_id: str, state: str) -> str:
        """Claim a state to play in the shared game; returns its name.

        A claim made while a game runs takes effect from the quarter being played.

        Raises:
            ClassroomError: Without a seat, on an unknown state, a state claimed by someone else,
                or a second state for the same student.
        """
        with self._lock:
            self._seated(session_id)
            states = self._playable()
            if state not in states:
                raise ClassroomError(f"unknown state {state!r}; one of: {', '.join(states)}")
            holder = self._claims.get(state)
            if holder == session_id:
                return states[state]
            if holder is not None:
                raise ClassroomError(f"{states[state]} is already played by {self._seats[holder].name}; choose another state")
            mine = [code for code, sid in self._claims.items() if sid == session_id]
            if mine:
                raise ClassroomError(f"you already play {states[mine[0]]}: release it before claiming another state")
            self._claims[state] = session_id
            if self._game is not None:
                self._game.model.add_player(Player(state))
        self._notify("game")
        return states[state]

    def release(self, session_id: str) -> None:
        """Give up the state this session plays: the model plays it from the quarter being played.

        If every other claimed state has moved already, the quarter resolves.
        """
        with self._lock:
            mine = [code for code, sid in self._claims.items() if sid == session_id]
            game = self._game
            for code in mine:
                del self._claims[code]
                if game is not None:
                    game.model.players.pop(code, None)
                    game.pending.pop(code, None)
            if mine and game is not None and game.model.running and self._claims and set(self._claims) <= set(game.pending):
                self._resolve(game, "timed out")
        if mine:
            self._notify("game")

    def claims(self) -> dict[str, str]:
        """State code → name of the student playing it."""
        with self._lock:
            return {code: self._seats[sid].name for code, sid in self._claims.items()}

    def _playable(self) -> dict[str, str]:
        """State code → name of the states that can be claimed (the game's, or the default scenario's)."""
        if self._game is None:
            return self._states
        return {code: params.name or code for code, params in self._game.model.params.states.items()}

    def start_game(self, token: str | None, scenario: str = DEFAULT_SCENARIO, levers: Mapping[str, float] | None = None,
                   seed: int = 1, quarter_seconds: float | None = None) -> GameView:
        """Start the shared game (lecturer only), replacing any game before it.

        Args:
            token: The lecturer token.
            scenario: A library scenario name or a scenario file.
            levers: Dotted key path → value.
            seed: The run's seed.
            quarter_seconds: Time for the players' moves each quarter (s); ``None``: no deadline.

        Raises:
            PermissionError: Without the lecturer token.
            ClassroomError: On a deadline that is not positive, or a claimed state the scenario does not have.
            model.errors.InputError: On a scenario or lever value that does not fit.
        """
        self._require_lecturer(token, "start a game")
        if quarter_seconds is not None and not quarter_seconds > 0:
            raise ClassroomError(f"the time per quarter must be positive (seconds) or none; got {quarter_seconds!r}")
        values = {str(path): float(value) for path, value in (levers or {}).items()}
        with self._lock:
            model = SeminarModel(scenario, seed=int(seed), **model_kwargs(values))
            missing = sorted(set(self._claims) - set(model.state_codes))
            if missing:
                raise ClassroomError(f"{scenario!r} has no state {', '.join(missing)}; its states: {', '.join(model.state_codes)}")
            for code in sorted(self._claims, key=model.state_codes.index):
                model.add_player(Player(code))
            self._game = _Game(scenario, int(seed), values, quarter_seconds, model, self._deadline(quarter_seconds))
            view = self._game_view(self._game)
        self._notify("game")
        return view

    def submit_moves(self, session_id: str, moves: Mapping[str, str]) -> bool:
        """The moves of a student's state for the quarter being played; a second submission replaces the first.

        A submission that arrives before the quarter resolves counts for it, even once the
        deadline has passed; the quarter then resolves at once.

        Args:
            session_id: The student's session.
            moves: Domain → move code (``play.MOVES``); a domain not given is "as the model decides".

        Returns:
            Whether the quarter resolved.

        Raises:
            ClassroomError: Without a seat, a claimed state or a running game, or on an unknown domain or move.
        """
        try:
            checked = checked_moves(moves)
        except ValueError as error:
            raise ClassroomError(str(error)) from error
        with self._lock:
            self._seated(session_id)
            game = self._running()
            mine = [code for code, sid in self._claims.items() if sid == session_id]
            if not mine:
                raise ClassroomError("claim a state first: only the players of claimed states move")
            game.pending[mine[0]] = checked
            resolved = set(self._claims) <= set(game.pending) or self._overdue(game)
            if resolved:
                self._resolve(game, "timed out")
        self._notify("game")
        return resolved

    def tick(self) -> bool:
        """Resolve the quarter if its deadline has passed (players who have not moved: "as the model decides").

        Returns:
            Whether a quarter resolved.
        """
        due = False
        with self._lock:
            game = self._game
            if game is not None and game.model.running and self._overdue(game):
                self._resolve(game, "timed out")
                due = True
        if due:
            self._notify("game")
        return due

    def force_quarter(self, token: str | None) -> GameView:
        """Resolve the quarter now (lecturer only); players who have not moved: "as the model decides".

        Raises:
            PermissionError: Without the lecturer token.
            ClassroomError: Without a running game.
        """
        self._require_lecturer(token, "force a quarter")
        with self._lock:
            game = self._running()
            self._resolve(game, "forced")
            view = self._game_view(game)
        self._notify("game")
        return view

    def game(self) -> GameView | None:
        """The shared game as it stands, or ``None`` before one is started."""
        with self._lock:
            return self._game_view(self._game) if self._game is not None else None

    def turns(self) -> tuple[Turn, ...]:
        """The game's turn log, in the order played."""
        with self._lock:
            return tuple(self._game.log) if self._game is not None else ()

    def with_game(self, read: Callable[[SeminarModel], T]) -> T:
        """Call ``read`` with the game's model under the lock and return what it returns.

        Every other session waits meanwhile: keep ``read`` short (copy arrays, draw figures
        from the copies outside). The lock is re-entrant, so ``read`` may call the classroom's
        other methods, but the listeners of a change it makes are then called before the lock is released.

        Raises:
            ClassroomError: Before a game is started.
        """
        with self._lock:
            if self._game is None:
                raise ClassroomError("no game has been started")
            return read(self._game.model)

    def replay_game(self) -> SeminarModel:
        """The game run again from its turn log on its seed (outside the lock): a model at the same quarter."""
        with self._lock:
            if self._game is None:
                raise ClassroomError("no game has been started")
            game = self._game
            name, seed, levers, log, quarters = game.name, game.seed, dict(game.levers), list(game.log), game.model.t
        return replay(name, seed, levers, log, quarters)

    def game_scorecard(self, state: str) -> Scorecard:
        """What a government weighs for one state of the game, beside its model's-rule run (``scorecard``).

        The played run is the game replayed from its log and the reference replays the other
        states' moves with this state under the model's rule, both outside the lock.

        Raises:
            ClassroomError: Before a quarter has been played.
        """
        played = self.replay_game()
        if played.t < 1:
            raise ClassroomError("no quarter has been played yet")
        return scorecard(played, state, reference_run(played, state))

    def turns_csv(self, token: str | None) -> str:
        """The game's turn log as CSV (lecturer only): quarter, state, one column per domain, how.

        Raises:
            PermissionError: Without the lecturer token.
        """
        self._require_lecturer(token, "export the game")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["quarter", "state", *DOMAINS, "how"])
        for turn in self.turns():
            writer.writerow([turn.quarter, turn.state, *(turn.moves[d] for d in DOMAINS), turn.how])
        return out.getvalue()

    def _running(self) -> _Game:
        if self._game is None:
            raise ClassroomError("no game is running: wait for the lecturer to start one")
        if not self._game.model.running:
            raise ClassroomError("the game is over: every quarter of the horizon has been played")
        return self._game

    def _deadline(self, seconds: float | None) -> float | None:
        return None if seconds is None else self._now() + seconds

    def _overdue(self, game: _Game) -> bool:
        return game.deadline is not None and self._now() >= game.deadline

    def _resolve(self, game: _Game, missing: How) -> None:
        """Step the game one quarter (under the lock): each claimed state takes its player's moves, or the model's."""
        model = game.model
        for code in sorted(self._claims, key=model.state_codes.index):
            moved = code in game.pending
            moves = game.pending.get(code, dict.fromkeys(DOMAINS, "model"))
            model.players[code].set_moves(moves)
            game.log.append(Turn(model.quarter, code, dict(moves), "moved" if moved else missing))
        model.step()
        game.pending.clear()
        game.deadline = self._deadline(game.quarter_seconds) if model.running else None

    def _game_view(self, game: _Game) -> GameView:
        now = self._now()
        return GameView(game.name, game.seed, dict(game.levers), not game.model.running, game.model.quarter, game.model.t,
                        {code: self._seats[sid].name for code, sid in self._claims.items()}, frozenset(game.pending),
                        game.deadline, None if game.deadline is None else max(game.deadline - now, 0.0), len(game.log))


def replay(scenario: str, seed: int, levers: Mapping[str, float], log: Sequence[Turn], quarters: int) -> SeminarModel:
    """Run a game again from its turn log.

    Args:
        scenario: The game's scenario.
        seed: Its seed.
        levers: Its lever values (dotted key path → value).
        log: Its turns.
        quarters: Quarters to run (the game's quarters played: a quarter without a claimed state logs no turn).

    Returns:
        The model after ``quarters`` quarters; its outcomes equal the game's bit for bit.
    """
    by_quarter: dict[str, dict[str, Mapping[str, str]]] = {}
    for turn in log:
        by_quarter.setdefault(turn.quarter, {})[turn.state] = turn.moves
    model = SeminarModel(scenario, seed=int(seed), players={code: Player(code) for code in {turn.state for turn in log}},
                         **model_kwargs(dict(levers)))
    while model.t < quarters and model.running:
        played = by_quarter.get(model.quarter, {})
        for code, player in model.players.items():
            player.set_moves(played.get(code, {}))
        model.step()
    return model


_current: Classroom | None = None
_current_lock = threading.Lock()


def classroom() -> Classroom:
    """The classroom of this server process, created on first use (every session of the page shares it).

    Its join code and lecturer token are the ones ``run.py viz --class`` made and put in the
    server's environment (:data:`CODE_ENV`, :data:`TOKEN_ENV`), else fresh ones.
    """
    global _current
    with _current_lock:
        if _current is None:
            _current = Classroom(code=os.environ.get(CODE_ENV), lecturer_token=os.environ.get(TOKEN_ENV))
        return _current


def new_classroom(**options: Any) -> Classroom:
    """Replace the classroom of this server process with a fresh one (new join code and lecturer token) and return it.

    Args:
        **options: Keyword arguments of :class:`Classroom`.
    """
    global _current
    with _current_lock:
        _current = Classroom(**options)
        return _current
