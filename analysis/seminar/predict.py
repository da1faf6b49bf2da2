"""Predict, then run: a menu of quantities, a small batch of seeds and the verdict on a prediction.

Quantities are metrics in the project's compact syntax (``model.metrics``), so
a student's question reads the same way as the scenario hypotheses do; any
other metric can be typed in.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import partial

import numpy as np

from multivector.calibration.posterior import Posterior, posterior_design, read_posterior
from multivector.ensemble.batch import coordinates, measure_chunk, run_metrics, run_seeds
from multivector.ensemble.executors import Serial
from multivector.model.calendar import quarter_range
from multivector.model.metrics import Metric, parse_metric
from multivector.model.params import Scenario
from multivector.scenarios import Resolved, resolve

QUANTITIES: dict[str, str] = {
    "Russia's security share in Tajikistan, 2026": "alignment[state=TJK,domain=security,power=RUS]@2026",
    "China's economic share in Kazakhstan, 2030": "alignment[state=KAZ,domain=economy,power=CHN]@2030",
    "The West's diplomatic share, mean of the five states, 2030": "bloc_share[domain=diplomacy,bloc=west]@2030",
    "Hedging index, mean of the five states, 2030": "hedging_index@2030",
    "Regional cohesion, 2030": "cohesion@2030",
    "C5+X dialogues at summit level, 2030": "summit_formats@2030",
    "Middle Corridor share of the region's freight, 2028–2030": "corridor_share[corridor=middle_corridor]@2028-2030",
    "Re-exports to Russia, all five states, 2024 (US$ bn/yr)": "circumvention[reduce=sum]@2024",
}
"""Menu label → metric text."""

DEFAULT_RUNS = 20
"""Seeds in a prediction batch: enough for a histogram, a few seconds on one core."""

ROOT_SEED = 2026
"""Root seed of prediction batches (run seeds are split from it, see ``ensemble.batch.run_seeds``)."""

POSTERIOR_ENV = "MULTIVECTOR_POSTERIOR"
"""Environment variable through which ``run.py viz --posterior FILE`` hands the page a calibration posterior."""

@dataclass(frozen=True)
class Verdict:
    """A prediction against the distribution of a batch.

    Attributes:
        metric: The metric's text.
        unit: Its unit.
        prediction: The student's number.
        values: One value per run.
        above: Share of runs above the prediction.
        below: Share of runs below it.
        over: What varies between the runs, in words.
    """

    metric: str
    unit: str
    prediction: float
    values: np.ndarray
    above: float
    below: float
    over: str = "seeds"

    @property
    def summary(self) -> str:
        """One sentence: where the prediction falls in the runs (in English; :meth:`text` in another language)."""
        return self.text()

    def text(self, _: Callable[[str], str] = str) -> str:
        """Where the prediction falls in the runs, through the page's translator ``_``."""
        q10, q50, q90 = np.quantile(self.values, [0.1, 0.5, 0.9])
        sentence = _("{above:.0%} of {runs} runs lie above your prediction {prediction:g} and {below:.0%} below; median {median:.3g}, "
                     "80% of runs between {low:.3g} and {high:.3g} ({unit}).").format(
            above=self.above, runs=len(self.values), prediction=self.prediction, below=self.below, median=q50, low=q10, high=q90,
            unit=self.unit)
        return sentence if self.over == "seeds" else f"{sentence} {_('The runs are posterior draws, each on its own seed.')}"


@functools.lru_cache(maxsize=32)
def library(name: str) -> Resolved:
    """A library scenario resolved once per process (the page asks for it on every render)."""
    return resolve(name)


def checked_metric(text: str, scenario: Scenario) -> Metric:
    """Parse a metric and check it against a scenario's labels and horizon.

    Raises:
        model.metrics.MetricError: With what is wrong and what would be valid.
    """
    metric = parse_metric(text)
    metric.check(coordinates(scenario), quarter_range(scenario.start, scenario.end))
    return metric


def run_prediction(scenario: Scenario, text: str, prediction: float, runs: int = DEFAULT_RUNS,
                   root_seed: int = ROOT_SEED, *, posterior: Posterior | None = None, name: str = "baseline",
                   fixed: Collection[str] = ()) -> Verdict:
    """Run ``runs`` seeds of a scenario (or posterior draws, each on its own seed) and compare a prediction.

    Args:
        scenario: The scenario to run (with the page's slider values).
        text: The metric, e.g. ``alignment[state=TJK,domain=security,power=RUS]@2026``.
        prediction: The student's number, in the metric's unit.
        runs: Number of runs.
        root_seed: Root seed the run seeds (and the posterior draws) are split from.
        posterior: Draw each run's uncertainties from this calibration posterior.
        name: The library scenario the page runs (whose ranges the posterior's draws are mapped into).
        fixed: Dotted key paths the student set with a slider: they keep the slider's value.
    """
    metric = checked_metric(text, scenario)
    seeds = run_seeds(root_seed, runs)
    if posterior is None:
        values = run_metrics({"run": scenario}, seeds, [metric])["run"][:, 0]
        over = "seeds"
    else:
        design = posterior_design(library(name), posterior, draws=runs, replicates=1, seed=root_seed)
        values = np.empty(runs)
        jobs = [(k, seeds[k], {path: value for path, value in design.values(k).items() if ".".join(path) not in fixed})
                for k in range(runs)]

        def store(result: tuple[np.ndarray, np.ndarray]) -> None:
            values[result[0]] = result[1][:, 0]

        Serial().run(scenario, jobs, store, partial(measure_chunk, (metric,)))
        over = "posterior draws, each on its own seed"
    return Verdict(text, metric.unit, float(prediction), values,
                   float(np.mean(values > prediction)), float(np.mean(values < prediction)), over)


@functools.lru_cache(maxsize=4)
def _posterior_at(path: str) -> Posterior:
    return read_posterior(path)


def page_posterior() -> Posterior | None:
    """The posterior ``run.py viz --posterior FILE`` handed to the page, if any."""
    path = os.environ.get(POSTERIOR_ENV)
    return _posterior_at(path) if path else None
