"""Parameter tables: the resolved scenario as the live arrays the dynamics read every quarter.

The frozen :class:`~model.params.Scenario` is the record of what a run was
asked to do; its :class:`Tables` hold the values the model reads while it
runs. Each collection (states, powers, formats, corridors) becomes a
:class:`Table` with one array per field, entries in scenario order; each
section (sanctions, institutions, …) becomes a :class:`Section` of plain
values. A dated ``parameter`` event (``model.events``) changes one entry from
its quarter on with :meth:`Tables.set`, so a scenario can ease enforcement,
downgrade a format or change a trend mid-run.

Field kinds map to arrays as follows: reals and integers → float arrays,
flags → bool arrays, choices and text → object arrays of strings, quarters →
ordinals (:data:`NEVER` for none), ``power_map``/``state_map``/``domain_map`` →
``[entry, power|state|domain]`` float arrays, ``powers``/``states``/``domains``
lists → ``[entry, power|state|domain]`` bool membership arrays.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields
from typing import Any

import numpy as np

from model.calendar import quarter_ordinal
from model.params import COLLECTIONS, DOMAINS, SECTIONS, Scenario, Spec, specs_of

NEVER = np.iinfo(np.int64).max
"""Ordinal of a quarter that never comes (an open-ended format, no scheduled summit)."""

SETTABLE_KINDS: tuple[str, ...] = ("real", "integer", "flag", "choice")
"""Field kinds a dated ``parameter`` event may set (``scale`` needs ``real``)."""


class Table:
    """One collection's fields as arrays over its entries (attribute per field).

    Attributes:
        codes: Entry codes in scenario order.
    """

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)

    def index(self, code: str) -> int:
        """Position of an entry."""
        return self.codes.index(code)


class Section:
    """One section's fields as plain values (attribute per field)."""


class Tables:
    """Every parameter of a scenario as live values.

    Args:
        scenario: The resolved scenario.

    Attributes:
        states, powers, formats, corridors: One :class:`Table` each.
        sanctions, institutions, domestic, transport, behaviour: One :class:`Section` each.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.labels = {"states": scenario.state_codes, "powers": scenario.power_codes, "domains": DOMAINS}
        for key, cls in COLLECTIONS.items():
            entries = getattr(scenario, key)
            table = Table(tuple(entries))
            for name, spec in specs_of(cls).items():
                setattr(table, name, self._column(spec, [getattr(e, name) for e in entries.values()]))
            setattr(self, key, table)
        for key in SECTIONS:
            obj = getattr(scenario, key)
            section = Section()
            for f in fields(obj):
                spec = f.metadata["spec"]
                setattr(section, f.name, self._column(spec, [getattr(obj, f.name)])[0] if _is_scalar(spec)
                        else self._row(spec, getattr(obj, f.name)))
            setattr(self, key, section)

    # ----------------------------------------------------------------- build

    def _column(self, spec: Spec, values: list[Any]) -> np.ndarray:
        kind = spec.kind
        if kind in ("real", "integer"):
            return np.array(values, dtype=float)
        if kind == "flag":
            return np.array(values, dtype=bool)
        if kind in ("choice", "text"):
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out
        if kind == "quarter":
            return np.array([NEVER if v is None else quarter_ordinal(v) for v in values], dtype=np.int64)
        return np.stack([self._row(spec, v) for v in values]) if values else np.zeros((0, 0))

    def _row(self, spec: Spec, value: Any) -> np.ndarray:
        labels = self._labels_of(spec.kind)
        if spec.kind.endswith("_map"):
            return np.array([float(value.get(code, 0.0)) for code in labels])
        return np.array([code in value for code in labels], dtype=bool)

    def _labels_of(self, kind: str) -> tuple[str, ...]:
        return self.labels[{"power_map": "powers", "state_map": "states", "domain_map": "domains"}.get(kind, kind)]

    # ------------------------------------------------------------------- use

    def get(self, path: Sequence[str]) -> Any:
        """The live value at a key path (``("powers", "RUS", "capacity_growth")`` or ``("sanctions", "wedge")``)."""
        if len(path) == 3:
            table = getattr(self, path[0])
            return getattr(table, path[2])[table.index(path[1])]
        return getattr(getattr(self, path[0]), path[1])

    def set(self, path: Sequence[str], value: Any) -> None:
        """Change the live value at a key path from now on (a scalar field: see :data:`SETTABLE_KINDS`)."""
        if len(path) == 3:
            table = getattr(self, path[0])
            getattr(table, path[2])[table.index(path[1])] = value
        else:
            setattr(getattr(self, path[0]), path[1], value)


def _is_scalar(spec: Spec) -> bool:
    return spec.kind in ("real", "integer", "flag", "choice", "text", "quarter")


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
