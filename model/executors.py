"""Where a batch's runs execute: in this process, in local worker processes, or on a Dask cluster.

Every executor takes the same jobs — ``(index, seed, values)``: the run's
position, its seed and the parameter values of its design point — runs
:func:`simulate_job` on each and hands each result to a callback in the
calling process as it finishes. A run depends only on the scenario, its values
and its seed, so the data are the same whichever executor ran it and however
many workers it had. At most ``window`` runs are in flight at once, so memory
does not grow with the size of the batch.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any

import numpy as np

from model.model import MultivectorModel
from model.params import Scenario, with_values

Job = tuple[int, int, Mapping[tuple[str, ...], Any]]
"""A run to do: (index in the batch, seed, key path → value of its design point)."""

IN_FLIGHT_PER_WORKER = 4
"""Runs submitted ahead per worker: enough to keep workers busy, few enough to keep memory flat."""


@dataclass(frozen=True)
class RunResult:
    """The outcome arrays of one finished run.

    Attributes:
        index: Position of the run in the batch.
        seed: The run's seed.
        outcomes: Outcome name → array ``(steps, …)``.
    """

    index: int
    seed: int
    outcomes: dict[str, np.ndarray]


def run_to_end(scenario: Scenario, seed: int) -> dict[str, np.ndarray]:
    """Run one model over the whole horizon without Mesa's data collector, then release it."""
    model = MultivectorModel(scenario, rng=seed, collect=False)
    outcomes = model.run()
    model.release()
    return outcomes


def simulate_job(scenario: Scenario, job: Job) -> RunResult:
    """Run one job: the scenario at the job's design point, on its seed."""
    index, seed, values = job
    return RunResult(index, seed, run_to_end(with_values(scenario, values) if values else scenario, seed))


class Serial:
    """Runs every job in this process, one after another."""

    workers = 1

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_result: Callable[[RunResult], None]) -> None:
        """Run the jobs and pass each result to ``on_result``."""
        for job in jobs:
            on_result(simulate_job(scenario, job))


@dataclass
class Processes:
    """Runs jobs in local worker processes.

    Attributes:
        workers: Number of worker processes.
    """

    workers: int

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_result: Callable[[RunResult], None]) -> None:
        """Run the jobs; on ``KeyboardInterrupt`` pending runs are cancelled after finished ones are handed over."""
        queue = iter(jobs)
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=pool_context()) as pool:
            pending: set[Future[RunResult]] = set()
            try:
                pending = {pool.submit(simulate_job, scenario, job) for job in _take(queue, self._window)}
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        on_result(future.result())
                    pending |= {pool.submit(simulate_job, scenario, job) for job in _take(queue, len(done))}
            except KeyboardInterrupt:
                for future in pending:
                    future.cancel()
                raise

    @property
    def _window(self) -> int:
        return self.workers * IN_FLIGHT_PER_WORKER


@dataclass
class Dask:
    """Runs jobs on a Dask distributed cluster.

    Attributes:
        address: Scheduler address (``tcp://host:8786``); ``None`` or ``"local"`` starts a
            local cluster of ``workers`` single-threaded worker processes for the batch.
        workers: Worker processes of a local cluster (ignored for a remote one).
    """

    address: str | None = None
    workers: int = 2

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_result: Callable[[RunResult], None]) -> None:
        """Run the jobs on the cluster; the scenario is sent to every worker once."""
        from distributed import Client, LocalCluster, as_completed

        local = self.address in (None, "local")
        cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None) if local else None
        try:
            with Client(cluster if local else self.address) as client:
                self._run_on(client, as_completed, scenario, jobs, on_result)
        finally:
            if cluster is not None:
                cluster.close()

    @staticmethod
    def _run_on(client: Any, as_completed: Any, scenario: Scenario, jobs: Iterable[Job],
                on_result: Callable[[RunResult], None]) -> None:
        shared = client.scatter(scenario, broadcast=True)
        window = max(len(client.scheduler_info()["workers"]), 1) * IN_FLIGHT_PER_WORKER
        queue = iter(jobs)
        futures = as_completed([client.submit(simulate_job, shared, job, pure=False) for job in _take(queue, window)])
        try:
            for future in futures:
                on_result(future.result())
                future.release()
                for job in _take(queue, 1):
                    futures.add(client.submit(simulate_job, shared, job, pure=False))
        except KeyboardInterrupt:
            client.cancel(list(futures.futures))
            raise


def pool_context() -> BaseContext:
    """How worker processes start: ``fork`` where the platform has it, else ``spawn``.

    Importing Mesa switches the whole program to ``spawn``, under which every
    worker re-imports Mesa, pandas and SciPy (about a second each). Forking the
    already-loaded parent starts a worker in milliseconds; runs depend only on
    their inputs, so the results are the same either way.
    """
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and threading.active_count() == 1 else "spawn")


def _take(queue: Iterator[Job], n: int) -> list[Job]:
    return list(islice(queue, n))


def make_executor(workers: int = 1, dask: str | None = None) -> Serial | Processes | Dask:
    """The executor for a command line's ``--workers N`` and ``--dask ADDRESS|local``."""
    if dask is not None:
        return Dask(dask, workers)
    return Serial() if workers <= 1 else Processes(workers)
