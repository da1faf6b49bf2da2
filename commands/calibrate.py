"""``calibrate SCENARIO``: fit the scenario's uncertainties to the 2021–2022 targets (ABC-SMC), check the fit, report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from multivector.calibration.fit import DEFAULT_GENERATIONS, DEFAULT_MAX_RUNS, DEFAULT_MIN_EPSILON, DEFAULT_POPULATION, FitSettings
from multivector.calibration.targets import default_targets_path, read_targets
from multivector.commands.common import EXIT_OK, CommandError, progress, shown
from multivector.commands.options import add_out, add_overwrite, add_results_root, add_seed, add_workers, positive, positive_float
from multivector.scenarios import resolve


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``calibrate`` verb and its options."""
    calibrate = verbs.add_parser("calibrate", help="fit the scenario's uncertainties to the 2021–2022 targets (ABC-SMC): "
                                 "posterior, predictive checks and report")
    calibrate.add_argument("scenario", help="library name or path")
    calibrate.add_argument("--targets", type=Path, help="targets file (default: the library's scenarios/targets/baseline.yaml)")
    calibrate.add_argument("--population", type=positive, default=DEFAULT_POPULATION, help=f"particles (default {DEFAULT_POPULATION})")
    calibrate.add_argument("--max-runs", type=positive, default=DEFAULT_MAX_RUNS,
                           help=f"simulation budget; no generation starts beyond it (default {DEFAULT_MAX_RUNS:,})")
    calibrate.add_argument("--generations", type=positive, default=DEFAULT_GENERATIONS, help=f"most generations (default {DEFAULT_GENERATIONS})")
    calibrate.add_argument("--min-epsilon", type=positive_float, default=DEFAULT_MIN_EPSILON,
                           help="stop at this tolerance, in target tolerances (default 1: every fitting target met)")
    calibrate.add_argument("--predictive-runs", type=positive, default=1000, help="runs per side of the predictive checks (default 1000)")
    add_seed(calibrate, "root seed of the fit")
    add_workers(calibrate)
    add_out(calibrate, "calibration folder (default: RESULTS_ROOT/calibration-<scenario>)")
    add_results_root(calibrate)
    add_overwrite(calibrate, "replace an existing calibration in the folder")
    calibrate.set_defaults(handler=calibrate_scenario)


def calibrate_scenario(args: argparse.Namespace) -> int:
    """Screen, fit and check the scenario's uncertainties; write posterior and report into the folder; return the exit code.

    Raises:
        CommandError: On Ctrl-C (no posterior is written; pyabc's history of the finished generations is).
    """
    # pandas and pyarrow (calibration.workflow, ensemble.results) and matplotlib (analysis.calibration_report):
    # loaded when the verb runs, not for --help
    from multivector.analysis.calibration_report import coverage, write_calibration_report
    from multivector.calibration.workflow import calibrate, prepare_calibration_folder
    from multivector.ensemble.results import package_version, results_folder

    resolved = resolve(args.scenario)
    targets = args.targets or default_targets_path()
    read_targets(targets, resolved.scenario)  # a bad targets file fails here, in one line, before anything is written
    out = args.out or results_folder(args.results_root, f"calibration-{resolved.scenario.name}")
    prepare_calibration_folder(out, overwrite=args.overwrite)
    settings = FitSettings(args.population, args.max_runs, args.generations, args.min_epsilon, args.seed, args.workers)
    print(f"calibrating '{resolved.scenario.name}': a prior screen of the targets, then ABC-SMC with {args.population:,} "
          f"particles (at most {args.generations} generations, {args.max_runs:,} runs), then predictive checks", file=sys.stderr)
    bar = progress(args.population, 0)
    bar.unit = "particle"
    bar.set_description("prior screen")
    state = {"generation": -1, "runs": 0}

    def on_runs(runs: int, accepted: int, generation: int) -> None:
        """Show a generation's accepted particles and the runs so far."""
        if generation != state["generation"]:
            state["generation"] = generation
            bar.reset(total=args.population)
            bar.set_description(f"generation {generation}")
        state["runs"] += runs
        bar.update(accepted - bar.n)
        bar.set_postfix_str(f"{state['runs']:,} runs")

    try:
        posterior, checks = calibrate(resolved, targets, out, settings, on_runs=on_runs, predictive_runs=args.predictive_runs)
    except KeyboardInterrupt:
        raise CommandError.interrupted("no posterior written; pyabc's history of the finished generations is in "
                                       f"{shown(out / 'history.db')}") from None
    finally:
        bar.close()
    report = write_calibration_report(out, posterior, checks, resolved.data, package_version())
    covered, total = coverage(checks)
    print(f"posterior: {shown(out / 'posterior.json')} ({len(posterior.weights):,} particles, effective sample size "
          f"{posterior.ess:,.0f}, {posterior.info['simulations']:,} simulations)")
    print(f"held-back 2023–2024 targets covered by the posterior's 80 % predictive interval: {covered} of {total}")
    print(f"report: {shown(report)}")
    return EXIT_OK
