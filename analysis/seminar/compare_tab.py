"""The "Side by side" tab: the tab's scenario against another scenario, or against itself with one claim switched off.

Both runs use the levers, seed and horizon shown on the left and run to the end;
the charts draw them on the same axes, so a difference on screen is the
difference between the two worlds and not between two draws of chance.
"""

from __future__ import annotations

from html import escape

import solara

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.controls import scenario_title
from multivector.analysis.seminar.levers import defaults_of, library, scenario_with
from multivector.analysis.seminar.narrative import Translate
from multivector.analysis.seminar.play import SeminarModel
from multivector.analysis.seminar.session import ExploreSession
from multivector.analysis.seminar.sources import claim_note
from multivector.scenarios import list_scenarios
from multivector.scenarios.ablation import switchable_claims


def run_to_end(model: SeminarModel) -> SeminarModel:
    """Step a model to the end of its horizon and return it."""
    while model.running:
        model.step()
    return model


def pair(session: ExploreSession, other: str | None, claim_off: str | None) -> tuple[SeminarModel, SeminarModel]:
    """The tab's scenario and its counterpart, both run to the end on the tab's seed.

    Args:
        session: The tab's state (scenario, levers, seed).
        other: Another library scenario (at its own lever values), or ``None``.
        claim_off: A claim to switch off in the tab's own scenario instead, or ``None``.
    """
    mine = run_to_end(SeminarModel(scenario_with(session.name, session.values), seed=session.seed))
    if claim_off:
        theirs = SeminarModel(scenario_with(session.name, session.values, claims_off=(claim_off,)), seed=session.seed)
    else:
        name = other or session.name
        theirs = SeminarModel(scenario_with(name, defaults_of(name)), seed=session.seed)
    return mine, run_to_end(theirs)


@solara.component
def SideBySide(session: ExploreSession, version: int, _: Translate, theme: str) -> None:
    """Pick the counterpart, then both runs on the same axes."""
    mode, set_mode = solara.use_state("scenario")
    other, set_other = solara.use_state("baseline" if session.name != "baseline" else "de_russification")
    claims = switchable_claims(library(session.name))
    claim, set_claim = solara.use_state(claims[0] if claims else "")
    titles = {scenario_title(name, _): name for name in list_scenarios()}
    claim_labels = {f"{c} — {claim_note(c).text[:90]}": c for c in claims}
    claim = claim if claim in claims else (claims[0] if claims else "")

    models = solara.use_memo(lambda: pair(session, other if mode == "scenario" else None, claim if mode == "claim" else None),
                             [session.name, session.seed, tuple(sorted(session.values.items())), mode, other, claim])
    mine, theirs = models
    label_mine = scenario_title(session.name, _)
    label_theirs = (scenario_title(other, _) if mode == "scenario"
                    else _("{title}, without {claim}").format(title=label_mine, claim=claim))

    with solara.Column(classes=["seminar-main"]):
        with solara.Column(classes=["seminar-card"]):
            solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Side by side")))
            solara.HTML(tag="div", unsafe_innerHTML=escape(_(
                "Both runs use the seed and levers on the left and run to 2030; the charts draw them on the same axes.")))
            solara.ToggleButtonsSingle(value=mode, on_value=set_mode, children=[
                solara.Button(_("Against another scenario"), value="scenario"),
                solara.Button(_("Against this scenario with a claim switched off"), value="claim", disabled=not claims)])
            if mode == "scenario":
                solara.Select(label=_("Other scenario"), values=list(titles), value=scenario_title(other, _),
                              on_value=lambda title: set_other(titles[title]))
            else:
                solara.Select(label=_("Claim switched off"), values=list(claim_labels),
                              value=next((k for k, v in claim_labels.items() if v == claim), None),
                              on_value=lambda text: set_claim(claim_labels[text]))
        names = (label_mine, label_theirs)
        with solara.Div(classes=["seminar-grid"]):
            for domain in ("security", "economy"):
                with solara.Column(classes=["seminar-card"]):
                    solara.HTML(tag="h3", unsafe_innerHTML=escape(_("Alignment by bloc: {domain}").format(domain=_(domain))))
                    solara.FigureAltair(charts.alignment_chart(mine, theirs, domain=domain, names=names, tr=_, theme=theme))
            for title, draw in ((_("Headline outcomes"), charts.headline_chart), (_("Transport corridors"), charts.corridor_chart),
                                (_("Cooperation formats"), charts.formats_chart)):
                with solara.Column(classes=["seminar-card"]):
                    solara.HTML(tag="h3", unsafe_innerHTML=escape(title))
                    solara.FigureAltair(draw(mine, theirs, names=names, tr=_, theme=theme))
