"""``plot RESULTS``: draw the figures of a results folder, and the sensitivity indices of a Sobol or Morris design."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from multivector.commands.common import EXIT_OK, results_path, shown


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``plot`` verb and its options."""
    plot = verbs.add_parser("plot", help="draw the figures of a results folder (and sensitivity indices of a design)")
    plot.add_argument("results", type=Path, help="a results folder written by 'run'")
    plot.add_argument("--indicator", default="russia_security_share",
                      help="summary indicator of the sensitivity figure (sobol and morris designs)")
    plot.set_defaults(handler=plot_results)


def plot_results(args: argparse.Namespace) -> int:
    """Draw every figure of the folder into its ``figures/`` and print their paths; return the exit code."""
    from multivector.analysis.report import save_figures, save_sensitivity  # matplotlib: not loaded for --help

    results = results_path(args.results)
    for path in save_figures(results):
        print(f"figure: {shown(path)}")
    sensitivity = save_sensitivity(results, args.indicator)  # sobol and morris designs only
    if sensitivity is not None:
        print(f"figure: {shown(sensitivity.figure)} (indices: {shown(sensitivity.figure.with_suffix('.csv'))})")
        if sensitivity.warning:
            print(f"warning: {sensitivity.warning}", file=sys.stderr)
    return EXIT_OK
