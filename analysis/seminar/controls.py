"""The page's left column: language and look, the scenario, the run's buttons and seed, and the scenario's levers.

Every control acts on the tab's :class:`~analysis.seminar.session.ExploreSession`
and then calls ``redraw`` so that every view shows the new state. Each card takes
the session's ``version`` as an argument: the session object stays the same, so
the version is what tells Solara that a card must be drawn again.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import solara

from multivector.analysis.seminar.i18n import LANGUAGES
from multivector.analysis.seminar.levers import Lever, lever_key, library
from multivector.analysis.seminar.narrative import Translate
from multivector.analysis.seminar.session import ExploreSession
from multivector.model.calendar import QUARTERS_PER_YEAR
from multivector.scenarios import list_scenarios


@solara.component
def LookCard(_: Translate, lang: solara.Reactive[str], theme: solara.Reactive[str], presentation: solara.Reactive[bool]) -> None:
    """Language, light or dark, and presentation mode (larger type)."""
    with solara.Column(classes=["seminar-card"]):
        solara.Select(label=_("Language"), values=list(LANGUAGES.values()), value=LANGUAGES[lang.value],
                      on_value=lambda name: lang.set(next(code for code, own in LANGUAGES.items() if own == name)))
        solara.ToggleButtonsSingle(value=theme.value, on_value=theme.set,
                                   children=[solara.Button(_("Light"), value="light"), solara.Button(_("Dark"), value="dark")])
        solara.Checkbox(label=_("Presentation mode (larger type)"), value=presentation)


def scenario_title(name: str, _: Translate) -> str:
    """A library scenario's title in the page's language (its name if it has none)."""
    return _(str(library(name).data.get("title") or name))


@solara.component
def ScenarioCard(session: ExploreSession, version: int, redraw: Callable[[], None], _: Translate) -> None:
    """Choose a scenario by its title; its question below."""
    names = list_scenarios()
    titles = {scenario_title(name, _): name for name in names}

    def choose(title: str) -> None:
        session.choose_scenario(titles[title])
        redraw()

    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Scenario")))
        solara.Select(label=_("Scenario"), values=list(titles), value=scenario_title(session.name, _), on_value=choose)
        question = library(session.name).data.get("question", "")
        if question:
            solara.HTML(tag="div", classes=["seminar-small"], unsafe_innerHTML=escape(_(str(question))))


@solara.component
def RunCard(session: ExploreSession, version: int, redraw: Callable[[], None], _: Translate) -> None:
    """Step, a year, to the end, Reset; the seed; how far the run has got."""

    def act(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            action()
            redraw()
        return run

    model = session.model
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Run")))
        reached = session.reached or _("the start (2021, before the first quarter)")
        solara.HTML(tag="div", unsafe_innerHTML=_("Simulated through {quarter} ({done} of {total} quarters)").format(
            quarter=f"<span class='seminar-quarter'>{escape(reached)}</span>", done=model.t, total=len(model.quarters)))
        with solara.Row(style="flex-wrap: wrap; gap: 6px"):
            solara.Button(_("Step one quarter"), on_click=act(session.step), disabled=not model.running, color="primary")
            solara.Button(_("Run a year"), on_click=act(lambda: session.step(QUARTERS_PER_YEAR)), disabled=not model.running)
            solara.Button(_("Run to the end"), on_click=act(session.run_to_end), disabled=not model.running)
            solara.Button(_("Reset"), on_click=act(session.reset), outlined=True)
        solara.InputInt(label=_("Seed (chance: unrest, format upgrades, designations)"), value=session.seed,
                        on_value=lambda seed: act(lambda: session.set_seed(seed))())


def lever_title(lever: Lever, _: Translate) -> str:
    """``Russia — capacity growth``, with the quarter a dated event's value holds from."""
    title = f"{_(lever.owner)} — {_(lever.quantity)}"
    return title if not lever.since else _("{title}, from {quarter}").format(title=title, quarter=lever.since)


@solara.component
def LeversCard(session: ExploreSession, version: int, redraw: Callable[[], None], _: Translate) -> None:
    """One slider per lever of the scenario: its name in words, value and unit, and the claims it encodes."""
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Levers")))
        solara.HTML(tag="div", classes=["seminar-small"],
                    unsafe_innerHTML=escape(_("Moving a lever restarts the run from 2021 with the new value.")))
        for lever in session.levers:
            LeverControl(lever, session, version, redraw, _).key(f"{session.name}-{lever_key(lever)}")


@solara.component
def LeverControl(lever: Lever, session: ExploreSession, version: int, redraw: Callable[[], None], _: Translate) -> None:
    """One lever."""
    key = lever_key(lever)
    value = session.values[key]

    def move(new: float) -> None:
        session.set_lever(key, new)
        redraw()

    with solara.Column(classes=["seminar-lever"], gap="2px"):
        contested = f"<span class='seminar-contested'>{escape(_('contested'))}</span>" if lever.contested else ""
        solara.HTML(tag="div", unsafe_innerHTML=(
            f"<span class='seminar-lever-name'>{escape(lever_title(lever, _))}</span>{contested}"
            f"<span class='seminar-lever-value'>{escape(lever.shown(value))}</span>"))
        solara.SliderFloat(label="", value=value, min=lever.low, max=lever.high, step=lever.step, on_value=move, thumb_label=False)
        claims = "".join(f"<li><span class='seminar-claim'>{escape(c.id)}</span> {escape(c.article)}: {escape(c.text)}</li>"
                         for c in lever.claims)
        why = escape(_(lever.doc)) + (f" — {escape(_(lever.assumption))}" if lever.assumption else "")
        solara.HTML(tag="details", classes=["seminar-small"], unsafe_innerHTML=(
            f"<summary>{escape(_('What it means, and its sources'))}</summary><div>{why}</div><ul>{claims}</ul>"))
