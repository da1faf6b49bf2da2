"""Inert inputs: which scenario parameters move no recorded outcome beyond noise.

Every numeric world parameter of a resolved scenario is nudged up and down on
its own, and the scenario is run with and without the nudge on the same seeds
(common random numbers). The model draws each source of randomness from its own
stream, so paired runs share every random number: a parameter the model never
reads gives runs identical to the last bit, and any difference is caused by the
parameter.

**What is perturbed.** Real and integer fields of every state, power, format,
corridor and section, and every entry of the map-valued fields
(``power_map``, ``state_map``, ``domain_map``) one entry at a time, an absent
entry counting as 0. A real value (or map entry) ``x`` moves to ``x ± 0.1|x|``;
where ``x`` is 0, or where that step would leave the spec's bounds, it moves by
10 % of the spec's range instead; the result is clipped to the bounds and, for a
map with ``total_at_most``, to what the other entries leave. An integer moves by
±1 within its bounds; a flag is flipped (one direction, ``flip``). A direction
whose clipped move is less than a tenth of its step cannot move and is skipped
(an entry of a map whose entries already fill its total is not tested).
Choices, quarters, lists and text are out of scope.

**The measure.** Every recorded outcome (``model.outcomes.OUTCOMES``) is split
into elements: one per outcome, dimension labels and quarter, plus one per
outcome and labels for its mean over the horizon. For an element ``e`` and the
paired changes ``d_s = perturbed_s − base_s`` over the paired seeds ``s``:

* the *agreed change* is ``min_s |d_s|`` if every ``d_s`` has the same sign, else
  0: the shift every paired run makes in the same direction;
* the *noise scale* is ``max(σ_e, 1e-4 · (|m_e| + 1e-3))``, with ``σ_e`` the
  across-seed standard deviation and ``m_e`` the mean of the base run over
  :data:`NOISE_SEEDS`;
* the *standardised change* is the agreed change over the noise scale.

A perturbation's effect is the largest standardised change over all elements.
A parameter **moves an outcome beyond noise** when the effect of one of its
directions exceeds :data:`THRESHOLD` = 0.01: a 10 % step shifts some outcome,
in every paired run, by more than 1 % of that outcome's run-to-run spread
(or, for an outcome that does not vary across seeds, by more than a millionth
of its size, far above round-off). A parameter below that could be swept over
its whole range (about ten such steps) without moving any outcome by a tenth of
the spread, so nothing the model reports across seeds could depend on it.

**Why a small threshold does not let noise through.** An unread parameter gives
exactly zero. A parameter that acts only through random draws — a hazard
compared with a uniform draw, a Poisson rate — changes a run only where a draw
falls on the other side of the moved threshold; such a flip happens in some
seeds and not others, and a flipped Poisson count reshuffles that stream's later
draws in that run only. The agreed change counts none of this unless every
paired run moves the same element the same way, which random flips do not do:
such parameters score 0 rather than passing by luck. The exception is a
parameter that *scales* random draws (:data:`NOISE_SCALES`): its change in each
run is proportional to that run's own draws, so the paired runs agree in sign
only by chance (on one element in eight with four seeds) and the agreed change
would pass or fail by luck. For those the question is only whether their draws
are used, and the measure is the largest ``|d_s|`` over the noise scale in any
run, which is exactly 0 when they are not.

The module runs models but draws no plots and writes no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.calendar import quarter_range
from model.executors import RunResult, make_executor
from model.outcomes import OUTCOMES, coordinates
from model.params import COLLECTIONS, SECTIONS, Scenario, Spec, specs_of, with_values

THRESHOLD = 0.01
"""Standardised change above which a perturbation moves an outcome beyond noise (see the module docstring)."""

RELATIVE_STEP = 0.1
"""Step of a real value: 10 % of its value, or of its allowed range where the value is 0 or the step would leave it."""

MIN_MOVE = 0.1
"""A direction whose clipped move is smaller than this share of its step cannot move (the bounds leave no room)."""

RELATIVE_FLOOR = 1e-4
"""Floor on an element's noise scale, relative to its magnitude (with :data:`THRESHOLD`, a millionth of it)."""

ABSOLUTE_FLOOR = 1e-3
"""Magnitude added to an element's mean before :data:`RELATIVE_FLOOR` applies (so an element near 0 has a floor)."""

PAIRED_SEEDS: tuple[int, ...] = (0, 1, 2, 3)
"""Seeds on which the base and every perturbation run (common random numbers)."""

