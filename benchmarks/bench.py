"""``run.py bench``: the engine side by side with ``mesa.batch_run``, in one invocation; every target a ratio.

Phases, in order (each can be chosen with ``--only`` or left out with ``--skip``):

* ``pools``: pool start-up under ``fork``, ``forkserver`` and ``spawn`` with a second thread running (:mod:`benchmarks.pools`).
* ``throughput``: engine runs/s, chunked, vs ``mesa.batch_run`` on the same model, 1 process and N (:mod:`benchmarks.throughput`).
* ``chunks``: the chunk-size curve, R = 1 … 4,096 runs per engine (:mod:`benchmarks.chunk_sizes`).
* ``cli``: the CLI ``run`` verb end to end with every result written (:mod:`benchmarks.cli`).
* ``memory``: peak memory of the CLI's process tree, small vs ten-times larger batch (:mod:`benchmarks.memory`).
* ``profile``: where one chunk's time goes (:mod:`benchmarks.profiling`).
* ``calibration``: an ABC fit's runs/s against the engine's on the same runs (:mod:`benchmarks.calibration`).
* ``seminar``: the seminar page's explore-view redraw, matplotlib figures vs Vega-Lite charts (CPU), and a class's
  predict batch of 100 runs (:mod:`benchmarks.seminar`).

Timed contenders are interleaved over rounds and each figure is the median;
every figure carries its start method, chunk size and load. Tests run the
``--tiny`` mode and assert no time.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from multivector.benchmarks.calibration import calibration_phase
from multivector.benchmarks.chunk_sizes import chunk_curve_phase
from multivector.benchmarks.cli import cli_phase
from multivector.benchmarks.memory import memory_phase
from multivector.benchmarks.modes import MODES, Sizes
from multivector.benchmarks.pools import pools_phase
from multivector.benchmarks.profiling import profile_phase
from multivector.benchmarks.report import Report, format_report, load_average, machine, write_json
from multivector.benchmarks.seminar import seminar_phase
from multivector.benchmarks.throughput import throughput_phase

PHASES = ("pools", "throughput", "chunks", "cli", "memory", "profile", "calibration", "seminar")


def parser() -> argparse.ArgumentParser:
    """The benchmark's command line."""
    p = argparse.ArgumentParser(prog="run.py bench", description="The engine side by side with mesa.batch_run; every target a ratio "
                                "measured in this one invocation.")
    size = p.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_const", const="quick", dest="mode",
                      help="minutes: smaller batches, peak memory of 2,000 vs 20,000 runs")
    size.add_argument("--tiny", action="store_const", const="tiny", dest="mode", help="a smoke test (seconds); figures mean nothing")
    p.add_argument("--workers", type=int, default=2, help="workers / processes of the parallel contenders (default 2)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (overrides the mode)")
    p.add_argument("--memory-sizes", type=int, nargs=2, metavar=("SMALL", "LARGE"), help="batches of the memory phase (overrides the mode)")
    phases = p.add_mutually_exclusive_group()
    phases.add_argument("--only", nargs="+", choices=PHASES, metavar="PHASE", help=f"run only these phases ({', '.join(PHASES)})")
    phases.add_argument("--skip", nargs="+", choices=PHASES, metavar="PHASE", help="leave these phases out")
    p.add_argument("--top", type=int, default=15, metavar="N", help="functions shown in the profile (default 15)")
    p.add_argument("--py-spy", metavar="PATH", help="py-spy executable for the native profile (default: py-spy on PATH, if any)")
    p.add_argument("--json", type=Path, metavar="FILE", help="also write figures and ratios as JSON to FILE")
    return p


def sizes_from(args: argparse.Namespace) -> Sizes:
    """The mode's sizes with any command-line overrides."""
    sizes = MODES[args.mode or "full"]
    overrides = {"rounds": args.rounds, "memory": tuple(args.memory_sizes) if args.memory_sizes else None}
    return replace(sizes, **{k: v for k, v in overrides.items() if v is not None})


def chosen_phases(args: argparse.Namespace) -> list[str]:
    """The phases to run, in their fixed order."""
    return [p for p in PHASES if (not args.only or p in args.only) and p not in (args.skip or ())]


def run_phases(phases: list[str], report: Report, sizes: Sizes, args: argparse.Namespace) -> None:
    """Run the phases in order, adding to ``report`` and noting the load after each."""
    workers = max(args.workers, 1)
    actions: dict[str, Callable[[], None]] = {
        "pools": lambda: pools_phase(report, sizes, workers),
        "throughput": lambda: throughput_phase(report, sizes, workers),
        "chunks": lambda: chunk_curve_phase(report, sizes),
        "cli": lambda: cli_phase(report, sizes, workers),
        "memory": lambda: memory_phase(report, sizes, workers),
        "profile": lambda: profile_phase(report, sizes.profile_runs, args.top, args.py_spy),
        "calibration": lambda: calibration_phase(report, sizes, workers),
        "seminar": lambda: seminar_phase(report, sizes),
    }
    for phase in phases:
        print(f"phase: {phase}", file=sys.stderr)
        actions[phase]()
        report.machine["load_after"][phase] = load_average()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table and ``ratio`` lines, optionally write JSON; return the exit code."""
    args = parser().parse_args(argv)
    sizes = sizes_from(args)
    report, phases = Report(mode=args.mode or "full", machine=machine()), chosen_phases(args)
    if "memory" in phases and sizes.memory != MODES["full"].memory:
        report.notes.append(f"peak memory measured on {sizes.memory[0]:,} vs {sizes.memory[1]:,} runs "
                            f"(the full mode: {MODES['full'].memory[0]:,} vs {MODES['full'].memory[1]:,})")
    run_phases(phases, report, sizes, args)
    print(format_report(report))
    if args.json:
        write_json(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
