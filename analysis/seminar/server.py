"""Start the seminar page: ``solara run`` on the app module, in a child process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().with_name("app.py")
"""The Solara app module."""

ROOT = Path(__file__).resolve().parents[2]
"""The project folder (the app imports ``model`` and ``scenarios`` from it)."""


def command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the page (production mode, no reloader, no online version check).

    Args:
        port: TCP port to listen on.
        host: Interface to bind; the default keeps the page on this machine.
    """
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port), "--production", "--no-check-version"]


def start(port: int, host: str = "127.0.0.1", **popen: object) -> subprocess.Popen:
    """Start the page in a child process and return it (the caller stops it).

    Args:
        port: TCP port to listen on.
        host: Interface to bind.
        **popen: Extra arguments for :class:`subprocess.Popen` (e.g. ``stdout``).
    """
    return subprocess.Popen(command(port, host), cwd=ROOT, **popen)  # type: ignore[call-overload]


def serve(port: int, host: str = "127.0.0.1") -> int:
    """Serve the page until interrupted; print its address first.

    Args:
        port: TCP port to listen on.
        host: Interface to bind.

    Returns:
        The server's exit status (0 after Ctrl-C).
    """
    print(f"Multivector seminar page: http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    process = start(port, host)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 0
