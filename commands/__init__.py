"""Multivector's command line, one module per verb; ``run.py`` is its entry point.

Every verb's module has ``add_parser(verbs)``, which adds the verb with its
options and its handler (``args -> exit code``); the options several verbs
share, the option types, the defaults, the exit codes and
:class:`~commands.common.CommandError` are in :mod:`commands.common` and
:mod:`commands.options`. Libraries that are slow to import (pandas and pyarrow,
matplotlib, Mesa, Solara) are imported by a handler when it runs, so that
``--help`` stays fast.
"""

from __future__ import annotations

import argparse

from multivector.commands import (
    ablate,
    bench,
    calibrate,
    claims,
    compare,
    facts,
    findings,
    outcomes,
    plot,
    report,
    run,
    validate,
    viz,
)
from multivector.commands.common import DEFAULT_REPLICATES, VersionAction

VERBS = (run, plot, report, compare, ablate, facts, calibrate, findings, viz, bench, validate, claims, outcomes)
"""The verbs' modules, in the order the help lists them."""


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every verb with its options; ``args.handler(args)`` runs the chosen one."""
    parser = argparse.ArgumentParser(
        prog="run.py", description="Multivector: Central Asian multi-vector balancing, on Mesa.",
        epilog=f"With no verb, runs the default job: 'run baseline' with {DEFAULT_REPLICATES} replicates.",
    )
    parser.add_argument("--version", action=VersionAction)
    verbs = parser.add_subparsers(dest="verb", metavar="VERB")
    for verb in VERBS:
        verb.add_parser(verbs)
    return parser
