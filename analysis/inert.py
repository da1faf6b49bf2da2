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
entry counting as 0. A real value (or map entry) ``x`` moves by
``± 0.1 · max(|x|, spread)``, where ``spread`` is how far the same field ranges
over its peers in the scenario (the same field of every state or power, or every
set entry of the map field): a small value — Japan's conditionality of 0.2, a
regime support of 0.05 — is then nudged on the scale on which the field varies,
not by a hundredth of a point. Where ``x`` is 0 or unset, or where that step
would leave the spec's bounds, it moves by 10 % of the spec's range instead; the result is clipped to the bounds and, for a
map with ``total_at_most``, to what the other entries leave. An integer moves by
±1 within its bounds; a flag is flipped (one direction, ``flip``). A direction
whose clipped move is less than a tenth of its step cannot move and is skipped
(an entry of a map whose entries already fill its total is not tested).
Choices, quarters, lists and text are out of scope.

**Inputs and unset entries.** A value written in the scenario (a field, or a map
entry the scenario sets) is an *input*: the sweep fails on an input that moves
nothing. An entry a map leaves unset (Turkmenistan's sentiment toward Korea) is
not an input; its sweep result is reported, so that the model is known to read
it if it is set, but it does not fail the sweep.

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

**Four reasons a read parameter moves nothing in the baseline.** A parameter
that fails the sweep is not yet an inert input; :func:`assess` sorts the
failures into four categories, and only the last is a defect.

* *Descriptive* (:data:`DESCRIPTIVE_ONLY`): a mechanism the baseline does not
  use at all (standing priorities in no domain, corridor lags of routes without
  investment). Declared by hand with a reason.
* *Weak by design* (:data:`WEAK_BY_DESIGN`): read, and moving outcomes in every
  paired run, but below the threshold even in the probe (the conditionality of
  the smallest powers). Declared by hand with a reason; the list goes stale if
  one moves nothing at all or comes to pass the threshold.
* *Draw-only* (:data:`DRAW_ONLY`): the parameter acts only where a random draw
  falls on one side of it — an upgrade hazard compared with a uniform draw, an
  intervention threshold compared with a drawn severity — so the agreed change
  is 0 by construction (see above). Each is declared with the outcome it drives
  and checked *distributionally* instead: over :data:`DRAW_SEEDS` seeds, the
  parameter is moved across a wide part of its range (``low`` to ``high``, not
  ±10 %) and the mean of that outcome must move in the declared direction by
  more than :data:`DRAW_Z` standard errors of the paired mean difference
  (:func:`draw_effect`). A mean over that many seeds that moves four standard
  errors is not a chance fluctuation, and a parameter the model did not read
  would move it by exactly 0.
* *Dormant in the baseline*: each state's 2021 alignment is its rule's own
  choice (``model.decision_rules.revealed_ties``), which absorbs any fixed
  multiplier on a power's offers (its advantage, a public's sentiment toward
  it, its conditionality), so such a parameter acts only through how the
  offers *change* after 2021. Where the baseline barely changes a channel —
  Japan and Iran have no capacity trend, some routes' flows hardly move — the
  parameter is read but its effect stays below the threshold. The **probe**
  (:func:`probe`) re-runs the sweep, for the parameters that fail in the
  baseline and are on neither list, on :func:`probe_scenario`: the baseline
  with every power's capacity growing :data:`PROBE_CAPACITY_GROWTH` %/yr and
  every corridor receiving :data:`PROBE_INVESTMENT` Mt/yr more investment, with
  the same steps, paired seeds, noise estimate and threshold. A parameter that
  moves an outcome beyond noise there is reported as dormant in the baseline,
  with its probe effect.
* *Inert*: moves nothing in the baseline nor in the probe and is not declared.
  This is the input to fix (the slow test names it).

