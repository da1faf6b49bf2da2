"""Validating a merged scenario against the model's specifications.

Checks run on the merged document (after inheritance and overrides), so
completeness and cross-references see the whole scenario; each error is
located in the file that supplied the offending value.
"""

from __future__ import annotations

import difflib
from typing import Any

from multivector.model.calendar import quarter_label, quarter_ordinal
from multivector.model.events import EVENT_TYPES, PARAMETER_CHANGES, REFERENCE_KINDS, ParameterChange
from multivector.model.params import COLLECTIONS, SECTIONS, Spec, specs_of
from multivector.model.tables import field_spec, settable, settable_paths
from multivector.scenarios.errors import MISSING
from multivector.scenarios.merge import DEFAULT_HORIZON, HORIZON_KEYS, Merged
from multivector.scenarios.quantities import Checker, KeyPath, bounds_text, suggest, within

EVENT_KEYS: tuple[str, ...] = ("id", "at", "type", "claims", "assumption", "note")
"""Keys every timeline event may hold besides its type's payload keys."""

REQUIRED: tuple[str, ...] = ("states", "powers", "formats", "corridors", *SECTIONS)
"""Top-level keys a resolved scenario must hold (only the timeline may be left out or empty)."""

NON_EMPTY: tuple[str, ...] = ("states", "powers", "formats", "corridors")
"""Collections that need at least one entry (the model has no region, rivals, formats or routes without)."""

FIRST_QUARTER = "2000Q1"
"""Earliest start of a horizon."""
LAST_QUARTER = "2060Q4"
"""Latest end of a horizon."""
MAX_QUARTERS = 160
"""Longest horizon, in quarters (40 years; the library's is 40 quarters, 2021Q1–2030Q4)."""

SHARES_TOLERANCE = 1e-6
"""How far a corridor's sponsor shares may sum from 1."""

_QUARTER = Spec(kind="quarter", world=False)


def validate(merged: Merged, checker: Checker) -> None:
    """Check the whole merged scenario, filling in defaults (horizon, empty collections).

    Args:
        merged: The merged document (modified in place: defaults are added).
        checker: The checker whose ``codes`` and ``claims_off`` get set here.

    Raises:
        ScenarioError: On the first problem found.
    """
    data = merged.data
    _horizon(data, checker)
    for key in REQUIRED:
        if key not in data:
            kind = (COLLECTIONS.get(key) or SECTIONS[key]).__name__
            checker.fail((key,), f"missing section {key!r}", MISSING, f"a mapping of {kind} fields")
    for key in NON_EMPTY:
        if not data[key]:
            checker.fail((key,), "empty collection", data[key], f"at least one entry in {key}")
    data.setdefault("timeline", {})
    checker.codes = {key: tuple(data[key]) for key in COLLECTIONS}
    for i, claim in enumerate(data.get("claims_off", [])):
        checker.claim_id(("claims_off", i), claim)
    checker.claims_off = tuple(data.get("claims_off", []))
    for key, cls in COLLECTIONS.items():
        for code, item in data[key].items():
            check_fields(checker, (key, code), cls, item)
    for key, cls in SECTIONS.items():
        check_fields(checker, (key,), cls, data[key])
    for event_id, event in data["timeline"].items():
        check_event(checker, ("timeline", event_id), event, data["horizon"])


def _horizon(data: dict[str, Any], checker: Checker) -> None:
    horizon = {**DEFAULT_HORIZON, **data.get("horizon", {})}
    for key in HORIZON_KEYS:
        checker.value(("horizon", key), _QUARTER, horizon[key])
    start, end = quarter_ordinal(horizon["start"]), quarter_ordinal(horizon["end"])
    if start < quarter_ordinal(FIRST_QUARTER):
        checker.fail(("horizon", "start"), "horizon starts too early", horizon["start"],
                     f"a start from {FIRST_QUARTER} to {LAST_QUARTER}")
    if end > quarter_ordinal(LAST_QUARTER):
        checker.fail(("horizon", "end"), "horizon ends too late", horizon["end"], f"an end not after {LAST_QUARTER}")
    if end < start:
        checker.fail(("horizon", "end"), "horizon ends before it starts", horizon["end"],
                     f"a quarter not before the start {horizon['start']}")
    if end - start + 1 > MAX_QUARTERS:
        checker.fail(("horizon", "end"), f"horizon too long ({end - start + 1} quarters)", horizon["end"],
                     f"at most {MAX_QUARTERS} quarters from the start {horizon['start']} (an end not after "
                     f"{quarter_label(start + MAX_QUARTERS - 1)})")
    data["horizon"] = horizon


def field_choices(checker: Checker, cls: type, name: str, spec: Spec) -> tuple[str, ...] | None:
    """Valid strings for a ``choice`` field whose options name scenario entries."""
    if spec.kind != "choice" or spec.options:
        return None
    if (cls.__name__, name) == ("FormatParams", "sponsor"):
        return checker.codes["powers"] + ("C5",)
    return checker.codes["powers"]


