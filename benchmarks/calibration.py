"""What calibration as inference costs: an ABC fit's runs per second against the engine's on the same runs.

The fit is :func:`calibration.fit.fit` on the baseline and the library's targets
(prior screen, then pyabc with the engine-batched sampler) at the mode's
population; its work is the simulations it ran (the same every round: the fit
is seeded). The engine contender runs that many prior draws, at the fit's
horizon (2022Q4), through :class:`calibration.simulator.BatchSimulator` with
the same workers and nothing else. Their ratio is what pyabc's proposals,
weights and bookkeeping and the two-pass sampler cost on top of the runs; the
indicative target says whether ~10^5 runs finish within ten minutes.
"""

from __future__ import annotations

import numpy as np

from multivector.benchmarks.modes import ROOT_SEED, Sizes
from multivector.benchmarks.report import NOT_APPLICABLE, Report, at_least
from multivector.benchmarks.timing import Sample, interleave, rate_figure, timed
from multivector.calibration.fit import FitSettings, fit
from multivector.calibration.posterior import latin_unit
from multivector.calibration.simulator import BatchSimulator, run_seed
from multivector.calibration.targets import default_targets_path, read_targets
from multivector.ensemble.chunks import CHUNK_SIZE
from multivector.ensemble.executors import pool_context
from multivector.scenarios import resolve
from multivector.scenarios.designs import factors_of

MINUTES_FOR_1E5 = 10.0
"""Indicative target: a fit of 100,000 runs within this many minutes on a 2-core machine."""


def calibration_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """Time the fit and the engine on as many runs, interleaved; add both figures and the ratios."""
    resolved = resolve("baseline")
    targets = read_targets(default_targets_path(), resolved.scenario)
    settings = FitSettings(population=sizes.calibration_population, max_runs=10 * sizes.calibration_population + 2048,
                           seed=ROOT_SEED, workers=workers)
    simulations: list[int] = []

    def run_fit() -> Sample:
        def once() -> None:
            simulations.append(int(fit(resolved, targets, settings).info["simulations"]))

        return timed(once, pool_context().get_start_method() if workers > 1 else NOT_APPLICABLE)

    factors = factors_of(resolved, "uncertainty")
    simulator = BatchSimulator(resolved, factors, targets.of("fit"), workers=workers)
    low, high = np.array([f.low for f in factors]), np.array([f.high for f in factors])

    def run_engine() -> Sample:
        runs = simulations[-1]
        values = low + latin_unit(len(factors), runs, ROOT_SEED) * (high - low)
        seeds = [run_seed(ROOT_SEED, k, stream=5) for k in range(runs)]
        return timed(lambda: simulator(values, seeds), pool_context().get_start_method() if workers > 1 else NOT_APPLICABLE)

    fit_name = f"ABC fit of the baseline, {sizes.calibration_population:,} particles, {workers} workers"
    engine_name = f"engine at the fit's horizon, the fit's number of runs, {workers} workers"
    samples = interleave({fit_name: run_fit, engine_name: run_engine}, sizes.rounds)
    runs = simulations[-1]
    report.figures.append(rate_figure(fit_name, samples[fit_name], runs, "runs/s",
                                      f"prior screen, pyabc set-up, proposals, engine batches, weights, history database; "
                                      f"{runs:,} simulations to 2022Q4", CHUNK_SIZE))
    report.figures.append(rate_figure(engine_name, samples[engine_name], runs, "runs/s",
                                      f"{runs:,} prior draws through calibration.simulator.BatchSimulator, nothing else", CHUNK_SIZE))
    fit_rate, engine_rate = report.figure(fit_name).value, report.figure(engine_name).value
    report.ratios.append(at_least("ABC fit runs/s / engine runs/s on the same runs", fit_rate / engine_rate, 0.5,
                                  " (what pyabc and the two-pass sampler add)"))
    report.ratios.append(at_least(f"ABC fit runs/s / (100,000 runs in {MINUTES_FOR_1E5:g} min)",
                                  fit_rate / (100_000 / (60 * MINUTES_FOR_1E5)), 1.0, " (indicative, 2 cores)"))
