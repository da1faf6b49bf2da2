"""Experimental designs over a scenario's uncertainties and levers.

A scenario marks quantities as ``role: uncertainty`` or ``role: lever`` with a
``range``. A design picks parameter points inside those ranges — a full
factorial sweep over the levers, or a Latin hypercube, Sobol or Morris sample
over the uncertainties (through SALib) — and runs each point with the same
replicate seeds (common random numbers), so points differ only by their
parameters. Run ``k`` of a design is point ``k // replicates`` with replicate
seed ``k % replicates``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector.model.params import COLLECTIONS, SECTIONS, Scenario, specs_of, with_values
from multivector.scenarios.errors import ScenarioError
from multivector.scenarios.loader import Resolved

DESIGNS: tuple[str, ...] = ("replicates", "sweep", "lhs", "sobol", "morris")
"""Design kinds: the role they vary is ``lever`` for ``sweep``, ``uncertainty`` for the samples."""

MORRIS_LEVELS = 4
"""Grid levels of the Morris design (SALib's default)."""


@dataclass(frozen=True)
class Factor:
    """A quantity a design varies.

    Attributes:
        path: Key path, e.g. ``("states", "KAZ", "dependence_aversion")``.
        low: Lower end of its range.
        high: Upper end of its range.
        integer: True when the field holds whole numbers (values are rounded).
    """

    path: tuple[str, ...]
    low: float
    high: float
    integer: bool = False

    @property
    def name(self) -> str:
        """The dotted key path."""
        return ".".join(self.path)


@dataclass(frozen=True)
class Design:
    """Parameter points and replicates of a batch.

    Attributes:
        kind: One of :data:`DESIGNS`.
        factors: The quantities varied (empty for ``replicates``).
        points: Array ``(points, factors)`` of values.
        replicates: Runs per point (the same seeds at every point).
        samples: The sample size asked for (SALib's ``N``; levels for a sweep; draws of a posterior).
        source: Where the points come from when not from a sampler (a posterior file).
    """

    kind: str
    factors: tuple[Factor, ...]
    points: np.ndarray
    replicates: int
    samples: int = 0
    source: str = ""

    @property
    def runs(self) -> int:
        """Number of runs: points × replicates."""
        return len(self.points) * self.replicates

    def point_of(self, run: int) -> int:
        """The point of run ``run``."""
        return run // self.replicates

    def replicate_of(self, run: int) -> int:
        """The replicate (seed position) of run ``run``."""
        return run % self.replicates

    def values(self, point: int) -> dict[tuple[str, ...], Any]:
        """Key path → value at one point."""
        return {f.path: _cast(f, v) for f, v in zip(self.factors, self.points[point], strict=True)}

    def scenario_at(self, base: Scenario, point: int) -> Scenario:
        """The base scenario with one point's values."""
        return with_values(base, self.values(point)) if self.factors else base

    def problem(self) -> dict[str, Any]:
        """The SALib problem definition of the factors."""
        return {"num_vars": len(self.factors), "names": [f.name for f in self.factors],
                "bounds": [[f.low, f.high] for f in self.factors]}

    def summary(self) -> str:
        """One line: what the design varies and how many runs it makes (:func:`design_summary`)."""
        return design_summary(self.describe())

    def describe(self) -> dict[str, Any]:
        """A JSON-ready record for the results manifest (kind, factors, points, replicates)."""
        return {
            "kind": self.kind, "replicates": self.replicates, "samples": self.samples, **({"source": self.source} if self.source else {}),
            "factors": [{"path": f.name, "low": f.low, "high": f.high, "integer": f.integer} for f in self.factors],
            "points": [[float(v) for v in row] for row in self.points],
        }


def design_summary(design: Mapping[str, Any]) -> str:
    """One line describing a design as :meth:`Design.describe` records it (in a results manifest).

    E.g. ``Sobol sample over 44 uncertainties, N = 64: 2,944 points × 2 replicates = 5,888 runs``.
    """
    kind = design.get("kind", "?")
    factors, samples = len(design.get("factors", [])), design.get("samples", 0)
    points, replicates = len(design.get("points", [])) or 1, design.get("replicates", 0)
    what = {
        "replicates": "replicates only",
        "sweep": f"sweep over {_count(factors, 'lever')}, {samples} levels each",
        "lhs": f"Latin hypercube over {_count(factors, 'uncertainty', 'uncertainties')}",
        "sobol": f"Sobol sample over {_count(factors, 'uncertainty', 'uncertainties')}, N = {samples}",
        "morris": f"Morris, {samples} trajectories over {_count(factors, 'uncertainty', 'uncertainties')}",
        "posterior": f"posterior draws over {_count(factors, 'uncertainty', 'uncertainties')}",
    }.get(kind, f"{kind} design")
    return f"{what}: {_count(points, 'point')} × {_count(replicates, 'replicate')} = {_count(points * replicates, 'run')}"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def factors_of(resolved: Resolved, role: str) -> list[Factor]:
    """The scenario's quantities of one role (``uncertainty`` or ``lever``) that have a numeric range."""
    found = []
    data = resolved.data
    for key, cls in COLLECTIONS.items():
        for code, item in data[key].items():
            found += _factors((key, code), cls, item, role)
    for key, cls in SECTIONS.items():
        found += _factors((key,), cls, data[key], role)
    return found


def _factors(path: tuple[str, ...], cls: type, item: dict[str, Any], role: str) -> list[Factor]:
    found = []
    for name, spec in specs_of(cls).items():
        quantity = item.get(name)
        if isinstance(quantity, dict) and quantity.get("role") == role and "range" in quantity:
            low, high = quantity["range"]
            if high > low:
                found.append(Factor((*path, name), float(low), float(high), spec.kind == "integer"))
    return found


def make_design(kind: str, resolved: Resolved, *, samples: int, replicates: int, seed: int) -> Design:
    """Build a design over the scenario's uncertainties (samples) or levers (sweep).

    Args:
        kind: One of :data:`DESIGNS`.
        resolved: The resolved scenario (its roles and ranges define the factors).
        samples: Replicates: ignored. Sweep: levels per lever. LHS: points. Sobol: SALib's
            base sample ``N`` (a power of 2; ``N·(D+2)`` points). Morris: trajectories
            (``N·(D+1)`` points).
        replicates: Runs per point.
        seed: Seed of the sampler (derive it from the batch's root seed).

    Raises:
        ScenarioError: If the kind is unknown or the scenario has nothing to vary.
    """
    if kind not in DESIGNS:
        raise ScenarioError("<command line>", None, "--design", "unknown design", kind, "one of: " + ", ".join(DESIGNS))
    if kind == "replicates":
        return Design(kind, (), np.zeros((1, 0)), replicates)
    check_samples(kind, samples)
    role = "lever" if kind == "sweep" else "uncertainty"
    factors = tuple(factors_of(resolved, role))
    if not factors:
        raise ScenarioError(str(resolved.source), None, "<scenario>", f"no quantity has role {role} with a range",
                            kind, f"a scenario marking quantities 'role: {role}, range: [lo, hi]'")
    return Design(kind, factors, _sample(kind, factors, samples, seed), replicates, samples)


DESIGN_NAMES: dict[str, str] = {"replicates": "replicates-only", "sweep": "sweep", "lhs": "Latin-hypercube",
                                "sobol": "Sobol", "morris": "Morris", "posterior": "posterior"}
"""Each design kind as prose names it."""

SAMPLE_RULES: dict[str, str] = {
    "sweep": "at least 2 levels per lever",
    "lhs": "at least 1 point",
    "sobol": "a power of 2 of at least 2 as the base sample N",
    "morris": "at least 2 trajectories",
}
"""What ``--samples`` must be for each design (SALib's Sobol sequence loses its balance at other sizes)."""


def check_samples(kind: str, samples: int) -> None:
    """Refuse a sample size the design cannot use, in one line naming the nearest sizes it can.

    Raises:
        ScenarioError: E.g. ``--samples: a Sobol design needs a power of 2 of at least 2 as the base
            sample N; got 7, expected 4 or 8``.
    """
    if kind == "sobol":
        if samples >= 2 and samples & (samples - 1) == 0:
            return
        lower = 1 << max(samples.bit_length() - 1, 1)
        upper = lower if samples < 2 else lower * 2
        nearest = f"{lower}" if lower == upper else f"{lower} or {upper}"
    else:
        least = 1 if kind == "lhs" else 2
        if samples >= least:
            return
        nearest = f"{least} or more"
    raise ScenarioError("<command line>", None, "--samples", f"a {DESIGN_NAMES[kind]} design needs {SAMPLE_RULES[kind]}",
                        samples, nearest)


def _sample(kind: str, factors: Sequence[Factor], samples: int, seed: int) -> np.ndarray:
    problem = {"num_vars": len(factors), "names": [f.name for f in factors], "bounds": [[f.low, f.high] for f in factors]}
    if kind == "sweep":
        grids = [np.linspace(f.low, f.high, samples) for f in factors]
        return np.array(list(itertools.product(*grids)), dtype=float)
    if kind == "lhs":
        from SALib.sample import latin

        return latin.sample(problem, samples, seed=seed)
    if kind == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)


def _cast(factor: Factor, value: float) -> float | int:
    return round(float(value)) if factor.integer else float(value)
