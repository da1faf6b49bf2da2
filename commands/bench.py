"""``bench``: speed and memory side by side with ``mesa.batch_run``; the benchmark parses its own options."""

from __future__ import annotations

import argparse


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """List the ``bench`` verb in the help; its options are the benchmark's own (``bench --help``)."""
    verbs.add_parser("bench", help="measure speed and memory side by side with mesa.batch_run (ratios; see 'bench --help')")


def run_benchmark(argv: list[str]) -> int:
    """Hand the options after ``bench`` to the benchmark's own command line; return its exit code."""
    from multivector.benchmarks.bench import main  # Mesa and pandas: loaded when the benchmark runs, not for --help

    return main(argv)
