"""The seminar page's costs: one redraw of the explore view, matplotlib against Vega-Lite, and a class's predict batch.

* **Redraw.** The explore view shows four views of the model (alignment by bloc,
  headline outcomes, corridors, formats), redrawn on every quarter. Measured side
  by side in this process on the same models, interleaved quarter by quarter: the
  matplotlib figures of :mod:`analysis.seminar.figures`, each saved as PNG as
  ``solara.FigureMatplotlib(figure, format="png")`` saves it, against the Vega-Lite
  charts of :mod:`analysis.seminar.charts`, each built, turned into its spec
  (``chart.to_dict()``, which validates it, as ``solara.FigureAltair`` does) and
  serialised to JSON (what the page sends the browser). CPU seconds
  (``time.process_time``): on a shared machine, what one redraw takes from the
  other sessions; the median over the mode's quarters and rounds. The models are
  stepped beforehand, so stepping is not counted. The Vega-Lite charts of the
  side-by-side view (two scenarios) and the prediction histogram are measured too.
* **Predict.** A class's "predict, then run" batch: :func:`predict.run_prediction`
  of 100 seeds in this process (the page runs it in the server), wall and CPU.

Targets: a redraw of the explore view at most 0.3 s of CPU, a class predict of
100 runs at most 2 s.
"""

from __future__ import annotations

import gc
import io
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from multivector.benchmarks.modes import Sizes, baseline_scenario
from multivector.benchmarks.report import NOT_APPLICABLE, Figure, Report, at_least, at_most, load_average
from multivector.benchmarks.timing import Sample, seconds_figure
from multivector.ensemble.chunks import CHUNK_SIZE

REDRAW_TARGET_S = 0.3
"""Target: CPU seconds of one redraw of the explore view."""

PREDICT_TARGET_S = 2.0
"""Target: wall seconds of a class predict of :data:`PREDICT_RUNS` runs in one process."""

PREDICT_RUNS = 100
"""Runs of a class predict."""

SPEED_UP = 10.0
"""Target: the matplotlib redraw's CPU over the Vega-Lite redraw's (an order of magnitude)."""

PAGE_DPI = 150
"""Resolution of the second matplotlib variant: the page's figures were found drawn 1,125 px wide (7.5 in at 150 dpi)."""

STUDENTS = 25
"""Students' predictions pooled in the measured histogram."""


@dataclass(frozen=True)
class SeminarSizes:
    """Work of the seminar phase in one mode.

    Attributes:
        quarters: Quarters the model has run at each measured redraw (the median is over these and the rounds).
        predict_runs: Runs of the timed predict batch.
        page_dpi: Also time the matplotlib figures at :data:`PAGE_DPI`.
    """

    quarters: tuple[int, ...]
    predict_runs: int
    page_dpi: bool


SEMINAR_SIZES: dict[str, SeminarSizes] = {
    "full": SeminarSizes(quarters=(4, 12, 20, 28, 36, 40), predict_runs=PREDICT_RUNS, page_dpi=True),
    "quick": SeminarSizes(quarters=(4, 20, 40), predict_runs=PREDICT_RUNS, page_dpi=True),
    "tiny": SeminarSizes(quarters=(2,), predict_runs=4, page_dpi=False),
}
"""Mode → sizes (the rounds are the mode's)."""


def cpu(work: Callable[[], object]) -> Sample:
    """Run ``work`` once; its CPU seconds (``time.process_time``) as a sample with the load when it finished."""
    gc.collect()
    start = time.process_time()
    work()
    return Sample(time.process_time() - start, NOT_APPLICABLE, load_average())


