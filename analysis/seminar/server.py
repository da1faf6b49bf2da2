"""Start the seminar page: ``solara run`` on the app module, in a child process; in class mode with a join code first."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path

from multivector.analysis.seminar.classroom import CODE_ALPHABET, CODE_ENV, CODE_LENGTH, TOKEN_ENV

APP = Path(__file__).resolve().with_name("app.py")
"""The Solara app module."""

ROOT = Path(__file__).resolve().parents[2]
"""The project folder (the server runs there)."""

CLASS_ENV = "MULTIVECTOR_CLASS"
"""Set for the server in class mode: the address students open."""

SERVER_SETTINGS = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # nothing leaves the machine (the page also works offline)
    "SOLARA_KERNEL_CULL_TIMEOUT": "2m",  # a closed tab's session ends after two minutes, not Solara's default 24 hours
    "SOLARA_THEME_SHOW_BANNER": "False",  # no "runs on Solara" badge over the page's text
}
"""Solara's settings for the page's server (an environment variable already set wins)."""


def command(port: int, host: str = "127.0.0.1") -> list[str]:
    """The command line that serves the page (production mode, no reloader, no online version check).

    Args:
        port: TCP port to listen on.
        host: Interface to bind; the default keeps the page on this machine.
    """
    return [sys.executable, "-m", "solara", "run", str(APP), "--host", host, "--port", str(port), "--production", "--no-check-version"]


def local_address() -> str:
    """This machine's address on the local network (the interface a route outwards would use), else ``127.0.0.1``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # no packet is sent: connecting a UDP socket only picks the route
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def class_environment(port: int, host: str) -> tuple[dict[str, str], str, str]:
    """A fresh join code and lecturer token for a class, in the environment the server reads them from.

    Returns:
        The environment, the lecturer's address (with the token) and the students' address.
    """
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    token = secrets.token_urlsafe(24)
    students = f"http://{local_address() if host in ('0.0.0.0', '::') else host}:{port}/"
    lecturer = f"http://127.0.0.1:{port}/?lecturer={token}"
    return {CLASS_ENV: students, CODE_ENV: code, TOKEN_ENV: token}, lecturer, students


def start(port: int, host: str = "127.0.0.1", **popen: object) -> subprocess.Popen:
    """Start the page in a child process and return it (the caller stops it).

    Args:
        port: TCP port to listen on.
        host: Interface to bind.
        **popen: Extra arguments for :class:`subprocess.Popen` (e.g. ``stdout``).
    """
    environment = {**SERVER_SETTINGS, **dict(popen.pop("env", None) or os.environ)}  # type: ignore[call-overload]
    return subprocess.Popen(command(port, host), cwd=ROOT, env=environment, **popen)  # type: ignore[call-overload]


def serve(port: int, host: str = "127.0.0.1", classroom: bool = False) -> int:
    """Serve the page until interrupted; print its address first (in class mode, the lecturer's and the students').

    Args:
        port: TCP port to listen on.
        host: Interface to bind.
        classroom: Serve a class: a join code and a lecturer token are made before the server listens.

    Returns:
        The server's exit status (0 after Ctrl-C).
    """
    environment = dict(os.environ)
    if classroom:
        extra, lecturer, students = class_environment(port, host)
        environment.update(extra)
        print(f"Multivector seminar, class mode (Ctrl-C stops it)\n"
              f"  lecturer (keep this address to yourself): {lecturer}\n"
              f"  students open {students} and join with the code {extra[CODE_ENV]}", flush=True)
    else:
        print(f"Multivector seminar page: http://{host}:{port}/  (Ctrl-C stops it)", flush=True)
    process = start(port, host, env=environment)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        process.wait()
        return 0