**Why the probe is an honest test.** A dormant parameter is one whose channel
the baseline does not exercise; the probe exercises every channel at once —
every power's capacity, hence every effort, offer and remittance, and every
route's capacity, hence every flow — rather than a scenario tuned to one
parameter, and its settings lie within the bounds of the quantities it moves
(India's trend is already 5 %/yr in the baseline). It cannot rescue an
unread parameter: a parameter the model never reads gives runs identical to the
last bit in every scenario, the probe included, and the measure and threshold
are the same as in the baseline. It does not weaken the baseline sweep either:
only parameters that already fail there are probed, and a parameter that fails
in both is still reported. What the probe does not move — regime insecurity,
which unrest and shocks already move in the baseline — gives a parameter acting
through it no second chance: if it is weak, it is reported as inert.

The module runs models but draws no plots and writes no files.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from multivector.ensemble.chunks import RunResult, each_run
from multivector.ensemble.executors import make_executor
from multivector.model.calendar import quarter_range
from multivector.model.outcomes import OUTCOMES, coordinates
from multivector.model.params import COLLECTIONS, SECTIONS, Scenario, Spec, specs_of, with_values

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

PROBE_CAPACITY_GROWTH = 5.0
"""Capacity trend (%/yr) of every power in the probe scenario (:func:`probe_scenario`)."""

PROBE_INVESTMENT = 3.0
"""Investment (Mt/yr added per year) every corridor receives in the probe scenario on top of its own."""

DRAW_SEEDS: tuple[int, ...] = tuple(range(64))
"""Seeds of the distributional check of a draw-only parameter (both values run on each)."""

DRAW_Z = 4.0
"""Paired mean difference, in standard errors, that a draw-only parameter's check must exceed."""


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
    "institutions.attendance_threshold":
        "no state cuts its diplomatic engagement with a sponsor to a quarter of its 2021 level in the baseline, "
        "so attendance never changes",
}
"""Key path → reason: parameters that legitimately move no recorded outcome of the baseline.

Each is a mechanism the baseline does not exercise; another scenario may (a
power given standing domains, a corridor given investment, a state nearing
adherence). A parameter that moves nothing and should is not listed here: it is
an inert input to be fixed, and the slow test names it.
"""


WEAK_BY_DESIGN: dict[str, str] = {
    **_each("powers.{}.conditionality", ("KOR", "JPN", "IRN"),
            "read through the states' reception of the power's offers, which are among the smallest (capacity 0.06–0.1): "
            "a change moves its alignment by under 1 % of the run-to-run spread, even when its effort grows"),
    "states.UZB.sentiment.RUS":
        "read through Uzbekistan's reception of Russia's offers; at −0.05, with the five states' sentiments within "
        "0.05 of each other, a step on that scale changes the offers' value by a quarter of a per cent",
}
"""Key path → reason: inputs the model reads, whose effect is real but below the sweep's threshold by design.

Unlike :data:`DESCRIPTIVE_ONLY`, each moves some outcome in every paired run
(its standardised change is above 0); the stale-list test fails if one stops
moving anything or comes to move outcomes beyond the threshold.
"""


@dataclass(frozen=True)
class DrawOnly:
    """Why a parameter acts only through random draws, and how that action is checked.

    The check runs the scenario (less the timeline events of ``without_events``)
    with the parameter at ``low`` and at ``high`` on the same seeds; per run it
    takes ``outcome`` summed over its labels and averaged over the quarters from
    ``since``; the mean over seeds must move from ``low`` to ``high`` in the
    direction ``sign`` by more than :data:`DRAW_Z` standard errors (:func:`draw_effect`).

    Attributes:
        reason: How the parameter meets the draws, and why a 10 % step moves no run's outcome for sure.
        outcome: The recorded outcome it drives (:data:`model.outcomes.OUTCOMES`).
        low: Lower value of the check.
        high: Higher value of the check.
        sign: +1 if the outcome rises from ``low`` to ``high``, −1 if it falls.
        since: First quarter counted (``None``: the horizon's start).
        without_events: Timeline event types removed in the check, so only drawn events count.
    """

    reason: str
    outcome: str
    low: float
    high: float
    sign: int
    since: str | None = None
    without_events: tuple[str, ...] = ()

    def describe(self) -> str:
        """How it is checked (``summit_formats from 2025Q1 rises as it goes 0→0.3``)."""
        counted = f"{self.outcome} from {self.since}" if self.since else f"{self.outcome} over the horizon"
        drop = f", without scheduled {'/'.join(self.without_events)} events" if self.without_events else ""
        return f"{counted}{drop} {'rises' if self.sign > 0 else 'falls'} as it goes {_number(self.low)}→{_number(self.high)}"