NOISE_SEEDS: tuple[int, ...] = tuple(range(32))
"""Seeds of the base runs that estimate each element's across-seed spread (the paired seeds are among them)."""

NUMERIC_KINDS: tuple[str, ...] = ("real", "integer", "flag")
"""Scalar field kinds that are perturbed."""

MAP_KINDS: dict[str, str] = {"power_map": "powers", "state_map": "states", "domain_map": "domains"}
"""Map field kinds whose entries are perturbed one at a time, and the collection their entries range over."""

NOISE_SCALES: frozenset[str] = frozenset({"behaviour.noise", "domestic.growth_noise"})
"""Parameters that scale random draws (standard deviations): judged by their largest change in any paired run."""


def _each(template: str, codes: Iterable[str], reason: str) -> dict[str, str]:
    return {template.format(code): reason for code in codes}


_OTHER_POWERS = ("CHN", "USA", "EU", "GBR", "TUR", "IND", "JPN", "IRN", "GULF", "KOR")

DESCRIPTIVE_ONLY: dict[str, str] = {
    **_each("powers.{}.standing", _OTHER_POWERS,
            "a standing priority holds only in the power's standing_domains, which the baseline leaves empty"),
    **_each("powers.{}.standing_trend", _OTHER_POWERS,
            "trend of a standing priority that holds in no domain (standing_domains empty in the baseline)"),
    **_each("powers.{}.intervention", _OTHER_POWERS,
            "only the state's security partner with the largest share × capacity intervenes: Russia in every baseline case"),
    **_each("corridors.{}.lag", ("northern", "china_east", "cku_railway"),
            "delays the corridor's own investment, which is 0 in the baseline (dated build-outs carry their own lag)"),
    "sanctions.adherence_threshold":
        "no state's Western diplomatic alignment comes near it in the baseline (no state adheres, as in 2021–24)",
    "behaviour.max_effort": "cap on a power's effort that no power reaches in the baseline",
}
"""Key path → reason: parameters that legitimately move no recorded outcome of the baseline.

Each is a mechanism the baseline does not exercise; another scenario may (a
power given standing domains, a corridor given investment, a state nearing
adherence). A parameter that moves nothing and should is not listed here: it is
an inert input to be fixed, and the slow test names it.
"""


@dataclass(frozen=True)
class Parameter:
    """One numeric world parameter of a scenario.

    Attributes:
        field: Key path of the field (``("states", "KAZ", "sentiment")``, ``("sanctions", "wedge")``).
        entry: The map entry (``"RUS"``) for a map-valued field, else ``None``.
        spec: The field's specification.
        value: The value now (an absent map entry is 0; a flag is 0 or 1).
        room: For an entry of a map with ``total_at_most``, the most the entry may hold given the others.
    """

    field: tuple[str, ...]
    entry: str | None
    spec: Spec
    value: float
    room: float = math.inf

    @property
    def name(self) -> str:
        """Dotted key path, with the map entry last (``states.KAZ.sentiment.RUS``)."""
        return ".".join((*self.field, self.entry) if self.entry is not None else self.field)

    @property
    def low(self) -> float:
        """Smallest allowed value."""
        return -math.inf if self.spec.low is None else float(self.spec.low)

    @property
    def high(self) -> float:
        """Largest allowed value (for a map entry, also what the map's total leaves)."""
        return min(math.inf if self.spec.high is None else float(self.spec.high), self.room)

    @property
    def span(self) -> float:
        """The spec's allowed range (1 where it is unbounded)."""
        span = (math.inf if self.spec.high is None else float(self.spec.high)) - self.low
        return span if math.isfinite(span) else 1.0


@dataclass(frozen=True)
class Perturbation:
    """One parameter moved in one direction.

    Attributes:
        parameter: What is moved.
        direction: ``"+"``, ``"-"`` or ``"flip"``.
        value: The new value.
    """

    parameter: Parameter
    direction: str
    value: float

    def values(self, scenario: Scenario) -> dict[tuple[str, ...], Any]:
        """Key path → new value, for :func:`model.params.with_values` (a map field is replaced whole)."""
        p = self.parameter
        if p.entry is None:
            kind = p.spec.kind
            new: Any = bool(self.value) if kind == "flag" else int(self.value) if kind == "integer" else float(self.value)
            return {p.field: new}
        return {p.field: {**_get(scenario, p.field), p.entry: float(self.value)}}

    def apply(self, scenario: Scenario) -> Scenario:
        """The scenario with this perturbation."""
        return with_values(scenario, self.values(scenario))

    def describe(self) -> str:
        """Direction, old and new value (``+ 0.3→0.33``)."""
        return f"{self.direction} {_number(self.parameter.value)}→{_number(self.value)}"


