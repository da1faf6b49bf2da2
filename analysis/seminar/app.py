"""The seminar page (Solara): explore a scenario, predict then run, compare side by side, play a state, read the model card.

Start it with ``run.py viz`` (or ``serve()`` in this package). The left column
holds the language and look, the scenario, the run's buttons and seed, and the
scenario's own levers; the tabs on the right show the same model. Each browser
tab has its own :class:`~analysis.seminar.session.ExploreSession`; every
control changes it and bumps a version number, and every view redraws from it.
"""

from __future__ import annotations

import solara
import solara.lab
import solara.server.settings

from multivector.analysis.seminar.assets import install_offline_assets
from multivector.analysis.seminar.card import model_card
from multivector.analysis.seminar.class_tab import ClassTab, class_mode
from multivector.analysis.seminar.compare_tab import SideBySide
from multivector.analysis.seminar.controls import LeversCard, LookCard, RunCard, ScenarioCard
from multivector.analysis.seminar.explore import Explore
from multivector.analysis.seminar.i18n import translator
from multivector.analysis.seminar.play_tab import Play
from multivector.analysis.seminar.predict_tab import Predict
from multivector.analysis.seminar.session import ExploreSession
from multivector.analysis.seminar.style import page_css

install_offline_assets()
solara.server.settings.theme.show_banner = False  # no "runs on Solara" badge over the page's text


@solara.component
def Page() -> None:
    """The whole page: the controls on the left, the tabs on the right."""
    lang = solara.use_reactive("en")
    theme = solara.use_reactive("light")
    presentation = solara.use_reactive(False)
    session = solara.use_memo(ExploreSession, [])
    version, set_version = solara.use_state(0)
    _ = translator(lang.value)

    def redraw() -> None:
        set_version(session.version)

    def follow_theme() -> None:
        solara.lab.theme.dark = theme.value == "dark"  # Vuetify's own controls (tabs, buttons, menus) follow the page's theme

    solara.use_effect(follow_theme, [theme.value])

    solara.Title(_("Multivector seminar"))
    solara.Style(page_css(theme.value, presentation.value))
    with solara.Div(classes=["seminar-page"]):
        with solara.Div(classes=["seminar-controls"]):
            LookCard(_, lang, theme, presentation)
            ScenarioCard(session, version, redraw, _)
            RunCard(session, version, redraw, _)
            LeversCard(session, version, redraw, _)
        with solara.Div(classes=["seminar-main"]), solara.lab.Tabs():
            with solara.lab.Tab(_("Explore")):
                Explore(session, version, _, theme.value)
            with solara.lab.Tab(_("Predict, then run")):
                Predict(session, version, _, theme.value).key(f"predict-{session.name}")
            with solara.lab.Tab(_("Side by side")):
                SideBySide(session, version, _, theme.value).key(f"compare-{session.name}")
            with solara.lab.Tab(_("Play a state")):
                Play(session, version, _).key(f"play-{session.name}-{session.seed}")
            if class_mode():
                with solara.lab.Tab(_("Class")):
                    ClassTab(session, version, _, theme.value)
            with solara.lab.Tab(_("Model card")), solara.Column(classes=["seminar-card"]):
                solara.Markdown(model_card(lang.value))
