"""Where a batch's chunks execute: in this process, in local worker processes, or on a Dask cluster.

Every executor takes the same jobs (:data:`ensemble.chunks.Job`), groups them
into chunks of up to ``chunk_size`` runs, does a task on each chunk where it
runs — by default :func:`ensemble.chunks.simulate_chunk`, which runs the chunk
as one engine; a task may also reduce or encode the outcomes in the worker —
and hands each chunk's result to a callback in the calling process as the
chunk finishes. The data are the same
whichever executor ran them, with however many workers and whatever chunk
size. At most a few chunks per worker are in flight at once, so memory does
not grow with the size of the batch.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any

from ensemble.chunks import CHUNK_SIZE, ChunkTask, Job, chunks, simulate_chunk
from model.params import Scenario

IN_FLIGHT_PER_WORKER = 2
"""Chunks submitted ahead per worker: enough to keep workers busy, few enough to keep memory flat."""


@dataclass
class Serial:
    """Runs every chunk in this process, one after another.

    Attributes:
        chunk_size: Runs per engine.
    """

    chunk_size: int = CHUNK_SIZE
    workers = 1

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_chunk: Callable[[Any], None],
            task: ChunkTask = simulate_chunk) -> None:
        """Do ``task`` on each chunk of the jobs and pass its result to ``on_chunk``."""
        for chunk in chunks(jobs, self.chunk_size):
            on_chunk(task(scenario, chunk))


@dataclass
class Processes:
    """Runs chunks in local worker processes.

    Attributes:
        workers: Number of worker processes.
        chunk_size: Runs per engine.
    """

    workers: int
    chunk_size: int = CHUNK_SIZE

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_chunk: Callable[[Any], None],
            task: ChunkTask = simulate_chunk) -> None:
        """Do ``task`` on each chunk in the workers and pass its result to ``on_chunk`` here.

        On ``KeyboardInterrupt`` pending chunks are cancelled after finished ones are handed over.
        """
        queue = chunks(jobs, self.chunk_size)
        with ProcessPoolExecutor(max_workers=self.workers, mp_context=pool_context()) as pool:
            pending: set[Future[Any]] = set()
            try:
                pending = {pool.submit(task, scenario, chunk) for chunk in islice(queue, self._window)}
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        on_chunk(future.result())
                    pending |= {pool.submit(task, scenario, chunk) for chunk in islice(queue, len(done))}
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
        chunk_size: Runs per engine.
    """

    address: str | None = None
    workers: int = 2
    chunk_size: int = CHUNK_SIZE

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_chunk: Callable[[Any], None],
            task: ChunkTask = simulate_chunk) -> None:
        """Do ``task`` on each chunk on the cluster; the scenario is sent to every worker once."""
        from distributed import Client, LocalCluster, as_completed

        local = self.address in (None, "local")
        cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                               dashboard_address=None) if local else None
        try:
            with Client(cluster if local else self.address) as client:
                self._run_on(client, as_completed, scenario, jobs, on_chunk, task, self.chunk_size)
        finally:
            if cluster is not None:
                cluster.close()

    @staticmethod
    def _run_on(client: Any, as_completed: Any, scenario: Scenario, jobs: Iterable[Job],
                on_chunk: Callable[[Any], None], task: ChunkTask = simulate_chunk,
                chunk_size: int = CHUNK_SIZE) -> None:
        shared = client.scatter(scenario, broadcast=True)
        window = max(len(client.scheduler_info()["workers"]), 1) * IN_FLIGHT_PER_WORKER
        queue = chunks(jobs, chunk_size)
        futures = as_completed([client.submit(task, shared, chunk, pure=False) for chunk in islice(queue, window)])
        try:
            for future in futures:
                on_chunk(future.result())
                future.release()
                for chunk in islice(queue, 1):
                    futures.add(client.submit(task, shared, chunk, pure=False))
        except KeyboardInterrupt:
            client.cancel(list(futures.futures))
            raise


PRELOAD: tuple[str, ...] = ("model.engine", "ensemble.chunks", "ensemble.executors", "scenarios")
"""Modules a fork server loads once, so the workers it forks start with them loaded."""


def pool_context() -> BaseContext:
    """How worker processes start: ``fork`` in a single-threaded process, else a fork server; ``spawn`` where neither exists.

    Forking the already-loaded parent starts a worker in milliseconds, but
    forking a process that runs other threads (a progress bar's monitor, Dask,
    EMA Workbench) can deadlock. A fork server is a clean single-threaded
    process that loads the model once (:data:`PRELOAD`) and forks the workers
    from itself: safe whatever runs in the parent, and after its first start
    about as fast as a fork. Runs depend only on their inputs, so the results
    are the same under every start method.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def make_executor(workers: int = 1, dask: str | None = None, chunk_size: int = CHUNK_SIZE) -> Serial | Processes | Dask:
    """The executor for a command line's ``--workers N``, ``--dask ADDRESS|local`` and chunk size."""
    if dask is not None:
        return Dask(dask, workers, chunk_size)
    return Serial(chunk_size) if workers <= 1 else Processes(workers, chunk_size)
