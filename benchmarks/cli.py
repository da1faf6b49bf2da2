"""The CLI ``run`` verb end to end, as a subprocess: runs per second with every result written.

The command is ``run.py run baseline --replicates N --workers W --no-figures``
into a temporary folder outside the project, deleted afterwards. Its process
tree is watched from ``/proc`` while it runs (:class:`~benchmarks.proctree.TreeMemory`),
which also shows how its workers started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from multivector.benchmarks.modes import ROOT_SEED, Sizes, baseline_scenario
from multivector.benchmarks.proctree import TreeMemory, has_proc
from multivector.benchmarks.report import NOT_APPLICABLE, Report, at_least
from multivector.benchmarks.throughput import engine_batch
from multivector.benchmarks.timing import Sample, interleave, rate_figure
from multivector.ensemble.batch import run_seeds
from multivector.ensemble.chunks import CHUNK_SIZE

ROOT = Path(__file__).resolve().parents[1]

CLI_TARGET = 500.0
"""Indicative target: runs/s of the CLI end to end, results written, on a 2-core machine."""


@dataclass(frozen=True)
class CliRun:
    """One CLI run and what its process tree used.

    Attributes:
        seconds: Wall clock from launch to exit.
        peak_mb: Sampled peak of the tree's summed resident memory (NaN without ``/proc``).
        hwm_sum_mb: Sum of each process's own peak.
        main_mb: The CLI process's own peak.
        disk_mb: Size of the results folder written.
        start_method: How its workers started, from their command lines.
    """

    seconds: float
    peak_mb: float
    hwm_sum_mb: float
    main_mb: float
    disk_mb: float
    start_method: str


def cli_command(runs: int, workers: int, out: Path) -> list[str]:
    """The CLI ``run`` verb on the baseline, writing to ``out`` without figures."""
    return [sys.executable, str(ROOT / "run.py"), "run", "baseline", "--replicates", str(runs), "--seed", str(ROOT_SEED),
            "--workers", str(workers), "--out", str(out), "--no-figures", "--overwrite"]


def _cli_env() -> dict[str, str]:
    # The CLI records the checkout's commit; keep that look-up from taking locks in a shared checkout.
    return {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


def run_cli(runs: int, workers: int) -> CliRun:
    """Run the CLI on ``runs`` baseline runs into a temporary folder and watch its process tree.

    Raises:
        RuntimeError: If the CLI fails.
    """
    with tempfile.TemporaryDirectory(prefix="multivector-bench-") as folder:
        out = Path(folder) / "results"
        start = time.perf_counter()
        process = subprocess.Popen(cli_command(runs, workers, out), cwd=ROOT, env=_cli_env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        monitor = TreeMemory(process.pid) if has_proc() else None
        _, error = process.communicate()
        seconds = time.perf_counter() - start
        if monitor is not None:
            monitor.stop()
        if process.returncode != 0:
            raise RuntimeError(f"the CLI run of {runs} runs failed ({process.returncode}): {error.decode()[-2000:]}")
        disk = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 2**20
    if monitor is None:
        return CliRun(seconds, float("nan"), float("nan"), float("nan"), disk, NOT_APPLICABLE)
    mb = 1 / 1024
    return CliRun(seconds, monitor.peak_kb * mb, monitor.hwm_sum_kb * mb, monitor.hwm_kb.get(process.pid, 0) * mb, disk,
                  monitor.start_method)


CLI_INCLUDES = ("run.py run baseline --replicates {runs} --workers {workers} --no-figures, a fresh interpreter: start-up, "
                "imports, manifest, pool start-up, runs and every result written ({disk:.0f} MB) in a temporary folder")
IN_MEMORY_INCLUDES = "the same seeds through ensemble.executors.Processes({workers}) in this process, nothing written"


def cli_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """The CLI end to end against the same runs in memory, interleaved; add figures and the indicative target."""
    scenario, seeds = baseline_scenario(), run_seeds(ROOT_SEED, sizes.cli_runs)
    disk: list[float] = []

    def cli() -> Sample:
        done = run_cli(sizes.cli_runs, workers)
        disk.append(done.disk_mb)
        return Sample(done.seconds, done.start_method)

    cli_name, memory_name = f"CLI run end to end, {workers} workers", f"engine in memory, {workers} workers, CLI's runs"
    samples = interleave({cli_name: cli, memory_name: lambda: engine_batch(scenario, seeds, workers, CHUNK_SIZE)}, sizes.rounds)
    includes = CLI_INCLUDES.format(runs=sizes.cli_runs, workers=workers, disk=max(disk))
    report.figures.append(rate_figure(cli_name, samples[cli_name], sizes.cli_runs, "runs/s", includes, f"{CHUNK_SIZE} (default)"))
    report.figures.append(rate_figure(memory_name, samples[memory_name], sizes.cli_runs, "runs/s",
                                      IN_MEMORY_INCLUDES.format(workers=workers), CHUNK_SIZE))
    rate = report.figure(cli_name).value
    report.ratios.append(at_least(f"CLI run end to end, {workers} workers / {CLI_TARGET:g} runs/s", rate / CLI_TARGET, 1.0,
                                  " (indicative, 2 cores)"))
