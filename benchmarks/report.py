"""What one benchmark invocation measured: figures, target ratios, a profile; as a table, ``ratio`` lines and JSON.

Every figure says under which conditions it was measured — the start method
of any worker pool, the chunk size and the machine's load — because the
machine is shared and the same code runs at different speeds under each.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import mesa
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

NOT_APPLICABLE = "—"
"""Shown for a condition that does not apply (no pool, no chunks)."""


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    Attributes:
        name: What was measured.
        value: The median over the rounds (or the single measurement).
        unit: Unit of the value.
        includes: What the figure includes, in words.
        start_method: How any worker processes started (``fork``, ``forkserver``, ``spawn``; ``—`` for none).
        chunk_size: Runs stepped together per engine (``—`` where there are no chunks).
        load: Median 1-minute load average read as each sample finished.
        samples: Every measurement behind the median, in round order.
    """

    name: str
    value: float
    unit: str
    includes: str
    start_method: str = NOT_APPLICABLE
    chunk_size: str = NOT_APPLICABLE
    load: float = float("nan")
    samples: tuple[float, ...] = ()


@dataclass(frozen=True)
class Ratio:
    """A ratio of two figures of the same invocation, checked against its target.

    Attributes:
        name: Numerator / denominator.
        value: The ratio.
        target: The target in words (``≥ 50``).
        met: Whether the target is met.
    """

    name: str
    value: float
    target: str
    met: bool

    @property
    def verdict(self) -> str:
        """``PASS`` or ``MISS``."""
        return "PASS" if self.met else "MISS"


def at_least(name: str, value: float, bound: float, note: str = "") -> Ratio:
    """A ratio whose target is ``value ≥ bound``."""
    return Ratio(name, value, f"≥ {bound:g}{note}", bool(value >= bound))


def at_most(name: str, value: float, bound: float, note: str = "") -> Ratio:
    """A ratio whose target is ``value ≤ bound``."""
    return Ratio(name, value, f"≤ {bound:g}{note}", bool(value <= bound))


@dataclass
class Report:
    """Everything one invocation measured.

    Attributes:
        mode: ``full``, ``quick`` or ``tiny``.
        machine: What the figures were measured on (cores, versions, load at the start and after each phase).
        figures: Measured figures, in phase order.
        ratios: Target ratios.
        profile: Top functions of the profiled chunk by own time (``benchmarks.profiling``).
        profile_files: Share of the profiled chunk's own time by source file.
        native: Shares of native time by kind, where py-spy ran.
        notes: Sentences a phase wants printed with the table (sizes changed, tools missing).
    """

    mode: str
    machine: dict[str, Any]
    figures: list[Figure] = field(default_factory=list)
    ratios: list[Ratio] = field(default_factory=list)
    profile: list[dict[str, Any]] = field(default_factory=list)
    profile_files: dict[str, float] = field(default_factory=dict)
    native: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def figure(self, name: str) -> Figure:
        """The figure called ``name``.

        Raises:
            KeyError: If no figure has that name.
        """
        for figure in self.figures:
            if figure.name == name:
                return figure
        raise KeyError(name)


def load_average() -> float:
    """The 1-minute load average now (NaN where the system has none)."""
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine() -> dict[str, Any]:
    """What the figures are measured on: the machine, the versions, the checkout and the load."""
    return {"cores": os.cpu_count(), "python": platform.python_version(), "mesa": mesa.__version__,
            "numpy": np.__version__, "system": platform.system(), **checkout(),
            "load_at_start": load_average(), "load_after": {}}


def checkout() -> dict[str, Any]:
    """The commit measured and the tracked files changed since it (the CLI runs what is in the working tree)."""
    def git(*args: str) -> str:
        try:
            done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30,
                                  env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
        except (OSError, subprocess.SubprocessError):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    changed = [line.split(maxsplit=1)[1] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD") or "unknown", "changed_files": changed}


def format_report(report: Report) -> str:
    """The figures, ratios and profile as Markdown tables, then notes and one ``ratio`` line per ratio."""
    m = report.machine
    changed = f" + uncommitted changes to {', '.join(m['changed_files'])}" if m["changed_files"] else ""
    lines = [f"mode: {report.mode}; {m['cores']} cores, Python {m['python']}, Mesa {m['mesa']}, numpy {m['numpy']}; "
             f"commit {m['commit']}{changed}; load at start {m['load_at_start']:.2f}", ""]
    lines += _table("| figure | value | unit | start method | chunk | load | includes |", "|---|---:|---|---|---:|---:|---|",
                    [f"| {f.name} | {f.value:.4g} | {f.unit} | {f.start_method} | {f.chunk_size} | {f.load:.2f} | {f.includes} |"
                     for f in report.figures])
    lines += _table("| ratio | value | target | verdict |", "|---|---:|---|---|",
                    [f"| {r.name} | {r.value:.3g} | {r.target} | {r.verdict} |" for r in report.ratios])
    lines += _table("| function | calls per step | own time | with callees |", "|---|---:|---:|---:|",
                    [f"| {p['function']} | {p['calls_per_step']:.3g} | {p['own_share']:.1%} | {p['cumulative_share']:.1%} |"
                     for p in report.profile])
    lines += _table("| own time in | share |", "|---|---:|", [f"| {n} | {s:.1%} |" for n, s in report.profile_files.items()])
    lines += _table("| native time in | share |", "|---|---:|", [f"| {k} | {s:.1%} |" for k, s in report.native.items()])
    lines += [f"note: {note}" for note in report.notes]
    lines += [f"ratio {r.name}: {r.value:.3g} (target {r.target}) {r.verdict}" for r in report.ratios]
    return "\n".join(lines)


def _table(header: str, rule: str, rows: list[str]) -> list[str]:
    """A Markdown table and a blank line, or nothing without rows."""
    return [header, rule, *rows, ""] if rows else []


def write_json(report: Report, path: Path) -> None:
    """Write the report as JSON (``NaN`` where a figure has no value)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = asdict(report) | {"ratios": [asdict(r) | {"verdict": r.verdict} for r in report.ratios]}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
