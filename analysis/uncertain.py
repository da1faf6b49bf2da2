"""Paired comparisons under parameter uncertainty: a Latin hypercube over the uncertainties × seeds.

A scenario's conclusions should survive what we do not know, not only the
model's noise. Both scenarios of a comparison are run at the same points of a
Latin hypercube over their uncertainties (``role: uncertainty`` with a range)
and on the same seeds at every point, so each pair differs only by what the
scenario changes:

* one unit hypercube is drawn over the union of both scenarios' uncertainties
  (by key path);
* each scenario maps a point's unit coordinates into its *own* range for each
  of its uncertainties — a scenario that narrows or moves a range keeps its
  pairing — and leaves quantities it does not treat as uncertain at its value;
* every point runs with the same ``seeds_per_point`` seeds in both scenarios.

The paired differences over points × seeds then carry both sources of
spread, and their bootstrap interval says what survives both.

With a calibration's posterior (``calibration.posterior``) the points are
posterior draws instead: each draw's position within the calibrated range of a
quantity is mapped into each scenario's own range (the calibrated scenario gets
the posterior's values), uncertainties the posterior does not cover are spread
by the hypercube as before, and every draw runs on seeds of its own (the same
in both scenarios), so the intervals cover parameter uncertainty and seeds
together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from multivector.analysis.compare import PairedStats, compare_runs
from multivector.calibration.posterior import Posterior, latin_unit
from multivector.ensemble.batch import measure_chunk, run_seeds
from multivector.ensemble.executors import make_executor
from multivector.model.metrics import Metric
from multivector.scenarios.designs import Factor, factors_of
from multivector.scenarios.loader import Resolved

POINTS = 64
"""Latin-hypercube points per comparison: enough to spread each uncertainty over its range
and to narrow a check's interval to about a tenth of its tolerance."""

SEEDS_PER_POINT = 4
"""Seeds run at every point (the same in both scenarios)."""


@dataclass(frozen=True)
class PairedDesign:
    """Both scenarios at the same hypercube points.

    Attributes:
        names: Dotted key paths of the union of both scenarios' uncertainties.
        unit: ``(points, names)`` unit-hypercube coordinates.
        a: The reference scenario's values (key path → value) at each point.
        b: The compared scenario's values at each point.
        seeds: Seeds run at every point (the hypercube), or ``seeds_per_point`` seeds per point,
            point after point (a posterior: ``per_point``).
        per_point: Whether every point has seeds of its own.
    """

    names: tuple[str, ...]
    unit: np.ndarray
    a: tuple[dict[tuple[str, ...], Any], ...]
    b: tuple[dict[tuple[str, ...], Any], ...]
    seeds: tuple[int, ...]
    per_point: bool = False

    @property
    def seeds_per_point(self) -> int:
        """Runs at every point in each scenario."""
        return len(self.seeds) // len(self.a) if self.per_point else len(self.seeds)

    @property
    def runs(self) -> int:
        """Runs of both scenarios together."""
        return 2 * len(self.a) * self.seeds_per_point

    def seeds_at(self, point: int) -> tuple[int, ...]:
        """The seeds run at one point (the same in both scenarios)."""
        if not self.per_point:
            return self.seeds
        return self.seeds[point * self.seeds_per_point:(point + 1) * self.seeds_per_point]


def paired_design(a: Resolved, b: Resolved, points: int = POINTS, seeds_per_point: int = SEEDS_PER_POINT,
                  seed: int = 0, posterior: Posterior | None = None) -> PairedDesign:
    """Both scenarios at the same points over their uncertainties: a Latin hypercube, or posterior draws (module docstring)."""
    factors_a, factors_b = factors_of(a, "uncertainty"), factors_of(b, "uncertainty")
    names = tuple(sorted({f.name for f in factors_a} | {f.name for f in factors_b}))
    if posterior is None:
        unit = latin_unit(len(names), points, seed)
        seeds = tuple(run_seeds(seed, seeds_per_point))
    else:
        unit = posterior.unit_points(names, points, seed)
        seeds = tuple(run_seeds(seed, points * seeds_per_point))
    column = {name: j for j, name in enumerate(names)}
    values_a, values_b = (tuple(_at_point(factors, unit[k], column) for k in range(points)) for factors in (factors_a, factors_b))
    return PairedDesign(names, unit, values_a, values_b, seeds, per_point=posterior is not None)


def _at_point(factors: Sequence[Factor], unit: np.ndarray, column: dict[str, int]) -> dict[tuple[str, ...], Any]:
    values = {}
    for f in factors:
        value = f.low + unit[column[f.name]] * (f.high - f.low)
        values[f.path] = round(value) if f.integer else float(value)
    return values


def compare_under_uncertainty(a: Resolved, b: Resolved, metrics: Sequence[Metric], *, points: int = POINTS,
                              seeds_per_point: int = SEEDS_PER_POINT, seed: int = 0, workers: int = 1,
                              on_done: Callable[[], None] | None = None,
                              posterior: Posterior | None = None) -> tuple[list[PairedStats], PairedDesign]:
    """Paired statistics of each metric over points × seeds (B − A), and the design run.

    Args:
        a: The reference scenario.
        b: The compared scenario.
        metrics: What to measure in each run.
        points: Hypercube points (or posterior draws).
        seeds_per_point: Seeds at every point.
        seed: Root seed of the hypercube, the run seeds and the bootstrap.
        workers: Worker processes (1 runs serially).
        on_done: Called once per finished run.
        posterior: Draw the points from this calibration's posterior instead of the hypercube.
    """
    values, design = paired_values(a, b, metrics, points=points, seeds_per_point=seeds_per_point, seed=seed, workers=workers,
                                   on_done=on_done, posterior=posterior)
    return compare_runs([m.label for m in metrics], values["a"], values["b"], seed), design


def paired_values(a: Resolved, b: Resolved, metrics: Sequence[Metric], *, points: int = POINTS,
                  seeds_per_point: int = SEEDS_PER_POINT, seed: int = 0, workers: int = 1,
                  on_done: Callable[[], None] | None = None,
                  posterior: Posterior | None = None) -> tuple[dict[str, np.ndarray], PairedDesign]:
    """Each metric in every run of both scenarios (``{"a": (runs, metrics), "b": …}``, run ``k·seeds + s``), and the design."""
    design = paired_design(a, b, points, seeds_per_point, seed, posterior)
    executor = make_executor(workers)
    task = partial(measure_chunk, tuple(metrics))
    found = {}
    for arm, resolved, at in (("a", a, design.a), ("b", b, design.b)):
        per = design.seeds_per_point
        values = found[arm] = np.full((points * per, len(metrics)), np.nan)
        jobs = [(k * per + s, run_seed, at[k]) for k in range(points) for s, run_seed in enumerate(design.seeds_at(k))]

        def store(result: tuple[np.ndarray, np.ndarray], into: np.ndarray = values) -> None:
            indices, rows = result
            into[indices] = rows
            for _ in indices if on_done is not None else ():
                on_done()

        executor.run(resolved.scenario, jobs, store, task)
    return found, design
