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

import contextlib
import logging
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from itertools import islice
from multiprocessing.context import BaseContext
from typing import Any

from multivector.ensemble.chunks import CHUNK_SIZE, ChunkTask, Job, chunks, simulate_chunk
from multivector.model.params import Scenario

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


DASK_CONNECT_TIMEOUT = 20.0
"""Seconds to wait for a Dask scheduler to answer before giving up (Dask's own default is 30)."""


class ClusterError(RuntimeError):
    """A Dask cluster that cannot be reached, or that failed during a batch; the message is one line."""


@dataclass
class Dask:
    """Runs jobs on a Dask distributed cluster.

    Attributes:
        address: Scheduler address (``tcp://host:8786``); ``None`` or ``"local"`` starts a
            local cluster of ``workers`` single-threaded worker processes for the batch.
        workers: Worker processes of a local cluster (ignored for a remote one).
        chunk_size: Runs per engine.
        connect_timeout: Seconds to wait for the scheduler to answer.
    """

    address: str | None = None
    workers: int = 2
    chunk_size: int = CHUNK_SIZE
    connect_timeout: float = DASK_CONNECT_TIMEOUT

    def run(self, scenario: Scenario, jobs: Iterable[Job], on_chunk: Callable[[Any], None],
            task: ChunkTask = simulate_chunk) -> None:
        """Do ``task`` on each chunk on the cluster; the scenario is sent to every worker once.

        A local cluster's worker processes ignore SIGINT, so that Ctrl-C in a terminal reaches
        only this process: pending chunks are cancelled and the cluster is closed quietly
        before the ``KeyboardInterrupt`` propagates.

        Raises:
            ClusterError: If the scheduler does not answer within :attr:`connect_timeout`, or the
                cluster fails during the batch (a lost connection, workers that keep dying).
        """
        from distributed import Client, LocalCluster, as_completed

        local = self.address in (None, "local")
        shown = "the local Dask cluster" if local else f"the Dask scheduler at {self.address}"
        cluster = None
        # Ctrl-C inside Dask's waits leaves callbacks on its event-loop thread that fail and log
        # tracebacks at once, before any handler here could lower the level; a failure that
        # matters reaches this thread as an exception (a ClusterError below).
        tornado_log = logging.getLogger("tornado.application")
        level = tornado_log.level
        tornado_log.setLevel(logging.CRITICAL)
        interrupted = False
        try:
            if local:
                with _sigint_ignored():  # worker processes started now inherit it
                    cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=logging.ERROR)
            try:
                client = Client(cluster if local else self.address, timeout=self.connect_timeout)
            except (OSError, ValueError) as error:  # a timeout is an OSError; a malformed address a ValueError
                reason = "" if "timed out" in str(error).lower() else f" ({_first_line(error)})"
                raise ClusterError(f"cannot reach {shown} within {self.connect_timeout:g} s{reason}; "
                                   "check the address (HOST:PORT of a running 'dask scheduler') or use --dask local") from None
            with client:
                self._run_on(client, as_completed, scenario, jobs, on_chunk, task, self.chunk_size)
        except KeyboardInterrupt:
            interrupted = True  # the loggers stay quiet: the way out is noisy until the process ends
            logging.getLogger("distributed").setLevel(logging.CRITICAL)  # the cluster's shutdown after a cancel is noisy
            _quiet_dask_finalizers()
            with _sigint_ignored():  # a second Ctrl-C does not cut the shutdown short
                if cluster is not None:
                    cluster.close()
                    cluster = None
            raise
        except Exception as error:
            if not type(error).__module__.startswith(("distributed", "tornado")):
                raise
            raise ClusterError(f"{shown} failed during the batch ({_first_line(error)})") from None
        finally:
            if cluster is not None:
                cluster.close()
            if not interrupted:
                tornado_log.setLevel(level)

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
            logging.getLogger("distributed").setLevel(logging.CRITICAL)  # cancelling and closing log warnings by the dozen
            client.cancel(list(futures.futures))
            raise


def _quiet_dask_finalizers() -> None:
    """Keep Dask's finalizers quiet after Ctrl-C: a future cut off while it was being made complains when collected.

    Only unraisable errors raised by Dask's own code are dropped; any other keeps
    going to the hook that was in place.
    """
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not getattr(unraisable.object, "__module__", "").startswith("distributed"):
            previous(unraisable)

    sys.unraisablehook = hook


@contextlib.contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT in this process for a while (only the main thread can; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


PRELOAD: tuple[str, ...] = (
    "multivector.model.engine", "multivector.ensemble.chunks", "multivector.ensemble.executors", "multivector.scenarios",
)
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


def make_executor(workers: int = 1, dask: str | None = None, chunk_size: int = CHUNK_SIZE,
                  connect_timeout: float = DASK_CONNECT_TIMEOUT) -> Serial | Processes | Dask:
    """The executor for a command line's ``--workers N``, ``--dask ADDRESS|local`` (and its timeout) and chunk size."""
    if dask is not None:
        return Dask(dask, workers, chunk_size, connect_timeout)
    return Serial(chunk_size) if workers <= 1 else Processes(workers, chunk_size)