DRAW_ONLY: dict[str, DrawOnly] = {
    "institutions.upgrade_hazard": DrawOnly(
        "an undated ministerial dialogue reaches summit level in a quarter when a uniform draw falls below "
        "upgrade_hazard × the share of powers with a rival summit format; a 10 % step flips that comparison "
        "in some runs and quarters only, never for every paired run",
        outcome="summit_formats", low=0.0, high=0.3, sign=+1, since="2025Q1"),
    "domestic.intervention_threshold": DrawOnly(
        "a drawn unrest event calls in a security provider when its severity (a uniform draw scaled by regime "
        "insecurity) reaches the threshold; the baseline's scheduled unrest (severities 0.4 and 0.9) lies outside "
        "a 10 % step of it, so only drawn severities decide, and they do so in some runs only; the check removes "
        "the scheduled unrest, which 0.3 and 0.95 would cross in every run, so that only drawn unrest counts",
        outcome="interventions", low=0.3, high=0.95, sign=-1, without_events=("unrest",)),
}
"""Key path → :class:`DrawOnly`: parameters that act on the baseline only through random draws.

The sweep cannot see them (its agreed change discounts what random flips do);
each is checked by the distributional test its entry describes instead. A
parameter leaves this list when it starts moving an outcome in every paired run
(it no longer acts through draws alone) or when its check stops passing.
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
        present: False for a map entry the scenario leaves unset (not an input).
        spread: How far the field ranges over its peers in the scenario (max − min; 0 when alone).
    """

    field: tuple[str, ...]
    entry: str | None
    spec: Spec
    value: float
    room: float = math.inf
    present: bool = True
    spread: float = 0.0

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
    spreads = _peer_spreads(items)
    found: list[Parameter] = []
    for prefix, cls, obj in items:
        for name, spec in specs_of(cls).items():
            if not spec.world:
                continue
            value = getattr(obj, name)
            spread = spreads.get((prefix[0], name), 0.0)
            if spec.kind in NUMERIC_KINDS:
                found.append(Parameter((*prefix, name), None, spec, float(value), spread=spread))
            elif spec.kind in MAP_KINDS:
                total = sum(float(v) for v in value.values())
                for code in labels[MAP_KINDS[spec.kind]]:
                    entry = float(value.get(code, 0.0))
                    room = math.inf if spec.total_at_most is None else spec.total_at_most - (total - entry)
                    found.append(Parameter((*prefix, name), code, spec, entry, room, code in value, spread))
    return found


def _peer_spreads(items: Sequence[tuple[tuple[str, ...], type, Any]]) -> dict[tuple[str, str], float]:
    """(collection or section, field) → max − min of the field's set values over its entries (map entries pooled)."""
    values: dict[tuple[str, str], list[float]] = {}
    for prefix, cls, obj in items:
        for name, spec in specs_of(cls).items():
            if spec.kind == "real":
                values.setdefault((prefix[0], name), []).append(float(getattr(obj, name)))
            elif spec.kind in MAP_KINDS:
                values.setdefault((prefix[0], name), []).extend(float(v) for v in getattr(obj, name).values())
    return {key: (max(v) - min(v)) if v else 0.0 for key, v in values.items()}


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
            step = sign * RELATIVE_STEP * max(abs(p.value), p.spread)
            if p.value == 0 or not p.present or not p.low <= p.value + step <= p.high:
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

    make_executor(workers).run(scenario, [(k, seed, {}) for k, seed in enumerate(seeds)], each_run(keep))
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
    make_executor(workers).run(scenario, jobs, each_run(keep))
    return measured


# ----------------------------------------------------------------- verdicts


