"""``claims [CLAIM_ID]``: the claims registry: each claim's status, where it is used, what it moves, and the discrepancies."""

from __future__ import annotations

import argparse
import sys
import textwrap
from typing import TYPE_CHECKING

from multivector.commands.common import EXIT_OK, CommandError, progress, shown
from multivector.commands.options import add_results_root, add_workers
from multivector.scenarios import Claim, Registry, load_registry
from multivector.scenarios.coverage import Use, claim_uses

if TYPE_CHECKING:
    from multivector.analysis.claim_effects import ClaimEffect


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``claims`` verb and its options."""
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
    add_workers(claims, "worker processes for the ablation when it is not cached yet")
    add_results_root(claims)
    claims.set_defaults(handler=show_claims)


def show_claims(args: argparse.Namespace) -> int:
    """List the selected claims, or one claim in full, or the discrepancies; return the exit code.

    Raises:
        CommandError: If the claim ID is not in the registry.
    """
    registry = load_registry()
    if args.discrepancies:
        return _show_discrepancies(registry)
    uses = claim_uses([args.scenario] if args.scenario else None, registry)
    if args.claim and args.claim not in registry.claims:
        raise CommandError.bad_value("claim", "unknown claim ID", args.claim, "an ID such as SU23-04 (see 'run.py claims')")
    effects = {} if args.no_effects else _claim_effects(args)
    if args.claim:
        claim = registry.claims[args.claim]
        _show_claim(claim, registry, uses.get(claim.id, []), effects.get(claim.id))
        return EXIT_OK
    selected = [c for c in registry.claims.values() if _claim_selected(c, args, uses)]
    for claim in selected:
        flag = "⚠" if claim.contested else " "
        count = len([u for u in uses.get(claim.id, []) if u.kind != "hypothesis"])
        moves = f"  moves most: {effects[claim.id].outcome}" if claim.id in effects and effects[claim.id].z > 0 else ""
        print(f"{claim.id} {flag} {claim.kind:<10} {claim.status:<15} {count:>3} uses  "
              f"{textwrap.shorten(claim.text, 70)}{moves}")
    encoded = sum(c.status == "encoded" for c in selected)
    print(f"{len(selected)} claims shown: {encoded} encoded, {len(selected) - encoded} not represented "
          f"({'uses in ' + args.scenario if args.scenario else 'uses across the scenario library and the model'})")
    return EXIT_OK


def _claim_selected(claim: Claim, args: argparse.Namespace, uses: dict[str, list[Use]]) -> bool:
    """Whether the claim passes every filter of the command line."""
    return not (
        (args.article and claim.article != args.article)
        or (args.status and claim.status != args.status)
        or (args.element and args.element not in claim.elements)
        or (args.contested and not claim.contested)
        or (args.cited and not uses.get(claim.id))
    )


def _claim_effects(args: argparse.Namespace) -> dict[str, ClaimEffect]:
    """What each baseline claim moves most: the cached ablation, computed once per model version."""
    from multivector.analysis.claim_effects import load_or_compute  # pandas, pyarrow (ensemble.results): not loaded for --help

    bar = None

    def start(runs: int) -> None:
        """Say what is computed, and start the progress bar."""
        nonlocal bar
        print(f"computing what each baseline claim moves most, once for this model version ({runs} runs; "
              f"cached in {shown(args.results_root)})", file=sys.stderr)
        bar = progress(runs, 0)

    try:
        return load_or_compute(args.results_root, "baseline", args.workers, on_start=start, on_done=lambda: bar.update(1))
    finally:
        if bar is not None:
            bar.close()


def _show_claim(claim: Claim, registry: Registry, uses: list[Use], effect: ClaimEffect | None = None) -> None:
    """Print one claim in full: its article, text, status, uses, what it moves and its discrepancies."""
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


def _show_discrepancies(registry: Registry) -> int:
    """Print every discrepancy between the articles and the model's choice; return the exit code."""
    for item in registry.discrepancies:
        print(f"{item.id} [{item.relation}] {item.topic} — {', '.join(item.claims)}")
        print(textwrap.fill(item.choice, 100, initial_indent="    ", subsequent_indent="    "))
    return EXIT_OK
