"""Validating a merged scenario against the model's specifications.

Checks run on the merged document (after inheritance and overrides), so
completeness and cross-references see the whole scenario; each error is
located in the file that supplied the offending value.
"""

from __future__ import annotations

from typing import Any

from model.calendar import quarter_ordinal
from model.events import EVENT_TYPES, REFERENCE_KINDS
from model.params import COLLECTIONS, SECTIONS, Spec, specs_of
from scenarios.errors import MISSING
from scenarios.merge import DEFAULT_HORIZON, HORIZON_KEYS, Merged
from scenarios.quantities import Checker, KeyPath, suggest

EVENT_KEYS: tuple[str, ...] = ("id", "at", "type", "claims", "assumption", "note")
"""Keys every timeline event may hold besides its type's payload keys."""

REQUIRED: tuple[str, ...] = ("states", "powers", *SECTIONS)
"""Top-level keys a resolved scenario must hold (formats, corridors and timeline may be empty)."""

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
    for key in ("states", "powers"):
        if not data[key]:
            checker.fail((key,), "empty collection", data[key], f"at least one entry in {key}")
    for key in ("formats", "corridors", "timeline"):
        data.setdefault(key, {})
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
    if quarter_ordinal(horizon["end"]) < quarter_ordinal(horizon["start"]):
        checker.fail(("horizon", "end"), "horizon ends before it starts", horizon["end"],
                     f"a quarter not before the start {horizon['start']}")
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
        else:
            checker.value((*path, name), spec, item[name], choices)


def check_event(checker: Checker, path: KeyPath, event: dict[str, Any], horizon: dict[str, str]) -> None:
    """Check one timeline event: type, date inside the horizon, payload and provenance."""
    kind = event.get("type", MISSING)
    if kind not in EVENT_TYPES:
        checker.fail((*path, "type"), "unknown event type" if kind is not MISSING else "missing event type", kind,
                     suggest(kind, EVENT_TYPES))
    payload = EVENT_TYPES[kind]
    allowed = EVENT_KEYS + tuple(payload)
    for key in event:
        if key not in allowed:
            checker.fail((*path, key), f"unknown key for a {kind} event", key, suggest(key, allowed))
    if "at" not in event:
        checker.fail((*path, "at"), "missing date", MISSING, "a quarter label such as 2022Q1 inside the horizon")
    in_horizon(checker, (*path, "at"), event["at"], horizon)
    for key, spec in payload.items():
        if key not in event:
            checker.fail((*path, key), f"missing payload key for a {kind} event", MISSING,
                         f"{checker.expected(spec, _event_choices(checker, key))} ({spec.doc})")
        checker.value((*path, key), spec, event[key], _event_choices(checker, key))
    checker.provenance(path, event)
    if "note" in event and not isinstance(event["note"], str):
        checker.fail((*path, "note"), "not text", event["note"], "a string")


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
    """Checks between fields: format dates against each other and the horizon."""
    horizon = merged.data["horizon"]
    for code, item in merged.data["formats"].items():
        path: KeyPath = ("formats", code)
        start = item["start"]["value"]
        in_horizon(checker, (*path, "start", "value"), start, horizon, before_ok=True)
        summit = item.get("summit_from")
        if summit is None:
            continue
        in_horizon(checker, (*path, "summit_from", "value"), summit["value"], horizon, before_ok=True)
        if quarter_ordinal(summit["value"]) < quarter_ordinal(start):
            checker.fail((*path, "summit_from", "value"), "summit upgrade before the format starts", summit["value"],
                         f"a quarter not before the format's start {start}")