@dataclass(frozen=True)
class Effect:
    """What one perturbation did.

    Attributes:
        perturbation: The perturbation.
        z: Largest standardised change over every outcome element (0 when no element moved).
        element: Label of the element where it is largest (``alignment[KAZ,security,RUS]@2024Q1``).
    """

    perturbation: Perturbation
    z: float
    element: str

    @property
    def moves(self) -> bool:
        """Whether the perturbation moves some outcome beyond noise."""
        return self.z > THRESHOLD


@dataclass(frozen=True)
class Verdict:
    """A parameter's effects in every direction it can move.

    Attributes:
        parameter: The parameter.
        effects: One per direction tried (none if the value cannot move).
    """

    parameter: Parameter
    effects: tuple[Effect, ...]

    @property
    def name(self) -> str:
        """The parameter's dotted key path."""
        return self.parameter.name

    @property
    def tested(self) -> bool:
        """Whether some direction could move the value."""
        return bool(self.effects)

    @property
    def z(self) -> float:
        """Largest standardised change over the directions."""
        return max((e.z for e in self.effects), default=0.0)

    @property
    def effective(self) -> bool:
        """Whether some direction moves an outcome beyond noise."""
        return any(e.moves for e in self.effects)

    def describe(self) -> str:
        """One line: key path, then each direction with its largest standardised change and where it is."""
        parts = [f"{e.perturbation.describe()}: z={e.z:.3g}" + (f" at {e.element}" if e.z > 0 else "")
                 for e in self.effects]
        return f"{self.name} [{'; '.join(parts) or 'cannot move within its bounds'}]"


# ------------------------------------------------------------ enumeration


def numeric_parameters(scenario: Scenario) -> list[Parameter]:
    """Every numeric world parameter of a resolved scenario, map entries one at a time.

    Args:
        scenario: The resolved scenario.

    Returns:
        Reals, integers and flags of every collection item and section, and
        every entry of every map-valued field over all the scenario's powers,
        states or domains (an absent entry as 0), in field order.
    """
    labels = {"powers": scenario.power_codes, "states": scenario.state_codes, "domains": coordinates(scenario)["domain"]}
    items = [((key, code), cls, obj) for key, cls in COLLECTIONS.items() for code, obj in getattr(scenario, key).items()]
    items += [((key,), cls, getattr(scenario, key)) for key, cls in SECTIONS.items()]
    found: list[Parameter] = []
    for prefix, cls, obj in items:
        for name, spec in specs_of(cls).items():
            if not spec.world:
                continue
            value = getattr(obj, name)
            if spec.kind in NUMERIC_KINDS:
                found.append(Parameter((*prefix, name), None, spec, float(value)))
            elif spec.kind in MAP_KINDS:
                total = sum(float(v) for v in value.values())
                for code in labels[MAP_KINDS[spec.kind]]:
                    entry = float(value.get(code, 0.0))
                    room = math.inf if spec.total_at_most is None else spec.total_at_most - (total - entry)
                    found.append(Parameter((*prefix, name), code, spec, entry, room))
    return found


def perturbations(parameter: Parameter) -> list[Perturbation]:
    """The moves of a parameter that change its value (see the module docstring for the steps)."""
    p = parameter
    if p.spec.kind == "flag":
        return [Perturbation(p, "flip", 0.0 if p.value else 1.0)]
    moves = []
    for sign, direction in ((1.0, "+"), (-1.0, "-")):
        if p.spec.kind == "integer":
            step = sign
        else:
            step = sign * RELATIVE_STEP * abs(p.value)
            if p.value == 0 or not p.low <= p.value + step <= p.high:
                step = sign * RELATIVE_STEP * p.span
        new = min(max(p.value + step, p.low), p.high)
        if abs(new - p.value) >= MIN_MOVE * abs(step):
            moves.append(Perturbation(p, direction, new))
    return moves


def _get(scenario: Scenario, path: tuple[str, ...]) -> Any:
    obj: Any = scenario
    for part in path:
        obj = obj[part] if isinstance(obj, Mapping) else getattr(obj, part)
    return obj


