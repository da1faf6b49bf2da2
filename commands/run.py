"""``run SCENARIO``: a batch of a scenario, written chunk by chunk to a results folder that the same command resumes."""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from multivector.calibration.posterior import posterior_design, read_posterior
from multivector.commands.common import (
    DEFAULT_REPLICATES,
    DEFAULT_ROOT_SEED,
    DEFAULT_SAMPLES,
    EXIT_OK,
    LARGE_BATCH,
    PROJECT_ROOT,
    CommandError,
    progress,
    shown,
)
from multivector.commands.options import (
    add_claims_off,
    add_out,
    add_overwrite,
    add_posterior,
    add_replicates,
    add_results_root,
    add_seed,
    add_workers,
    claims_off,
    positive,
    positive_seconds,
)
from multivector.ensemble.batch import run_seeds
from multivector.ensemble.chunks import CHUNK_SIZE
from multivector.ensemble.executors import DASK_CONNECT_TIMEOUT, ClusterError, make_executor
from multivector.model.params import Scenario
from multivector.scenarios import resolve
from multivector.scenarios.designs import DESIGNS, Design, make_design
from multivector.scenarios.loader import Resolved

if TYPE_CHECKING:
    from multivector.ensemble.results import ResultsFolder, WideLayout


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``run`` verb and its options."""
    run = verbs.add_parser("run", help="run a batch of a scenario and save results and figures")
    run.add_argument("scenario", help="library name (e.g. baseline) or path to a scenario YAML file")
    add_replicates(run, DEFAULT_REPLICATES, f"runs per design point, on the same seeds at every point (default {DEFAULT_REPLICATES})")
    run.add_argument("--design", choices=DESIGNS, default="replicates",
                     help="replicates only; sweep over the scenario's levers; lhs, sobol or morris over its uncertainties")
    run.add_argument("--samples", type=positive, default=DEFAULT_SAMPLES,
                     help="sweep: levels per lever; lhs: points; sobol: base sample N (power of 2); morris: trajectories")
    add_posterior(run)
    run.add_argument("--dask", metavar="ADDRESS", help="run on a Dask cluster at ADDRESS, or 'local' for a local one")
    run.add_argument("--dask-timeout", type=positive_seconds, default=DASK_CONNECT_TIMEOUT, metavar="SECONDS",
                     help=f"give up on a Dask scheduler that does not answer within SECONDS (default {DASK_CONNECT_TIMEOUT:g})")
    add_seed(run, "root seed of the batch, split per run")
    add_workers(run)
    run.add_argument("--chunk-size", type=positive, default=CHUNK_SIZE, metavar="N",
                     help=f"runs stepped together and written as one file (default {CHUNK_SIZE}; fewer when a batch "
                          "has fewer runs than workers × N, so that every worker gets some)")
    add_out(run, "results folder (default: RESULTS_ROOT/<scenario>, with the design, --samples, --replicates and "
                 "--seed appended when not their defaults, e.g. baseline-replicates200-seed7)")
    add_results_root(run)
    add_overwrite(run, "discard an existing results folder first (only one that a batch of this project wrote)")
    run.add_argument("--no-figures", action="store_true", help="skip the key figures")
    add_claims_off(run, "switch these claims off (values take their neutral, events citing them are dropped)")
    run.set_defaults(handler=run_batch)


def run_batch(args: argparse.Namespace) -> int:
    """Run the batch's missing runs, then draw its key figures; return the exit code.

    Raises:
        CommandError: On Ctrl-C, an unreachable cluster or a failed write, saying how many runs were kept.
    """
    # pandas and pyarrow (ensemble.results): loaded when a batch runs, not for --help
    from multivector.ensemble.results import ResultsFolder, WideLayout, prepare_results_folder, results_folder

    resolved = resolve(args.scenario, claims_off(args))
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
        plan = f"{shown(out)}: {design.summary()}{still}"
    try:
        _execute(scenario, layout, todo, count, design.runs, folder, args, plan)
    except KeyboardInterrupt:
        raise CommandError.interrupted(f"{len(folder.finished()):,} of {design.runs:,} runs kept in {shown(out)} (every finished "
                                       "chunk); run the same command to resume") from None
    except ClusterError as error:
        kept = len(folder.finished())
        raise CommandError(f"{error}" + (f"; {kept:,} of {design.runs:,} runs kept in {shown(out)}, the same command resumes"
                                         if kept else "")) from None
    except OSError as error:  # a full disk, a file-size limit, a folder made read-only mid-batch
        where = shown(Path(error.filename)) if error.filename else shown(out)
        raise CommandError.write_failed(
            f"could not write {where}: {error.strerror or error}; {len(folder.finished()):,} of {design.runs:,} runs "
            f"kept in {shown(out)} (every finished chunk); make room and run the same command to resume") from None
    print(f"results: {shown(out)} ({design.runs:,} runs of '{scenario.name}', design {design.kind})")
    if not args.no_figures:
        from multivector.analysis.report import save_key_figures  # matplotlib: imported only when figures are drawn

        for path in save_key_figures(folder):
            print(f"figure: {shown(path)}")
    return EXIT_OK


def _design(args: argparse.Namespace, resolved: Resolved) -> Design:
    """The batch's design: a sampler's over the scenario's factors, or posterior draws (``--posterior``)."""
    posterior = args.posterior or (resolved.posterior if args.design == "replicates" else None)
    if posterior is None:
        return make_design(args.design, resolved, samples=args.samples, replicates=args.replicates, seed=args.seed)
    if args.design != "replicates":
        raise CommandError.bad_value("--posterior", f"cannot be combined with --design {args.design}", str(args.posterior),
                                     "--posterior alone: its draws are the design's points (--samples of them)")
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


