"""Peak memory of the CLI ``run`` verb's whole process tree for a small and a ten-times larger batch.

Memory should not grow with the batch: the executors keep a few chunks per
worker in flight and results are written as they arrive.
"""

from __future__ import annotations

import sys

from multivector.benchmarks.cli import run_cli
from multivector.benchmarks.modes import Sizes
from multivector.benchmarks.report import Figure, Report, at_most, load_average
from multivector.ensemble.chunks import CHUNK_SIZE

FLAT = 1.2
"""Target: peak memory of the large batch at most this times the small batch's."""


def memory_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """Run the CLI on both batch sizes, one after the other; add figures and the ratio."""
    small, large = sizes.memory
    peaks = {}
    for runs in (small, large):
        print(f"  memory: CLI run of {runs} runs, {workers} workers", file=sys.stderr)
        done, load = run_cli(runs, workers), load_average()
        peaks[runs] = done.peak_mb
        speed = f"{done.seconds:.0f} s, {runs / done.seconds:.0f} runs/s, {done.disk_mb:.0f} MB written"
        conditions = (done.start_method, f"{CHUNK_SIZE} (default)", load)
        report.figures += [
            Figure(f"peak memory, CLI, {runs} runs", done.peak_mb, "MB",
                   f"sampled peak of the summed RSS of the CLI process and all its descendants every 0.1 s ({speed})", *conditions),
            Figure(f"sum of per-process peaks, CLI, {runs} runs", done.hwm_sum_mb, "MB", "each process's own peak RSS, summed",
                   *conditions),
            Figure(f"CLI process alone, {runs} runs", done.main_mb, "MB", "the CLI process's own peak RSS (it writes the results)",
                   *conditions),
            Figure(f"CLI run end to end, {runs} runs", runs / done.seconds, "runs/s", f"the peak-memory run: {speed}", *conditions),
        ]
    report.ratios.append(at_most(f"peak memory {large} runs / {small} runs", peaks[large] / peaks[small], FLAT))