def png(figure: Any, dpi: int | None = None) -> bytes:
    """A matplotlib figure as PNG, as ``solara.FigureMatplotlib(figure, format="png")`` makes it (or at ``dpi``)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", **({"dpi": dpi} if dpi else {}))
    return buffer.getvalue()


def spec_json(chart: Any) -> str:
    """A chart as the page sends it: its validated Vega-Lite spec, serialised."""
    return json.dumps(chart.to_dict())


def matplotlib_redraw(model: Any, dpi: int | None = None) -> int:
    """The explore view's four matplotlib figures drawn and saved as PNG; returns the alignment figure's width in pixels."""
    from multivector.analysis.seminar import figures

    widths = []
    for draw in (figures.alignment_figure, figures.headline_figure, figures.corridor_figure, figures.formats_figure):
        image = png(draw(model), dpi)
        widths.append(int.from_bytes(image[16:20], "big"))  # PNG header: width
    return widths[0]


def charts_redraw(model: Any, other: Any = None) -> int:
    """The explore view's four Vega-Lite charts built and serialised; returns the bytes sent."""
    from multivector.analysis.seminar import charts

    return sum(len(spec_json(chart)) for chart in charts.explore_charts(model, other))


def stepped_models(quarters: tuple[int, ...], scenario: str = "baseline") -> dict[int, Any]:
    """One model of ``scenario`` (seed 1) per quarter count, each stepped that many quarters."""
    from multivector.analysis.seminar.play import SeminarModel

    models = {}
    for q in quarters:
        model = SeminarModel(scenario, seed=1)
        for _ in range(q):
            model.step()
        models[q] = model
    return models