def _manifest(resolved: Resolved, design: Design, seeds: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """What the results folder records of the batch: versions, machine, command, scenario and design."""
    from multivector.ensemble.results import environment, git_commit, package_version, utc_now  # pandas, pyarrow: see run_batch

    return {
        "package_version": package_version(), "git_commit": git_commit(PROJECT_ROOT), **environment(),
        "started_utc": utc_now(), "command": args.command, "workers": args.workers, "dask": args.dask,
        "scenario": resolved.scenario.name, "scenario_source": str(resolved.source), "scenario_hash": resolved.digest,
        "design": design.describe(), "runs": design.runs, "root_seed": args.seed, "seeds": seeds,
        "chunk_size": args.chunk_size, "resolved_scenario": resolved.data,
    }


def _execute(scenario: Scenario, layout: WideLayout, todo: Iterator[tuple[int, int, Any]], count: int, total: int,
             folder: ResultsFolder, args: argparse.Namespace, plan: str | None = None) -> None:
    """Run the missing runs on the chosen executor in chunks, each encoded where it ran and written as it finishes.

    With a ``plan`` (a large batch), the first chunk runs here first, timed, and the plan is printed with
    how long the rest may take at its pace; that chunk is kept like any other.
    """
    workers = min(args.workers, max(count, 1))
    chunk_size = max(1, min(args.chunk_size, -(-count // workers)))  # every worker gets a share of a small batch
    if plan is not None:
        from multivector.ensemble.results import encode_chunk  # pandas, pyarrow: see run_batch

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
    bar = progress(total, total - count)
    try:
        executor = make_executor(workers, args.dask, chunk_size, args.dask_timeout)
        folder.write_batch(scenario, todo, layout, executor, on_written=lambda chunk: bar.update(chunk.runs))
    finally:
        bar.close()


def _duration(seconds: float) -> str:
    """A rough duration in words: ``about 20 s``, ``about 3 min``, ``about 1.5 h``."""
    if seconds < 90:
        return f"about {max(1, round(seconds, -1 if seconds >= 20 else 0)):.0f} s"
    if seconds < 90 * 60:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.1f} h"
