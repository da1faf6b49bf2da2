"""Reading a scenario file and its ``extends`` chain into one merged document.

The child is merged over its parent: collections item by item and field by
field, sections field by field, the timeline by event ``id`` (``remove: true``
drops an inherited event) and ``claims_off`` as a union. Every merged key path
remembers the file and key it came from, so later errors point at the right
line of the right file.

Only files that end in ``.yaml`` or ``.yml`` are read, and ``extends:`` follows
the rules of :mod:`scenarios.references`: a sibling or library name, or a path
inside the extending file's own folder.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.model.params import COLLECTIONS, SECTIONS
from multivector.scenarios.errors import MISSING, Described, ScenarioError
from multivector.scenarios.quantities import KeyPath, suggest
from multivector.scenarios.references import BadReferenceError, is_scenario_file_name, locate
from multivector.scenarios.source import Source, display_name, read_yaml

FORMAT_VERSION = 1
TEXT_KEYS: tuple[str, ...] = ("name", "title", "description", "question", "expects")
TOP_KEYS: tuple[str, ...] = (
    "format", *TEXT_KEYS, "extends", "horizon", "claims_off", *COLLECTIONS, *SECTIONS, "timeline", "hypothesis",
    "posterior",
)
HORIZON_KEYS: tuple[str, ...] = ("start", "end")
DEFAULT_HORIZON: dict[str, str] = {"start": "2021Q1", "end": "2030Q4"}
CODE_KEY = re.compile(r"[A-Z][A-Z0-9_]{1,9}")
"""A state's or power's code (matched in full, ASCII only: ``"UZB\\n"`` is not ``UZB``)."""
NAME_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")
"""A format's or corridor's name (matched in full, ASCII only)."""
ITEM_KEYS: dict[str, tuple[re.Pattern[str], str]] = {
    "states": (CODE_KEY, "an upper-case code such as KAZ (2-10 characters: A-Z, 0-9, _)"),
    "powers": (CODE_KEY, "an upper-case code such as RUS (2-10 characters: A-Z, 0-9, _)"),
    "formats": (NAME_KEY, "a lower-case name such as china_c5 (1-64 characters: a-z, 0-9, _)"),
    "corridors": (NAME_KEY, "a lower-case name such as middle_corridor (1-64 characters: a-z, 0-9, _)"),
}
EVENT_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""A timeline event's id (matched in full, ASCII only)."""
SCENARIO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
"""A scenario's ``name`` (matched in full): it names results folders, so an identifier only."""
NAME_EXPECTED = "an identifier: a letter or _, then letters, digits or _, at most 64 characters (e.g. sanctions_escalation)"
MAX_EXTENDS = 32
"""Most files in one ``extends`` chain, the requested file included (the library's longest chain is 2)."""