def seminar_phase(report: Report, sizes: Sizes) -> None:
    """Time the explore view's redraw both ways, interleaved, then the predict batch; add the figures and the ratios."""
    import matplotlib

    from multivector.analysis.seminar import charts, figures
    from multivector.analysis.seminar.predict import QUANTITIES, run_prediction

    seminar = SEMINAR_SIZES[report.mode]
    models, others = stepped_models(seminar.quarters), stepped_models(seminar.quarters, "sanctions_escalation")
    contenders: dict[str, Callable[[int], object]] = {"matplotlib": lambda q: matplotlib_redraw(models[q])}
    if seminar.page_dpi:
        contenders["matplotlib at page dpi"] = lambda q: matplotlib_redraw(models[q], PAGE_DPI)
    contenders["charts"] = lambda q: charts_redraw(models[q])
    contenders["charts side by side"] = lambda q: charts_redraw(models[q], others[q])
    for work in contenders.values():  # warm-up: imports, fonts, altair's schema
        work(seminar.quarters[0])
    samples: dict[str, list[Sample]] = {name: [] for name in contenders}
    for round_ in range(sizes.rounds):
        for q in seminar.quarters:
            for name, work in contenders.items():
                samples[name].append(cpu(lambda work=work, q=q: work(q)))
            print(f"  round {round_ + 1}/{sizes.rounds} quarter {q}: "
                  + ", ".join(f"{name} {s[-1].seconds:.3f} s" for name, s in samples.items()), file=sys.stderr)
    last = seminar.quarters[-1]
    width, width_dpi, sent = matplotlib_redraw(models[last]), matplotlib_redraw(models[last], PAGE_DPI), charts_redraw(models[last])
    over = f"median over quarters {', '.join(map(str, seminar.quarters))} × {sizes.rounds} rounds, interleaved, this process"
    backend = matplotlib.get_backend()
    report.figures += [
        seconds_figure("explore redraw, matplotlib figures + PNG, CPU", samples["matplotlib"],
                       f"alignment, headline, corridors, formats drawn and saved as PNG as solara.FigureMatplotlib does "
                       f"(alignment figure {width} px wide; backend {backend}); {over}"),
        *([seconds_figure(f"explore redraw, matplotlib figures + PNG at {PAGE_DPI} dpi, CPU", samples["matplotlib at page dpi"],
                          f"the same at {PAGE_DPI} dpi (alignment figure {width_dpi} px wide); {over}")] if seminar.page_dpi else []),
        seconds_figure("explore redraw, Vega-Lite charts + JSON, CPU", samples["charts"],
                       f"the four charts built, chart.to_dict() (validated) and json.dumps ({sent / 1e3:.0f} kB at quarter {last}); {over}"),
        seconds_figure("side-by-side redraw, Vega-Lite charts + JSON, CPU", samples["charts side by side"],
                       f"the four charts with baseline and sanctions_escalation on the same axes; {over}"),
    ]

    students = list(np.random.default_rng(1).random(STUDENTS))
    label = next(iter(QUANTITIES))
    text = QUANTITIES[label]
    scenario = baseline_scenario()
    verdict = run_prediction(scenario, text, 0.5, runs=seminar.predict_runs)  # warm-up; also the histogram's data
    histogram_samples: dict[str, list[Sample]] = {"matplotlib": [], "charts": []}
    predict_wall: list[Sample] = []
    predict_cpu: list[Sample] = []
    for round_ in range(sizes.rounds):
        histogram_samples["matplotlib"].append(cpu(lambda: png(figures.histogram_figure(verdict, label))))
        histogram_samples["charts"].append(cpu(lambda: spec_json(charts.prediction_histogram(verdict, label, students))))
        gc.collect()
        wall0, cpu0 = time.perf_counter(), time.process_time()
        run_prediction(scenario, text, 0.5, runs=seminar.predict_runs)
        wall, spent = time.perf_counter() - wall0, time.process_time() - cpu0
        load = load_average()
        predict_wall.append(Sample(wall, NOT_APPLICABLE, load))
        predict_cpu.append(Sample(spent, NOT_APPLICABLE, load))
        print(f"  round {round_ + 1}/{sizes.rounds} predict {seminar.predict_runs} runs: {wall:.2f} s wall, {spent:.2f} s CPU", file=sys.stderr)
    runs = seminar.predict_runs
    predict_includes = (f"predict.run_prediction of {runs} seeds of the baseline, metric {text}, serial in this process "
                        f"(chunks of {CHUNK_SIZE}); median over {sizes.rounds} rounds")
    report.figures += [
        seconds_figure("prediction histogram, matplotlib + PNG, CPU", histogram_samples["matplotlib"],
                       f"figures.histogram_figure of {len(verdict.values)} runs, saved as PNG"),
        seconds_figure("prediction histogram, Vega-Lite + JSON, CPU", histogram_samples["charts"],
                       f"charts.prediction_histogram of {len(verdict.values)} runs and {STUDENTS} students' predictions, to_dict + json.dumps"),
        _with_chunk(seconds_figure(f"class predict, {runs} runs, 1 process, wall", predict_wall, predict_includes)),
        _with_chunk(seconds_figure(f"class predict, {runs} runs, 1 process, CPU", predict_cpu, predict_includes)),
    ]
    redraw_mpl = report.figure("explore redraw, matplotlib figures + PNG, CPU").value
    redraw_charts = report.figure("explore redraw, Vega-Lite charts + JSON, CPU").value
    report.ratios += [
        at_most(f"explore redraw CPU, Vega-Lite charts / {REDRAW_TARGET_S:g} s", redraw_charts / REDRAW_TARGET_S, 1.0),
        at_least("explore redraw CPU, matplotlib figures / Vega-Lite charts", redraw_mpl / redraw_charts, SPEED_UP,
                 " (an order of magnitude)"),
        at_most(f"class predict of {runs} runs, wall / {PREDICT_TARGET_S:g} s", report.figure(f"class predict, {runs} runs, 1 process, wall").value
                / PREDICT_TARGET_S, 1.0, "" if runs == PREDICT_RUNS else f" (target for {PREDICT_RUNS} runs)"),
    ]
    if runs != PREDICT_RUNS:
        report.notes.append(f"class predict measured on {runs} runs (the full and quick modes: {PREDICT_RUNS})")


def _with_chunk(figure: Figure) -> Figure:
    """The figure with the engine's chunk size named."""
    return replace(figure, chunk_size=f"{CHUNK_SIZE} (default)")
