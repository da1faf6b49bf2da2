"""``viz``: the seminar page, served on this machine; with ``--class``, to a room on the local network.

Without ``--class`` the page listens on this machine only: a ``--host`` other than a
loopback address is refused. With ``--class`` a join code and a lecturer token are
made before the server starts; the page then listens on ``--host`` (by default all
interfaces, so that students' browsers on the local network reach it), the
lecturer's address (with the token) is printed on this terminal only, and the
students' address and join code are shown on the lecturer's screen. There is no
other authentication: anyone on the network who has the join code can take a seat.
"""

from __future__ import annotations

import argparse
import importlib.util
import os

from multivector.calibration.posterior import read_posterior
from multivector.commands.common import CommandError
from multivector.commands.options import add_posterior

SEMINAR_EXTRA = "pip install -e '.[seminar]'"
"""How to add the page's packages (Solara), which the default install leaves out."""

LOOPBACK = "127.0.0.1"
"""This machine only."""

ANY_INTERFACE = "0.0.0.0"
"""Every interface: the default in class mode."""


def add_parser(verbs: argparse._SubParsersAction) -> None:
    """Add the ``viz`` verb and its options."""
    viz = verbs.add_parser("viz", help="start the seminar page on this machine and print its address")
    viz.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    viz.add_argument("--host", default=None,
                     help="interface (default 127.0.0.1: this machine only; with --class 0.0.0.0: the local network)")
    viz.add_argument("--class", dest="classroom", action="store_true",
                     help="serve a class: a join code for students on the local network and a lecturer's screen")
    add_posterior(viz, "let 'Predict, then run' draw the uncertainties from a calibration's posterior.json")
    viz.set_defaults(handler=serve_page)


def serve_page(args: argparse.Namespace) -> int:
    """Serve the page until interrupted; return the server's exit code."""
    if importlib.util.find_spec("solara") is None:  # an optional extra: say how to add it rather than fail on import
        raise CommandError(f"the seminar page needs Solara, an optional part of the install; add it with: {SEMINAR_EXTRA}")
    # Solara and Mesa (analysis.seminar): loaded when the page is served, not for --help
    from multivector.analysis.seminar import serve
    from multivector.analysis.seminar.predict import POSTERIOR_ENV

    host = args.host or (ANY_INTERFACE if args.classroom else LOOPBACK)
    if not args.classroom and not is_loopback(host):
        raise CommandError.bad_value("--host", "the page reaches beyond this machine only in class mode", host,
                                     "127.0.0.1, or add --class (a join code is made before the page listens)")
    if args.posterior is not None:
        read_posterior(args.posterior)  # a bad file fails here, in one line, not on the page
        os.environ[POSTERIOR_ENV] = str(args.posterior.resolve())
    return serve(args.port, host, classroom=args.classroom)


def is_loopback(host: str) -> bool:
    """Whether an interface address reaches this machine only (``127.x.x.x``, ``::1``, ``localhost``)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
