"""Checking single values against their :class:`model.params.Spec`.

A world value is written as a *quantity* mapping
``{value, claims|assumption, role, range, neutral, note}``; plain values (event
payloads, ``world=False`` fields) are checked directly by :meth:`Checker.value`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

from multivector.model.params import DOMAINS, ROLES, Spec
from multivector.scenarios.claims import Registry
from multivector.scenarios.errors import MISSING, ScenarioError, dotted

KeyPath = tuple[Any, ...]

QUANTITY_KEYS: tuple[str, ...] = (
    "assumption", "claims", "neutral", "neutralised", "note", "overridden", "range", "role", "value",
)
"""Keys a quantity mapping may hold (``overridden``/``neutralised`` are set by the loader)."""

QUARTER = re.compile(r"[0-9]{4}Q[1-4]")
"""A quarter label such as ``2022Q1``, matched in full: ASCII digits only, nothing before or after (no newline)."""

_NUMERIC = ("real", "integer")
_MAPS = {"power_map": "powers", "state_map": "states"}
_LISTS = {"powers": "powers", "states": "states", "domains": "domains"}


def number(x: float) -> str:
    """A bound as written in messages (``10000``, not ``10000.0``)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def is_real(value: Any) -> bool:
    """True for finite ints and floats that are not booleans (an int too large for a float, such as 10**400, is not)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def bounds_text(spec: Spec) -> str:
    """``in [lo, hi]`` / ``≥ lo`` / ``≤ hi`` for a spec (empty when unbounded)."""
    if spec.low is not None and spec.high is not None:
        return f" in [{number(spec.low)}, {number(spec.high)}]"
    if spec.low is not None:
        return f" >= {number(spec.low)}"
    if spec.high is not None:
        return f" <= {number(spec.high)}"
    return ""


def unit_text(spec: Spec) -> str:
    """`` (unit)`` unless dimensionless."""
    return f" ({spec.unit})" if spec.unit and spec.unit != "1" else ""


def within(spec: Spec, value: float) -> bool:
    """Whether a number lies inside the spec's bounds."""
    return (spec.low is None or value >= spec.low) and (spec.high is None or value <= spec.high)


def suggest(word: Any, options: Collection[str]) -> str:
    """``one of: a, b`` plus a close match if there is one."""
    text = "one of: " + ", ".join(options)
    close = difflib.get_close_matches(str(word), list(options), n=1) if isinstance(word, str) else []
    return text + (f" (did you mean {close[0]!r}?)" if close else "")


