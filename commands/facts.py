"""``facts``: the baseline against the stylized facts, with and without its dated events, on the same seeds."""

from __future__ import annotations

import argparse
from dataclasses import replace

from multivector.commands.common import DEFAULT_FACTS_REPLICATES, EXIT_OK, replace_between_markers, shown
from multivector.commands.options import add_replicates, add_write
from multivector.scenarios import load_scenario

FACTS_MARKERS = ("<!-- facts:start -->", "<!-- facts:end -->")
"""The lines of a file between which ``--write`` puts the table."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``facts`` verb and its options."""
    facts = verbs.add_parser("facts", help="the baseline against the stylized facts, with and without its dated events")
    add_replicates(facts, DEFAULT_FACTS_REPLICATES, f"runs of each (default {DEFAULT_FACTS_REPLICATES})")
    add_write(facts, "replace the table between the facts markers of FILE (e.g. docs/calibration.md)")
    facts.set_defaults(handler=check_facts)


def check_facts(args: argparse.Namespace) -> int:
    """Print the table of the stylized facts (and write it into ``--write FILE``); return the exit code."""
    # Mesa (analysis.replicates runs the model through it): loaded when the verb runs, not for --help
    from multivector.analysis.facts import fact_table
    from multivector.analysis.replicates import run_replicates

    baseline = load_scenario("baseline")
    seeds = range(args.replicates)
    table = fact_table(run_replicates(seeds, baseline), run_replicates(seeds, replace(baseline, timeline=())))
    block = (f"{args.replicates} runs of the baseline (seeds 0–{args.replicates - 1}) and of the baseline without its "
             f"dated events, on the same seeds.\n\n{table}")
    print(block)
    if args.write:
        replace_between_markers(args.write, block, FACTS_MARKERS)
        print(f"updated: {shown(args.write)}")
    return EXIT_OK
