"""``validate SCENARIO``: check a scenario file; exit 0 if it is valid, else one line naming file, line and key."""

from __future__ import annotations

import argparse

from multivector.commands.common import EXIT_OK
from multivector.scenarios import citations, resolve


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``validate`` verb."""
    validate = verbs.add_parser("validate", help="check a scenario file; exit 0 if valid, else print one line")
    validate.add_argument("scenario", help="library name or path")
    validate.set_defaults(handler=validate_scenario)


def validate_scenario(args: argparse.Namespace) -> int:
    """Resolve the scenario and say what it holds; return the exit code (a problem raises a ScenarioError)."""
    resolved = resolve(args.scenario)
    cited = citations(resolved.data)
    print(f"ok: {resolved.source} is valid ({len(cited)} claims cited, "
          f"{len(resolved.scenario.timeline)} timeline events, horizon {resolved.scenario.start}–{resolved.scenario.end})")
    return EXIT_OK
