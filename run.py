"""Multivector's command line.

With no arguments it runs the default job: a batch of the baseline scenario,
written to ``results/baseline`` with a few key figures. Verbs:

    python run.py run SCENARIO [--replicates N] [--seed S] [--workers N] [--out DIR]
    python run.py validate SCENARIO
    python run.py claims [CLAIM_ID] [--article ID] [--contested] [--scenario NAME]
    python run.py outcomes

Bad input ends with one line on standard error and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
from pathlib import Path

DEFAULT_REPLICATES = 50
DEFAULT_ROOT_SEED = 20210101
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
PROJECT_ROOT = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen verb; return the exit code."""
    args = _parser().parse_args(argv)
    if args.verb is None:
        args = _parser().parse_args(["run", "baseline"])
    from analysis.results import ResultsMismatchError
    from scenarios import ScenarioError

    try:
        return args.handler(args)
    except (ScenarioError, ResultsMismatchError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run.py", description="Multivector: Central Asian multi-vector balancing, on Mesa.",
        epilog="With no verb, runs the default job: 'run baseline' with 50 replicates.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")

    run = verbs.add_parser("run", help="run a batch of a scenario and save results and figures")
    run.add_argument("scenario", help="library name (e.g. baseline) or path to a scenario YAML file")
    run.add_argument("--replicates", type=_positive, default=DEFAULT_REPLICATES, help="number of runs (default 50)")
    run.add_argument("--seed", type=int, default=DEFAULT_ROOT_SEED, help="root seed of the batch, split per run")
    run.add_argument("--workers", type=_positive, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    run.add_argument("--out", type=Path, help="results folder (default: results/<scenario>)")
    run.add_argument("--overwrite", action="store_true", help="discard an existing results folder first")
    run.add_argument("--no-figures", action="store_true", help="skip the key figures")
    run.set_defaults(handler=_run)

    validate = verbs.add_parser("validate", help="check a scenario file; exit 0 if valid, else print one line")
    validate.add_argument("scenario", help="library name or path")
    validate.set_defaults(handler=_validate)

    claims = verbs.add_parser("claims", help="list claims of the registry and which scenario values cite them")
    claims.add_argument("claim", nargs="?", help="one claim ID to show in full (e.g. SU23-04)")
    claims.add_argument("--article", help="only this article (CH25, SU23, ZE23, YA24, DE22)")
    claims.add_argument("--contested", action="store_true", help="only contested claims")
    claims.add_argument("--cited", action="store_true", help="only claims the scenario cites")
    claims.add_argument("--scenario", default="baseline", help="scenario whose citations are shown (default baseline)")
    claims.set_defaults(handler=_claims)

    outcomes = verbs.add_parser("outcomes", help="list recorded outcomes with units and definitions")
    outcomes.set_defaults(handler=_outcomes)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _run(args: argparse.Namespace) -> int:
    import shutil

    from analysis.report import save_key_figures
    from analysis.results import ResultsFolder, git_commit, package_version
    from model.batch import coordinates, run_batch, run_seeds
    from model.calendar import quarter_range
    from model.outcomes import summarise
    from model.params import BLOCS
    from scenarios import resolve

    resolved = resolve(args.scenario)
    scenario = resolved.scenario
    out = args.out or PROJECT_ROOT / "results" / scenario.name
    if args.overwrite and out.exists():
        shutil.rmtree(out)
    folder = ResultsFolder(out)
    seeds = run_seeds(args.seed, args.replicates)
    folder.start({
        "package_version": package_version(), "git_commit": git_commit(PROJECT_ROOT),
        "scenario": scenario.name, "scenario_source": str(resolved.source), "scenario_hash": resolved.digest,
        "design": {"kind": "replicates", "replicates": args.replicates}, "root_seed": args.seed,
        "seeds": seeds, "resolved_scenario": resolved.data,
    })
    todo = [(i, s) for i, s in enumerate(seeds) if i not in folder.finished()]
    quarters, coords = quarter_range(scenario.start, scenario.end), coordinates(scenario)
    progress = _progress(len(seeds), len(seeds) - len(todo))

    def save(result: object) -> None:
        folder.write_run(result.index, result.seed, result.outcomes, quarters, coords,
                         summarise(result.outcomes, scenario.power_codes, BLOCS))
        progress.update(1)

    try:
        run_batch(scenario, todo, save, workers=min(args.workers, max(len(todo), 1)))
    except KeyboardInterrupt:
        progress.close()
        print(f"interrupted: {len(folder.finished())} of {len(seeds)} runs kept in {out}; "
              "run the same command to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    progress.close()
    print(f"results: {_shown(out)} ({len(seeds)} runs of '{scenario.name}')")
    if not args.no_figures:
        for path in save_key_figures(folder):
            print(f"figure: {_shown(path)}")
    return 0


def _shown(path: Path) -> Path:
    """A path relative to the working directory when it lies below it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def _progress(total: int, done: int):
    from tqdm import tqdm

    return tqdm(total=total, initial=done, unit="run", desc="runs", dynamic_ncols=True)


def _validate(args: argparse.Namespace) -> int:
    from scenarios import citations, resolve

    resolved = resolve(args.scenario)
    cited = citations(resolved.data)
    print(f"ok: {resolved.source} is valid ({len(cited)} claims cited, "
          f"{len(resolved.scenario.timeline)} timeline events, horizon {resolved.scenario.start}–{resolved.scenario.end})")
    return 0


def _claims(args: argparse.Namespace) -> int:
    from scenarios import ScenarioError, citations, load_registry, resolve

    registry = load_registry()
    cited = citations(resolve(args.scenario).data)
    if args.claim:
        claim = registry.claims.get(args.claim)
        if claim is None:
            raise ScenarioError(f"unknown claim {args.claim!r}; IDs look like SU23-04 (see 'run.py claims')")
        _show_claim(claim, registry.articles[claim.article], cited.get(claim.id, []), args.scenario)
        return 0
    for claim in registry.claims.values():
        if (args.article and claim.article != args.article) or (args.contested and not claim.contested):
            continue
        uses = cited.get(claim.id, [])
        if args.cited and not uses:
            continue
        flag = "⚠" if claim.contested else " "
        print(f"{claim.id} {flag} {claim.kind:<10} {len(uses):>3} cites  {textwrap.shorten(claim.text, 90)}")
    return 0


def _show_claim(claim: object, article: object, uses: list[str], scenario: str) -> None:
    print(f"{claim.id} — {article.authors} ({article.year}), \"{article.title}\", section {claim.section}")
    print(f"kind: {claim.kind}; contested: {'yes' if claim.contested else 'no'}; elements: {', '.join(claim.elements)}")
    if claim.figures:
        print(f"figures: {claim.figures}")
    print(textwrap.fill(claim.text, 100))
    if claim.note:
        print(textwrap.fill(f"note: {claim.note}", 100))
    print(f"cited in {scenario} by {len(uses)} value(s):" if uses else f"not cited in {scenario}")
    for path in uses:
        print(f"  {path}")


def _outcomes(args: argparse.Namespace) -> int:
    from model.outcomes import OUTCOMES

    for name, outcome in OUTCOMES.items():
        dims = "×".join(outcome.dims) or "scalar"
        print(f"{name:<20} [{outcome.unit}] ({dims}) {outcome.definition}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
