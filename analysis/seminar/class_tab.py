"""The "Class" tab of ``run.py viz --class``: one room, a lecturer's screen and the students' own browsers.

The lecturer's session is the one opened with the lecturer's address (it
carries the lecturer token, printed by ``run.py viz --class`` on the lecturer's
terminal only); it shows the join code and the address students type, opens
and closes prediction rounds, exports them as CSV, starts the shared game and
can force a quarter. Every other session is a student's: it joins with a name
and the join code, answers the open round, claims a state and moves it. The
shared state lives in :mod:`analysis.seminar.classroom`; every session
subscribes to it and redraws in its own kernel context when it changes.
Lecturer controls are built only for the lecturer's session, and the classroom
checks the token again on every lecturer action.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from html import escape
from urllib.parse import parse_qs

import numpy as np
import solara
from solara.server import kernel_context

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.classroom import Classroom, GameView, RoundView, classroom
from multivector.analysis.seminar.explore import DOMAIN_WORDS
from multivector.analysis.seminar.narrative import Translate
from multivector.analysis.seminar.play import DOMAINS, MOVES
from multivector.analysis.seminar.predict import QUANTITIES, Verdict
from multivector.analysis.seminar.regionmap import region_svg
from multivector.analysis.seminar.server import CLASS_ENV
from multivector.analysis.seminar.session import ExploreSession
from multivector.model.errors import InputError

TICK_SECONDS = 1.0
"""How often the server checks the shared game's deadline."""

_ticking = threading.Event()
logger = logging.getLogger(__name__)

Guard = Callable[[Callable[..., object]], Callable[..., None]]
"""Wraps a lecturer action so that a refusal shows as one line on the page."""


def class_mode() -> bool:
    """Whether the page serves a class (``run.py viz --class``)."""
    return bool(os.environ.get(CLASS_ENV))


def student_address() -> str:
    """The address students open, as ``run.py viz --class`` announced it."""
    return os.environ.get(CLASS_ENV, "")


def ensure_ticking(room: Classroom) -> None:
    """Start, once per server process, the thread that resolves a quarter whose deadline has passed."""
    if _ticking.is_set():
        return
    _ticking.set()

    def tick() -> None:
        while True:
            time.sleep(TICK_SECONDS)
            try:
                classroom().tick()
            except Exception:  # the clock must keep running whatever one tick met
                logger.exception("the classroom's clock failed on a tick")

    threading.Thread(target=tick, name="classroom-clock", daemon=True).start()


def lecturer_token_of(search: str | None) -> str | None:
    """The lecturer token in a page address's query (``?lecturer=…``), or ``None``."""
    values = parse_qs(search or "").get("lecturer")
    return values[0] if values else None


def use_guard() -> tuple[str, Guard]:
    """A component's last refusal, and a wrapper that runs an action and shows a refusal (bad input, no token) as one line."""
    error, set_error = solara.use_state("")

    def guarded(action: Callable[..., object]) -> Callable[..., None]:
        def run(*args: object) -> None:
            try:
                action(*args)
                set_error("")
            except (InputError, PermissionError) as problem:
                set_error(str(problem))
        return run

    return error, guarded


def use_classroom_updates() -> int:
    """Redraw this session whenever the classroom changes; returns a counter that moves with each change."""
    count, set_count = solara.use_state(0)

    def subscribe() -> Callable[[], None]:
        context = kernel_context.get_current_context()
        seen = [0]
        unsubscribe: list[Callable[[], None]] = []

        def listener(_change: str) -> None:
            seen[0] += 1
            try:
                if kernel_context.has_current_context() and kernel_context.get_current_context() is context:
                    set_count(seen[0])  # the change came from this very session: it is already the current one
                else:
                    with context:
                        set_count(seen[0])
            except Exception:  # the session has closed under us: stop listening, quietly
                for stop in unsubscribe:
                    stop()

        unsubscribe.append(classroom().subscribe(listener))
        return unsubscribe[0]

    solara.use_effect(subscribe, [])
    return count


@solara.component
def ClassTab(session: ExploreSession, version: int, _: Translate, theme: str) -> None:
    """The lecturer's screen or a student's, by the session's address.

    The classroom object stays the same while its contents change, so every component below takes ``changes``, a
    number that moves with each change: that is what tells Solara to draw it again.
    """
    room = classroom()
    ensure_ticking(room)
    changes = use_classroom_updates() + version  # either a change of the room or of the lecturer's own controls redraws
    token = lecturer_token_of(solara.use_router().search)
    if room.is_lecturer(token):
        Lecturer(room, changes, token, session, _, theme)
    else:
        Student(room, changes, session, _, theme)


# ------------------------------------------------------------------ the lecturer


