"""The Explore tab: the run's headline, its charts, the schematic map and the event log with the claims behind each entry."""

from __future__ import annotations

from html import escape

import solara

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.controls import scenario_title
from multivector.analysis.seminar.narrative import LogEntry, Translate, event_log
from multivector.analysis.seminar.play import SeminarModel
from multivector.analysis.seminar.regionmap import region_svg
from multivector.analysis.seminar.session import ExploreSession
from multivector.analysis.seminar.sources import claim_note


@solara.component
def Explore(session: ExploreSession, version: int, _: Translate, theme: str) -> None:
    """Every view of the tab's model, redrawn whenever ``version`` moves."""
    model = session.model
    with solara.Column(classes=["seminar-main"]):
        with solara.Column(classes=["seminar-card", "seminar-headline"]):
            solara.HTML(tag="h2", unsafe_innerHTML=escape(scenario_title(session.name, _)))
            reached = session.reached or _("the start")
            solara.HTML(tag="div", unsafe_innerHTML=escape(_("Seed {seed} · simulated through {quarter}").format(
                seed=session.seed, quarter=reached)))
        names = (scenario_title(session.name, _),)
        with solara.Div(classes=["seminar-grid"]):
            AlignmentCard(model, version, names, _, theme)
            ChartCard(_("Headline outcomes"), charts.headline_chart(model, names=names, tr=_, theme=theme))
            MapCard(model, version, _, theme)
            EventLogCard(model, version, _)
            ChartCard(_("Transport corridors"), charts.corridor_chart(model, names=names, tr=_, theme=theme))
            ChartCard(_("Cooperation formats"), charts.formats_chart(model, names=names, tr=_, theme=theme))


DOMAIN_WORDS = {"security": "Security", "economy": "Economy", "diplomacy": "Diplomacy"}
"""A domain's name in words, as a button or a heading shows it."""


@solara.component
def AlignmentCard(model: SeminarModel, version: int, names: tuple[str, ...], _: Translate, theme: str) -> None:
    """Alignment by bloc in one domain at a time (chosen here), each state full width."""
    domain, set_domain = solara.use_state("security")
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Alignment by bloc")))
        solara.ToggleButtonsSingle(value=domain, on_value=set_domain,
                                   children=[solara.Button(_(words), value=code) for code, words in DOMAIN_WORDS.items()])
        solara.FigureAltair(charts.alignment_chart(model, domain=domain, names=names, tr=_, theme=theme))


@solara.component
def ChartCard(title: str, chart: object) -> None:
    """One chart in a card."""
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(title))
        solara.FigureAltair(chart)


@solara.component
def MapCard(model: SeminarModel, version: int, _: Translate, theme: str) -> None:
    """The schematic map at the current quarter."""
    with solara.Column(classes=["seminar-card"]):
        quarter = model.quarters[model.t - 1] if model.t else _("2021, at the start")
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("The region in {quarter}").format(quarter=quarter)))
        solara.HTML(tag="div", unsafe_innerHTML=region_svg(model, _, dark=theme == "dark"))


def entry_html(entry: LogEntry, _: Translate) -> str:
    """One log entry with its claims: ID, article and the registry's paraphrase, folded under the line."""
    notes = [claim_note(c) for c in entry.claims]
    ids = ", ".join(n.id for n in notes)
    line = f"<b>{escape(entry.quarter)}</b> — {escape(entry.text)}"
    if not notes:
        return f"<li>{line}</li>"
    items = "".join(f"<li><span class='seminar-claim'>{escape(n.id)}</span>"
                    f"{' <span class=seminar-contested>' + escape(_('contested')) + '</span>' if n.contested else ''} "
                    f"{escape(n.article)}: {escape(n.text)}</li>" for n in notes)
    why = _("why: {claims}").format(claims=ids)
    return f"<li>{line} <details><summary class='seminar-small'>{escape(why)}</summary><ul class='seminar-small'>{items}</ul></details></li>"


@solara.component
def EventLogCard(model: SeminarModel, version: int, _: Translate) -> None:
    """What happened, newest first, each entry with the claims behind it."""
    entries = event_log(model, _)
    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Event log")))
        if not entries:
            text = _("Nothing notable yet.") if model.t else _("Nothing has happened yet: press Step one quarter.")
            solara.HTML(tag="div", unsafe_innerHTML=escape(text))
            return
        items = "".join(entry_html(e, _) for e in reversed(entries))
        solara.HTML(tag="ul", classes=["seminar-log"], unsafe_innerHTML=items)
