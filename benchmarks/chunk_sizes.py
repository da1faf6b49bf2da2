"""The chunk-size curve: runs per second of the engine, in one process, by runs stepped together (R).

At ``R = 1`` a step costs what its numpy calls cost to make, whatever their
size; as ``R`` grows, the same calls carry more runs until the arrays
outgrow the caches. The step time at ``R = 1`` bounds the calls' fixed cost,
so its share of a step at the default chunk size says how much of that step
is call overhead and how much is arithmetic over the runs.
"""

from __future__ import annotations

import statistics

from multivector.benchmarks.modes import ROOT_SEED, Sizes, baseline_scenario
from multivector.benchmarks.report import NOT_APPLICABLE, Figure, Report
from multivector.benchmarks.throughput import STEPS, engine_batch
from multivector.benchmarks.timing import Sample, interleave, rate_figure
from multivector.ensemble.batch import run_seeds
from multivector.ensemble.chunks import CHUNK_SIZE

CURVE_INCLUDES = "Serial executor in this process: {runs} runs as {engines} engine(s) of {size} runs, outcomes returned and dropped"


def curve_runs(size: int, at_least: int) -> int:
    """Runs timed at chunk size ``size``: whole chunks, at least ``at_least`` runs."""
    return size * max(1, -(-at_least // size))


def step_ms(sample: Sample, runs: int, size: int) -> float:
    """Milliseconds per engine step (one quarter of ``size`` runs)."""
    return sample.seconds / (runs / size) / STEPS * 1e3


def chunk_curve_phase(report: Report, sizes: Sizes) -> None:
    """Runs/s and µs per run-step at each chunk size, sizes interleaved; add figures and the call-overhead share."""
    scenario = baseline_scenario()
    runs = {size: curve_runs(size, sizes.curve_runs) for size in sizes.chunk_sizes}
    seeds = run_seeds(ROOT_SEED, max(runs.values()))
    contenders = {size: (lambda size=size: engine_batch(scenario, seeds[:runs[size]], 1, size)) for size in sizes.chunk_sizes}
    samples = interleave({f"engine, chunks of {size}": work for size, work in contenders.items()}, sizes.rounds)
    steps: dict[int, float] = {}
    for size in sizes.chunk_sizes:
        name = f"engine, chunks of {size}"
        includes = CURVE_INCLUDES.format(runs=runs[size], engines=runs[size] // size, size=size)
        figure = rate_figure(name, samples[name], runs[size], "runs/s", includes, size)
        per_run_step = tuple(1e6 / rate / STEPS for rate in figure.samples)
        report.figures.append(figure)
        report.figures.append(Figure(f"{name}: time per run-step", statistics.median(per_run_step), "µs",
                                     "one quarter of one run: seconds / (runs × 40 steps)", figure.start_method,
                                     figure.chunk_size, figure.load, per_run_step))
        steps[size] = statistics.median(step_ms(s, runs[size], size) for s in samples[name])
    _overhead_share(report, steps, report.figure(f"engine, chunks of {min(steps)}").load)


def _overhead_share(report: Report, steps: dict[int, float], load: float) -> None:
    """The step time of the smallest chunk as a share of a step at the default chunk size (or the largest measured)."""
    smallest = min(steps)
    reference = CHUNK_SIZE if CHUNK_SIZE in steps else max(steps)
    report.figures.append(Figure(f"engine step of {smallest} run(s)", steps[smallest], "ms",
                                 "one quarter, every numpy call made once for a single run: the calls' fixed cost", NOT_APPLICABLE,
                                 str(smallest), load))
    report.figures.append(Figure(f"engine step of {reference} runs", steps[reference], "ms", "one quarter of a whole chunk", NOT_APPLICABLE,
                                 str(reference), load))
    report.figures.append(Figure(f"call overhead in a step of {reference} runs", steps[smallest] / steps[reference] * 100, "%",
                                 f"step of {smallest} / step of {reference}: upper bound on the share of fixed per-call cost "
                                 "(the rest is arithmetic and memory traffic that grows with the runs)", NOT_APPLICABLE, str(reference), load))