# ------------------------------------------------------------ the measure


@dataclass(frozen=True)
class Noise:
    """Each outcome element's across-seed spread in the base run, and the paired base runs.

    Attributes:
        scale: ``max(σ_e, floor_e)`` per element, ``[row, element]`` (rows: quarters, then the horizon mean).
        base: The base runs on the paired seeds, flattened like :attr:`scale`, ``[seed, row, element]``.
        seeds: The paired seeds, in the order of :attr:`base`.
    """

    scale: np.ndarray
    base: np.ndarray
    seeds: tuple[int, ...]


def flatten(outcomes: Mapping[str, np.ndarray]) -> np.ndarray:
    """One run's outcomes as ``[row, element]``: a row per quarter, then a row of horizon means.

    Elements follow :data:`model.outcomes.OUTCOMES` order, each outcome's labels in C order.
    """
    per_quarter = np.concatenate([np.asarray(outcomes[name], dtype=float).reshape(len(outcomes[name]), -1)
                                  for name in OUTCOMES], axis=1)
    return np.vstack([per_quarter, per_quarter.mean(axis=0, keepdims=True)])


def element_label(scenario: Scenario, quarters: Sequence[str], row: int, column: int) -> str:
    """Label of a flattened element: ``outcome[labels]@quarter`` (``@mean`` for the horizon mean)."""
    coords = coordinates(scenario)
    for name, outcome in OUTCOMES.items():
        shape = tuple(len(coords[d]) for d in outcome.dims)
        size = math.prod(shape)
        if column < size:
            index = np.unravel_index(column, shape) if shape else ()
            labels = ",".join(coords[d][i] for d, i in zip(outcome.dims, index, strict=True))
            when = quarters[row] if row < len(quarters) else "mean"
            return f"{name}[{labels}]@{when}" if labels else f"{name}@{when}"
        column -= size
    raise IndexError("element outside the recorded outcomes")


def noise_of(runs: Mapping[int, np.ndarray], paired: Sequence[int]) -> Noise:
    """The noise scale of every element from flattened base runs by seed, and the paired base runs.

    Args:
        runs: Seed → flattened base run (:func:`flatten`), for the noise seeds.
        paired: The paired seeds (each must be in ``runs``).
    """
    stack = np.stack([runs[s] for s in sorted(runs)])
    sigma = stack.std(axis=0, ddof=1) if len(stack) > 1 else np.zeros(stack.shape[1:])
    floor = RELATIVE_FLOOR * (np.abs(stack.mean(axis=0)) + ABSOLUTE_FLOOR)
    return Noise(np.fmax(sigma, floor), np.stack([runs[s] for s in paired]), tuple(paired))


def agreed_change(change: np.ndarray) -> np.ndarray:
    """Per element, the change every paired run agrees on: the smallest ``|d_s|`` if all ``d_s`` share a sign, else 0.

    Args:
        change: Paired changes ``[seed, …]`` (NaN where an element is undefined gives 0).
    """
    with np.errstate(invalid="ignore"):
        same_sign = (change > 0).all(axis=0) | (change < 0).all(axis=0)
    return np.where(same_sign, np.abs(change).min(axis=0), 0.0)


def standardised_change(noise: Noise, perturbed: np.ndarray, *, agreed: bool = True) -> tuple[float, tuple[int, int]]:
    """The largest standardised change over the elements, and where it is.

    Args:
        noise: The base runs and noise scale (:func:`noise_of`).
        perturbed: Flattened perturbed runs ``[seed, row, element]`` on ``noise.seeds``.
        agreed: Measure the change every paired run agrees on (else the largest change in any run,
            for :data:`NOISE_SCALES`).

    Returns:
        The largest standardised change (0 if nothing moved) and its ``(row, element)``.
    """
    change = perturbed - noise.base
    moved = agreed_change(change) if agreed else np.nanmax(np.abs(np.nan_to_num(change, nan=0.0)), axis=0)
    z = moved / noise.scale
    z = np.where(np.isfinite(z), z, 0.0)
    where = np.unravel_index(int(np.argmax(z)), z.shape)
    return float(z[where]), (int(where[0]), int(where[1]))


# ------------------------------------------------------------------ sweeps


