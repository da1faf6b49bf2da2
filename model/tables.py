"""Parameter tables: the resolved scenario as the live arrays the dynamics read every quarter, one row per run.

The frozen :class:`~model.params.Scenario` is the record of what a batch was
asked to do; its :class:`Tables` hold the values the engine reads while it
runs ``R`` runs at once. Each collection (states, powers, formats, corridors)
becomes a :class:`Table` with one array per field, and each section
(sanctions, institutions, …) a :class:`Section`. Every value that a run may
hold differently — a design point's factor, a dated ``parameter`` event's
change — has a leading run axis: reals and integers are float arrays
``[R, entry]`` (``[R]`` in a section), flags bool arrays, choices with fixed
options integer codes into their options, maps ``[R, entry, label]``. What no
run can change — names, sponsors, quarters, membership lists — is one shared
array without the run axis: quarters as ordinals (:data:`NEVER` for none),
lists as ``[entry, label]`` bool membership arrays.

A dated ``parameter`` event (``model.events``) changes one entry in every run
from its quarter on with :meth:`Tables.set` or :meth:`Tables.scale`; a design
gives each run its own value with :meth:`Tables.assign`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from multivector.model.calendar import quarter_ordinal
from multivector.model.params import COLLECTIONS, DOMAINS, SECTIONS, Scenario, Spec, specs_of

NEVER = np.iinfo(np.int64).max
"""Ordinal of a quarter that never comes (an open-ended format, no scheduled summit)."""

SETTABLE_KINDS: tuple[str, ...] = ("real", "integer", "flag", "choice")
"""Field kinds a dated ``parameter`` event may set (``scale`` needs ``real``)."""

_PER_RUN = ("real", "integer", "flag")
_MAP_LABELS = {"power_map": "powers", "state_map": "states", "domain_map": "domains"}


def per_run(spec: Spec) -> bool:
    """Whether a field has a leading run axis (runs may hold it differently)."""
    return spec.kind in _PER_RUN or spec.kind.endswith("_map") or (spec.kind == "choice" and bool(spec.options))


class Table:
    """One collection's fields as arrays over its entries (attribute per field).

    Attributes:
        codes: Entry codes in scenario order.
        options: Field name → the options a coded choice field indexes.
    """

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        self.options: dict[str, tuple[str, ...]] = {}

    def index(self, code: str) -> int:
        """Position of an entry."""
        return self.codes.index(code)


class Section:
    """One section's fields (attribute per field).

    Attributes:
        options: Field name → the options a coded choice field indexes.
    """

    def __init__(self) -> None:
        self.options: dict[str, tuple[str, ...]] = {}


class Tables:
    """Every parameter of a scenario as live values for ``runs`` runs.

    Args:
        scenario: The resolved scenario.
        runs: Number of runs (the leading axis of every per-run field).

    Attributes:
        runs: Number of runs.
        states, powers, formats, corridors: One :class:`Table` each.
        sanctions, institutions, domestic, transport, behaviour: One :class:`Section` each.
    """

    def __init__(self, scenario: Scenario, runs: int = 1) -> None:
        self.runs = runs
        self.labels = {"states": scenario.state_codes, "powers": scenario.power_codes, "domains": DOMAINS}
        for key, cls in COLLECTIONS.items():
            entries = getattr(scenario, key)
            table = Table(tuple(entries))
            for name, spec in specs_of(cls).items():
                values = [getattr(e, name) for e in entries.values()]
                setattr(table, name, self._column(spec, values, table.options, name))
            setattr(self, key, table)
        for key in SECTIONS:
            obj = getattr(scenario, key)
            section = Section()
            for f in fields(obj):
                column = self._column(f.metadata["spec"], [getattr(obj, f.name)], section.options, f.name)
                setattr(section, f.name, column[:, 0] if per_run(f.metadata["spec"]) else column[0])
            setattr(self, key, section)

    # ----------------------------------------------------------------- build

    def _column(self, spec: Spec, values: list[Any], options: dict[str, tuple[str, ...]], name: str) -> np.ndarray:
        kind = spec.kind
        if kind in ("real", "integer"):
            return self._repeat(np.array(values, dtype=float))
        if kind == "flag":
            return self._repeat(np.array(values, dtype=bool))
        if kind == "choice" and spec.options:
            options[name] = tuple(spec.options)
            return self._repeat(np.array([spec.options.index(v) for v in values], dtype=np.int64))
        if kind in ("choice", "text"):
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out
        if kind == "quarter":
            return np.array([NEVER if v is None else quarter_ordinal(v) for v in values], dtype=np.int64)
        rows = [self._row(spec, v) for v in values]
        stacked = np.stack(rows) if rows else np.zeros((0, len(self._labels_of(kind))))
        return self._repeat(stacked) if kind.endswith("_map") else stacked

    def _repeat(self, column: np.ndarray) -> np.ndarray:
        """The column with a leading run axis, each run holding its own copy."""
        return np.repeat(column[None], self.runs, axis=0)

    def _row(self, spec: Spec, value: Any) -> np.ndarray:
        labels = self._labels_of(spec.kind)
        if spec.kind.endswith("_map"):
            return np.array([float(value.get(code, 0.0)) for code in labels])
        return np.array([code in value for code in labels], dtype=bool)

    def _labels_of(self, kind: str) -> tuple[str, ...]:
        return self.labels[_MAP_LABELS.get(kind, kind)]

    # ------------------------------------------------------------------- use

    def _locate(self, path: Sequence[str]) -> tuple[Any, str, tuple[Any, ...]]:
        """The holder, field name and index (run axis first) of a key path."""
        if len(path) == 3:
            table = getattr(self, path[0])
            return table, path[2], (slice(None), table.index(path[1]))
        return getattr(self, path[0]), path[1], (slice(None),)

    def get(self, path: Sequence[str]) -> np.ndarray:
        """The live value at a key path in every run, ``[R]`` (``("powers", "RUS", "capacity_growth")``)."""
        holder, name, index = self._locate(path)
        return getattr(holder, name)[index]

    def set(self, path: Sequence[str], value: Any) -> None:
        """Change the value at a key path in every run from now on (a coded choice takes its option's name)."""
        holder, name, index = self._locate(path)
        if name in holder.options:
            value = holder.options[name].index(value)
        getattr(holder, name)[index] = value

    def scale(self, path: Sequence[str], factor: float) -> None:
        """Multiply a real value at a key path by ``factor`` in every run, from now on."""
        holder, name, index = self._locate(path)
        getattr(holder, name)[index] *= factor

    def assign(self, path: Sequence[str], values: np.ndarray) -> None:
        """Give each run its own value at a key path (a design point per run), ``values`` of shape ``[R]``."""
        holder, name, index = self._locate(path)
        getattr(holder, name)[index] = np.asarray(values, dtype=float)

    def option(self, path: Sequence[str]) -> str:
        """The option name a coded choice holds in the first run (for set-up code that needs the text)."""
        holder, name, index = self._locate(path)
        return holder.options[name][int(getattr(holder, name)[index][0])]


def field_spec(path: Sequence[str]) -> Spec | None:
    """The :class:`Spec` of the field a key path names, or ``None`` if there is none."""
    if len(path) == 3 and path[0] in COLLECTIONS:
        return specs_of(COLLECTIONS[path[0]]).get(path[2])
    if len(path) == 2 and path[0] in SECTIONS:
        return specs_of(SECTIONS[path[0]]).get(path[1])
    return None


def settable(spec: Spec) -> bool:
    """Whether a dated ``parameter`` event may change a field of this spec mid-run."""
    return spec.world and not spec.initial and spec.kind in SETTABLE_KINDS and (spec.kind != "choice" or bool(spec.options))


def settable_paths(codes: Mapping[str, Sequence[str]]) -> list[str]:
    """Every key path a ``parameter`` event may name, given the scenario's codes per collection."""
    paths = [f"{key}.{name}" for key, cls in SECTIONS.items() for name, spec in specs_of(cls).items() if settable(spec)]
    for key, cls in COLLECTIONS.items():
        names = [name for name, spec in specs_of(cls).items() if settable(spec)]
        paths += [f"{key}.{code}.{name}" for code in codes.get(key, ()) for name in names]
    return paths
