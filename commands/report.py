"""``report RESULTS``: a self-contained HTML report of a results folder or of a calibration folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from multivector.commands.common import EXIT_OK, results_path, shown
from multivector.commands.options import add_out


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``report`` verb and its options."""
    report = verbs.add_parser("report", help="write a self-contained HTML report of a results folder")
    report.add_argument("results", type=Path, help="a results folder written by 'run', or a calibration folder of 'calibrate'")
    add_out(report, "HTML file to write (default: RESULTS/report.html)")
    report.set_defaults(handler=write_report)


def write_report(args: argparse.Namespace) -> int:
    """Write the report (a calibration's when the folder holds one) and print its path; return the exit code."""
    # matplotlib (analysis.report, analysis.calibration_report) and pandas (calibration.workflow, ensemble.results):
    # loaded when the verb runs, not for --help
    from multivector.analysis.calibration_report import write_calibration_report
    from multivector.analysis.report import write_report as write_results_report
    from multivector.calibration.workflow import is_calibration_folder, load_calibration
    from multivector.ensemble.results import package_version

    if is_calibration_folder(args.results):
        resolved, posterior, checks = load_calibration(args.results)
        path = write_calibration_report(args.results, posterior, checks, resolved.data, package_version())
    else:
        path = write_results_report(results_path(args.results), args.out)
    print(f"report: {shown(path)} (open it in a browser; it needs no server)")
    return EXIT_OK
