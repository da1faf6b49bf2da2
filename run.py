"""Multivector's command line.

With no arguments it runs the default job: a batch of the baseline scenario,
written to ``results/baseline`` with a few key figures. Verbs:

    python run.py run SCENARIO [--replicates N] [--seed S] [--workers N] [--out DIR | --results-root DIR] [--overwrite]
    python run.py compare A B [--metric M ...] [--replicates N]
    python run.py ablate SCENARIO [--metric M ...] [--group claim|article]
    python run.py validate SCENARIO
    python run.py claims [CLAIM_ID] [--article ID] [--contested] [--scenario NAME]
    python run.py outcomes

Installing the package (``pip install -e .``) makes this the ``multivector`` command
(``multivector run baseline``): the same verbs, options and exit codes.

Bad input ends with one line on standard error and a non-zero exit, never a traceback.

Default results folders lie under the results root (``results/`` of the project,
or ``--results-root``) and are checked to stay inside it; ``--overwrite``
deletes only a folder that a batch of this project wrote (see
:func:`ensemble.results.prepare_results_folder`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shlex
import sys
import textwrap
from pathlib import Path

DEFAULT_REPLICATES = 50
DEFAULT_SAMPLES = 16
DESIGNS = ("replicates", "sweep", "lhs", "sobol", "morris")
DEFAULT_COMPARE_REPLICATES = 30
DEFAULT_ABLATION_REPLICATES = 12
DEFAULT_ROOT_SEED = 20210101
DEFAULT_POPULATION = 2000
DEFAULT_MAX_RUNS = 100_000
DEFAULT_GENERATIONS = 12
"""Defaults of 'calibrate' (calibration.fit's; repeated so that --help imports no model)."""
DASK_CONNECT_TIMEOUT = 20.0
"""Default of --dask-timeout (ensemble.executors.DASK_CONNECT_TIMEOUT; repeated so that --help imports no model)."""
LARGE_BATCH = 1000
"""Runs from which 'run' says, before it starts, how many runs it will do and about how long they may take."""
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
EXIT_WRITE_FAILED = 1
PROJECT_ROOT = Path(__file__).resolve().parent
DEFAULT_RESULTS_ROOT = PROJECT_ROOT / "results"


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen verb; return the exit code."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # the benchmark parses its own options
        from benchmarks.bench import main as bench_main

        return bench_main(argv[1:])
    args = _parser().parse_args(argv)
    if args.verb is None:
        args = _parser().parse_args(["run", "baseline"])
    args.command = shlex.join([_program(), *argv])
    from ensemble.results import ResultsMismatchError, ResultsPathError
    from scenarios import ScenarioError

    try:
        return args.handler(args)
    except (ScenarioError, ResultsMismatchError, ResultsPathError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except (FileNotFoundError, ValueError, FloatingPointError) as error:  # a folder without runs; a non-finite outcome
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # output piped into a pager or head that closed early
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    from ensemble.chunks import CHUNK_SIZE

    parser = argparse.ArgumentParser(
        prog="run.py", description="Multivector: Central Asian multi-vector balancing, on Mesa.",
        epilog="With no verb, runs the default job: 'run baseline' with 50 replicates.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    run = verbs.add_parser("run", help="run a batch of a scenario and save results and figures")
    run.add_argument("scenario", help="library name (e.g. baseline) or path to a scenario YAML file")
    run.add_argument("--replicates", type=_positive, default=DEFAULT_REPLICATES,
                     help="runs per design point, on the same seeds at every point (default 50)")
    run.add_argument("--design", choices=DESIGNS, default="replicates",
                     help="replicates only; sweep over the scenario's levers; lhs, sobol or morris over its uncertainties")
    run.add_argument("--samples", type=_positive, default=DEFAULT_SAMPLES,
                     help="sweep: levels per lever; lhs: points; sobol: base sample N (power of 2); morris: trajectories")
    _add_posterior(run)
    run.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster at ADDRESS, or 'local' for a local one")
    run.add_argument("--dask-timeout", type=_positive_seconds, default=DASK_CONNECT_TIMEOUT, metavar="SECONDS",
                     help=f"give up on a Dask scheduler that does not answer within SECONDS (default {DASK_CONNECT_TIMEOUT:g})")
    run.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help="root seed of the batch, split per run")
    run.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    run.add_argument("--chunk-size", type=_positive, default=CHUNK_SIZE, metavar="N",
                     help=f"runs stepped together and written as one file (default {CHUNK_SIZE}; fewer when a batch "
                          "has fewer runs than workers × N, so that every worker gets some)")
    run.add_argument("--out", type=Path,
                     help="results folder (default: RESULTS_ROOT/<scenario>, with the design, --samples, --replicates and "
                          "--seed appended when not their defaults, e.g. baseline-replicates200-seed7)")
    _add_results_root(run)
    run.add_argument("--overwrite", action="store_true",
                     help="discard an existing results folder first (only one that a batch of this project wrote)")
    run.add_argument("--no-figures", action="store_true", help="skip the key figures")
    run.add_argument("--claims-off", nargs="+", default=[], metavar="ID",
                     help="switch these claims off (values take their neutral, events citing them are dropped)")
    run.set_defaults(handler=_run)

    plot = verbs.add_parser("plot", help="draw the figures of a results folder (and sensitivity indices of a design)")
    plot.add_argument("results", type=Path, help="a results folder written by 'run'")
    plot.add_argument("--indicator", default="russia_security_share",
                      help="summary indicator of the sensitivity figure (sobol and morris designs)")
    plot.set_defaults(handler=_plot)

    report = verbs.add_parser("report", help="write a self-contained HTML report of a results folder")
    report.add_argument("results", type=Path, help="a results folder written by 'run', or a calibration folder of 'calibrate'")
    report.add_argument("--out", type=Path, help="HTML file to write (default: RESULTS/report.html)")
    report.set_defaults(handler=_report)

    compare = verbs.add_parser("compare", help="paired comparison of two scenarios: table and figure")
    compare.add_argument("a", help="reference scenario (library name or path)")
    compare.add_argument("b", help="scenario compared with it")
    _add_experiment_options(compare, DEFAULT_COMPARE_REPLICATES)
    _add_posterior(compare)
    compare.set_defaults(handler=_compare)

    ablate = verbs.add_parser("ablate", help="switch each claim (or article) off in turn and rank what it moves")
    ablate.add_argument("scenario", help="library name or path")
    ablate.add_argument("--group", choices=("claim", "article"), default="claim",
                        help="switch claims off one at a time, or all switchable claims of an article together")
    ablate.add_argument("--claims", nargs="+", metavar="ID", help="only these claims (default: every switchable claim)")
    ablate.add_argument("--top", type=_positive, default=25, help="claims shown in the figure (default 25)")
    _add_experiment_options(ablate, DEFAULT_ABLATION_REPLICATES)
    ablate.set_defaults(handler=_ablate)

    facts = verbs.add_parser("facts", help="the baseline against the stylized facts, with and without its dated events")
    facts.add_argument("--replicates", type=_positive, default=24, help="runs of each (default 24)")
    facts.add_argument("--write", type=Path, metavar="FILE",
                       help="replace the table between the facts markers of FILE (e.g. docs/calibration.md)")
    facts.set_defaults(handler=_facts)

    calibrate = verbs.add_parser("calibrate", help="fit the scenario's uncertainties to the 2021–2022 targets (ABC-SMC): "
                                 "posterior, predictive checks and report")
    calibrate.add_argument("scenario", help="library name or path")
    calibrate.add_argument("--targets", type=Path, help="targets file (default: the library's scenarios/targets/baseline.yaml)")
    calibrate.add_argument("--population", type=_positive, default=DEFAULT_POPULATION, help=f"particles (default {DEFAULT_POPULATION})")
    calibrate.add_argument("--max-runs", type=_positive, default=DEFAULT_MAX_RUNS,
                           help=f"simulation budget; no generation starts beyond it (default {DEFAULT_MAX_RUNS:,})")
    calibrate.add_argument("--generations", type=_positive, default=DEFAULT_GENERATIONS, help=f"most generations (default {DEFAULT_GENERATIONS})")
    calibrate.add_argument("--min-epsilon", type=_positive_float, default=1.0,
                           help="stop at this tolerance, in target tolerances (default 1: every fitting target met)")
    calibrate.add_argument("--predictive-runs", type=_positive, default=1000, help="runs per side of the predictive checks (default 1000)")
    calibrate.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help="root seed of the fit")
    calibrate.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    calibrate.add_argument("--out", type=Path, help="calibration folder (default: RESULTS_ROOT/calibration-<scenario>)")
    _add_results_root(calibrate)
    calibrate.add_argument("--overwrite", action="store_true", help="replace an existing calibration in the folder")
    calibrate.set_defaults(handler=_calibrate)

    findings = verbs.add_parser("findings", help="run every library scenario against its reference: the findings table")
    findings.add_argument("--points", type=_positive, default=64,
                          help="Latin-hypercube points over the scenarios' uncertainties (default 64)")
    findings.add_argument("--seeds-per-point", type=_positive, default=4, help="paired seeds at every point (default 4)")
    findings.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help="root seed of the hypercube, the runs and the bootstrap")
    findings.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, help="worker processes")
    findings.add_argument("--scenario", dest="only", metavar="NAME", help="only this library scenario's hypothesis")
    _add_posterior(findings)
    findings.add_argument("--write", type=Path, metavar="FILE",
                          help="replace the table between the findings markers of FILE (e.g. scenarios/README.md)")
    findings.set_defaults(handler=_findings)

    viz = verbs.add_parser("viz", help="start the seminar page on this machine and print its address")
    viz.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    viz.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1: this machine only)")
    viz.add_argument("--posterior", type=Path, metavar="FILE",
                     help="let 'Predict, then run' draw the uncertainties from a calibration's posterior.json")
    viz.set_defaults(handler=_viz)

    verbs.add_parser("bench", help="measure speed and memory side by side with mesa.batch_run (ratios; see 'bench --help')")

    validate = verbs.add_parser("validate", help="check a scenario file; exit 0 if valid, else print one line")
    validate.add_argument("scenario", help="library name or path")
    validate.set_defaults(handler=_validate)

    claims = verbs.add_parser("claims", help="the claims registry: status, where each claim is used, discrepancies")
    claims.add_argument("claim", nargs="?", help="one claim ID to show in full with everything citing it (e.g. SU23-04)")
    claims.add_argument("--article", help="only this article (CH25, SU23, ZE23, YA24, DE22)")
    claims.add_argument("--status", choices=("encoded", "not-represented"), help="only claims with this status")
    claims.add_argument("--element", help="only claims bearing on this model element (e.g. sanctions, corridor, institution)")
    claims.add_argument("--contested", action="store_true", help="only contested claims")
    claims.add_argument("--scenario", help="count and show uses in this scenario only (default: the whole library)")
    claims.add_argument("--cited", action="store_true", help="only claims cited (by --scenario, or anywhere)")
    claims.add_argument("--discrepancies", action="store_true", help="list where the articles disagree and the model's choice")
    claims.add_argument("--no-effects", action="store_true",
                        help="skip what each claim moves most in the baseline (an ablation, cached per model version)")
    claims.add_argument("--workers", type=_positive, default=os.cpu_count() or 1,
                        help="worker processes for the ablation when it is not cached yet")
    _add_results_root(claims)
    claims.set_defaults(handler=_claims)

    outcomes = verbs.add_parser("outcomes", help="list recorded outcomes with units and definitions")
    outcomes.set_defaults(handler=_outcomes)
    return parser


