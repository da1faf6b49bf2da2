"""A scenario's hypothesis: what its article expects, as checks against another scenario.

A library scenario states the direction its article(s) expect for one or more
metrics (``model.metrics``) relative to a reference scenario run on the same
seeds (paired). When the model does not reproduce the article, the check
records both directions and a note saying why; tests assert the model's
direction, so a change in behaviour is noticed either way::

    hypothesis:
      against: baseline
      claims: [CH25-29, CH25-40]
      checks:
        - metric: corridor_share[corridor=middle_corridor]@2028-2030
          kind: direct
          article: increase
          tolerance: 0.01
        - metric: influence[power=GBR]
          kind: emergent
          article: increase
          model: unchanged
          note: "why the model disagrees"

The hypothesis belongs to the file that states it: a scenario that ``extends``
another does not inherit it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from multivector.model.calendar import quarter_range
from multivector.model.metrics import Metric, MetricError, parse_metric
from multivector.model.outcomes import coordinates
from multivector.model.params import Scenario
from multivector.scenarios.errors import MISSING
from multivector.scenarios.quantities import Checker, KeyPath, is_real, suggest
from multivector.scenarios.references import BadReferenceError, locate
from multivector.scenarios.source import display_name

DIRECTIONS: tuple[str, ...] = ("increase", "decrease", "unchanged")
"""Directions a check can expect, relative to the reference scenario."""

MODEL_DIRECTIONS: tuple[str, ...] = (*DIRECTIONS, "unclear")
"""What the model may be recorded to show: also ``unclear``, a change whose interval straddles
the check's tolerance (real, but neither clearly worth reporting nor clearly negligible)."""

HYPOTHESIS_KEYS: tuple[str, ...] = ("against", "claims", "checks")
CHECK_KEYS: tuple[str, ...] = ("metric", "kind", "article", "model", "tolerance", "note")

KINDS: tuple[str, ...] = ("direct", "emergent")
"""What a check tests: ``direct`` — an outcome the scenario sets (more summit dates → more summits);
``emergent`` — a consequence that has to pass through another mechanism of the model."""


@dataclass(frozen=True)
class Check:
    """One expected direction of one metric.

    Attributes:
        metric: What is measured per run.
        article: The direction the article(s) expect.
        model: The direction the model shows (the article's unless a disagreement is recorded).
        tolerance: Smallest paired change, in the metric's unit, that counts as a change;
            for ``unchanged``, the largest change that still counts as none.
        note: Why the model disagrees, or how the tolerance was chosen.
        kind: ``direct`` (the scenario sets the input it checks) or ``emergent``
            (a consequence through another mechanism); see :data:`KINDS`.
    """

    metric: Metric
    article: str
    model: str
    tolerance: float
    note: str = ""
    kind: str = "direct"

    @property
    def agrees(self) -> bool:
        """Whether the model shows the direction the article expects."""
        return self.article == self.model


@dataclass(frozen=True)
class Hypothesis:
    """What a scenario expects relative to a reference scenario.

    Attributes:
        against: The reference scenario as written (a library name or a relative path).
        against_path: The reference scenario's file.
        claims: Claims whose expectation this is.
        checks: The checks, headline first.
    """

    against: str
    against_path: Path
    claims: tuple[str, ...]
    checks: tuple[Check, ...]

    @property
    def headline(self) -> Check:
        """The first check: the scenario's headline outcome."""
        return self.checks[0]


def read_hypothesis(data: Any, checker: Checker, scenario: Scenario, folder: Path) -> Hypothesis | None:
    """Validate a resolved document's ``hypothesis`` block and build it.

    Args:
        data: The block (``None`` when the scenario states none).
        checker: Locates errors in the scenario's files.
        scenario: The typed scenario (its labels and horizon bound the metrics).
        folder: Folder of the scenario file (``against`` is resolved there, by the
            rules of :mod:`scenarios.references`).

    Raises:
        ScenarioError: On the first problem, located at its key path.
    """
    if data is None:
        return None
    path: KeyPath = ("hypothesis",)
    if not isinstance(data, dict):
        checker.fail(path, "not a mapping", data, "a mapping with keys: " + ", ".join(HYPOTHESIS_KEYS))
    _check_keys(checker, path, data, HYPOTHESIS_KEYS, HYPOTHESIS_KEYS)
    against = data["against"]
    try:
        target = locate(against, folder, display_name(folder) or ".", "reference scenario")
    except BadReferenceError as error:
        checker.fail((*path, "against"), error.problem, against, error.expected)
    claims = data["claims"]
    if not isinstance(claims, list) or not claims:
        checker.fail((*path, "claims"), "not a non-empty list", claims, "the claim IDs whose expectation this is")
    for i, claim in enumerate(claims):
        checker.claim_id((*path, "claims", i), claim)
    checks = data["checks"]
    if not isinstance(checks, list) or not checks:
        checker.fail((*path, "checks"), "not a non-empty list", checks, "a list of checks {metric, article, tolerance}")
    coords = coordinates(scenario)
    quarters = quarter_range(scenario.start, scenario.end)
    built = tuple(_check(checker, (*path, "checks", i), item, coords, quarters) for i, item in enumerate(checks))
    return Hypothesis(against, target, tuple(claims), built)


def _check(checker: Checker, path: KeyPath, item: Any, coords: dict[str, tuple[str, ...]],
           quarters: Sequence[str]) -> Check:
    if not isinstance(item, dict):
        checker.fail(path, "not a mapping", item, "a check {metric, article, tolerance}")
    _check_keys(checker, path, item, ("metric", "kind", "article", "tolerance"), CHECK_KEYS)
    if item["kind"] not in KINDS:
        checker.fail((*path, "kind"), "unknown kind of check", item["kind"], suggest(item["kind"], KINDS))
    try:
        metric = parse_metric(str(item["metric"]))
        metric.check(coords, quarters)
    except MetricError as error:
        checker.fail((*path, "metric"), f"{error.key}: {error.problem}", error.value, error.expected)
    for key, allowed in (("article", DIRECTIONS), ("model", MODEL_DIRECTIONS)):
        if item.get(key, DIRECTIONS[0]) not in allowed:
            checker.fail((*path, key), "unknown direction", item[key], suggest(item[key], allowed))
    model = item.get("model", item["article"])
    tolerance = item["tolerance"]
    if not is_real(tolerance) or tolerance <= 0:
        checker.fail((*path, "tolerance"), "not a positive number", tolerance,
                     f"the smallest change that counts, in the metric's unit ({metric.unit})")
    note = item.get("note", "")
    if not isinstance(note, str):
        checker.fail((*path, "note"), "not text", note, "a string")
    if model != item["article"] and not note.strip():
        checker.fail((*path, "note"), "a disagreement with the article needs a note", MISSING,
                     "a note saying why the model shows a different direction")
    return Check(metric, item["article"], model, float(tolerance), note, item["kind"])


def _check_keys(checker: Checker, path: KeyPath, data: dict[str, Any], required: tuple[str, ...],
                allowed: tuple[str, ...]) -> None:
    for key in data:
        if key not in allowed:
            checker.fail((*path, key), "unknown key", key, suggest(key, allowed))
    for key in required:
        if key not in data:
            checker.fail((*path, key), "missing key", MISSING, f"a value for {key!r}")
