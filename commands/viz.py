"""``viz``: the seminar page, served on this machine."""

from __future__ import annotations

import argparse
import importlib.util
import os

from multivector.calibration.posterior import read_posterior
from multivector.commands.common import CommandError
from multivector.commands.options import add_posterior

SEMINAR_EXTRA = "pip install -e '.[seminar]'"
"""How to add the page's packages (Solara), which the default install leaves out."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``viz`` verb and its options."""
    viz = verbs.add_parser("viz", help="start the seminar page on this machine and print its address")
    viz.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    viz.add_argument("--host", default="127.0.0.1", help="interface (default 127.0.0.1: this machine only)")
    add_posterior(viz, "let 'Predict, then run' draw the uncertainties from a calibration's posterior.json")
    viz.set_defaults(handler=serve_page)


def serve_page(args: argparse.Namespace) -> int:
    """Serve the page until interrupted; return the server's exit code."""
    if importlib.util.find_spec("solara") is None:  # an optional extra: say how to add it rather than fail on import
        raise CommandError(f"the seminar page needs Solara, an optional part of the install; add it with: {SEMINAR_EXTRA}")
    # Solara and Mesa (analysis.seminar): loaded when the page is served, not for --help
    from multivector.analysis.seminar import serve
    from multivector.analysis.seminar.predict import POSTERIOR_ENV

    if args.posterior is not None:
        read_posterior(args.posterior)  # a bad file fails here, in one line, not on the page
        os.environ[POSTERIOR_ENV] = str(args.posterior.resolve())
    return serve(args.port, args.host)
