"""A small Solara page showing the seminar's Vega-Lite charts (served by tests/test_seminar_charts.py).

It installs the offline assets as the seminar page does (at import), then shows
each chart of ``analysis/seminar/charts.py`` in an element of its own class, at
the width of the seminar page's chart column, and a Markdown paragraph with two
dollar signs, which must stay as written (no KaTeX from the network, no formula).
"""

import solara

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.assets import install_offline_assets
from multivector.analysis.seminar.play import SeminarModel
from multivector.analysis.seminar.predict import QUANTITIES, run_prediction

install_offline_assets()

COLUMN_PX = 600
"""Width of the column the charts are shown in (about the seminar page's chart column at 1366 px)."""

QUARTERS = 12
"""Quarters the models have run when the page shows them."""


def _model(scenario: str) -> SeminarModel:
    model = SeminarModel(scenario, seed=1)
    for _ in range(QUARTERS):
        model.step()
    return model


BASELINE = _model("baseline")
ESCALATION = _model("sanctions_escalation")
LABEL = next(iter(QUANTITIES))
VERDICT = run_prediction(BASELINE.params, QUANTITIES[LABEL], 0.55, runs=8)
STUDENTS = [0.4, 0.45, 0.5, 0.55, 0.55, 0.6, 0.62, 0.7]
WIDTH = COLUMN_PX - 40

CHARTS = {
    "alignment": lambda: charts.alignment_chart(BASELINE, domain="security", width=WIDTH),
    "headline": lambda: charts.headline_chart(BASELINE, width=WIDTH),
    "corridors": lambda: charts.corridor_chart(BASELINE),
    "formats": lambda: charts.formats_chart(BASELINE),
    "histogram": lambda: charts.prediction_histogram(VERDICT, LABEL, STUDENTS),
    "compare": lambda: charts.headline_chart(BASELINE, ESCALATION, width=WIDTH),
    "dark": lambda: charts.formats_chart(BASELINE, ESCALATION, theme="dark"),
}
"""Element class suffix → the chart shown in it (``chart-alignment``, …)."""


@solara.component
def Page():
    solara.Title("Seminar charts")
    with solara.Column(style={"max-width": f"{COLUMN_PX}px"}):
        solara.Markdown("Re-exports are counted in US$ bn a year; a fine of US$ 2 m is small. "
                        "<span class='markdown-check'>Both dollar signs stay as written.</span>")
        for name, chart in CHARTS.items():
            style = {"background": "#1e1e1e", "padding": "8px"} if name == "dark" else {}
            with solara.Div(classes=[f"chart-{name}"], style=style):
                solara.FigureAltair(chart())
