"""A posterior file: weighted parameter sets, and what they were fitted to and how.

``run.py calibrate`` writes ``posterior.json`` (and the same population as
``posterior.csv`` for other tools); ``run.py run|compare|findings --posterior
FILE`` draw from it. The file holds the parameter sets and their weights, each
parameter's prior range, the targets (all of them, the held-back ones
included, with which were fitted), the inference package and its version, the seed, the
settings, each generation's tolerance and effective sample size, and the
scenario it was fitted for (name and hash).

Applying a posterior to a scenario maps each draw to its position within the
calibrated prior range (0–1) and from there into the scenario's *own* range
for that quantity: the calibrated scenario gets the posterior's values; a
scenario that moves or narrows a range keeps the draw's relative position (as
paired designs do, ``analysis.uncertain``). Uncertainties the calibration did
not cover are spread over their ranges by a Latin hypercube.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from multivector.model.errors import InputError
from multivector.scenarios.designs import Design, factors_of
from multivector.scenarios.loader import Resolved

POSTERIOR_KIND = "multivector-posterior"
POSTERIOR_FORMAT = 1
REQUIRED = ("kind", "format", "scenario", "parameters", "particles", "weights", "targets", "inference", "seed")


class PosteriorError(InputError):
    """A posterior file that cannot be used; the message is one line naming the file and the key."""

    def __init__(self, file: str, key: str, problem: str, value: Any, expected: str) -> None:
        shown = repr(value)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        super().__init__(f"{file}: {key}: {problem}; got {shown}, expected {expected}")


@dataclass(frozen=True)
class Parameter:
    """A calibrated quantity and its prior (uniform over its range).

    Attributes:
        name: Dotted key path (``sanctions.wedge``).
        low: Lower end of the prior range.
        high: Upper end.
        integer: Whether the quantity holds whole numbers.
    """

    name: str
    low: float
    high: float
    integer: bool = False


@dataclass(frozen=True)
class Posterior:
    """A weighted population of parameter sets.

    Attributes:
        scenario: Name of the calibrated scenario.
        parameters: The calibrated quantities (columns of ``particles``).
        particles: ``(particles, parameters)`` values.
        weights: Normalised importance weights (sum 1).
        targets: The targets as written in the file (``calibration.targets.Target.to_json``).
        fitted: Ids of the targets the fit used.
        inference: ``{"name": …, "version": …}`` of the inference package (pyabc).
        seed: Root seed of the fit.
        info: Everything else the file records (settings, generations, excluded targets, versions…).
    """

    scenario: str
    parameters: tuple[Parameter, ...]
    particles: np.ndarray
    weights: np.ndarray
    targets: tuple[dict[str, Any], ...]
    fitted: tuple[str, ...]
    inference: Mapping[str, str]
    seed: int
    info: Mapping[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """Parameter names, in column order."""
        return tuple(p.name for p in self.parameters)

    @property
    def ess(self) -> float:
        """Effective sample size of the weighted population: 1 / Σ w²."""
        return float(1.0 / np.sum(self.weights**2))

    def draw(self, n: int, seed: int) -> np.ndarray:
        """``n`` parameter sets ``(n, parameters)`` resampled by weight (with replacement)."""
        rng = np.random.default_rng(np.random.SeedSequence([seed, 0x505354]))
        return self.particles[rng.choice(len(self.weights), size=n, p=self.weights)]

    def unit(self, values: np.ndarray) -> np.ndarray:
        """Values as positions 0–1 within each parameter's prior range."""
        low = np.array([p.low for p in self.parameters])
        high = np.array([p.high for p in self.parameters])
        return (values - low) / (high - low)

    def unit_points(self, names: Sequence[str], n: int, seed: int) -> np.ndarray:
        """``(n, names)`` positions 0–1: posterior draws where the posterior covers a name, a Latin hypercube elsewhere."""
        drawn = self.unit(self.draw(n, seed))
        column = {name: j for j, name in enumerate(self.names)}
        rest = [name for name in names if name not in column]
        spread = latin_unit(len(rest), n, seed)
        out = np.empty((n, len(names)))
        for j, name in enumerate(names):
            out[:, j] = drawn[:, column[name]] if name in column else spread[:, rest.index(name)]
        return out

    def quantiles(self, q: Sequence[float]) -> np.ndarray:
        """Weighted quantiles ``(len(q), parameters)`` of each parameter."""
        return np.column_stack([weighted_quantiles(self.particles[:, j], self.weights, q) for j in range(len(self.parameters))])

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {
            "kind": POSTERIOR_KIND, "format": POSTERIOR_FORMAT, "scenario": self.scenario,
            "parameters": [{"name": p.name, "low": p.low, "high": p.high, "integer": p.integer} for p in self.parameters],
            "particles": self.particles.tolist(), "weights": self.weights.tolist(),
            "targets": list(self.targets), "fitted": list(self.fitted), "inference": dict(self.inference), "seed": self.seed,
            **self.info,
        }


def posterior_design(resolved: Resolved, posterior: Posterior, *, draws: int, replicates: int, seed: int,
                     source: str = "") -> Design:
    """A batch design whose points are posterior draws, mapped into the scenario's own ranges (module docstring).

    Args:
        resolved: The scenario run.
        posterior: The calibration's posterior.
        draws: Points (posterior draws, resampled by weight).
        replicates: Runs per point, on the same seeds at every point.
        seed: Seed of the draws (derive it from the batch's root seed).
        source: The posterior file, as recorded in the results manifest.

    Raises:
        ValueError: If the scenario has no uncertainty with a range for the posterior to set.
    """
    factors = tuple(factors_of(resolved, "uncertainty"))
    if not factors:
        raise InputError(f"{resolved.source}: no quantity has role uncertainty with a range, so a posterior has nothing to set")
    unit = posterior.unit_points([f.name for f in factors], draws, seed)
    low, high = np.array([f.low for f in factors]), np.array([f.high for f in factors])
    return Design("posterior", factors, low + unit * (high - low), replicates, draws, source)