def check_fields(checker: Checker, path: KeyPath, cls: type, item: dict[str, Any]) -> None:
    """Check the fields of one collection item or section against ``cls``'s specs."""
    specs = specs_of(cls)
    for key in item:
        if key not in specs:
            checker.fail((*path, key), f"unknown {cls.__name__} field", key, suggest(key, specs))
    for name, spec in specs.items():
        choices = field_choices(checker, cls, name, spec)
        if name not in item:
            if spec.optional:
                continue
            shape = "a quantity whose value is " if spec.world else ""
            checker.fail((*path, name), "missing field", MISSING,
                         f"{shape}{checker.expected(spec, choices)} ({spec.doc})")
        if spec.world:
            checker.quantity((*path, name), spec, item[name], choices)
            check_rule(checker, (*path, name, "value"), cls, name, item[name]["value"])
            if "neutral" in item[name]:
                check_rule(checker, (*path, name, "neutral"), cls, name, item[name]["neutral"], neutral=True)
            if "range" in item[name]:  # a design may sample either end
                check_rule(checker, (*path, name, "range"), cls, name, item[name]["range"][0])
        else:
            checker.value((*path, name), spec, item[name], choices)


def check_rule(checker: Checker, path: KeyPath, cls: type, name: str, value: Any, *, neutral: bool = False) -> None:
    """Rules a field's bounds cannot say: a format has members, sponsor shares sum to 1, freight demand is positive.

    A format's ``members`` may be ``[]`` only as a neutral (with its claims off
    the format meets no one); a corridor's ``sponsors`` are ``{}`` (no power
    sponsors the route) or shares summing to 1 within :data:`SHARES_TOLERANCE`;
    ``transport.demand`` (2021 freight) is above 0, since every share of
    freight is a share of it. Called for values, neutrals and overrides alike.
    """
    rule = (cls.__name__, name)
    if rule == ("FormatParams", "members") and not neutral and isinstance(value, list) and not value:
        checker.fail(path, "a format without members", value,
                     f"at least one of: {', '.join(checker.codes.get('states', ()))} ([] only as a neutral)")
    if rule == ("CorridorParams", "sponsors") and isinstance(value, dict) and value:
        total = sum(value.values())
        if abs(total - 1) > SHARES_TOLERANCE:
            checker.fail(path, "sponsor shares do not sum to 1", round(total, 9),
                         f"shares summing to 1 (within {SHARES_TOLERANCE:g}), or {{}} for a route no power sponsors")
    if rule == ("TransportParams", "demand") and value == 0:
        checker.fail(path, "no freight demand", value, "a real number in (0, 5000] (Mt/yr): the routes share it out")


def check_routes(checker: Checker, data: dict[str, Any]) -> None:
    """Some corridor has capacity: with every route at capacity 0 no freight can move.

    Checked on the values the run will use (after claims are switched off).
    """
    corridors = data["corridors"]
    if corridors and all(item["capacity"]["value"] == 0 for item in corridors.values()):
        first = next(iter(corridors))
        checker.fail(("corridors", first, "capacity", "value"), "every corridor has capacity 0", 0,
                     "a capacity above 0 on at least one corridor (freight needs a route in 2021)")


def check_event(checker: Checker, path: KeyPath, event: dict[str, Any], horizon: dict[str, str]) -> None:
    """Check one timeline event: type, date inside the horizon, payload and provenance."""
    kind = event.get("type", MISSING)
    if not isinstance(kind, str) or kind not in EVENT_TYPES:
        checker.fail((*path, "type"), "unknown event type" if kind is not MISSING else "missing event type", kind,
                     suggest(kind, EVENT_TYPES))
    payload = EVENT_TYPES[kind].payload_specs()
    allowed = EVENT_KEYS + tuple(payload)
    for key in event:
        if key not in allowed:
            checker.fail((*path, key), f"unknown key for a {kind} event", key, suggest(key, allowed))
    if "at" not in event:
        checker.fail((*path, "at"), "missing date", MISSING, "a quarter label such as 2022Q1 inside the horizon")
    in_horizon(checker, (*path, "at"), event["at"], horizon)
    for key, spec in payload.items():
        if key in PARAMETER_CHANGES:
            continue  # set or scale: checked against the parameter's own specification below
        if key not in event:
            checker.fail((*path, key), f"missing payload key for a {kind} event", MISSING,
                         f"{checker.expected(spec, _event_choices(checker, key))} ({spec.doc})")
        checker.value((*path, key), spec, event[key], _event_choices(checker, key))
    if kind == "parameter":
        check_parameter_change(checker, path, event)
    checker.provenance(path, event)
    if "note" in event and not isinstance(event["note"], str):
        checker.fail((*path, "note"), "not text", event["note"], "a string")


