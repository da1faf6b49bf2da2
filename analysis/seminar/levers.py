"""The quantities a scenario puts under the students' hands, in words, with unit, range and the claims they encode.

Each scenario shows its own levers: the quantities its file marks as levers;
then what makes the scenario that scenario — the values it sets apart from the
baseline, and the values its dated parameter events set (``from 2025Q1:
Russia's capacity growth −6 %/yr``); topped up with the articles' most
contested uncertainties so that every scenario offers a few. A value without a
range of its own gets one spanning the baseline's value and the scenario's,
with as much again on either side, inside the field's bounds.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any

from multivector.analysis.seminar.predict import library
from multivector.analysis.seminar.sources import ClaimNote, claim_notes
from multivector.model.events import CapacityShock, EnforcementStep, ParameterChange, SanctionsPackage, TimelineEvent
from multivector.model.params import COLLECTIONS, SECTIONS, Scenario, Spec, specs_of
from multivector.model.tables import field_spec
from multivector.scenarios import Resolved, load_scenario
from multivector.scenarios.designs import Factor, factors_of

MAX_LEVERS = 6
"""Most sliders a scenario shows (more do not fit a projector's sidebar)."""

MIN_LEVERS = 4
"""A scenario with fewer levers of its own is topped up with key uncertainties to this many."""

STEPS = 40
"""Slider positions across a lever's range."""

PREFERRED_UNCERTAINTIES: tuple[str, ...] = (
    "powers.RUS.standing",
    "powers.RUS.capacity_growth",
    "powers.CHN.capacity_growth",
    "sanctions.deterrence",
    "institutions.leverage_per_format",
    "domestic.rivalry",
)
"""Uncertainties worth a slider first, in order: the articles' most contested quantities."""

SECTION_NAMES = {"sanctions": "Sanctions", "institutions": "Cooperation formats", "domestic": "Domestic politics",
                 "transport": "Transport", "behaviour": "Behaviour"}
"""A top-level section's name in words."""


@dataclass(frozen=True)
class Lever:
    """One slider of the page.

    Attributes:
        path: Dotted key path (``powers.RUS.capacity_growth``).
        owner: Whose quantity it is, in words (``Russia``, ``Sanctions``).
        quantity: The quantity in words (``capacity growth``).
        doc: One line on what it means (the field's own description).
        unit: Its unit (``%/yr``; ``1`` for a number without unit).
        low: Smallest slider value.
        high: Largest slider value.
        value: The scenario's own value.
        role: ``lever`` (a policy choice) or ``uncertainty`` (what we do not know).
        claims: The claims its value cites.
        assumption: The labelled assumption behind it, if it cites one.
        event: The ID of the dated event whose value it is, or "" for a value of the scenario's set-up.
        since: The quarter from which that event's value holds ("" for a set-up value).
        field: The event's field the lever sets (``set`` for a parameter change, ``intensity``, ``factor``, ``level``).
    """

    path: str
    owner: str
    quantity: str
    doc: str
    unit: str
    low: float
    high: float
    value: float
    role: str
    claims: tuple[ClaimNote, ...]
    assumption: str = ""
    event: str = ""
    since: str = ""
    field: str = ""

    @property
    def key(self) -> str:
        """The keyword of :class:`~analysis.seminar.play.SeminarModel` for it (``__`` for dots)."""
        return self.path.replace(".", "__")

    @property
    def step(self) -> float:
        """The slider's step: a fortieth of the range, rounded."""
        return round((self.high - self.low) / STEPS, 4)

    @property
    def contested(self) -> bool:
        """Whether any of its claims is contested."""
        return any(c.contested for c in self.claims)

    def shown(self, value: float) -> str:
        """A value with its unit: ``-2.0 %/yr``; no unit shown for a plain number."""
        return f"{value:g}" if self.unit in ("1", "") else f"{value:g} {self.unit}"


@functools.lru_cache(maxsize=32)
def levers_of(name: str) -> tuple[Lever, ...]:
    """The levers a scenario shows, in order: its own levers, what it sets apart from the baseline, then key uncertainties.

    Args:
        name: A library scenario name.
    """
    resolved = library(name)
    uncertain = {f.name: f for f in factors_of(resolved, "uncertainty")}
    chosen = [_lever(resolved, f.path, (f.low, f.high)) for f in factors_of(resolved, "lever")]
    if name != "baseline":
        chosen += [_lever(resolved, path, _range(resolved, path, uncertain)) for path in _set_apart(resolved)]
        chosen += _event_levers(resolved, uncertain)
    for path in PREFERRED_UNCERTAINTIES:
        if len({lever.path for lever in chosen}) >= MIN_LEVERS:
            break
        if path in uncertain:
            chosen.append(_lever(resolved, uncertain[path].path, (uncertain[path].low, uncertain[path].high)))
    unique = {(lever.path, lever.event): lever for lever in chosen}
    return tuple(unique.values())[:MAX_LEVERS]


def _node(data: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _quantities(data: dict[str, Any]) -> list[tuple[str, ...]]:
    """Key paths of every real world quantity of a resolved scenario."""
    paths = []
    for top, cls in COLLECTIONS.items():
        for code, entry in data.get(top, {}).items():
            paths += [(top, code, f) for f, s in specs_of(cls).items() if _is_real_quantity(s, entry.get(f))]
    for top, cls in SECTIONS.items():
        paths += [(top, f) for f, s in specs_of(cls).items() if _is_real_quantity(s, data.get(top, {}).get(f))]
    return paths


def _is_real_quantity(spec: Spec, node: Any) -> bool:
    return spec.kind == "real" and spec.world and not spec.initial and isinstance(node, dict) and "value" in node


def _set_apart(resolved: Resolved) -> list[tuple[str, ...]]:
    """The real quantities whose value differs from the baseline's."""
    base = library("baseline").data
    return [path for path in _quantities(resolved.data)
            if _value(base, path) is not None and _value(base, path) != _node(resolved.data, path)["value"]]


def _value(data: Any, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data.get("value") if isinstance(data, dict) else None


def _range(resolved: Resolved, path: tuple[str, ...], uncertain: dict[str, Factor], value: float | None = None) -> tuple[float, float]:
    """The quantity's own range if it is an uncertainty; else the baseline's value and this one, with as much again each side."""
    factor = uncertain.get(".".join(path))
    if factor is not None:
        low, high = factor.low, factor.high
        return (min(low, value), max(high, value)) if value is not None else (low, high)
    mine = _node(resolved.data, path)["value"] if value is None else value
    base = _value(library("baseline").data, path)
    base = mine if base is None else base
    gap = abs(mine - base) or abs(mine) or 1.0
    spec = field_spec(path)
    low, high = min(mine, base) - gap, max(mine, base) + gap
    if spec is not None:
        low = low if spec.low is None else max(low, spec.low)
        high = high if spec.high is None else min(high, spec.high)
    return float(low), float(high)


EVENT_LEVERS: dict[type, tuple[str, str, str]] = {
    SanctionsPackage: ("intensity", "Sanctions package on Russia", "intensity"),
    EnforcementStep: ("level", "Secondary-sanctions enforcement", "level reached"),
    CapacityShock: ("factor", "", "capacity multiplied by"),
}
"""Event class → (its field a slider sets, owner in words or "" for the power, quantity in words)."""


def _event_levers(resolved: Resolved, uncertain: dict[str, Factor]) -> list[Lever]:
    """A slider for each dated event of the scenario's own (not the baseline's) that sets a number."""
    levers = []
    inherited = set(library("baseline").scenario.timeline)
    for event in resolved.scenario.timeline:
        if event in inherited:
            continue
        if isinstance(event, ParameterChange) and isinstance(event.set, float) and _owner_spec(event.key_path).kind == "real":
            lever = _lever(resolved, event.key_path, _range(resolved, event.key_path, uncertain, event.set))
            levers.append(replace(lever, value=event.set, event=event.id, since=event.at, field="set", claims=claim_notes(event.claims)))
        elif type(event) in EVENT_LEVERS:
            levers.append(_dated_lever(resolved, event))
    return levers


def _dated_lever(resolved: Resolved, event: TimelineEvent) -> Lever:
    field, owner, quantity = EVENT_LEVERS[type(event)]
    spec = type(event).payload_specs()[field]
    value = float(getattr(event, field))
    if isinstance(event, CapacityShock):
        owner = str(resolved.data["powers"][event.power].get("name") or event.power)
        gap = abs(value - 1) or 0.25
        low, high = max(spec.low or 0.0, min(value, 1) - gap), min(spec.high or 5.0, max(value, 1) + gap)
    else:
        low, high = spec.low or 0.0, spec.high or 1.0
    return Lever(field, owner, quantity, spec.doc, spec.unit, round(low, 4), round(high, 4), value, "event", claim_notes(event.claims),
                 event=event.id, since=event.at, field=field)


def _owner_spec(path: tuple[str, ...]) -> Spec:
    return field_spec(path) or Spec(kind="text")


def _lever(resolved: Resolved, path: tuple[str, ...], bounds: tuple[float, float]) -> Lever:
    node = _node(resolved.data, path)
    top, field = path[0], path[-1]
    owner = resolved.data[top][path[1]].get("name") or path[1] if top in COLLECTIONS else SECTION_NAMES.get(top, top)
    spec = _owner_spec(path)
    return Lever(".".join(path), str(owner), field.replace("_", " "), spec.doc, spec.unit, round(bounds[0], 4), round(bounds[1], 4),
                 float(node["value"]), str(node.get("role", "")), claim_notes(tuple(node.get("claims", ()))),
                 str(node.get("assumption", "")))


def defaults_of(name: str) -> dict[str, float]:
    """The scenario's own value of each of its levers (lever key → value; see :func:`lever_key`)."""
    return {lever_key(lever): lever.value for lever in levers_of(name)}


def lever_key(lever: Lever) -> str:
    """A lever's key in a values dict: its dotted path, or ``<event id>@<field>`` for a dated event's value."""
    return f"{lever.event}@{lever.field}" if lever.event else lever.path


def scenario_with(name: str, values: dict[str, float], claims_off: tuple[str, ...] = ()) -> Scenario:
    """A library scenario with the page's lever values (lever key → value), validated as file input is.

    Args:
        name: A library scenario name.
        values: Lever key → value (:func:`lever_key`).
        claims_off: Claims to switch off (their values take their neutral values, their events are dropped).

    Raises:
        ScenarioError: If a set-up value lies outside its field's bounds.
        ValueError: If a dated event's value lies outside the lever's range.
    """
    static: dict[str, Any] = {key: value for key, value in values.items() if "@" not in key}
    if claims_off:
        static["claims_off"] = list(claims_off)
    scenario = load_scenario(name, overrides=static) if static else load_scenario(name)
    dated = {tuple(key.split("@")): value for key, value in values.items() if "@" in key}
    if not dated:
        return scenario
    ranges = {(lever.event, lever.field): (lever.low, lever.high) for lever in levers_of(name) if lever.event}
    timeline = []
    for event in scenario.timeline:  # an event dropped with a claim switched off simply finds no value here
        for (event_id, field), value in dated.items():
            if event_id != event.id:
                continue
            low, high = ranges[(event_id, field)]
            if not low <= value <= high:
                raise ValueError(f"{event.id}: {field} {value:g} outside the lever's range {low:g} to {high:g}")
            event = replace(event, **{field: float(value)})
        timeline.append(event)
    return replace(scenario, timeline=tuple(timeline))
