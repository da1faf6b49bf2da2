"""``outcomes``: the recorded outcomes with their units and definitions."""

from __future__ import annotations

import argparse

from multivector.commands.common import EXIT_OK
from multivector.model.outcomes import OUTCOMES


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``outcomes`` verb."""
    outcomes = verbs.add_parser("outcomes", help="list recorded outcomes with units and definitions")
    outcomes.set_defaults(handler=list_outcomes)


def list_outcomes(args: argparse.Namespace) -> int:
    """Print one line per outcome: name, unit, dimensions and definition; return the exit code."""
    for name, outcome in OUTCOMES.items():
        dims = "×".join(outcome.dims) or "scalar"
        print(f"{name:<20} [{outcome.unit}] ({dims}) {outcome.definition}")
    return EXIT_OK
