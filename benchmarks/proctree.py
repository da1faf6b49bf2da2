"""A process and all its descendants, read from ``/proc``: summed resident memory and how the workers started."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from multivector.benchmarks.report import NOT_APPLICABLE

SPAWN_MARK = "from multiprocessing.spawn import spawn_main"
"""In the command line of a worker started by ``spawn`` (a fresh interpreter)."""

FORKSERVER_MARK = "from multiprocessing.forkserver import main"
"""In the command line of a fork server and of every worker forked from it."""


def has_proc() -> bool:
    """True where ``/proc`` gives per-process memory (Linux)."""
    return Path(f"/proc/{os.getpid()}/status").exists()


def proc_status(pid: int) -> dict[str, int]:
    """The ``kB`` fields of ``/proc/PID/status`` (empty if the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    fields = (line.split() for line in lines)
    return {f[0].rstrip(":"): int(f[1]) for f in fields if len(f) == 3 and f[2] == "kB"}


def command_line(pid: int) -> str:
    """The process's command line, arguments joined by spaces (empty if it is gone)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid``, from the parent ids in ``/proc``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def start_method_of(root: str, commands: list[str]) -> str:
    """How the workers of a process with command line ``root`` started, from its descendants' command lines.

    A fork server and the workers it forks carry its command line, a spawned
    worker runs ``spawn_main``, and a forked worker keeps its parent's command
    line; helper processes (the resource tracker) are not workers.
    """
    if any(FORKSERVER_MARK in c for c in commands):
        return "forkserver"
    if any(SPAWN_MARK in c for c in commands):
        return "spawn"
    return "fork" if root and root in commands else NOT_APPLICABLE


class TreeMemory:
    """Peak resident memory of a process and all its descendants, sampled from ``/proc`` in a background thread.

    Args:
        pid: The root process.
        interval: Seconds between samples.

    Attributes:
        peak_kb: Largest sampled sum of the tree's resident memory (shared pages counted in each process).
        hwm_kb: Process id → its own peak resident memory (``VmHWM``).
        commands: Command lines of the descendants seen.
    """

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        """Start sampling."""
        self.pid, self.interval = pid, interval
        self.peak_kb = 0
        self.hwm_kb: dict[int, int] = {}
        self.commands: dict[int, str] = {}
        self.root_command = command_line(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()

    @property
    def hwm_sum_kb(self) -> int:
        """Sum over processes of each one's own peak (an upper bound on the tree's peak)."""
        return sum(self.hwm_kb.values())

    @property
    def start_method(self) -> str:
        """How the root's workers started, as seen from their command lines."""
        return start_method_of(self.root_command, list(self.commands.values()))

    def _sample(self) -> None:
        while not self._stop.is_set():
            total = 0
            self.root_command = command_line(self.pid) or self.root_command
            for pid in [self.pid, *descendants(self.pid)]:
                status = proc_status(pid)
                total += status.get("VmRSS", 0)
                self.hwm_kb[pid] = max(self.hwm_kb.get(pid, 0), status.get("VmHWM", 0))
                if pid != self.pid and pid not in self.commands:
                    self.commands[pid] = command_line(pid)
            self.peak_kb = max(self.peak_kb, total)
            self._stop.wait(self.interval)
