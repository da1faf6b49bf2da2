"""Batches of runs: one root seed split per run, executed serially, in worker processes or on Dask.

This module runs models and hands each finished run to a callback in the main
process; it writes no files (``ensemble.results`` does). Run seeds come from
``numpy.random.SeedSequence(root).spawn(n)``, so run ``k`` of any batch with the
same root seed gets the same seed whatever the scenario (common random numbers)
and whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

import numpy as np

from ensemble.chunks import Job, RunResult, run_to_end, simulate_job
from ensemble.executors import Dask, Processes, Serial, make_executor, pool_context
from model.calendar import quarter_range
from model.metrics import Metric
from model.outcomes import coordinates
from model.params import Scenario


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

    Results arrive in completion order; each carries its index and seed, so the
    data do not depend on the order, the executor or the number of workers. On
    ``KeyboardInterrupt`` pending runs are cancelled and the interrupt is
    re-raised after every finished run has been handed over.

    Args:
        scenario: The resolved scenario (design values are applied per job).
        runs: Jobs; a pair means the scenario as it is.
        on_result: Called in the calling process for each finished run.
        workers: Worker processes when no executor is given (1 runs serially here).
        executor: Where to run (see ``ensemble.executors``).
    """
    jobs = ((run[0], run[1], run[2] if len(run) > 2 else {}) for run in runs)
    (executor or make_executor(workers)).run(scenario, jobs, on_result)


def metric_values(scenario: Scenario, seed: int, metrics: Sequence[Metric]) -> np.ndarray:
    """Run one model and return only the chosen metrics (one number each)."""
    outcomes = run_to_end(scenario, seed)
    coords, quarters = coordinates(scenario), quarter_range(scenario.start, scenario.end)
    return np.array([m.value(outcomes, coords, quarters) for m in metrics])


def run_metrics(
    scenarios: Mapping[str, Scenario],
    seeds: Sequence[int],
    metrics: Sequence[Metric],
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> dict[str, np.ndarray]:
    """Run every scenario on the same seeds and collect the chosen metrics (paired runs).

    Run ``i`` of every scenario uses ``seeds[i]`` (common random numbers), so
    differences between scenarios are paired run by run.

    Args:
        scenarios: Label → resolved scenario.
        seeds: Run seeds (see :func:`run_seeds`).
        metrics: What to measure in each run.
        workers: 1 runs serially; more uses worker processes.
        on_done: Called once per finished run (e.g. to advance a progress bar).

    Returns:
        Label → array ``(runs, metrics)``; the same whatever ``workers`` is.
    """
    values = {name: np.full((len(seeds), len(metrics)), np.nan) for name in scenarios}
    jobs = [(name, i, seed) for name in scenarios for i, seed in enumerate(seeds)]

    def store(name: str, i: int, row: np.ndarray) -> None:
        values[name][i] = row
        if on_done is not None:
            on_done()

    if workers <= 1:
        for name, i, seed in jobs:
            store(name, i, metric_values(scenarios[name], seed, metrics))
        return values
    with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:
        futures = {pool.submit(metric_values, scenarios[name], seed, metrics): (name, i) for name, i, seed in jobs}
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    store(*futures[future], future.result())
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
    return values