def _add_experiment_options(parser: argparse.ArgumentParser, replicates: int) -> None:
    parser.add_argument("--metric", action="append", dest="metrics", metavar="M",
                        help="metric to compare, e.g. 'corridor_share[corridor=middle_corridor]@2028-2030' "
                             "(repeatable; default: the scenario's hypothesis checks and the headline indicators)")
    parser.add_argument("--replicates", type=_positive, default=replicates, help=f"paired runs (default {replicates})")
    parser.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help="root seed, split per run")
    parser.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    parser.add_argument("--claims-off", nargs="+", default=[], metavar="ID", help="claims switched off in every scenario")
    parser.add_argument("--out", type=Path, help="folder for the table, run values and figure (default: under RESULTS_ROOT)")
    _add_results_root(parser)


def _add_posterior(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--posterior", type=Path, metavar="FILE",
                        help="draw the uncertainties from a calibration's posterior.json instead of their ranges")


def _add_results_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--results-root", type=Path, default=DEFAULT_RESULTS_ROOT, metavar="RESULTS_ROOT",
                        help="folder under which default results folders are made (default: results/ of the project)")


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _run(args: argparse.Namespace) -> int:
    from ensemble.batch import run_seeds
    from ensemble.executors import ClusterError
    from ensemble.results import ResultsFolder, WideLayout, prepare_results_folder, results_folder
    from scenarios import resolve

    resolved = resolve(args.scenario, {"claims_off": args.claims_off} if args.claims_off else None)
    scenario = resolved.scenario
    design = _design(args, resolved)
    out = args.out or results_folder(args.results_root, _default_folder(scenario.name, args))
    prepare_results_folder(out, overwrite=args.overwrite, protected=_protected(args.results_root))
    folder = ResultsFolder(out)
    seeds = run_seeds(args.seed, args.replicates)
    folder.start(_manifest(resolved, design, seeds, args))
    layout = WideLayout.of(scenario, [f.path for f in design.factors], design.replicates)
    for line in folder.recover(layout, design.runs, seeds):
        print(line, file=sys.stderr)
    finished = folder.finished()
    todo = ((k, seeds[design.replicate_of(k)], design.values(design.point_of(k)))
            for k in range(design.runs) if k not in finished)
    count = design.runs - len(finished)
    plan = None
    if count >= LARGE_BATCH:
        still = f", {count:,} still to do" if finished else ""
        plan = f"{_shown(out)}: {design.summary()}{still}"
    try:
        _execute(scenario, layout, todo, count, design.runs, folder, args, plan)
    except KeyboardInterrupt:
        print(f"interrupted: {len(folder.finished()):,} of {design.runs:,} runs kept in {_shown(out)} (every finished chunk); "
              "run the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    except ClusterError as error:
        kept = len(folder.finished())
        print(f"error: {error}" + (f"; {kept:,} of {design.runs:,} runs kept in {_shown(out)}, the same command resumes"
                                   if kept else ""), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:  # a full disk, a file-size limit, a folder made read-only mid-batch
        where = _shown(Path(error.filename)) if error.filename else _shown(out)
        print(f"error: could not write {where}: {error.strerror or error}; {len(folder.finished()):,} of {design.runs:,} runs "
              f"kept in {_shown(out)} (every finished chunk); make room and run the same command to resume", file=sys.stderr)
        return EXIT_WRITE_FAILED
    print(f"results: {_shown(out)} ({design.runs:,} runs of '{scenario.name}', design {design.kind})")
    if not args.no_figures:
        from analysis.report import save_key_figures  # matplotlib: imported only when figures are drawn

        for path in save_key_figures(folder):
            print(f"figure: {_shown(path)}")
    return 0


def _design(args: argparse.Namespace, resolved):
    """The batch's design: a sampler's over the scenario's factors, or posterior draws (``--posterior``)."""
    from scenarios.designs import make_design

    posterior = args.posterior or (resolved.posterior if args.design == "replicates" else None)
    if posterior is None:
        return make_design(args.design, resolved, samples=args.samples, replicates=args.replicates, seed=args.seed)
    from calibration.posterior import posterior_design, read_posterior

    if args.design != "replicates":
        from scenarios import ScenarioError

        raise ScenarioError("<command line>", None, "--posterior", f"cannot be combined with --design {args.design}",
                            str(args.posterior), "--posterior alone: its draws are the design's points (--samples of them)")
    return posterior_design(resolved, read_posterior(posterior), draws=args.samples, replicates=args.replicates,
                            seed=args.seed, source=str(posterior))


def _protected(results_root: Path) -> list[tuple[str, Path]]:
    """Folders that ``--overwrite`` must never delete, nor any folder containing them."""
    protected = [("the project checkout", PROJECT_ROOT), ("the results root", results_root),
                 ("the working directory", Path.cwd())]
    with contextlib.suppress(RuntimeError):  # no home folder known
        protected.append(("the home folder", Path.home()))
    return protected


def _default_folder(name: str, args: argparse.Namespace) -> str:
    """The scenario's name and every option that changes the runs but has no default value.

    So that batches of the same scenario with other settings go to folders of
    their own (``baseline``, ``baseline-replicates200-seed7``,
    ``baseline-sobol-samples64-replicates2``) and the same command resumes its own.
    """
    parts = [name]
    if args.posterior is not None:
        parts.append(f"posterior{args.samples}" if args.samples != DEFAULT_SAMPLES else "posterior")
    if args.design != "replicates":
        parts.append(args.design)
        if args.samples != DEFAULT_SAMPLES:
            parts.append(f"samples{args.samples}")
    if args.replicates != DEFAULT_REPLICATES:
        parts.append(f"replicates{args.replicates}")
    if args.seed != DEFAULT_ROOT_SEED:
        parts.append(f"seed{args.seed}")
    if args.claims_off:
        parts.append("without-" + "-".join(args.claims_off))
    return "-".join(parts)


def _manifest(resolved, design, seeds: list[int], args: argparse.Namespace) -> dict:
    from ensemble.results import environment, git_commit, package_version, utc_now

    return {
        "package_version": package_version(), "git_commit": git_commit(PROJECT_ROOT), **environment(),
        "started_utc": utc_now(), "command": args.command, "workers": args.workers, "dask": args.dask,
        "scenario": resolved.scenario.name, "scenario_source": str(resolved.source), "scenario_hash": resolved.digest,
        "design": design.describe(), "runs": design.runs, "root_seed": args.seed, "seeds": seeds,
        "chunk_size": args.chunk_size, "resolved_scenario": resolved.data,
    }


def _program() -> str:
    """How the command line was called: ``multivector`` (the installed script) or ``run.py``."""
    name = Path(sys.argv[0]).name if sys.argv else ""
    return name if name in ("multivector", "run.py") else "run.py"


def _execute(scenario, layout, todo, count: int, total: int, folder, args: argparse.Namespace,
             plan: str | None = None) -> None:
    """Run the missing runs on the chosen executor in chunks, each encoded where it ran and written as it finishes.

    With a ``plan`` (a large batch), the first chunk runs here first, timed, and the plan is printed with
    how long the rest may take at its pace; that chunk is kept like any other.
    """
    from ensemble.executors import make_executor

    workers = min(args.workers, max(count, 1))
    chunk_size = max(1, min(args.chunk_size, -(-count // workers)))  # every worker gets a share of a small batch
    if plan is not None:
        import time
        from itertools import islice

        from ensemble.results import encode_chunk

        print(f"{plan}; timing the first chunk", file=sys.stderr, end="", flush=True)
        first = list(islice(todo, chunk_size))
        start = time.perf_counter()
        try:
            folder.write_chunk(encode_chunk(layout, scenario, first))
        except BaseException:
            print(file=sys.stderr)  # end the line before any other message
            raise
        took = time.perf_counter() - start
        count -= len(first)
        chunks_left = -(-count // chunk_size)
        rest = took * chunks_left / max(1, min(workers, chunks_left))
        print(f": {len(first)} runs in {took:.1f} s, so the rest may take {_duration(rest)} on {workers} worker{'s' if workers > 1 else ''} "
              "(Ctrl-C keeps every finished chunk; the same command resumes)", file=sys.stderr)
    progress = _progress(total, total - count)
    try:
        executor = make_executor(workers, args.dask, chunk_size, args.dask_timeout)
        folder.write_batch(scenario, todo, layout, executor, on_written=lambda chunk: progress.update(chunk.runs))
    finally:
        progress.close()


def _duration(seconds: float) -> str:
    """A rough duration in words: ``about 20 s``, ``about 3 min``, ``about 1.5 h``."""
    if seconds < 90:
        return f"about {max(1, round(seconds, -1 if seconds >= 20 else 0)):.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"


def _calibrate(args: argparse.Namespace) -> int:
    from analysis.calibration_report import coverage, write_calibration_report
    from calibration.fit import FitSettings
    from calibration.targets import default_targets_path, read_targets
    from calibration.workflow import calibrate, prepare_calibration_folder
    from ensemble.results import package_version, results_folder
    from scenarios import resolve

    resolved = resolve(args.scenario)
    targets = args.targets or default_targets_path()
    read_targets(targets, resolved.scenario)  # a bad targets file fails here, in one line, before anything is written
    out = args.out or results_folder(args.results_root, f"calibration-{resolved.scenario.name}")
    prepare_calibration_folder(out, overwrite=args.overwrite)
    settings = FitSettings(args.population, args.max_runs, args.generations, args.min_epsilon, args.seed, args.workers)
    print(f"calibrating '{resolved.scenario.name}': a prior screen of the targets, then ABC-SMC with {args.population:,} "
          f"particles (at most {args.generations} generations, {args.max_runs:,} runs), then predictive checks", file=sys.stderr)
    progress = _progress(args.population, 0)
    progress.unit = "particle"
    progress.set_description("prior screen")
    state = {"generation": -1, "runs": 0}

    def on_runs(runs: int, accepted: int, generation: int) -> None:
        if generation != state["generation"]:
            state["generation"] = generation
            progress.reset(total=args.population)
            progress.set_description(f"generation {generation}")
        state["runs"] += runs
        progress.update(accepted - progress.n)
        progress.set_postfix_str(f"{state['runs']:,} runs")

    try:
        posterior, checks = calibrate(resolved, targets, out, settings, on_runs=on_runs, predictive_runs=args.predictive_runs)
    except KeyboardInterrupt:
        print(f"interrupted: no posterior written; pyabc's history of the finished generations is in {_shown(out / 'history.db')}",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        progress.close()
    report = write_calibration_report(out, posterior, checks, resolved.data, package_version())
    covered, total = coverage(checks)
    print(f"posterior: {_shown(out / 'posterior.json')} ({len(posterior.weights):,} particles, effective sample size "
          f"{posterior.ess:,.0f}, {posterior.info['simulations']:,} simulations)")
    print(f"held-back 2023–2024 targets covered by the posterior's 80 % predictive interval: {covered} of {total}")
    print(f"report: {_shown(report)}")
    return 0


def _viz(args: argparse.Namespace) -> int:
    from analysis.seminar import serve

    if args.posterior is not None:
        from analysis.seminar.predict import POSTERIOR_ENV
        from calibration.posterior import read_posterior

        read_posterior(args.posterior)  # a bad file fails here, in one line, not on the page
        os.environ[POSTERIOR_ENV] = str(args.posterior.resolve())
    return serve(args.port, args.host)


def _plot(args: argparse.Namespace) -> int:
    from analysis.report import save_figures, save_sensitivity

    results = _results(args.results)
    for path in save_figures(results):
        print(f"figure: {_shown(path)}")
    sensitivity = save_sensitivity(results, args.indicator)  # sobol and morris designs only
    if sensitivity is not None:
        print(f"figure: {_shown(sensitivity.figure)} (indices: {_shown(sensitivity.figure.with_suffix('.csv'))})")
        if sensitivity.warning:
            print(f"warning: {sensitivity.warning}", file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    from analysis.report import write_report
    from calibration.workflow import is_calibration_folder

    if is_calibration_folder(args.results):
        from analysis.calibration_report import write_calibration_report
        from calibration.workflow import load_calibration
        from ensemble.results import package_version

        resolved, posterior, checks = load_calibration(args.results)
        path = write_calibration_report(args.results, posterior, checks, resolved.data, package_version())
        print(f"report: {_shown(path)} (open it in a browser; it needs no server)")
        return 0
    path = write_report(_results(args.results), args.out)
    print(f"report: {_shown(path)} (open it in a browser; it needs no server)")
    return 0


def _results(path: Path) -> Path:
    from ensemble.results import ResultsFolder, is_results_folder
    from scenarios import ScenarioError

    if not is_results_folder(path):
        raise ScenarioError(str(path), None, "<results>", "not a results folder", str(path),
                            "a folder written by 'run.py run' (with its manifest.json)")
    ResultsFolder(path).manifest()  # one line if an older version wrote it
    return path


def _compare(args: argparse.Namespace) -> int:
    from analysis.compare import compare_runs, markdown_table
    from ensemble.batch import run_metrics, run_seeds
    from ensemble.results import results_folder

    overrides = {"claims_off": args.claims_off} if args.claims_off else None
    a, b = _resolve(args.a, overrides), _resolve(args.b, overrides)
    metrics = _metrics(args.metrics, b, a.scenario, b.scenario)
    names = (a.scenario.name, b.scenario.name)
    args.posterior = args.posterior or b.posterior or a.posterior  # a scenario may name the posterior it was calibrated to
    out = args.out or results_folder(args.results_root, "compare",
                                     f"{names[0]}--{names[1]}" + ("-posterior" if args.posterior else ""))
    seeds = run_seeds(args.seed, args.replicates)
    progress = _progress(2 * len(seeds), 0)
    try:
        if args.posterior is None:
            values = run_metrics({"a": a.scenario, "b": b.scenario}, seeds, metrics, args.workers, on_done=lambda: progress.update(1))
        else:
            from analysis.uncertain import paired_values
            from calibration.posterior import read_posterior

            values, design = paired_values(a, b, metrics, points=args.replicates, seeds_per_point=1, seed=args.seed,
                                           workers=args.workers, on_done=lambda: progress.update(1),
                                           posterior=read_posterior(args.posterior))
            seeds = list(design.seeds)
    except KeyboardInterrupt:
        progress.close()
        print("interrupted: a comparison needs every paired run; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.close()
    labels, units = [m.label for m in metrics], [m.unit for m in metrics]
    stats = compare_runs(labels, values["a"], values["b"], seed=args.seed)
    out.mkdir(parents=True, exist_ok=True)
    table = markdown_table(stats, units, *names)
    _write_comparison(out, names, seeds, labels, units, values, stats, table)
    diffs = [values["b"][:, j] - values["a"][:, j] for j in range(len(metrics))]
    figure = _figure_paired(diffs, stats, units, names, out, args.replicates)
    pairs = (f"{args.replicates} runs on the same posterior draws and seeds ({args.posterior})" if args.posterior
             else f"{args.replicates} runs on the same seeds")
    print(f"Paired comparison, {pairs} (root seed {args.seed}); B = {names[1]}, A = {names[0]}")
    print(table)
    print(f"table: {_shown(out / 'comparison.md')}, values: {_shown(out / 'runs.csv')}, figure: {_shown(figure)}")
    return 0


def _ablate(args: argparse.Namespace) -> int:
    from analysis.compare import rank_ablation
    from ensemble.batch import run_metrics, run_seeds
    from ensemble.results import results_folder
    from scenarios import load_registry
    from scenarios.ablation import ablation_variants, check_switchable, group_claims, switchable_claims

    overrides = {"claims_off": args.claims_off} if args.claims_off else None
    full = _resolve(args.scenario, overrides)
    if args.claims:
        check_switchable(full, args.claims)
    claims = args.claims or switchable_claims(full)
    groups = group_claims(claims, args.group)
    variants = ablation_variants(args.scenario, groups, overrides)
    metrics = _metrics(args.metrics, full, full.scenario)
    out = args.out or results_folder(args.results_root, "ablation", full.scenario.name)
    seeds = run_seeds(args.seed, args.replicates)
    scenarios = {"<full>": full.scenario, **{label: v.scenario for label, v in variants.items()}}
    print(f"Ablation of '{full.scenario.name}': {len(groups)} {args.group} variant(s) + the full scenario, "
          f"{args.replicates} paired runs each ({len(scenarios) * len(seeds)} runs)")
    progress = _progress(len(scenarios) * len(seeds), 0)
    try:
        values = run_metrics(scenarios, seeds, metrics, args.workers, on_done=lambda: progress.update(1))
    except KeyboardInterrupt:
        progress.close()
        print("interrupted: an ablation needs every paired run; nothing written", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.close()
    labels = [m.label for m in metrics]
    ranking = rank_ablation(values["<full>"], {k: (groups[k], values[k]) for k in groups}, labels, seed=args.seed)
    registry = load_registry()
    out.mkdir(parents=True, exist_ok=True)
    table = _ablation_table(ranking, metrics, registry)
    (out / "ablation.md").write_text(
        f"# Claim ablation of {full.scenario.name}\n\nEach row switches claims off (values take their neutral, "
        f"events citing them are dropped) and compares {args.replicates} paired runs with the full scenario; "
        f"ranked by |mean change| of `{labels[0]}`.\n\n{table}", encoding="utf-8")
    _write_ablation_csv(out / "ablation.csv", ranking)
    figure = _figure_ablation(ranking[: args.top], metrics[0].unit, registry, full.scenario.name, out, args.replicates)
    print(table)
    print(f"table: {_shown(out / 'ablation.md')}, figure: {_shown(figure)}")
    return 0


def _ablation_table(ranking, metrics, registry) -> str:
    head = "| rank | switched off | contested | " + " | ".join(f"`{m.label}` mean change [95 % CI]" for m in metrics) + " |"
    lines = [head, "|" + "---|" * (3 + len(metrics))]
    for rank, row in enumerate(ranking, 1):
        contested = "yes" if any(registry.is_contested(c) for c in row[0].claims) else ""
        cells = " | ".join(f"{e.stats.mean_diff:+.4g} [{e.stats.ci_low:+.4g}, {e.stats.ci_high:+.4g}]" for e in row)
        lines.append(f"| {rank} | {row[0].switched_off} | {contested} | {cells} |")
    return "\n".join(lines) + "\n"


def _write_ablation_csv(path: Path, ranking) -> None:
    import csv

    records = [{"rank": rank, "switched_off": effect.switched_off, "claims": " ".join(effect.claims),
                **effect.stats.as_row()} for rank, row in enumerate(ranking, 1) for effect in row]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(records[0]))
        writer.writeheader()
        writer.writerows(records)


def _figure_ablation(ranking, unit: str, registry, scenario: str, out: Path, runs: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import ablation_ranking
    from analysis.style import STYLE, stamp
    from ensemble.results import package_version

    effects = [row[0] for row in ranking]
    contested = [any(registry.is_contested(c) for c in e.claims) for e in effects]
    with matplotlib.rc_context(STYLE):
        ax = ablation_ranking(effects, unit, contested,
                              title=f"Which claims carry {effects[0].stats.metric} in {scenario} ({runs} paired runs)")
        stamp(ax.figure, scenario, _shown(out).as_posix(), package_version())
        path = out / "ablation.png"
        ax.figure.savefig(path, bbox_inches="tight")
        plt.close(ax.figure)
    return path


FINDINGS_MARKERS = ("<!-- findings:start -->", "<!-- findings:end -->")
FACTS_MARKERS = ("<!-- facts:start -->", "<!-- facts:end -->")


def _facts(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from analysis.facts import fact_table
    from analysis.replicates import run_replicates
    from scenarios import load_scenario

    baseline = load_scenario("baseline")
    seeds = range(args.replicates)
    table = fact_table(run_replicates(seeds, baseline), run_replicates(seeds, replace(baseline, timeline=())))
    block = (f"{args.replicates} runs of the baseline (seeds 0–{args.replicates - 1}) and of the baseline without its "
             f"dated events, on the same seeds.\n\n{table}")
    print(block)
    if args.write:
        _replace_between_markers(args.write, block, FACTS_MARKERS)
        print(f"updated: {_shown(args.write)}")
    return 0


def _findings(args: argparse.Namespace) -> int:
    from analysis.uncertain import compare_under_uncertainty
    from calibration.posterior import read_posterior
    from scenarios import ScenarioError, list_scenarios, resolve

    posterior = read_posterior(args.posterior) if args.posterior is not None else None
    names = list_scenarios()
    if args.only is not None and args.only not in names:
        raise ScenarioError("<command line>", None, "--scenario", "not a library scenario", args.only, "one of: " + ", ".join(names))
    library = [r for r in (resolve(name) for name in names if args.only in (None, name)) if r.hypothesis is not None]
    references = {str(r.hypothesis.against_path): resolve(r.hypothesis.against_path) for r in library}
    total = sum(2 * args.points * args.seeds_per_point for _ in library)
    over = (f"{args.points} draws of the posterior {args.posterior} × {args.seeds_per_point} seeds each" if posterior
            else f"{args.points} points of a Latin hypercube over the uncertainties × {args.seeds_per_point} seeds")
    print(f"{len(library)} scenario{'s' if len(library) != 1 else ''} against their references: {over}, paired ({total} runs)",
          file=sys.stderr)
    progress = _progress(total, 0)
    rows = []
    for r in library:
        reference = references[str(r.hypothesis.against_path)]
        named = posterior if posterior is not None or r.posterior is None else read_posterior(r.posterior)
        stats, _ = compare_under_uncertainty(
            reference, r, [c.metric for c in r.hypothesis.checks], points=args.points,
            seeds_per_point=args.seeds_per_point, seed=args.seed, workers=args.workers, on_done=lambda: progress.update(1),
            posterior=named)
        rows += [(r, check, stat, reference.scenario.name) for check, stat in zip(r.hypothesis.checks, stats, strict=True)]
    progress.close()
    table = _findings_table(rows, args.points, args.seeds_per_point, args.seed, args.posterior)
    print(table)
    if args.write:
        _replace_between_markers(args.write, table, FINDINGS_MARKERS)
        print(f"updated: {_shown(args.write)}")
    return 0


def _findings_table(rows, points: int, seeds_per_point: int, seed: int, posterior: Path | None = None) -> str:
    where = (f"{points} draws of the posterior {posterior} (uncertainties it does not cover: a Latin hypercube), "
             f"× {seeds_per_point} seeds of their own at every draw" if posterior else
             f"{points} points of a Latin hypercube over both scenarios' uncertainties, × {seeds_per_point} seeds at every point")
    lines = [
        f"Each scenario against its reference at {where}, paired (root seed {seed}); change = scenario − reference: mean with "
        "its 95 % bootstrap interval, which carries parameter uncertainty and noise together, and the 10–90 % range "
        "of the paired changes. A *direct* check reads an outcome the scenario sets; an *emergent* one a consequence "
        "that passes through another mechanism.",
        "",
        "**Headline of each scenario**",
        "",
        "| scenario | question | claims | article expects | model shows (reference → scenario, median) | mean change [95 % CI] | 10–90 % | agrees |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for resolved, check, stat, against in rows:
        if check is not resolved.hypothesis.headline:
            continue
        lines.append(
            f"| `{resolved.scenario.name}` | {resolved.data.get('question', '')} | {', '.join(resolved.hypothesis.claims)} "
            f"| `{check.metric.label}` {check.article} vs {against} | {stat.direction(check.tolerance)}: "
            f"{stat.median_a:.3g} → {stat.median_b:.3g} | {stat.mean_diff:+.3g} [{stat.ci_low:+.3g}, {stat.ci_high:+.3g}] "
            f"| {stat.p10_diff:+.3g} … {stat.p90_diff:+.3g} | {_agreement(check, stat)} |")
    lines += ["", "**Every check**", "",
              "| scenario | against | check | kind | tolerance | article expects | model shows | medians | mean change [95 % CI] | agrees |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for resolved, check, stat, against in rows:
        lines.append(
            f"| `{resolved.scenario.name}` | {against} | `{check.metric.label}` | {check.kind} | {check.tolerance:g} "
            f"| {check.article} | {stat.direction(check.tolerance)} | {stat.median_a:.3g} → {stat.median_b:.3g} "
            f"| {stat.mean_diff:+.3g} [{stat.ci_low:+.3g}, {stat.ci_high:+.3g}] | {_agreement(check, stat)} |")
    return "\n".join(lines) + "\n"


def _agreement(check, stat) -> str:
    shown = stat.direction(check.tolerance)
    if shown == check.article:
        return "yes"
    if shown == check.model:
        return "unclear (see below)" if shown == "unclear" else "**no** (see below)"
    return "**no** (not yet explained)"


def _replace_between_markers(path: Path, block: str, markers: tuple[str, str]) -> None:
    from scenarios import ScenarioError

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = markers
    if start not in text or end not in text:
        raise ScenarioError(str(path), None, "<file>", "markers not found", path.name,
                            f"a file with the lines {start} and {end}")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{block}{end}{tail}", encoding="utf-8")


def _resolve(name: str, overrides: dict | None):
    from scenarios import resolve

    return resolve(name, overrides)


def _metrics(texts: list[str] | None, resolved, *scenarios) -> list:
    """Metrics from the command line, or the scenario's hypothesis checks plus the defaults; checked against every scenario."""
    from ensemble.batch import coordinates
    from model.calendar import quarter_range
    from model.metrics import DEFAULT_METRICS, MetricError, parse_metric
    from scenarios import ScenarioError

    if texts:
        chosen = list(texts)
    else:
        checks = resolved.hypothesis.checks if resolved.hypothesis else ()
        chosen = [c.metric.label for c in checks] + list(DEFAULT_METRICS)
    metrics, seen = [], set()
    for text in chosen:
        try:
            metric = parse_metric(text)
            for scenario in scenarios:
                metric.check(coordinates(scenario), quarter_range(scenario.start, scenario.end))
        except MetricError as error:
            raise ScenarioError("<command line>", None, f"--metric {text}", error.problem, error.value, error.expected) from None
        if metric.label not in seen:
            seen.add(metric.label)
            metrics.append(metric)
    return metrics


def _write_comparison(out: Path, names, seeds, labels, units, values, stats, table: str) -> None:
    import csv

    (out / "comparison.md").write_text(
        f"# {names[1]} vs {names[0]}: paired comparison\n\n{len(seeds)} runs of each on the same seeds.\n\n{table}",
        encoding="utf-8")
    with open(out / "comparison.csv", "w", newline="", encoding="utf-8") as handle:
        rows = [{**s.as_row(), "unit": u} for s, u in zip(stats, units, strict=True)]
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with open(out / "runs.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["run", "seed", "metric", names[0], names[1]])
        for i, seed in enumerate(seeds):
            for j, label in enumerate(labels):
                writer.writerow([i, seed, label, repr(float(values["a"][i, j])), repr(float(values["b"][i, j]))])


def _figure_paired(diffs, stats, units, names, out: Path, runs: int) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from analysis.plots import paired_differences
    from analysis.style import STYLE, stamp
    from ensemble.results import package_version

    with matplotlib.rc_context(STYLE):
        figure = paired_differences(diffs, stats, units, title=f"{names[1]} − {names[0]} ({runs} paired runs)")
        stamp(figure, f"{names[1]} vs {names[0]}", _shown(out).as_posix(), package_version())
        path = out / "comparison.png"
        figure.savefig(path, bbox_inches="tight")
        plt.close(figure)
    return path


def _shown(path: Path) -> Path:
    """A path relative to the working directory when it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _progress(total: int, done: int):
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread, so worker processes can be forked (ensemble.executors.pool_context)
    return tqdm(total=total, initial=done, unit="run", desc="runs", dynamic_ncols=True)


def _validate(args: argparse.Namespace) -> int:
    from scenarios import citations, resolve

    resolved = resolve(args.scenario)
    cited = citations(resolved.data)
    print(f"ok: {resolved.source} is valid ({len(cited)} claims cited, "
          f"{len(resolved.scenario.timeline)} timeline events, horizon {resolved.scenario.start}–{resolved.scenario.end})")
    return 0


def _claims(args: argparse.Namespace) -> int:
    from scenarios import ScenarioError, load_registry
    from scenarios.coverage import claim_uses

    registry = load_registry()
    if args.discrepancies:
        return _show_discrepancies(registry)
    uses = claim_uses([args.scenario] if args.scenario else None, registry)
    if args.claim and args.claim not in registry.claims:
        raise ScenarioError("<command line>", None, "claim", "unknown claim ID", args.claim,
                            "an ID such as SU23-04 (see 'run.py claims')")
    effects = {} if args.no_effects else _claim_effects(args)
    if args.claim:
        claim = registry.claims[args.claim]
        _show_claim(claim, registry, uses.get(claim.id, []), effects.get(claim.id))
        return 0
    shown = [c for c in registry.claims.values() if _claim_selected(c, args, uses)]
    for claim in shown:
        flag = "⚠" if claim.contested else " "
        count = len([u for u in uses.get(claim.id, []) if u.kind != "hypothesis"])
        moves = f"  moves most: {effects[claim.id].outcome}" if claim.id in effects and effects[claim.id].z > 0 else ""
        print(f"{claim.id} {flag} {claim.kind:<10} {claim.status:<15} {count:>3} uses  "
              f"{textwrap.shorten(claim.text, 70)}{moves}")
    encoded = sum(c.status == "encoded" for c in shown)
    print(f"{len(shown)} claims shown: {encoded} encoded, {len(shown) - encoded} not represented "
          f"({'uses in ' + args.scenario if args.scenario else 'uses across the scenario library and the model'})")
    return 0


def _claim_selected(claim, args: argparse.Namespace, uses: dict) -> bool:
    return not (
        (args.article and claim.article != args.article)
        or (args.status and claim.status != args.status)
        or (args.element and args.element not in claim.elements)
        or (args.contested and not claim.contested)
        or (args.cited and not uses.get(claim.id))
    )


def _claim_effects(args: argparse.Namespace) -> dict:
    """What each baseline claim moves most: the cached ablation, computed once per model version."""
    from analysis.claim_effects import load_or_compute

    progress = None

    def start(runs: int) -> None:
        nonlocal progress
        print(f"computing what each baseline claim moves most, once for this model version ({runs} runs; "
              f"cached in {_shown(args.results_root)})", file=sys.stderr)
        progress = _progress(runs, 0)

    try:
        return load_or_compute(args.results_root, "baseline", args.workers, on_start=start,
                               on_done=lambda: progress.update(1))
    finally:
        if progress is not None:
            progress.close()


def _show_claim(claim, registry, uses: list, effect=None) -> None:
    article = registry.articles[claim.article]
    print(f"{claim.id} — {article.authors} ({article.year}), \"{article.title}\", section {claim.section}")
    print(f"kind: {claim.kind}; contested: {'yes' if claim.contested else 'no'}; elements: {', '.join(claim.elements)}")
    if claim.figures:
        print(f"figures: {claim.figures}")
    print(textwrap.fill(claim.text, 100))
    if claim.note:
        print(textwrap.fill(f"note: {claim.note}", 100))
    if effect is not None:
        print(textwrap.fill(f"switched off in the baseline, it moves most: {effect.describe()} "
                            "(horizon mean, paired runs)", 100))
    if claim.status == "not-represented":
        print(textwrap.fill(f"status: not represented — {claim.reason}", 100))
    else:
        print(f"status: encoded; {len(uses)} use(s):")
    for use in uses:
        print(f"  [{use.kind}] {use}")
    for item in registry.discrepancies:
        if claim.id in item.claims:
            print(textwrap.fill(f"discrepancy {item.id} ({item.topic}): {item.choice}", 100, subsequent_indent="  "))


def _show_discrepancies(registry) -> int:
    for item in registry.discrepancies:
        print(f"{item.id} [{item.relation}] {item.topic} — {', '.join(item.claims)}")
        print(textwrap.fill(item.choice, 100, initial_indent="    ", subsequent_indent="    "))
    return 0


def _outcomes(args: argparse.Namespace) -> int:
    from model.outcomes import OUTCOMES

    for name, outcome in OUTCOMES.items():
        dims = "×".join(outcome.dims) or "scalar"
        print(f"{name:<20} [{outcome.unit}] ({dims}) {outcome.definition}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
