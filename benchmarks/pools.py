"""Pool start-up by start method, in a process that runs a second thread (as a progress bar's monitor does).

Each measurement runs in a fresh interpreter that loads the model, starts a background thread, then
times two pools in turn: starting ``WORKERS`` processes and getting back a
trivial answer that needs the model loaded. The first pool of ``forkserver``
also starts the fork server, which preloads the modules
:data:`ensemble.executors.PRELOAD`; later pools fork from it. ``fork`` with a
thread running is timed to show what it would save; it can deadlock, which is
why the executors do not use it then.

The workers unpickle :func:`model_loaded` from this module, so it imports
nothing heavy at the top: a worker loads only what the start method makes it.
The child is started with ``-c``, so its workers do not re-import a main module.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multivector.benchmarks.modes import Sizes
    from multivector.benchmarks.report import Report
    from multivector.benchmarks.timing import Sample

ROOT = Path(__file__).resolve().parents[1]

NOTES = {
    "fork": "forks this process, model already loaded; unsafe here: a thread is running",
    "forkserver": "forks from a single-threaded fork server that preloaded the model",
    "spawn": "fresh interpreters that import the model",
}


def model_loaded(_: int) -> int:
    """A trivial task that needs the model: import the engine (a no-op where it is loaded) and answer."""
    import multivector.model.engine  # noqa: F401

    return os.getpid()


def start_pool(method: str, workers: int) -> float:
    """Seconds to start a pool of ``workers`` with ``method`` and get one answer per worker (shutdown not included)."""
    from multivector.ensemble.executors import PRELOAD

    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    start = time.perf_counter()
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    list(pool.map(model_loaded, range(workers)))
    seconds = time.perf_counter() - start
    pool.shutdown()
    return seconds


def measure_here(method: str, workers: int) -> dict[str, object]:
    """In this process, with a second thread running: the first and second pool's start-up, and what the executors pick."""
    import multivector.scenarios  # noqa: F401  (what a CLI process has loaded)
    from multivector.ensemble.executors import pool_context

    idle = threading.Event()
    threading.Thread(target=idle.wait, daemon=True).start()
    first, second = start_pool(method, workers), start_pool(method, workers)
    idle.set()
    return {"first": first, "second": second, "picked_with_thread": pool_context().get_start_method()}


def measure_in_child(method: str, workers: int) -> dict[str, object]:
    """Run :func:`measure_here` in a fresh interpreter and return what it measured."""
    code = f"import json; from multivector.benchmarks.pools import measure_here; print(json.dumps(measure_here({method!r}, {workers})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def pools_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """First and later pool start-up under each available start method, methods interleaved; add figures."""
    from multivector.benchmarks.timing import Sample, interleave, seconds_figure
    from multivector.ensemble.executors import pool_context

    methods = [m for m in ("fork", "forkserver", "spawn") if m in multiprocessing.get_all_start_methods()]
    later: dict[str, list[float]] = {m: [] for m in methods}
    picked: set[str] = set()

    def contender(method: str) -> Sample:
        measured = measure_in_child(method, workers)
        later[method].append(float(measured["second"]))
        picked.add(str(measured["picked_with_thread"]))
        return Sample(float(measured["first"]), method)

    samples = interleave({m: (lambda m=m: contender(m)) for m in methods}, sizes.rounds)
    for method in methods:
        first = seconds_figure(f"pool start, {method}, {workers} workers, first pool", samples[method],
                               f"{NOTES[method]}; a second thread running", 1e3, "ms")
        again = [Sample(s, method, x.load) for s, x in zip(later[method], samples[method], strict=True)]
        report.figures += [first, seconds_figure(f"pool start, {method}, {workers} workers, later pools", again,
                                                 "the next pool in the same process", 1e3, "ms")]
    report.notes.append(f"start method the executors pick: {'/'.join(sorted(picked))} with a second thread running; "
                        f"{pool_context().get_start_method()} in the benchmark process now ({threading.active_count()} thread(s))")
