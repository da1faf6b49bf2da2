"""Batches of runs: one root seed split per run, executed in chunks serially, in worker processes or on Dask.

This module runs models and hands results to callbacks in the main process; it
writes no files (``ensemble.results`` does). Run seeds come from
``numpy.random.SeedSequence(root).spawn(n)``, so run ``k`` of any batch with the
same root seed gets the same seed whatever the scenario (common random numbers),
the chunk size and the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial

import numpy as np

from multivector.ensemble.chunks import Job, RunResult, each_run, simulate_chunk, simulate_job
from multivector.ensemble.executors import Dask, Processes, Serial, make_executor
from multivector.model.calendar import quarter_range
from multivector.model.metrics import Metric
from multivector.model.outcomes import coordinates, summarise_runs
from multivector.model.params import BLOCS, Scenario

__all__ = ["RunResult", "coordinates", "run_batch", "run_metrics", "run_seeds", "simulate_run", "summarise_chunk"]


def run_seeds(root_seed: int, n: int) -> list[int]:
    """Seeds of runs ``0 … n−1`` of a batch, split from one root seed (63-bit, so they fit int64 columns)."""
    children = np.random.SeedSequence(root_seed).spawn(n)
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for child in children]


def simulate_run(scenario: Scenario, index: int, seed: int) -> RunResult:
    """Run one model over the whole horizon without Mesa's data collector."""
    return simulate_job(scenario, (index, seed, {}))


def run_batch(
    scenario: Scenario,
    runs: Iterable[tuple[int, int] | Job],
    on_result: Callable[[RunResult], None],
    workers: int = 1,
    executor: Serial | Processes | Dask | None = None,
) -> None:
    """Run every ``(index, seed)`` (or ``(index, seed, values)``) job and pass each result to ``on_result``.

    Results arrive chunk by chunk in completion order; each carries its index
    and seed, so the data do not depend on the order, the executor, the chunk
    size or the number of workers. On ``KeyboardInterrupt`` pending chunks are
    cancelled and the interrupt is re-raised after every finished chunk has
    been handed over.

    Args:
        scenario: The resolved scenario (design values are applied per job).
        runs: Jobs; a pair means the scenario as it is.
        on_result: Called in the calling process for each finished run.
        workers: Worker processes when no executor is given (1 runs serially here).
        executor: Where to run (see ``ensemble.executors``).
    """
    jobs = ((run[0], run[1], run[2] if len(run) > 2 else {}) for run in runs)
    (executor or make_executor(workers)).run(scenario, jobs, each_run(on_result))


def metric_values(scenario: Scenario, seed: int, metrics: Sequence[Metric]) -> np.ndarray:
    """Run one model and return only the chosen metrics (one number each)."""
    return measure_chunk(tuple(metrics), scenario, [(0, seed, {})])[1][0]


def measure_chunk(metrics: tuple[Metric, ...], scenario: Scenario, jobs: list[Job]) -> tuple[np.ndarray, np.ndarray]:
    """Run a chunk and reduce each run to the chosen metrics where it ran (a chunk task).

    Returns:
        The jobs' indices and their metric values ``(runs, metrics)``.
    """
    chunk = simulate_chunk(scenario, jobs)
    coords, quarters = coordinates(scenario), quarter_range(scenario.start, scenario.end)
    values = np.array([[m.value(run.outcomes, coords, quarters) for m in metrics] for run in chunk.runs()])
    return chunk.indices, values.reshape(len(jobs), len(metrics))


def summarise_chunk(scenario: Scenario, jobs: list[Job]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Run a chunk and reduce each run to its end-of-horizon indicators where it ran (a chunk task).

    What a design or a calibration needs of most runs, with no outcome arrays
    sent back: ``executor.run(scenario, jobs, on_chunk, task=summarise_chunk)``.

    Returns:
        The jobs' indices and indicator → ``(runs,)`` values (``model.outcomes.summary_names``).
    """
    chunk = simulate_chunk(scenario, jobs)
    return chunk.indices, summarise_runs(chunk.outcomes, scenario.power_codes, BLOCS, scenario.state_codes)


def run_metrics(
    scenarios: Mapping[str, Scenario],
    seeds: Sequence[int],
    metrics: Sequence[Metric],
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
    executor: Serial | Processes | Dask | None = None,
) -> dict[str, np.ndarray]:
    """Run every scenario on the same seeds and collect the chosen metrics (paired runs).

    Run ``i`` of every scenario uses ``seeds[i]`` (common random numbers), so
    differences between scenarios are paired run by run. The runs of each
    scenario go to the executor in chunks and are reduced to the metrics where
    they ran, so only a few numbers per run travel back.

    Args:
        scenarios: Label → resolved scenario.
        seeds: Run seeds (see :func:`run_seeds`).
        metrics: What to measure in each run.
        workers: Worker processes when no executor is given (1 runs serially here).
        on_done: Called once per finished run (e.g. to advance a progress bar).
        executor: Where to run (see ``ensemble.executors``).

    Returns:
        Label → array ``(runs, metrics)``; the same whatever the executor, chunk size and workers.
    """
    executor = executor or make_executor(workers)
    values = {name: np.full((len(seeds), len(metrics)), np.nan) for name in scenarios}
    for name, scenario in scenarios.items():

        def store(result: tuple[np.ndarray, np.ndarray], into: np.ndarray = values[name]) -> None:
            indices, rows = result
            into[indices] = rows
            if on_done is not None:
                for _ in indices:
                    on_done()

        jobs = ((i, seed, {}) for i, seed in enumerate(seeds))
        executor.run(scenario, jobs, store, partial(measure_chunk, tuple(metrics)))
    return values