def latin_unit(dimensions: int, n: int, seed: int) -> np.ndarray:
    """A Latin hypercube of ``n`` points in ``[0, 1]^dimensions`` (SALib's sampler)."""
    if dimensions == 0:
        return np.full((n, 0), 0.5)
    from SALib.sample import latin

    problem = {"num_vars": dimensions, "names": [f"u{j}" for j in range(dimensions)], "bounds": [[0.0, 1.0]] * dimensions}
    return latin.sample(problem, n, seed=seed)


def weighted_quantiles(values: np.ndarray, weights: np.ndarray, q: Sequence[float]) -> np.ndarray:
    """Quantiles of weighted values (the inverse of the weighted empirical distribution, interpolated)."""
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    cumulative = (cumulative - 0.5 * weights[order]) / cumulative[-1]
    return np.interp(q, cumulative, values[order])


def write_posterior(posterior: Posterior, folder: Path) -> tuple[Path, Path]:
    """Write ``posterior.json`` and ``posterior.csv`` (one row per particle: weight, then each parameter)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "posterior.json"
    path.write_text(json.dumps(posterior.to_json(), indent=1) + "\n", encoding="utf-8")
    table = folder / "posterior.csv"
    header = ",".join(["weight", *posterior.names])
    rows = np.column_stack([posterior.weights, posterior.particles])
    np.savetxt(table, rows, delimiter=",", header=header, comments="", fmt="%.10g")
    return path, table


def read_posterior(path: Path | str) -> Posterior:
    """Read and check a posterior file.

    Raises:
        PosteriorError: If the file is missing, not JSON, not a posterior, or inconsistent
            (shapes, weights that are negative, not finite or sum to nothing, values outside a prior range).
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PosteriorError(name, "<file>", "cannot be read", getattr(error, "strerror", None) or str(error),
                             "a posterior.json written by run.py calibrate") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PosteriorError(f"{name}:{error.lineno}", "<document>", "not JSON", error.msg,
                             "a posterior.json written by run.py calibrate") from None
    if not isinstance(data, dict) or data.get("kind") != POSTERIOR_KIND:
        raise PosteriorError(name, "kind", "not a Multivector posterior", data.get("kind") if isinstance(data, dict) else data,
                             repr(POSTERIOR_KIND))
    for key in REQUIRED:
        if key not in data:
            raise PosteriorError(name, key, "missing key", None, f"a value for {key!r}")
    if data["format"] != POSTERIOR_FORMAT:
        raise PosteriorError(name, "format", "unsupported format", data["format"], str(POSTERIOR_FORMAT))
    parameters = _parameters(name, data["parameters"])
    particles = _array(name, "particles", data["particles"], 2)
    weights = _array(name, "weights", data["weights"], 1)
    if particles.shape != (len(weights), len(parameters)) or len(weights) == 0:
        raise PosteriorError(name, "particles", "shape does not fit the weights and parameters", list(particles.shape),
                             f"[{len(weights)}, {len(parameters)}]")
    if np.any(weights < 0) or weights.sum() <= 0:
        raise PosteriorError(name, "weights", "not non-negative with a positive sum", float(weights.min()), "weights ≥ 0")
    for j, p in enumerate(parameters):
        column = particles[:, j]
        if column.min() < p.low or column.max() > p.high:
            raise PosteriorError(name, f"particles[:, {j}]", f"values outside the prior range of {p.name}",
                                 [float(column.min()), float(column.max())], f"values in [{p.low:g}, {p.high:g}]")
    info = {k: v for k, v in data.items() if k not in (*REQUIRED, "fitted")}
    return Posterior(str(data["scenario"]), parameters, particles, weights / weights.sum(), tuple(data["targets"]),
                     tuple(data.get("fitted", ())), data["inference"], int(data["seed"]), info)


def _parameters(name: str, items: Any) -> tuple[Parameter, ...]:
    if not isinstance(items, list) or not items:
        raise PosteriorError(name, "parameters", "not a non-empty list", items, "[{name, low, high, integer}, …]")
    out = []
    for j, item in enumerate(items):
        try:
            p = Parameter(str(item["name"]), float(item["low"]), float(item["high"]), bool(item.get("integer", False)))
        except (TypeError, KeyError, ValueError):
            raise PosteriorError(name, f"parameters[{j}]", "not a parameter", item, "{name, low, high, integer}") from None
        if not (math.isfinite(p.low) and math.isfinite(p.high) and p.high > p.low):
            raise PosteriorError(name, f"parameters[{j}]", "not a range", [p.low, p.high], "finite low < high")
        out.append(p)
    return tuple(out)


def _array(name: str, key: str, value: Any, dims: int) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise PosteriorError(name, key, "not numbers", value, f"a {dims}-dimensional list of numbers") from None
    if array.ndim != dims or not np.all(np.isfinite(array)):
        raise PosteriorError(name, key, "not finite numbers of the right shape", list(array.shape), f"{dims} dimensions, all finite")
    return array