def inert(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Tested parameters that move no outcome beyond noise, weakest first (descriptive ones included)."""
    return sorted((v for v in verdicts if v.tested and not v.effective), key=lambda v: v.z)


def undeclared_inert(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """Inert parameters on none of the declared lists: dormant or inert inputs."""
    declared = DESCRIPTIVE_ONLY.keys() | DRAW_ONLY.keys() | WEAK_BY_DESIGN.keys()
    return [v for v in inert(verdicts) if v.name not in declared]


def weakest_effective(verdicts: Iterable[Verdict], n: int = 10) -> list[Verdict]:
    """The ``n`` effective parameters with the smallest effect."""
    return sorted((v for v in verdicts if v.effective), key=lambda v: v.z)[:n]


# -------------------------------------------------------------------- probe


def probe_scenario(scenario: Scenario) -> Scenario:
    """The scenario with every channel moving: every power's capacity and every corridor's capacity growing.

    Every power's ``capacity_growth`` is set to :data:`PROBE_CAPACITY_GROWTH` and
    every corridor's ``investment`` raised by :data:`PROBE_INVESTMENT` (within its
    bounds); nothing else changes.
    """
    values: dict[tuple[str, ...], Any] = {("powers", code, "capacity_growth"): PROBE_CAPACITY_GROWTH
                                          for code in scenario.powers}
    for code, corridor in scenario.corridors.items():
        high = specs_of(type(corridor))["investment"].high
        investment = corridor.investment + PROBE_INVESTMENT
        values[("corridors", code, "investment")] = investment if high is None else min(investment, float(high))
    return with_values(scenario, values)


def probe(
    scenario: Scenario,
    verdicts: Iterable[Verdict],
    *,
    seeds: Sequence[int] = PAIRED_SEEDS,
    noise_seeds: Sequence[int] = NOISE_SEEDS,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> list[Verdict]:
    """Sweep the probe scenario for the parameters that fail the baseline sweep and are on neither list.

    Args:
        scenario: The resolved scenario the verdicts are for.
        verdicts: Its sweep (:func:`sweep`).
        seeds: Paired seeds, as in :func:`sweep`.
        noise_seeds: Seeds of the probe's own noise estimate.
        workers: Worker processes (1 runs in this process).
        on_done: Called once per finished perturbed run.

    Returns:
        The probe's verdict on each such parameter, in the order of ``verdicts``
        (the parameters are taken from the probe scenario, so a parameter the
        probe itself sets is moved from its probe value).
    """
    failing = {v.name for v in undeclared_inert(verdicts)}
    if not failing:
        return []
    probed = probe_scenario(scenario)
    params = [p for p in numeric_parameters(probed) if p.name in failing]
    return sweep(probed, params, seeds=seeds, noise_seeds=noise_seeds, workers=workers, on_done=on_done)


# --------------------------------------------------------------- draw-only


@dataclass(frozen=True)
class DrawEffect:
    """The distributional check of a draw-only parameter (:class:`DrawOnly`).

    Attributes:
        name: The parameter's key path.
        check: Its entry of :data:`DRAW_ONLY`.
        low: Per seed, the checked statistic with the parameter at ``check.low``.
        high: The same on the same seeds with the parameter at ``check.high``.
    """

    name: str
    check: DrawOnly
    low: np.ndarray
    high: np.ndarray

    @property
    def difference(self) -> float:
        """Mean over seeds of the paired change ``high − low``."""
        return float(np.mean(self.high - self.low))

    @property
    def standard_error(self) -> float:
        """Standard error of :attr:`difference` (standard deviation of the paired changes over √seeds)."""
        change = self.high - self.low
        return float(change.std(ddof=1) / math.sqrt(len(change))) if len(change) > 1 else math.inf

    @property
    def z(self) -> float:
        """The difference in the declared direction, in standard errors (±inf if every pair moves alike)."""
        signed = self.check.sign * self.difference
        if self.standard_error > 0:
            return signed / self.standard_error
        return math.copysign(math.inf, signed) if signed else 0.0

    @property
    def passes(self) -> bool:
        """Whether the outcome moves in the declared direction by more than :data:`DRAW_Z` standard errors."""
        return self.z > DRAW_Z

    def describe(self) -> str:
        """One line: key path, the check, both means, the difference and its size in standard errors."""
        return (f"{self.name} [{self.check.describe()}: mean {_number(float(self.low.mean()))}→"
                f"{_number(float(self.high.mean()))}, difference {self.difference:+.4g} ± {self.standard_error:.2g}"
                f" = {self.z:.3g} SE in the declared direction over {len(self.low)} seeds]")


def check_scenario(scenario: Scenario, check: DrawOnly) -> Scenario:
    """The scenario a draw-only check runs: without the timeline events the check sets aside."""
    return replace(scenario, timeline=tuple(e for e in scenario.timeline if e.type not in check.without_events))


def draw_effect(scenario: Scenario, name: str, *, seeds: Sequence[int] = DRAW_SEEDS, workers: int = 1) -> DrawEffect:
    """Run the distributional check of a parameter on :data:`DRAW_ONLY`.

    Args:
        scenario: The resolved scenario.
        name: The parameter's key path (a key of :data:`DRAW_ONLY`).
        seeds: The seeds; both values run on each.
        workers: Worker processes (1 runs in this process).
    """
    check = DRAW_ONLY[name]
    checked = check_scenario(scenario, check)
    quarters = quarter_range(scenario.start, scenario.end)
    first = quarters.index(check.since) if check.since else 0
    path = tuple(name.split("."))
    seeds = tuple(seeds)
    found = np.full((2, len(seeds)), np.nan)

    def keep(result: RunResult) -> None:
        series = np.asarray(result.outcomes[check.outcome], dtype=float)
        found[divmod(result.index, len(seeds))] = series.reshape(len(series), -1).sum(axis=1)[first:].mean()

    jobs = [(k * len(seeds) + s, seed, {path: value})
            for k, value in enumerate((check.low, check.high)) for s, seed in enumerate(seeds)]
    make_executor(workers).run(checked, jobs, each_run(keep))
    return DrawEffect(name, check, found[0], found[1])


# ------------------------------------------------------------------ report


@dataclass(frozen=True)
class Report:
    """Every numeric parameter of a scenario, by what it does.

    Attributes:
        verdicts: The baseline sweep, one verdict per parameter.
        probed: The probe's verdicts on the parameters that fail the sweep and are on neither list.
        draws: The distributional check of every :data:`DRAW_ONLY` parameter.
    """

    verdicts: tuple[Verdict, ...]
    probed: tuple[Verdict, ...]
    draws: Mapping[str, DrawEffect]

    @property
    def effective(self) -> list[Verdict]:
        """Parameters that move an outcome beyond noise in the scenario itself."""
        return [v for v in self.verdicts if v.effective]

    @property
    def untested(self) -> list[Verdict]:
        """Parameters that cannot move within their bounds (e.g. an entry of a full map)."""
        return [v for v in self.verdicts if not v.tested]

    @property
    def descriptive(self) -> list[Verdict]:
        """Parameters on :data:`DESCRIPTIVE_ONLY`."""
        return [v for v in self.verdicts if v.name in DESCRIPTIVE_ONLY]

    @property
    def draw_only(self) -> list[Verdict]:
        """Parameters on :data:`DRAW_ONLY`."""
        return [v for v in self.verdicts if v.name in DRAW_ONLY]

    @property
    def dormant(self) -> list[tuple[Verdict, Verdict]]:
        """(baseline, probe) verdicts of parameters that fail the sweep but move an outcome in the probe."""
        base = {v.name: v for v in self.verdicts}
        return sorted(((base[p.name], p) for p in self.probed if p.effective), key=lambda pair: pair[1].z)

    @property
    def inert(self) -> list[tuple[Verdict, Verdict]]:
        """(baseline, probe) verdicts of inputs that move nothing in either and are not declared: the inputs to fix."""
        base = {v.name: v for v in self.verdicts}
        return sorted(((base[p.name], p) for p in self.probed if not p.effective and p.parameter.present),
                      key=lambda pair: pair[1].z)

    @property
    def weak_unset(self) -> list[tuple[Verdict, Verdict]]:
        """(baseline, probe) verdicts of unset map entries that move nothing in either (reported, not failing)."""
        base = {v.name: v for v in self.verdicts}
        return sorted(((base[p.name], p) for p in self.probed if not p.effective and not p.parameter.present),
                      key=lambda pair: pair[1].z)

    @property
    def weak(self) -> list[Verdict]:
        """Parameters on :data:`WEAK_BY_DESIGN`."""
        return [v for v in self.verdicts if v.name in WEAK_BY_DESIGN]

    @property
    def stale_weak(self) -> list[str]:
        """Weak-by-design parameters that moved nothing at all or moved outcomes beyond the threshold (one line each)."""
        lines = [f"moves nothing at all: {v.describe()}" for v in self.weak if v.z == 0]
        return lines + [f"moves outcomes beyond the threshold: {v.describe()}" for v in self.weak if v.effective]

    @property
    def stale_descriptive(self) -> list[Verdict]:
        """Parameters declared descriptive that move an outcome (to take off the list)."""
        return [v for v in self.descriptive if v.effective]

    @property
    def stale_draw_only(self) -> list[str]:
        """Draw-only parameters that move an outcome in every paired run, or whose check fails (one line each)."""
        lines = [f"moves outcomes deterministically: {v.describe()}" for v in self.draw_only if v.effective]
        lines += [f"check fails: {e.describe()}" for e in self.draws.values() if not e.passes]
        lines += [f"not checked: {name}" for name in DRAW_ONLY if name not in self.draws]
        return lines

    @property
    def passes(self) -> bool:
        """Whether every parameter is effective, dormant, draw-only with a passing check, or declared descriptive."""
        return not (self.inert or self.stale_descriptive or self.stale_draw_only or self.stale_weak)

    def describe(self) -> str:
        """The report as text: counts, then each category with its parameters."""
        lines = [f"{len(self.verdicts)} numeric parameters: {len(self.effective)} effective, "
                 f"{len(self.dormant)} dormant in the scenario (moved in the probe), {len(self.draw_only)} draw-only, "
                 f"{len(self.descriptive)} descriptive, {len(self.weak)} weak by design, {len(self.inert)} inert inputs, "
                 f"{len(self.weak_unset)} unset map entries that would barely move anything if set, "
                 f"{len(self.untested)} that cannot move within their bounds."]
        sections: list[tuple[str, list[str]]] = [
            ("Inert (moves nothing in the scenario nor in the probe, not declared)",
             [f"{base.describe()}\n    probe: {probed.describe()}" for base, probed in self.inert]),
            ("Unset map entries that would move nothing beyond noise if set (reported, not failing)",
             [f"{base.name}: z={base.z:.3g} here, {probed.z:.3g} in the probe" for base, probed in self.weak_unset]),
            ("Dormant in the scenario, with the probe effect",
             [f"{base.name}: z={base.z:.3g} here; probe {probed.describe()}" for base, probed in self.dormant]),
            ("Draw-only, with the distributional check",
             [self.draws[v.name].describe() if v.name in self.draws else f"{v.name} [not checked]"
              for v in self.draw_only]),
            ("Descriptive only", [f"{v.name}: {DESCRIPTIVE_ONLY[v.name]}" for v in self.descriptive]),
            ("Weak by design", [f"{v.name} (z={v.z:.3g}): {WEAK_BY_DESIGN[v.name]}" for v in self.weak]),
            ("Stale declarations", [v.describe() for v in self.stale_descriptive] + self.stale_draw_only
             + self.stale_weak),
        ]
        for title, items in sections:
            lines.append(f"{title} ({len(items)}):")
            lines.extend(f"  {item}" for item in items)
        return "\n".join(lines)


def assess(
    scenario: Scenario,
    *,
    seeds: Sequence[int] = PAIRED_SEEDS,
    noise_seeds: Sequence[int] = NOISE_SEEDS,
    draw_seeds: Sequence[int] = DRAW_SEEDS,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> Report:
    """Sweep every parameter, probe those that fail, and check every draw-only parameter.

    Args:
        scenario: The resolved scenario (its :data:`DRAW_ONLY` parameters must exist in it).
        seeds: Paired seeds of the sweep and the probe.
        noise_seeds: Seeds of the noise estimates.
        draw_seeds: Seeds of the distributional checks.
        workers: Worker processes (1 runs in this process).
        on_done: Called once per finished perturbed run of the sweep and the probe.
    """
    verdicts = sweep(scenario, seeds=seeds, noise_seeds=noise_seeds, workers=workers, on_done=on_done)
    probed = probe(scenario, verdicts, seeds=seeds, noise_seeds=noise_seeds, workers=workers, on_done=on_done)
    draws = {name: draw_effect(scenario, name, seeds=draw_seeds, workers=workers) for name in DRAW_ONLY}
    return Report(tuple(verdicts), tuple(probed), draws)


def _number(value: float) -> str:
    return f"{value:.6g}"