@dataclass
class Checker:
    """Validates values at key paths and raises located :class:`ScenarioError`.

    Attributes:
        locate: Key path → (file shown in messages, line or ``None``).
        registry: The claims registry.
        codes: Collection name (``powers``, ``states``, ``domains``…) → valid codes.
        claims_off: Claim IDs switched off for this run.
    """

    locate: Callable[[KeyPath], tuple[str, int | None]]
    registry: Registry
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    claims_off: tuple[str, ...] = ()

    def fail(self, path: KeyPath, problem: str, value: Any, expected: str) -> NoReturn:
        """Raise a :class:`ScenarioError` at ``path``."""
        name, line = self.locate(path)
        raise ScenarioError(name, line, dotted(path), problem, value, expected)

    # ------------------------------------------------------------- quantities

    def quantity(self, path: KeyPath, spec: Spec, data: Any, choices: Sequence[str] | None = None) -> None:
        """Check a quantity mapping (value, provenance, role, range, neutral)."""
        if not isinstance(data, dict):
            self.fail(path, "a world value must be a quantity mapping", data,
                      "a mapping {value: ..., claims: [...] and/or assumption: '...'}")
        for key in data:
            if key not in QUANTITY_KEYS:
                self.fail((*path, key), "unknown quantity key", key, suggest(key, QUANTITY_KEYS))
        if "value" not in data:
            self.fail((*path, "value"), "missing value", MISSING, self.expected(spec, choices))
        self.value((*path, "value"), spec, data["value"], choices)
        cited = self.provenance(path, data)
        role = data.get("role", "constant")
        if role not in ROLES:
            self.fail((*path, "role"), "unknown role", role, suggest(role, ROLES))
        self._range(path, spec, data, role)
        for key in ("note",):
            if key in data and not isinstance(data[key], str):
                self.fail((*path, key), "not text", data[key], "a string")
        for key in ("overridden", "neutralised"):
            if key in data and not isinstance(data[key], bool):
                self.fail((*path, key), "not a flag", data[key], "true or false")
        self._neutral(path, spec, data, cited, choices)

    def provenance(self, path: KeyPath, data: dict[str, Any]) -> tuple[str, ...]:
        """Check ``claims``/``assumption`` (at least one) and return the cited IDs."""
        claims = data.get("claims", MISSING)
        assumption = data.get("assumption", MISSING)
        if claims is MISSING and assumption is MISSING:
            self.fail(path, "missing provenance", sorted(data),
                      "'claims: [IDs]' and/or 'assumption: \"rationale\"'")
        if assumption is not MISSING and (not isinstance(assumption, str) or not assumption.strip()):
            self.fail((*path, "assumption"), "empty or non-text assumption", assumption,
                      "a non-empty one-line rationale")
        if claims is MISSING:
            return ()
        if not isinstance(claims, list) or not claims:
            self.fail((*path, "claims"), "claims must be a non-empty list", claims,
                      "a list of claim IDs such as [SU23-04]")
        for i, claim in enumerate(claims):
            self.claim_id((*path, "claims", i), claim)
        if len(set(claims)) != len(claims):
            self.fail((*path, "claims"), "claim cited twice", claims, "each claim ID once")
        return tuple(claims)

    def claim_id(self, path: KeyPath, claim: Any) -> None:
        """Check that a claim ID exists in the registry."""
        if not isinstance(claim, str) or claim not in self.registry:
            ids = list(self.registry.claims)
            close = difflib.get_close_matches(str(claim), ids, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.fail(path, "unknown claim ID", claim, f"an ID from the claims registry{hint}")

    def _range(self, path: KeyPath, spec: Spec, data: dict[str, Any], role: str) -> None:
        if "range" not in data:
            if role != "constant":
                self.fail((*path, "range"), f"a {role} needs a range", MISSING,
                          f"[lo, hi] inside the bounds{bounds_text(spec)}")
            return
        rng = data["range"]
        if spec.kind not in _NUMERIC:
            self.fail((*path, "range"), f"range is only valid for real and integer values, not {spec.kind}", rng,
                      "no range")
        if not isinstance(rng, list) or len(rng) != 2 or not all(is_real(x) for x in rng) or rng[0] > rng[1]:
            self.fail((*path, "range"), "malformed range", rng, "[lo, hi] with two numbers, lo <= hi")
        if spec.kind == "integer" and not all(isinstance(x, int) for x in rng):
            self.fail((*path, "range"), "malformed range", rng, "[lo, hi] with two integers")
        if not (within(spec, rng[0]) and within(spec, rng[1])):
            self.fail((*path, "range"), "range outside the allowed bounds", rng,
                      f"a range{bounds_text(spec)}{unit_text(spec)}")
        value = data["value"]
        if not rng[0] <= value <= rng[1]:
            self.fail((*path, "value"), "value outside its own range", value,
                      f"a value in [{number(rng[0])}, {number(rng[1])}] (the quantity's range)")

    def _neutral(self, path: KeyPath, spec: Spec, data: dict[str, Any], cited: tuple[str, ...],
                 choices: Sequence[str] | None) -> None:
        if "neutral" in data:
            if data["neutral"] is None and spec.kind == "quarter":
                return  # a date that never comes: the dated thing does not happen without the claim
            self.value((*path, "neutral"), spec, data["neutral"], choices)
            return
        contested = [c for c in cited if self.registry.is_contested(c)]
        if contested:
            self.fail((*path, "neutral"), f"a value citing contested claim {contested[0]} needs a neutral value",
                      MISSING, "'neutral: <value used when the claim is switched off>'")
        off = [c for c in cited if c in self.claims_off]
        if off:
            self.fail((*path, "neutral"), f"claim {off[0]} is switched off (claims_off) but this value has no neutral",
                      MISSING, "'neutral: <value used when the claim is switched off>'")

    # ----------------------------------------------------------------- values

    def expected(self, spec: Spec, choices: Sequence[str] | None = None) -> str:
        """What a value of this spec must look like, in words."""
        kind = spec.kind
        unit = unit_text(spec)
        if kind == "real":
            return f"a real number{bounds_text(spec)}{unit}"
        if kind == "integer":
            return f"an integer{bounds_text(spec)}{unit}"
        if kind == "flag":
            return "true or false"
        if kind == "choice":
            return "one of: " + ", ".join(self._choices(spec, choices))
        if kind in _MAPS:
            codes = ", ".join(self.codes.get(_MAPS[kind], ()))
            return f"a mapping of {_MAPS[kind]} codes ({codes}) to real numbers{bounds_text(spec)}{unit}"
        if kind == "domain_map":
            return f"a mapping with exactly the keys {', '.join(DOMAINS)} to real numbers{bounds_text(spec)}"
        if kind in _LISTS:
            return f"a list of {kind} codes from: {', '.join(self._codes(kind))}"
        if kind == "quarter":
            return "a quarter label such as 2022Q1 (four ASCII digits, Q, 1-4)"
        return "text"

    def value(self, path: KeyPath, spec: Spec, value: Any, choices: Sequence[str] | None = None) -> None:
        """Check a plain value against its spec (type, bounds, options, codes)."""
        check = KIND_CHECKS.get(spec.kind)
        if check is None:
            self.fail(path, f"unsupported value kind {spec.kind!r} in the model's Spec", value, "a known kind")
        check(self, path, spec, value, choices)

    def _value_real(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        if isinstance(value, int) and not isinstance(value, bool) and not is_real(value):
            self.fail(path, "number too large", value, self.expected(spec))
        if not is_real(value):
            self.fail(path, "not a real number", value, self.expected(spec))
        if not within(spec, value):
            self.fail(path, "out of range", value, self.expected(spec))

    def _value_integer(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(path, "not an integer", value, self.expected(spec))
        if not within(spec, value):
            self.fail(path, "out of range", value, self.expected(spec))

    def _value_flag(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        if not isinstance(value, bool):
            self.fail(path, "not a flag", value, self.expected(spec))

    def _value_choice(self, path: KeyPath, spec: Spec, value: Any, choices: Sequence[str] | None) -> None:
        options = self._choices(spec, choices)
        if not isinstance(value, str) or value not in options:
            self.fail(path, "not an allowed choice", value, suggest(value, options))

    def _value_text(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        if not isinstance(value, str):
            self.fail(path, "not text", value, "text")

    def _value_quarter(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        if not isinstance(value, str) or not QUARTER.fullmatch(value):
            self.fail(path, "not a quarter", value, self.expected(spec))

    def _value_power_map(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_map(path, spec, value, self._codes("powers"))

    def _value_state_map(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_map(path, spec, value, self._codes("states"))

    def _value_domain_map(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_map(path, spec, value, DOMAINS)
        for domain in DOMAINS:
            if domain not in value:
                self.fail((*path, domain), "missing domain", MISSING, self.expected(spec))

    def _value_powers(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_list(path, spec, value, self._codes("powers"))

    def _value_states(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_list(path, spec, value, self._codes("states"))

    def _value_domains(self, path: KeyPath, spec: Spec, value: Any, choices: Any) -> None:
        self._code_list(path, spec, value, DOMAINS)

    def _code_map(self, path: KeyPath, spec: Spec, value: Any, codes: Sequence[str]) -> None:
        if not isinstance(value, dict):
            self.fail(path, "not a mapping", value, self.expected(spec))
        entry = Spec(kind="real", unit=spec.unit, low=spec.low, high=spec.high)
        for key, item in value.items():
            if key not in codes:
                self.fail((*path, key), "unknown key", key, suggest(key, codes))
            self._value_real((*path, key), entry, item, None)
        total = sum(value.values())
        if spec.total_at_most is not None and total > spec.total_at_most:
            self.fail(path, "entries sum to more than allowed", round(total, 6),
                      f"a sum of at most {number(spec.total_at_most)}")

    def _code_list(self, path: KeyPath, spec: Spec, value: Any, codes: Sequence[str]) -> None:
        if not isinstance(value, (list, tuple)):
            self.fail(path, "not a list", value, self.expected(spec))
        for i, code in enumerate(value):
            if code not in codes:
                self.fail((*path, i), "unknown code", code, suggest(code, codes))
        if len(set(value)) != len(value):
            self.fail(path, "code listed twice", value, "each code once")

    def _codes(self, kind: str) -> tuple[str, ...]:
        return DOMAINS if kind == "domains" else self.codes.get(kind, ())


    def _choices(self, spec: Spec, choices: Sequence[str] | None) -> tuple[str, ...]:
        return tuple(spec.options) if spec.options else tuple(choices or ())


KIND_CHECKS: dict[str, Callable[[Checker, KeyPath, Spec, Any, Any], None]] = {
    "real": Checker._value_real, "integer": Checker._value_integer, "flag": Checker._value_flag,
    "choice": Checker._value_choice, "text": Checker._value_text, "quarter": Checker._value_quarter,
    "power_map": Checker._value_power_map, "state_map": Checker._value_state_map, "domain_map": Checker._value_domain_map,
    "powers": Checker._value_powers, "states": Checker._value_states, "domains": Checker._value_domains,
}
"""A :class:`~model.specs.Spec`'s kind → the check of a value of that kind (one per :data:`~model.specs.SpecKind`)."""
