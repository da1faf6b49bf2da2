"""Where a chunk's time goes: cProfile of one chunk over the whole horizon, and native shares where py-spy is installed.

cProfile shows the Python functions and the numpy functions they call by
name; numpy's operators on arrays (``a + b``) are not calls it sees, so
their time counts as their caller's own time. ``py-spy record --native``
samples native frames too: the leaf frame of each sample says whether the
time went to numpy's inner loops (the arithmetic), to copying and casting
arrays, to numpy's handling of a call (dispatch, iterators, allocation), to
the Python interpreter or elsewhere.
"""

from __future__ import annotations

import cProfile
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from multivector.benchmarks.modes import ROOT_SEED, baseline_scenario
from multivector.benchmarks.report import Report
from multivector.benchmarks.throughput import STEPS
from multivector.ensemble.batch import run_seeds
from multivector.ensemble.chunks import simulate_chunk

ROOT = Path(__file__).resolve().parents[1]

SAMPLE_RATE = 250
"""py-spy samples per second."""

KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("numpy inner loops (arithmetic, sorting)",
     re.compile(r"^(DOUBLE|FLOAT|LONGLONG|LONG|ULONG|INT|UINT|BOOL|HALF|CDOUBLE)_|pairwise_sum|sort|simd_|npyv")),
    ("numpy copies and casts", re.compile(r"_to_|contig|strided|cast|Transfer|assign|PyArray_Where|memcpy|memmove|memset")),
)
"""Leaf-frame names inside numpy's native library, by kind; any other numpy frame is call handling."""


def chunk_jobs(runs: int) -> list[tuple[int, int, dict]]:
    """The first ``runs`` baseline runs as one chunk's jobs."""
    return [(index, seed, {}) for index, seed in enumerate(run_seeds(ROOT_SEED, runs))]


def cprofile_chunk(report: Report, runs: int, top: int) -> None:
    """Profile one chunk of ``runs`` runs over the whole horizon; keep the ``top`` functions by own time."""
    scenario, jobs = baseline_scenario(), chunk_jobs(runs)
    simulate_chunk(scenario, jobs[:1])  # warm caches outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    simulate_chunk(scenario, jobs)
    profiler.disable()
    stats = pstats.Stats(profiler)
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)  # type: ignore[attr-defined]
    by_file: Counter[str] = Counter()
    for (filename, _, _), (_, _, own, _, _) in rows:
        by_file[short_path(filename) if filename != "~" else "numpy and builtins called by name"] += own / total
    report.profile_files = dict(by_file.most_common(top))
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        report.profile.append({"function": f"{short_path(filename)}:{line}({function})", "calls_per_step": calls / STEPS,
                               "own_share": own / total, "cumulative_share": cumulative / total})
        if len(report.profile) == top:
            break
    report.notes.append(f"profile: cProfile of one chunk of {runs} runs × {STEPS} steps, {total:.2f} s under the profiler")


def short_path(filename: str) -> str:
    """A profiled file's path relative to the project or to its installed package."""
    path = Path(filename)
    if "site-packages" in path.parts:
        return Path(*path.parts[path.parts.index("site-packages") + 1:]).as_posix()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else filename


def kind_of(leaf: str) -> str:
    """The kind of time a sample's leaf frame (``name (library or file:line)``) stands for."""
    name, _, where = leaf.rpartition(" (")
    if "_multiarray_umath" in where or ("numpy" in where and ".so" in where):
        return next((kind for kind, pattern in KINDS if pattern.search(name)), "numpy call handling (dispatch, iterators, allocation)")
    if "libpython" in where or (where.endswith(")") and ".py:" in where):
        return "Python interpreter"
    if "libc" in where or "libm" in where:
        return "libc and libm (memory copies, malloc)"
    return "other native code"


def native_shares(raw: str, marker: str = "model/engine.py") -> dict[str, float]:
    """Shares of samples by kind of leaf frame, over the samples whose stack passes through ``marker``.

    Args:
        raw: py-spy's ``raw`` output: one ``frame;frame;…;leaf COUNT`` per line.
        marker: Text a stack must contain to count (the engine's steps, not start-up).
    """
    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if marker in stack and count.isdigit():
            counts[kind_of(stack.rsplit(";", 1)[-1])] += int(count)
    total = sum(counts.values())
    return {kind: n / total for kind, n in counts.most_common()} if total else {}


def py_spy_chunk(report: Report, runs: int, py_spy: str | None) -> None:
    """Sample one chunk of ``runs`` runs (three times over) with ``py-spy record --native``, if py-spy is found."""
    executable = py_spy or shutil.which("py-spy")
    if executable is None:
        report.notes.append("native profile: py-spy not installed (pip install py-spy), skipped")
        return
    code = ("from multivector.benchmarks.profiling import chunk_jobs; from multivector.benchmarks.modes import baseline_scenario; "
            "from multivector.ensemble.chunks import simulate_chunk; "
            f"[simulate_chunk(baseline_scenario(), chunk_jobs({runs})) for _ in range(3)]")
    with tempfile.TemporaryDirectory(prefix="multivector-bench-") as folder:
        out = Path(folder) / "samples.txt"
        done = subprocess.run([executable, "record", "--native", "--rate", str(SAMPLE_RATE), "--format", "raw", "--output", str(out),
                               "--", sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
        raw = out.read_text() if out.exists() else ""
    if done.returncode != 0 or not raw:
        report.notes.append(f"native profile: py-spy failed ({done.returncode}): {done.stderr.strip()[-300:]}")
        return
    report.native = native_shares(raw)
    report.notes.append(f"native profile: py-spy record --native, {SAMPLE_RATE} samples/s, a chunk of {runs} runs three times; "
                        "shares by the kind of each sample's leaf frame, within the engine's steps")


def profile_phase(report: Report, runs: int, top: int, py_spy: str | None = None) -> None:
    """Profile one chunk with cProfile, then with py-spy's native shares where it is found."""
    cprofile_chunk(report, runs, top)
    py_spy_chunk(report, runs, py_spy)
