"""The vocabulary scenario fields are written in: a field's specification and the model's fixed dimensions.

Every field of a parameter class (:mod:`model.params`) and of a timeline event
(:mod:`model.events`) carries a :class:`Spec` in its metadata: its kind, unit,
allowed range and meaning. The scenario loader validates YAML against them.

Domains of alignment (ZE23-18: partners are chosen issue by issue) are fixed:
security, economy and diplomacy (institutions).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

SpecKind = Literal["real", "integer", "flag", "choice", "power_map", "state_map", "domain_map", "powers", "states", "domains",
                   "quarter", "text"]
"""What a field holds: a number, a yes/no flag, one of named options, a map over powers, states or domains, a list of
codes, a quarter label or free text."""

DOMAINS: tuple[str, ...] = ("security", "economy", "diplomacy")
BLOCS: tuple[str, ...] = ("russia", "china", "west", "other")
LEVELS: tuple[str, ...] = ("ministerial", "summit")
ROLES: tuple[str, ...] = ("constant", "uncertainty", "lever")


@dataclass(frozen=True)
class Spec:
    """What one scenario field may hold.

    Attributes:
        kind: ``real``, ``integer``, ``flag``, ``choice``, ``power_map``,
            ``state_map``, ``domain_map``, ``powers``, ``states``, ``domains``,
            ``quarter`` or ``text``.
        unit: Unit of the value (``"1"`` for dimensionless).
        low: Smallest allowed value (reals and map entries).
        high: Largest allowed value.
        doc: One line on what the value means.
        world: True when the value encodes the world and so needs provenance
            (claim IDs or a labelled assumption).
        options: Allowed strings for ``choice``.
        optional: True when the field may be omitted (its default applies).
        total_at_most: Upper bound on the sum of a map's entries.
        initial: True when the value is read once at set-up — the state of the
            world in 2021, or a fixed classification — so a dated ``parameter``
            event cannot change it.
    """

    kind: SpecKind
    unit: str = "1"
    low: float | None = None
    high: float | None = None
    doc: str = ""
    world: bool = True
    options: tuple[str, ...] = ()
    optional: bool = False
    total_at_most: float | None = None
    initial: bool = False


def spec(default: Any = None, **kwargs: Any) -> Any:
    """A dataclass field whose metadata is a :class:`Spec`; a field with a default is optional."""
    kwargs.setdefault("optional", default is not None)
    meta = {"spec": Spec(**kwargs)}
    if isinstance(default, (dict, list, tuple)) or default is None:
        frozen_default = _freeze(default)
        return field(default_factory=lambda: frozen_default, metadata=meta)
    return field(default=default, metadata=meta)


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _freeze(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def specs_of(cls: type) -> dict[str, Spec]:
    """Field name → :class:`Spec` for a parameter dataclass."""
    return {f.name: f.metadata["spec"] for f in fields(cls) if "spec" in f.metadata}