@dataclass
class Merged:
    """A scenario after inheritance: plain data plus where each part came from.

    Attributes:
        data: The merged document; ``timeline`` is a dict event id → event here.
        origins: Merged key path → (source, key path inside that source).
        files: Files read, as shown in messages, the requested one last.
        paths: The same files on disk (resolved), in the same order.
    """

    data: dict[str, Any] = field(default_factory=dict)
    origins: dict[KeyPath, tuple[Source, KeyPath]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    paths: list[Path] = field(default_factory=list)

    def locate(self, path: KeyPath) -> tuple[str, int | None]:
        """File and line of a merged key path (deepest known origin)."""
        for end in range(len(path), -1, -1):
            origin = self.origins.get(tuple(path[:end]))
            if origin is not None:
                source, raw = origin
                return source.name, source.line_of(raw + tuple(path[end:]))
        return "<scenario>", None

    def record(self, path: KeyPath, source: Source, raw: KeyPath | None = None) -> None:
        """Remember that ``path`` now comes from ``raw`` in ``source``."""
        self.origins[path] = (source, path if raw is None else raw)


def read_scenario(path: Path, name: str, chain: tuple[Path, ...] = ()) -> Merged:
    """Read a scenario file with its ``extends`` chain, merged.

    Args:
        path: The file on disk.
        name: How the file is shown in messages.
        chain: Files already being read (for cycle detection).

    Returns:
        The merged document.

    Raises:
        ScenarioError: On a file that is not a ``.yaml`` scenario, syntax errors,
            a malformed top level, a missing, cyclic or out-of-folder
            ``extends`` target, a chain of more than :data:`MAX_EXTENDS` files,
            or a malformed collection or timeline.
    """
    require_scenario_file_name(path, name)
    source = read_yaml(path, name, scenario=True)
    doc = _check_top(source)
    chain = (*chain, path.resolve())
    merged = Merged()
    if "extends" in doc:
        merged = _read_parent(source, doc["extends"], chain)
        merged.data.pop("hypothesis", None)  # a hypothesis belongs to the file that states it
        merged.data.pop("posterior", None)  # so does a posterior: it was fitted to that file's scenario
    _merge(merged, source, doc)
    merged.files.append(source.name)
    merged.paths.append(chain[-1])
    merged.record((), source)
    return merged


def require_scenario_file_name(path: Path, name: str) -> None:
    """Refuse, before reading it, a file whose name does not end in ``.yaml`` or ``.yml``.

    Raises:
        ScenarioError: ``not a scenario file``, naming the file only.
    """
    if not is_scenario_file_name(path):
        raise ScenarioError(name, None, "<file>", "not a scenario file", Described("a file name without .yaml or .yml"),
                            "a library name such as baseline or a path to a .yaml or .yml scenario file")


def _check_top(source: Source) -> dict[str, Any]:
    doc = source.data
    expected = "a mapping with keys such as format, name, states, powers"
    if doc is None:
        raise source.error((), "empty file", doc, expected)
    if not isinstance(doc, dict):
        raise source.error((), "top level is not a mapping", Described("no mapping at the top level"), expected)
    for key in doc:
        if key not in TOP_KEYS:
            raise source.error((key,), "unknown key", key, suggest(key, TOP_KEYS))
    version = doc.get("format", MISSING)  # present: read_yaml(scenario=True) refuses a file without it
    if type(version) is not int or version != FORMAT_VERSION:
        raise source.error(("format",), "unsupported format version", version, f"{FORMAT_VERSION}")
    name = doc.get("name", MISSING)
    if name is MISSING:
        raise source.error(("name",), "missing name", name, NAME_EXPECTED)
    if not isinstance(name, str) or not SCENARIO_NAME.fullmatch(name):
        raise source.error(("name",), "name is not an identifier", name, NAME_EXPECTED)
    for key in TEXT_KEYS[1:]:
        if key in doc and not isinstance(doc[key], str):
            raise source.error((key,), "not text", doc[key], "a string")
    return doc


def _read_parent(source: Source, target: Any, chain: tuple[Path, ...]) -> Merged:
    folder = source.path.parent if source.path is not None else Path.cwd()
    folder_shown = os.path.dirname(source.name) or "."
    try:
        parent = locate(target, folder, folder_shown)
    except BadReferenceError as error:
        raise source.error(("extends",), error.problem, target, error.expected) from None
    if parent.resolve() in chain:
        names = [p.name for p in chain] + [parent.name]
        raise source.error(("extends",), "extends cycle " + " -> ".join(names), target,
                           "a chain of scenarios that ends without returning to itself")
    if len(chain) >= MAX_EXTENDS:
        raise source.error(("extends",), f"extends chain too long ({chain[0].name} -> … -> {chain[-1].name} -> "
                                         f"{parent.name})", target,
                           f"a chain of at most {MAX_EXTENDS} files, the requested one included")
    return read_scenario(parent, _shown(parent, folder, folder_shown), chain)


def _shown(parent: Path, folder: Path, folder_shown: str) -> str:
    """How a parent file is named in messages: beside the child's name if in its folder, else as a library path."""
    try:
        return os.path.normpath(os.path.join(folder_shown, parent.relative_to(folder)))
    except ValueError:
        return display_name(parent)


def _merge(merged: Merged, source: Source, doc: dict[str, Any]) -> None:
    data = merged.data
    for key in ("format", *TEXT_KEYS):
        if key in doc:
            data[key] = doc[key]
            merged.record((key,), source)
    if "horizon" in doc:
        _merge_horizon(merged, source, doc["horizon"])
    if "claims_off" in doc:
        _merge_claims_off(merged, source, doc["claims_off"])
    for key in COLLECTIONS:
        if key in doc:
            _merge_collection(merged, source, key, doc[key])
    for key in SECTIONS:
        if key in doc:
            _merge_fields(merged, source, (key,), doc[key], "a mapping of " + SECTIONS[key].__name__ + " fields")
    if "timeline" in doc:
        _merge_timeline(merged, source, doc["timeline"])
    if "hypothesis" in doc:
        merged.data["hypothesis"] = copy.deepcopy(doc["hypothesis"])
        merged.record(("hypothesis",), source)
    if "posterior" in doc:
        merged.data["posterior"] = doc["posterior"]
        merged.record(("posterior",), source)


def _merge_horizon(merged: Merged, source: Source, horizon: Any) -> None:
    if not isinstance(horizon, dict):
        raise source.error(("horizon",), "not a mapping", horizon, "{start: 2021Q1, end: 2030Q4}")
    for key in horizon:
        if key not in HORIZON_KEYS:
            raise source.error(("horizon", key), "unknown key", key, suggest(key, HORIZON_KEYS))
    _merge_fields(merged, source, ("horizon",), horizon, "")


def _merge_claims_off(merged: Merged, source: Source, claims: Any) -> None:
    if not isinstance(claims, list):
        raise source.error(("claims_off",), "not a list", claims, "a list of claim IDs such as [CH25-41]")
    current = merged.data.setdefault("claims_off", [])
    for i, claim in enumerate(claims):
        if claim not in current:
            current.append(claim)
            merged.record(("claims_off", len(current) - 1), source, ("claims_off", i))


def _merge_collection(merged: Merged, source: Source, key: str, items: Any) -> None:
    pattern, expected = ITEM_KEYS[key]
    if not isinstance(items, dict):
        raise source.error((key,), "not a mapping", items, f"a mapping of {expected} to {key} entries")
    if key not in merged.data:
        merged.data[key] = {}
        merged.record((key,), source)
    for code, item in items.items():
        if not pattern.fullmatch(code):
            raise source.error((key, code), "bad key", code, expected)
        _merge_fields(merged, source, (key, code), item, f"a mapping of {COLLECTIONS[key].__name__} fields")


def _merge_fields(merged: Merged, source: Source, path: KeyPath, fields: Any, expected: str) -> None:
    if not isinstance(fields, dict):
        raise source.error(path, "not a mapping", fields, expected)
    target = merged.data
    for part in path[:-1]:
        target = target[part]
    if path[-1] not in target:
        target[path[-1]] = {}
        merged.record(path, source)
    for name, value in fields.items():
        target[path[-1]][name] = copy.deepcopy(value)
        merged.record((*path, name), source)


def _merge_timeline(merged: Merged, source: Source, events: Any) -> None:
    if not isinstance(events, list):
        raise source.error(("timeline",), "not a list", events, "a list of event mappings with id, at, type")
    timeline: dict[str, Any] = merged.data.setdefault("timeline", {})
    merged.origins.setdefault(("timeline",), (source, ("timeline",)))
    seen: set[str] = set()
    for i, event in enumerate(events):
        event_id = _event_id(source, i, event, seen)
        if "remove" in event:
            _remove_event(source, i, event, timeline)
            continue
        timeline[event_id] = copy.deepcopy(event)
        merged.record(("timeline", event_id), source, ("timeline", i))


def _event_id(source: Source, index: int, event: Any, seen: set[str]) -> str:
    if not isinstance(event, dict):
        raise source.error(("timeline", index), "event is not a mapping", event, "a mapping with id, at, type, ...")
    event_id = event.get("id", MISSING)
    if not isinstance(event_id, str) or not EVENT_ID.fullmatch(event_id):
        raise source.error(("timeline", index, "id"), "missing or bad event id", event_id,
                           "a lower-case id such as kaz-unrest-2022 (1-64 characters: a-z, 0-9, _ and -)")
    if event_id in seen:
        raise source.error(("timeline", index, "id"), "duplicate event id", event_id, "each event id once per file")
    seen.add(event_id)
    return event_id


def _remove_event(source: Source, index: int, event: dict[str, Any], timeline: dict[str, Any]) -> None:
    if event["remove"] is not True or set(event) != {"id", "remove"}:
        raise source.error(("timeline", index, "remove"), "malformed removal", event,
                           "exactly {id: <inherited event id>, remove: true}")
    if event["id"] not in timeline:
        raise source.error(("timeline", index, "id"), "cannot remove an event that is not inherited", event["id"],
                           suggest(event["id"], list(timeline)) if timeline else "an inherited event id (none)")
    del timeline[event["id"]]