def parameter_path(checker: Checker, path: KeyPath, text: str) -> tuple[tuple[str, ...], Spec]:
    """The key path a ``parameter`` event names, and the spec of its field; fails unless it may change mid-run."""
    parts = tuple(text.split("."))
    spec = field_spec(parts)
    known = len(parts) == 2 or (len(parts) == 3 and parts[1] in checker.codes.get(parts[0], ()))
    if spec is None or not known:
        close = difflib.get_close_matches(str(text), settable_paths(checker.codes), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        checker.fail(path, "unknown parameter", text,
                     f"a key path such as sanctions.secondary_cost or powers.RUS.capacity_growth{hint}")
    if not settable(spec):
        why = "read once at set-up" if spec.initial else f"a {spec.kind} field"
        checker.fail(path, f"this parameter cannot change mid-run ({why})", text,
                     "a real, integer, flag or fixed-choice parameter that the model reads every quarter")
    return parts, spec


def check_parameter_change(checker: Checker, path: KeyPath, event: dict[str, Any]) -> None:
    """Check a ``parameter`` event: a settable path and exactly one of ``set`` and ``scale``."""
    _, spec = parameter_path(checker, (*path, "path"), event["path"])
    given = [key for key in PARAMETER_CHANGES if key in event]
    if len(given) != 1:
        checker.fail(path, "a parameter event needs exactly one of set and scale", given or MISSING,
                     "'set: <new value>' or 'scale: <factor>'")
    if "set" in event:
        checker.value((*path, "set"), spec, event["set"], field_choices(checker, _owner(event["path"]), "", spec))
    else:
        if spec.kind != "real":
            checker.fail((*path, "scale"), f"only a real parameter can be scaled, not a {spec.kind}", event["scale"],
                         "'set: <new value>' instead")
        checker.value((*path, "scale"), ParameterChange.payload_specs()["scale"], event["scale"])


def _owner(text: str) -> type:
    top = text.split(".")[0]
    return COLLECTIONS.get(top) or SECTIONS[top]


def check_parameter_values(merged: Merged, checker: Checker) -> None:
    """Walk each parameter's dated changes in time order and check every value it takes stays within bounds."""
    timeline = merged.data["timeline"]
    changes = sorted(((quarter_ordinal(e["at"]), i, event_id) for i, (event_id, e) in enumerate(timeline.items())
                      if e.get("type") == "parameter"))
    current: dict[str, Any] = {}
    for _, _, event_id in changes:
        event = timeline[event_id]
        parts = tuple(event["path"].split("."))
        spec = field_spec(parts)
        item = merged.data
        for part in parts:
            item = item[part]
        value = event["set"] if "set" in event else current.get(event["path"], item["value"]) * event["scale"]
        current[event["path"]] = value
        if spec.kind in ("real", "integer") and not within(spec, value):
            checker.fail(("timeline", event_id, "scale" if "scale" in event else "set"),
                         f"{event['path']} would leave its bounds", round(value, 9),
                         f"a value{bounds_text(spec)} (the parameter's bounds)")


def _event_choices(checker: Checker, key: str) -> tuple[str, ...] | None:
    kind = REFERENCE_KINDS.get(key)
    return checker.codes[kind] if kind else None


def in_horizon(checker: Checker, path: KeyPath, quarter: Any, horizon: dict[str, str], *,
               before_ok: bool = False) -> None:
    """Check that a quarter label lies inside the horizon (or, with ``before_ok``, not after its end)."""
    checker.value(path, _QUARTER, quarter)
    start, end = horizon["start"], horizon["end"]
    if quarter_ordinal(quarter) > quarter_ordinal(end) or (
        not before_ok and quarter_ordinal(quarter) < quarter_ordinal(start)
    ):
        window = f"not after {end}" if before_ok else f"in {start}–{end}"
        checker.fail(path, "quarter outside the horizon", quarter, f"a quarter {window}")


def cross_checks(merged: Merged, checker: Checker) -> None:
    """Checks between fields: format dates against each other and the horizon, dated parameter changes."""
    check_parameter_values(merged, checker)
    check_routes(checker, merged.data)
    horizon = merged.data["horizon"]
    for code, item in merged.data["formats"].items():
        path: KeyPath = ("formats", code)
        start = item["start"]["value"]
        if start is None:
            continue  # a format that never meets (a neutralised start)
        in_horizon(checker, (*path, "start", "value"), start, horizon, before_ok=True)
        end = item.get("end")
        if end is not None and end["value"] is not None:
            in_horizon(checker, (*path, "end", "value"), end["value"], horizon, before_ok=True)
            if quarter_ordinal(end["value"]) < quarter_ordinal(start):
                checker.fail((*path, "end", "value"), "format ends before it starts", end["value"],
                             f"a quarter not before the format's start {start}")
        summit = item.get("summit_from")
        if summit is None or summit["value"] is None:
            continue  # no scheduled summit (absent, or a neutralised date)
        in_horizon(checker, (*path, "summit_from", "value"), summit["value"], horizon, before_ok=True)
        if quarter_ordinal(summit["value"]) < quarter_ordinal(start):
            checker.fail((*path, "summit_from", "value"), "summit upgrade before the format starts", summit["value"],
                         f"a quarter not before the format's start {start}")