@solara.component
def Lecturer(room: Classroom, changes: int, token: str | None, session: ExploreSession, _: Translate, theme: str) -> None:
    """Join code, seats, prediction rounds, the shared game."""
    error, guarded = use_guard()

    with solara.Column(classes=["seminar-main"]):
        with solara.Column(classes=["seminar-card"]):
            solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Class: the lecturer's screen")))
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("Students open {address} and join with the code:").format(
                address=student_address() or _("this page's address"))))
            solara.HTML(tag="div", classes=["seminar-joincode"], unsafe_innerHTML=escape(room.code))
            seats = room.seats()
            names = ", ".join(seat.name for seat in seats) or _("nobody yet")
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("{count} joined: {names}").format(count=len(seats), names=names)))
        if error:
            solara.Error(error)
        LecturerRound(room, changes, token, session, _, theme, guarded)
        LecturerGame(room, changes, token, session, _, theme, guarded)


@solara.component
def LecturerRound(room: Classroom, changes: int, token: str | None, session: ExploreSession, _: Translate, theme: str, guarded: Guard) -> None:
    """Open a question on the lecturer's scenario and levers, close it, show and export the answers."""
    label, set_label = solara.use_state(next(iter(QUANTITIES)))
    current = room.current_round()
    titles = {_(key): key for key in QUANTITIES}
    static_levers = {k: v for k, v in session.values.items() if "@" not in k}
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Prediction round")))
        if current is None or not current.is_open:
            solara.Select(label=_("Question"), values=list(titles), value=_(label), on_value=lambda t: set_label(titles[t]))
            solara.Button(_("Open the question to the class"), color="primary", on_click=guarded(
                lambda: room.open_round(token, _(label), QUANTITIES[label], session.name, static_levers)))
        else:
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("Open: {question} — {count} answers so far").format(
                question=current.question, count=len(current.answers))))
            solara.Button(_("Close and run the model"), color="primary", on_click=guarded(lambda: room.close_round(token)))
        if current is not None and not current.is_open:
            RoundResult(current, _, theme)
        if room.rounds():
            solara.FileDownload(lambda: room.csv_text(token).encode("utf-8"), filename="predictions.csv",
                                label=_("Export the answers (CSV)"))


def round_verdict(current: RoundView, mine: float | None) -> Verdict:
    """A closed round as a verdict on one prediction: the student's own, or (for the lecturer) the class's median."""
    values = current.model_values
    marked = float(mine) if mine is not None else float(np.median(current.student_values)) if current.answers else float(np.median(values))
    return Verdict(current.metric, current.unit, marked, values, float(np.mean(values > marked)), float(np.mean(values < marked)))


@solara.component
def RoundResult(current: RoundView, _: Translate, theme: str, mine: float | None = None) -> None:
    """The pooled answers against the model's distribution."""
    solara.FigureAltair(charts.prediction_histogram(round_verdict(current, mine), current.question, current.student_values.tolist(),
                                                    tr=_, theme=theme, whose="yours" if mine is not None else "class"))
    q = current.quantiles
    solara.HTML(tag="div", classes=["seminar-verdict"], unsafe_innerHTML=escape(_(
        "{answers} answers; the model: median {median:.3g}, 80% of {runs} runs between {low:.3g} and {high:.3g} ({unit}).").format(
        answers=len(current.answers), median=q[0.5], runs=len(current.model_values), low=q[0.1], high=q[0.9], unit=current.unit)))


@solara.component
def LecturerGame(room: Classroom, changes: int, token: str | None, session: ExploreSession, _: Translate, theme: str, guarded: Guard) -> None:
    """Start the shared game on the lecturer's scenario, seed and levers; watch it; force a quarter."""
    seconds, set_seconds = solara.use_state(60)
    game = room.game()
    claims = room.claims()
    static_levers = {k: v for k, v in session.values.items() if "@" not in k}
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Shared game")))
        solara.HTML(tag="div", unsafe_innerHTML=escape(_("States claimed: {claims}").format(
            claims=", ".join(f"{_(session.model.params.states[state].name or state)} ({name})" for state, name in claims.items())
            or _("none yet"))))
        solara.InputInt(label=_("Seconds per quarter"), value=seconds, on_value=set_seconds)
        solara.Button(_("Start the game"), color="primary", on_click=guarded(
            lambda: room.start_game(token, session.name, static_levers, session.seed, float(seconds) if seconds > 0 else None)))
        if game is not None:
            GameStatus(room, game, _, theme)
            solara.Button(_("Resolve this quarter now"), on_click=guarded(lambda: room.force_quarter(token)),
                          disabled=game.finished)


