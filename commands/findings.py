"""``findings``: every library scenario against its reference, over its uncertainties: the findings table."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from multivector.analysis.compare import PairedStats
from multivector.analysis.uncertain import compare_under_uncertainty
from multivector.calibration.posterior import read_posterior
from multivector.commands.common import EXIT_OK, CommandError, progress, replace_between_markers, shown
from multivector.commands.options import add_posterior, add_seed, add_workers, add_write, positive
from multivector.scenarios import Resolved, list_scenarios, resolve
from multivector.scenarios.hypothesis import Check

FINDINGS_MARKERS = ("<!-- findings:start -->", "<!-- findings:end -->")
"""The lines of a file between which ``--write`` puts the table."""

Row = tuple[Resolved, Check, PairedStats, str]
"""One check of one scenario: the scenario, the check, its paired statistics and the reference's name."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``findings`` verb and its options."""
    findings = verbs.add_parser("findings", help="run every library scenario against its reference: the findings table")
    findings.add_argument("--points", type=positive, default=64,
                          help="Latin-hypercube points over the scenarios' uncertainties (default 64)")
    findings.add_argument("--seeds-per-point", type=positive, default=4, help="paired seeds at every point (default 4)")
    add_seed(findings, "root seed of the hypercube, the runs and the bootstrap")
    add_workers(findings, "worker processes")
    findings.add_argument("--scenario", dest="only", metavar="NAME", help="only this library scenario's hypothesis")
    add_posterior(findings)
    add_write(findings, "replace the table between the findings markers of FILE (e.g. scenarios/README.md)")
    findings.set_defaults(handler=tabulate_findings)


def tabulate_findings(args: argparse.Namespace) -> int:
    """Compare every library scenario that has a hypothesis with its reference; print (and write) the table; return the exit code.

    Raises:
        CommandError: If ``--scenario`` names no library scenario.
    """
    posterior = read_posterior(args.posterior) if args.posterior is not None else None
    names = list_scenarios()
    if args.only is not None and args.only not in names:
        raise CommandError.bad_value("--scenario", "not a library scenario", args.only, "one of: " + ", ".join(names))
    library = [r for r in (resolve(name) for name in names if args.only in (None, name)) if r.hypothesis is not None]
    references = {str(r.hypothesis.against_path): resolve(r.hypothesis.against_path) for r in library}
    total = sum(2 * args.points * args.seeds_per_point for _ in library)
    over = (f"{args.points} draws of the posterior {args.posterior} × {args.seeds_per_point} seeds each" if posterior
            else f"{args.points} points of a Latin hypercube over the uncertainties × {args.seeds_per_point} seeds")
    print(f"{len(library)} scenario{'s' if len(library) != 1 else ''} against their references: {over}, paired ({total} runs)",
          file=sys.stderr)
    bar = progress(total, 0)
    rows: list[Row] = []
    for r in library:
        reference = references[str(r.hypothesis.against_path)]
        named = posterior if posterior is not None or r.posterior is None else read_posterior(r.posterior)
        stats, _ = compare_under_uncertainty(
            reference, r, [c.metric for c in r.hypothesis.checks], points=args.points,
            seeds_per_point=args.seeds_per_point, seed=args.seed, workers=args.workers, on_done=lambda: bar.update(1),
            posterior=named)
        rows += [(r, check, stat, reference.scenario.name) for check, stat in zip(r.hypothesis.checks, stats, strict=True)]
    bar.close()
    table = _findings_table(rows, args.points, args.seeds_per_point, args.seed, args.posterior)
    print(table)
    if args.write:
        replace_between_markers(args.write, table, FINDINGS_MARKERS)
        print(f"updated: {shown(args.write)}")
    return EXIT_OK


def _findings_table(rows: Sequence[Row], points: int, seeds_per_point: int, seed: int, posterior: Path | None = None) -> str:
    """The findings as Markdown: the headline check of each scenario, then every check."""
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


def _agreement(check: Check, stat: PairedStats) -> str:
    """Whether the model shows the direction the article expects, or the one the scenario records as the model's."""
    shown_direction = stat.direction(check.tolerance)
    if shown_direction == check.article:
        return "yes"
    if shown_direction == check.model:
        return "unclear (see below)" if shown_direction == "unclear" else "**no** (see below)"
    return "**no** (not yet explained)"
