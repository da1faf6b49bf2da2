"""Scenario YAML → validated, resolved plain data → typed :class:`model.params.Scenario`.

The pipeline is: read the file and its ``extends`` chain (:mod:`scenarios.merge`),
apply overrides, validate against the model's specs (:mod:`scenarios.validate`),
switch off the claims in ``claims_off`` (values fall back to their ``neutral``,
events citing them are dropped), check dates across fields, and build the
frozen parameter objects.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from multivector.model.events import EVENT_TYPES, ParameterChange, TimelineEvent
from multivector.model.params import COLLECTIONS, DOMAINS, SECTIONS, Scenario, Spec, specs_of, with_values
from multivector.model.tables import field_spec
from multivector.scenarios.claims import Registry, load_registry
from multivector.scenarios.errors import Described, ScenarioError, dotted
from multivector.scenarios.hypothesis import Hypothesis, read_hypothesis
from multivector.scenarios.merge import TEXT_KEYS, Merged, read_scenario, require_scenario_file_name
from multivector.scenarios.quantities import Checker, KeyPath, suggest
from multivector.scenarios.references import LIBRARY_DIR, BadReferenceError, is_scenario_file_name, locate_data_file
from multivector.scenarios.source import MAX_DEPTH, Source, display_name
from multivector.scenarios.validate import check_routes, check_rule, cross_checks, field_choices, validate

SCENARIO_DIR = LIBRARY_DIR
"""The scenario library: ``scenarios/*.yaml``."""

OVERRIDE = "<override>"
"""How overrides are named in error messages."""


@dataclass(frozen=True)
class Resolved:
    """A scenario after inheritance, overrides, validation and claim toggles.

    Attributes:
        source: The scenario file that was requested.
        data: The resolved plain document (no ``extends``; every value with its
            provenance), JSON-serialisable; record it with results.
        scenario: The typed scenario the model runs.
        neutralised: Key paths of values set to their neutral and of events
            dropped because they cite a switched-off claim.
        hypothesis: What the scenario expects against a reference scenario, if it says.
        posterior: The calibration posterior (``posterior.json``) the scenario names for its
            uncertainties, if it names one: ``run``, ``compare`` and ``findings`` then draw from it.
    """

    source: Path
    data: dict[str, Any]
    scenario: Scenario
    neutralised: tuple[str, ...] = field(default=())
    hypothesis: Hypothesis | None = None
    posterior: Path | None = None

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON of :attr:`data`."""
        text = json.dumps(self.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def list_scenarios() -> list[str]:
    """Names of the scenarios in the library folder, sorted."""
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def scenario_path(name_or_path: str | Path) -> Path:
    """The file of a library scenario name (``"baseline"``) or a path (returned as given)."""
    if isinstance(name_or_path, Path):
        return name_or_path
    text = str(name_or_path)
    if "/" in text or "\\" in text or text.endswith((".yaml", ".yml")):
        return Path(text)
    return SCENARIO_DIR / f"{text}.yaml"


def resolve(
    name_or_path: str | Path,
    overrides: Mapping[str, Any] | None = None,
    *,
    registry: Registry | Path | str | None = None,
) -> Resolved:
    """Read, merge, override, validate and resolve a scenario.

    Args:
        name_or_path: A library name such as ``"baseline"`` or a path to a YAML file.
        overrides: Dotted key path (or ``__``-separated) → new value of a world
            quantity (``"states.KAZ.dependence_aversion"``), or ``"claims_off"``
            → claim IDs to switch off in addition to the file's.
        registry: The claims registry, or its directory (the project's by default).

    Returns:
        The resolved scenario. It is cached (treat it as read-only): asking
        again with the same file contents (the file and its ``extends`` chain,
        compared by SHA-256, with the scenario files beside each), overrides and
        registry folder returns the same
        object without reading YAML again.

    Raises:
        ScenarioError: On any problem, with file, line and key path.
    """
    path = scenario_path(name_or_path)
    by_name = not isinstance(name_or_path, Path) and path == SCENARIO_DIR / f"{name_or_path}.yaml"
    shown = display_name(path) if by_name else str(path)
    require_scenario_file_name(path, shown)
    if not path.is_file():
        raise ScenarioError(shown, None, "<file>", "scenario not found", str(name_or_path),
                            f"a library name (one of: {', '.join(list_scenarios()) or 'none'}) or a path to a "
                            f".yaml file")
    key = _cache_key(path, shown, overrides, registry)
    cached = _RESOLVED.get(key) if key is not None else None
    if cached is not None and cached[0] == _fingerprint(cached[2]):
        return cached[1]
    resolved, files = _resolve_file(path, shown, overrides, registry)
    if key is not None:
        _RESOLVED.pop(key, None)
        _RESOLVED[key] = (_fingerprint(files), resolved, files)
        while len(_RESOLVED) > RESOLVED_CACHE_SIZE:
            _RESOLVED.pop(next(iter(_RESOLVED)))
    return resolved


RESOLVED_CACHE_SIZE = 64
"""Resolved scenarios kept in memory (a resolved scenario is a few hundred kilobytes)."""

_RESOLVED: dict[tuple[Any, ...], tuple[tuple[tuple[Path, str], ...], Resolved, list[Path]]] = {}
"""Cache key → (fingerprint of the files read, resolved scenario, the files read), oldest first."""


def _cache_key(path: Path, shown: str, overrides: Mapping[str, Any] | None,
               registry: Registry | Path | str | None) -> tuple[Any, ...] | None:
    """What a resolution depends on besides file contents; ``None`` when it cannot be cached.

    A registry passed as an object, or overrides that are not plain numbers,
    strings or lists of them, are not cached.
    """
    if isinstance(registry, Registry):
        return None
    try:
        frozen = json.dumps(overrides or {}, sort_keys=True, default=_refuse)
    except (TypeError, ValueError):
        return None
    registry_dir = None if registry is None else str(Path(registry).resolve())
    return (str(path.resolve()), shown, frozen, registry_dir)


def _refuse(value: Any) -> Any:
    raise TypeError(type(value).__name__)


def _fingerprint(files: list[Path]) -> tuple[tuple[Path, str], ...]:
    """What the files read say: each file's SHA-256, and the scenario files beside it.

    The listing matters because a bare ``extends`` name (or a hypothesis's
    ``against``) is looked up among a file's siblings first: a sibling added
    later changes what the same text means. A file that cannot be read
    fingerprints as empty.
    """
    digests = []
    for file in files:
        try:
            digests.append((file, hashlib.sha256(file.read_bytes()).hexdigest()))
            digests.append((file.parent, " ".join(sorted(p.name for p in file.parent.iterdir()
                                                         if is_scenario_file_name(p)))))
        except OSError:
            digests.append((file, ""))
    return tuple(digests)


def _resolve_file(path: Path, shown: str, overrides: Mapping[str, Any] | None,
                  registry: Registry | Path | str | None) -> tuple[Resolved, list[Path]]:
    """Resolve a scenario file (no cache); also the files its ``extends`` chain read."""
    reg = registry if isinstance(registry, Registry) else load_registry(registry)
    merged = read_scenario(path, shown)
    apply_overrides(merged, overrides or {})
    checker = Checker(merged.locate, reg)
    validate(merged, checker)
    require_cited(merged, checker)
    neutralised = neutralise(merged, set(checker.claims_off))
    cross_checks(merged, checker)
    data = finish(merged.data)
    scenario = build_scenario(data)
    hypothesis = read_hypothesis(data.get("hypothesis"), checker, scenario, path.parent)
    posterior = None
    if "posterior" in data:
        try:
            posterior = locate_data_file(data["posterior"], path.parent, display_name(path.parent) or ".", "posterior file", ".json")
        except BadReferenceError as error:
            checker.fail(("posterior",), error.problem, data["posterior"], error.expected)
    return Resolved(path, data, scenario, tuple(neutralised), hypothesis, posterior), list(merged.paths)


def load_scenario(name_or_path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """The typed scenario of :func:`resolve`."""
    return resolve(name_or_path, overrides).scenario


# ---------------------------------------------------------------- overrides


def apply_overrides(merged: Merged, overrides: Mapping[str, Any]) -> None:
    """Replace world quantities (or extend ``claims_off``) from key-path overrides.

    An overridden quantity becomes ``{value, assumption: "override", overridden: true}``
    and is validated like file input afterwards (errors name ``<override>``).
    """
    source = Source(OVERRIDE, None, dict(overrides))
    for raw_key, value in overrides.items():
        parts = override_key_path(raw_key)
        if parts == ("claims_off",):
            _override_claims_off(merged, source, raw_key, value)
            continue
        _, _, container = override_target(merged.data, parts, value, f"{WORLD_QUANTITY_PATH} or claims_off")
        container[parts[-1]] = {"value": plain(value, dotted(parts)), "assumption": "override", "overridden": True}
        merged.record(parts, source, (raw_key,))


def override_key_path(raw_key: Any) -> KeyPath:
    """An override's key as a key path.

    ``states.KAZ.trend_growth``, ``states__KAZ__trend_growth`` and ``states.KAZ.trend_growth.value`` name the same quantity.
    """
    parts: KeyPath = tuple(str(raw_key).replace("__", ".").split("."))
    return parts[:-1] if len(parts) > 1 and parts[-1] == "value" else parts


def _override_claims_off(merged: Merged, source: Source, raw_key: str, value: Any) -> None:
    ids = [value] if isinstance(value, str) else value
    if not isinstance(ids, (list, tuple, set, frozenset)):
        raise ScenarioError(OVERRIDE, None, "claims_off", "not a list of claim IDs", value, "a list such as "
                                                                                            "['CH25-41']")
    current = merged.data.setdefault("claims_off", [])
    for claim in ids:
        if claim not in current:
            current.append(claim)
            merged.record(("claims_off", len(current) - 1), source, (raw_key,))


WORLD_QUANTITY_PATH = "a dotted path to a world quantity (states.KAZ.dependence_aversion, sanctions.wedge)"


def override_target(data: Mapping[str, Any], parts: KeyPath, value: Any,
                    expected: str = WORLD_QUANTITY_PATH) -> tuple[type, Spec, dict[str, Any]]:
    """The parameter class, field spec and container (the entry or section in ``data``) an override's key path names.

    Raises:
        ScenarioError: If the path names no entry, no field of its class, or a field that is not a world quantity.
    """
    top = parts[0]
    if top in COLLECTIONS and len(parts) == 3:
        items = data.get(top, {})
        if parts[1] not in items:
            raise ScenarioError(OVERRIDE, None, dotted(parts), f"no such entry in {top}", parts[1],
                                suggest(parts[1], items))
        cls, container = COLLECTIONS[top], items[parts[1]]
    elif top in SECTIONS and len(parts) == 2 and top in data:
        cls, container = SECTIONS[top], data[top]
    else:
        raise ScenarioError(OVERRIDE, None, dotted(parts), "not an overridable key", value, expected)
    specs = specs_of(cls)
    spec = specs.get(parts[-1])
    if spec is None:
        raise ScenarioError(OVERRIDE, None, dotted(parts), f"unknown {cls.__name__} field", parts[-1],
                            suggest(parts[-1], specs))
    if not spec.world:
        raise ScenarioError(OVERRIDE, None, dotted(parts), "not a world quantity", value, expected)
    return cls, spec, container


def plain(value: Any, key: str = OVERRIDE, depth: int = 0) -> Any:
    """Python data → YAML-like plain data (tuples → lists, numpy scalars → numbers).

    Raises:
        ScenarioError: For a value nested deeper than a scenario file may be
            (:data:`~scenarios.source.MAX_DEPTH`), naming ``key``.
    """
    if depth > MAX_DEPTH:
        raise ScenarioError(OVERRIDE, None, key, "value nested too deep", Described(f"more than {MAX_DEPTH} levels"),
                            f"a value nested at most {MAX_DEPTH} deep, as in a scenario file")
    if isinstance(value, Mapping):
        return {str(k): plain(v, key, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v, key, depth + 1) for v in value]
    if not isinstance(value, (str, bytes, bool, int, float)) and hasattr(value, "item"):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


# ----------------------------------------------------------- claim toggles


def neutralise(merged: Merged, off: set[str]) -> list[str]:
    """Apply ``claims_off``: values citing an off claim take their neutral, events citing one are dropped.

    Returns:
        Key paths of the neutralised values and dropped events.
    """
    if not off:
        return []
    done: list[str] = []
    for path, quantity in quantities(merged.data):
        if off.intersection(quantity.get("claims", ())):
            quantity["value"] = quantity["neutral"]
            quantity["neutralised"] = True
            done.append(dotted(path))
    timeline = merged.data["timeline"]
    for event_id in list(timeline):
        if off.intersection(timeline[event_id].get("claims", ())):
            del timeline[event_id]
            done.append(dotted(("timeline", event_id)))
    return done


def require_cited(merged: Merged, checker: Checker) -> None:
    """Refuse a ``claims_off`` entry that no value or event of the scenario cites: switching it off would do nothing.

    A claim cited only by the scenario's hypothesis does not count: it moves no value.
    """
    cited = {claim for _, quantity in quantities(merged.data) for claim in quantity.get("claims", ())}
    cited.update(claim for event in merged.data["timeline"].values() for claim in event.get("claims", ()))
    for i, claim in enumerate(merged.data.get("claims_off", [])):
        if claim not in cited:
            checker.fail(("claims_off", i), "claim not cited by the scenario", claim,
                         "a claim that a value or event of the scenario cites (run.py claims --cited --scenario NAME "
                         "lists them)")


def quantities(data: dict[str, Any]) -> list[tuple[KeyPath, dict[str, Any]]]:
    """Every world quantity of a merged or resolved document, with its key path."""
    found = []
    for key, cls in COLLECTIONS.items():
        for code, item in data.get(key, {}).items():
            found += [((key, code, name), item[name]) for name, spec in specs_of(cls).items()
                      if spec.world and name in item]
    for key, cls in SECTIONS.items():
        item = data.get(key, {})
        found += [((key, name), item[name]) for name, spec in specs_of(cls).items() if spec.world and name in item]
    return found


def citations(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Claim ID → key paths of the values and events (``timeline.<id>``) citing it.

    Args:
        data: A resolved document (:attr:`Resolved.data`).
    """
    cited: dict[str, list[str]] = {}
    items = [(dotted(p), q) for p, q in quantities(dict(data))]
    timeline = data.get("timeline", [])
    events = timeline.values() if isinstance(timeline, Mapping) else timeline
    items += [(f"timeline.{e['id']}", e) for e in events]
    for path, entry in items:
        for claim in entry.get("claims", ()):
            cited.setdefault(claim, []).append(path)
    return dict(sorted(cited.items()))


# ------------------------------------------------------------------ output


def finish(data: dict[str, Any]) -> dict[str, Any]:
    """The merged document in canonical key order, with the timeline as a list."""
    out: dict[str, Any] = {"format": data["format"]}
    out.update({key: data[key] for key in TEXT_KEYS if key in data})
    out["horizon"] = dict(data["horizon"])
    if data.get("claims_off"):
        out["claims_off"] = list(data["claims_off"])
    for key in (*COLLECTIONS, *SECTIONS):
        out[key] = data[key]
    out["timeline"] = list(data["timeline"].values())
    if "hypothesis" in data:
        out["hypothesis"] = data["hypothesis"]
    if "posterior" in data:
        out["posterior"] = data["posterior"]
    return out


def typed(spec: Spec, value: Any) -> Any:
    """A validated plain value as the model expects it (tuples, dicts, floats, ints)."""
    if value is None:
        return None
    if spec.kind == "real":
        return float(value)
    if spec.kind == "integer":
        return int(value)
    if spec.kind in ("powers", "states", "domains"):
        return tuple(value)
    if spec.kind == "domain_map":
        return {d: float(value[d]) for d in DOMAINS}
    if spec.kind.endswith("_map"):
        return {k: float(v) for k, v in value.items()}
    return value


def _build(cls: type, item: dict[str, Any]) -> Any:
    kwargs = {}
    for name, spec in specs_of(cls).items():
        if name in item:
            kwargs[name] = typed(spec, item[name]["value"] if spec.world else item[name])
    return cls(**kwargs)


def build_event(item: Mapping[str, Any]) -> TimelineEvent:
    """The typed event of a validated timeline entry; a parameter change's ``set`` takes its parameter's type."""
    cls = EVENT_TYPES[item["type"]]
    specs = cls.payload_specs()
    if cls is ParameterChange:
        specs["set"] = field_spec(tuple(item["path"].split("."))) or specs["set"]
    payload = {key: typed(spec, item[key]) for key, spec in specs.items() if key in item}
    return cls(id=item["id"], at=item["at"], claims=tuple(item.get("claims", ())), **payload)


def build_scenario(data: dict[str, Any]) -> Scenario:
    """The typed :class:`~model.params.Scenario` of a resolved document."""
    collections = {key: {code: _build(cls, item) for code, item in data[key].items()}
                   for key, cls in COLLECTIONS.items()}
    sections = {key: _build(cls, data[key]) for key, cls in SECTIONS.items()}
    timeline = tuple(build_event(item) for item in data["timeline"])
    return Scenario(name=data["name"], start=data["horizon"]["start"], end=data["horizon"]["end"],
                    **collections, **sections, timeline=timeline, description=data.get("description", ""))


def with_overrides(resolved: Resolved, overrides: Mapping[str, Any], registry: Registry | None = None) -> Scenario:
    """The resolved scenario with plain-value overrides, validated field by field (fast path).

    Equivalent to resolving again with ``overrides`` for values of existing
    world fields, without re-reading the YAML: used by :func:`ensemble.api.simulate`,
    which sensitivity tools call thousands of times.

    Raises:
        ScenarioError: On an unknown key path, a value outside the field's bounds
            or against its rule (:func:`scenarios.validate.check_rule`), or every
            corridor left at capacity 0.
    """
    checker = Checker(lambda path: (OVERRIDE, None), registry or load_registry())
    checker.codes = {key: tuple(resolved.data[key]) for key in COLLECTIONS}
    values = {}
    for raw_key, given in overrides.items():
        parts = override_key_path(raw_key)
        cls, spec, _ = override_target(resolved.data, parts, given)
        value = plain(given, dotted(parts))
        checker.value(parts, spec, value, field_choices(checker, cls, parts[-1], spec))
        check_rule(checker, parts, cls, parts[-1], value)
        values[parts] = typed(spec, value)
    routes = {code: {"capacity": {"value": values.get(("corridors", code, "capacity"), item["capacity"]["value"])}}
              for code, item in resolved.data["corridors"].items()}
    check_routes(checker, {"corridors": routes})
    return with_values(resolved.scenario, values)
