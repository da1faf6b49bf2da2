"""The "Predict, then run" tab: write down a number, run the model many times, see where the number falls."""

from __future__ import annotations

from html import escape

import solara

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.narrative import Translate
from multivector.analysis.seminar.predict import QUANTITIES, page_posterior, run_prediction
from multivector.analysis.seminar.session import ExploreSession
from multivector.model.errors import InputError

CLASS_RUNS = 100
"""Runs behind a prediction: enough for a distribution a class can read."""


def question_label(menu_label: str, metric: str, _: Translate) -> str:
    """What the histogram is of: the menu's words when the metric is the menu's, else the metric as typed."""
    return _(menu_label) if QUANTITIES.get(menu_label) == metric else metric


@solara.component
def Predict(session: ExploreSession, version: int, _: Translate, theme: str) -> None:
    """Choose a quantity, write down a prediction, run the model and see where the prediction falls."""
    label, set_label = solara.use_state(next(iter(QUANTITIES)))
    text, set_text = solara.use_state(QUANTITIES[label])
    prediction, set_prediction = solara.use_state(0.5)
    result, set_result = solara.use_state(None)
    error, set_error = solara.use_state("")
    posterior = page_posterior()
    use_posterior, set_use_posterior = solara.use_state(posterior is not None)
    titles = {_(key): key for key in QUANTITIES}

    def pick(title: str) -> None:
        set_label(titles[title])
        set_text(QUANTITIES[titles[title]])

    def run() -> None:
        try:
            fixed = set(session.values)
            verdict = run_prediction(session.model.params, text, prediction, CLASS_RUNS,
                                     posterior=posterior if use_posterior else None, name=session.name, fixed=fixed)
            set_result((verdict, question_label(label, text, _)))
            set_error("")
        except InputError as problem:
            set_result(None)
            set_error(str(problem))

    with solara.Column(classes=["seminar-card"]):
        solara.HTML(tag="h2", unsafe_innerHTML=escape(_("Predict, then run")))
        solara.HTML(tag="div", unsafe_innerHTML=escape(_(
            "The scenario and levers as set on the left. Choose a quantity, write down your prediction, then run the model "
            "{runs} times.").format(runs=CLASS_RUNS)))
        solara.Select(label=_("Quantity"), values=list(titles), value=_(label), on_value=pick)
        solara.InputText(label=_("Metric (the model's syntax; edit it to ask something else)"), value=text, on_value=set_text)
        solara.InputFloat(label=_("Your prediction"), value=prediction, on_value=set_prediction)
        if posterior is not None:
            solara.Checkbox(label=_("Draw what we do not know from the calibration (posterior); the levers keep their values"),
                            value=use_posterior, on_value=set_use_posterior)
        solara.Button(_("Run the model {runs} times").format(runs=CLASS_RUNS), on_click=run, color="primary")
        if error:
            solara.Error(error)
        if result is not None:
            verdict, question = result
            solara.FigureAltair(charts.prediction_histogram(verdict, question, tr=_, theme=theme))
            solara.HTML(tag="div", classes=["seminar-verdict"], unsafe_innerHTML=escape(verdict.text(_)))