def sweep(
    scenario: Scenario,
    parameters: Iterable[Parameter] | None = None,
    *,
    seeds: Sequence[int] = PAIRED_SEEDS,
    noise_seeds: Sequence[int] = NOISE_SEEDS,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> list[Verdict]:
    """Perturb every parameter up and down and measure what each direction moves.

    Args:
        scenario: The resolved scenario (e.g. ``scenarios.resolve("baseline").scenario``).
        parameters: What to perturb (every numeric parameter by default, :func:`numeric_parameters`).
        seeds: Paired seeds: the base and every perturbation run on each.
        noise_seeds: Seeds of the base runs that estimate the noise scale (the paired seeds are added).
        workers: Worker processes (1 runs in this process).
        on_done: Called once per finished perturbed run (e.g. to advance a progress bar).

    Returns:
        One verdict per parameter, in the order given.
    """
    params = list(numeric_parameters(scenario) if parameters is None else parameters)
    moves = [(i, m) for i, p in enumerate(params) for m in perturbations(p)]
    seeds = tuple(seeds)
    noise = noise_of(base_runs(scenario, sorted(set(noise_seeds) | set(seeds)), workers), seeds)
    quarters = quarter_range(scenario.start, scenario.end)

    def measure(k: int, perturbed: np.ndarray) -> Effect:
        move = moves[k][1]
        z, (row, column) = standardised_change(noise, perturbed, agreed=move.parameter.name not in NOISE_SCALES)
        return Effect(move, z, element_label(scenario, quarters, row, column) if z > 0 else "")

    measured = paired_runs(scenario, [m.values(scenario) for _, m in moves], seeds, measure, workers, on_done)
    effects: dict[int, list[Effect]] = {i: [] for i in range(len(params))}
    for k, (index, _) in enumerate(moves):
        effects[index].append(measured[k])
    return [Verdict(p, tuple(effects[i])) for i, p in enumerate(params)]


def base_runs(scenario: Scenario, seeds: Sequence[int], workers: int = 1) -> dict[int, np.ndarray]:
    """Seed → the flattened base run (:func:`flatten`) on that seed."""
    runs: dict[int, np.ndarray] = {}

    def keep(result: RunResult) -> None:
        runs[result.seed] = flatten(result.outcomes)

    make_executor(workers).run(scenario, [(k, seed, {}) for k, seed in enumerate(seeds)], keep)
    return runs


def paired_runs(
    scenario: Scenario,
    points: Sequence[Mapping[tuple[str, ...], Any]],
    seeds: Sequence[int],
    measure: Callable[[int, np.ndarray], Any],
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> dict[int, Any]:
    """Run each design point (key path → value) on every seed and measure it once all its seeds are in.

    Args:
        scenario: The resolved scenario.
        points: Design points, applied with :func:`model.params.with_values`.
        seeds: The seeds every point runs on.
        measure: ``(point index, flattened runs [seed, row, element])`` → result; called in this
            process as each point completes, so only the points in flight are held in memory.
        workers: Worker processes (1 runs in this process).
        on_done: Called once per finished run.

    Returns:
        Point index → what ``measure`` returned.
    """
    n = len(seeds)
    pending: dict[int, dict[int, np.ndarray]] = {}
    measured: dict[int, Any] = {}

    def keep(result: RunResult) -> None:
        k, s = divmod(result.index, n)
        runs = pending.setdefault(k, {})
        runs[s] = flatten(result.outcomes)
        if on_done is not None:
            on_done()
        if len(runs) == n:
            measured[k] = measure(k, np.stack([runs[i] for i in range(n)]))
            del pending[k]

    jobs = ((k * n + s, seed, dict(values)) for k, values in enumerate(points) for s, seed in enumerate(seeds))
    make_executor(workers).run(scenario, jobs, keep)
    return measured


# ----------------------------------------------------------------- verdicts


def inert(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Tested parameters that move no outcome beyond noise, weakest first (descriptive ones included)."""
    return sorted((v for v in verdicts if v.tested and not v.effective), key=lambda v: v.z)


def undeclared_inert(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Inert parameters that are not on :data:`DESCRIPTIVE_ONLY`: the inputs to fix."""
    return [v for v in inert(verdicts) if v.name not in DESCRIPTIVE_ONLY]


def weakest_effective(verdicts: Iterable[Verdict], n: int = 10) -> list[Verdict]:
    """The ``n`` effective parameters with the smallest effect."""
    return sorted((v for v in verdicts if v.effective), key=lambda v: v.z)[:n]


def _number(value: float) -> str:
    return f"{value:.6g}"