@solara.component
def GameStatus(room: Classroom, game: GameView, _: Translate, theme: str) -> None:
    """Where the shared game stands, and the region now."""
    left = "" if game.seconds_left is None else _(" · {seconds:.0f} s left").format(seconds=game.seconds_left)
    solara.HTML(tag="div", classes=["seminar-game"], unsafe_innerHTML=escape(_(
        "Playing {quarter}: {moved} of {claimed} states have moved{left}").format(
        quarter=game.quarter, moved=len(game.moved), claimed=len(game.claims), left=left)))
    svg = room.with_game(lambda model: region_svg(model, _, dark=theme == "dark"))
    solara.HTML(tag="div", unsafe_innerHTML=svg)


# ------------------------------------------------------------------ a student


@solara.component
def Student(room: Classroom, changes: int, session: ExploreSession, _: Translate, theme: str) -> None:
    """Join, answer the open question, claim a state and move it."""
    session_id = solara.get_session_id()
    seat = room.seat(session_id)
    with solara.Column(classes=["seminar-main"]):
        if seat is None:
            JoinForm(room, changes, session_id, _)
            return
        with solara.Column(classes=["seminar-card"]):
            solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Class: you are {name}").format(name=seat.name)))
        StudentRound(room, changes, session_id, _, theme)
        StudentGame(room, changes, session_id, session, _, theme)


@solara.component
def JoinForm(room: Classroom, changes: int, session_id: str, _: Translate) -> None:
    """Name and join code."""
    name, set_name = solara.use_state("")
    code, set_code = solara.use_state("")
    error, guarded = use_guard()
    join = guarded(lambda: room.join(session_id, name, code))

    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Join the class")))
        solara.InputText(label=_("Your name"), value=name, on_value=set_name, continuous_update=True)
        solara.InputText(label=_("Join code"), value=code, on_value=set_code, continuous_update=True)
        solara.Button(_("Join"), on_click=join, color="primary")
        if error:
            solara.Error(error)


@solara.component
def StudentRound(room: Classroom, changes: int, session_id: str, _: Translate, theme: str) -> None:
    """The open question and one's answer; once closed, the class's answers against the model's."""
    current = room.current_round()
    value, set_value = solara.use_state(0.5)
    error, guarded = use_guard()
    send = guarded(lambda: room.submit(session_id, value))

    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Prediction round")))
        if current is None:
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("No question yet: wait for the lecturer.")))
            return
        solara.HTML(tag="div", unsafe_innerHTML=escape(f"{current.question} ({current.unit})"))
        if current.is_open:
            solara.InputFloat(label=_("Your prediction"), value=value, on_value=set_value)
            solara.Button(_("Send my prediction"), on_click=send, color="primary")
            mine = dict(current.answers).get(room.seat(session_id).name) if room.seat(session_id) else None
            if mine is not None:
                solara.HTML(tag="div", classes=["seminar-sent"], unsafe_innerHTML=escape(_("Sent: {value:g}").format(value=mine)))
        else:
            RoundResult(current, _, theme, dict(current.answers).get(seat.name) if (seat := room.seat(session_id)) else None)
        if error:
            solara.Error(error)


@solara.component
def StudentGame(room: Classroom, changes: int, session_id: str, session: ExploreSession, _: Translate, theme: str) -> None:
    """Claim a state; each quarter, choose a lean per domain and send it."""
    moves, set_moves = solara.use_state(dict.fromkeys(DOMAINS, "model"))
    error, guarded = use_guard()
    claims = room.claims()
    seat = room.seat(session_id)
    mine = next((state for state, name in claims.items() if seat and name == seat.name), None)
    game = room.game()
    names = {code: _(session.model.params.states[code].name or code) for code in session.model.state_codes}

    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Shared game")))
        if mine is None:
            free = [state for state in session.model.state_codes if state not in claims]
            with solara.Row(style="flex-wrap: wrap; gap: 6px"):
                for state in free:
                    solara.Button(_("Play {state}").format(state=names[state]),
                                  on_click=guarded(lambda s=state: room.claim(session_id, s))).key(f"claim-{state}")
        else:
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("You govern {state}.").format(state=names[mine])))
        if game is None:
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("The game has not started yet.")))
        else:
            GameStatus(room, game, _, theme)
            if mine is not None and not game.finished:
                with solara.Row(style="flex-wrap: wrap; gap: 8px"):
                    for domain in DOMAINS:
                        solara.Select(label=_(DOMAIN_WORDS[domain]), values=[_(text) for text in MOVES.values()], value=_(MOVES[moves[domain]]),
                                      on_value=lambda words, d=domain: set_moves(
                                          {**moves, d: next(c for c, t in MOVES.items() if _(t) == words)}))
                solara.Button(_("Send my moves for {quarter}").format(quarter=game.quarter), color="primary",
                              on_click=guarded(lambda: room.submit_moves(session_id, moves)))
        if error:
            solara.Error(error)
