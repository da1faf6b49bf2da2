"""Calibration targets: what the model should reproduce of 2021–2024, with provenance.

A targets file lists statistics the model records (metrics, or the ratio or
difference of two), each with the articles' figure and a tolerance, or a
direction (``above``/``below`` a threshold), and where the figure comes from:
claim IDs of the registry, or a public statistic named by its publisher, series
and year. Targets are split by time:

* ``use: fit`` targets read only 2021–2022: the fit sees them;
* ``use: validation`` targets read 2023–2024 (and nothing later): they are held
  back and only checked against the posterior's predictions;
* ``use: reported`` targets are never fitted, whatever their period, because
  the model does not represent what drives them (a rise in trade values that
  was mostly commodity prices, say; the note must say what): they are shown
  against the predictions like the held-back ones, so the miss stays visible.

The split is checked against the quarters each statistic reads, so a target
cannot leak later data into the fit. The distance of one run to a target is in
tolerances: ``|statistic − observed| / tolerance`` for a figure, the shortfall
beyond the threshold over the tolerance for a direction (0 when it holds).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from multivector.model.calendar import quarter_ordinal, quarter_range
from multivector.model.metrics import Metric, MetricError, parse_metric
from multivector.model.outcomes import coordinates
from multivector.model.params import Scenario
from multivector.scenarios.claims import load_registry
from multivector.scenarios.errors import MISSING
from multivector.scenarios.source import Source, display_name, read_yaml

TARGETS_FORMAT = 1
"""Version of the targets file format."""

FIT_END = "2022Q4"
"""Last quarter a fitting target may read."""

VALIDATION_END = "2024Q4"
"""Last quarter a validation target may read (the articles' last reported year)."""

USES: tuple[str, ...] = ("fit", "validation", "reported")
"""What a target is for."""

TARGET_KEYS = ("id", "title", "statistic", "unit", "observed", "above", "below", "tolerance", "use", "sources", "note")
SOURCE_KEYS = ("claims", "public")
PUBLIC_KEYS = ("publisher", "series", "year")
_OPERATOR = re.compile(r"\s+([/-])\s+")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Statistic:
    """A metric, or the ratio or difference of two metrics, of one run.

    Attributes:
        text: As written in the targets file (``A``, ``A / B`` or ``A - B``).
        metrics: The one or two metrics it reads.
        operator: ``""`` (one metric), ``"/"`` or ``"-"``.
    """

    text: str
    metrics: tuple[Metric, ...]
    operator: str = ""

    def combine(self, values: np.ndarray) -> np.ndarray:
        """The statistic from its metrics' values ``(…, len(metrics))``."""
        if self.operator == "/":
            return values[..., 0] / values[..., 1]
        if self.operator == "-":
            return values[..., 0] - values[..., 1]
        return values[..., 0]


@dataclass(frozen=True)
class Target:
    """One calibration target.

    Attributes:
        id: Short name (``russia-trade-2022``).
        title: What it says, in words.
        statistic: What is read off each run.
        unit: Unit of the statistic.
        kind: ``value`` (an observed figure), ``above`` or ``below`` (a direction).
        observed: The figure, or the threshold of a direction.
        tolerance: How far from it still counts as reproducing it, in the statistic's unit.
        use: ``fit``, ``validation`` or ``reported``.
        claims: Claim IDs the figure comes from.
        public: A public statistic's publisher, series and year (empty if from claims only).
        note: Why this tolerance; what the model can and cannot show.
    """

    id: str
    title: str
    statistic: Statistic
    unit: str
    kind: Literal["value", "above", "below"]
    observed: float
    tolerance: float
    use: Literal["fit", "validation", "reported"]
    claims: tuple[str, ...] = ()
    public: Mapping[str, Any] | None = None
    note: str = ""

    def distance(self, values: np.ndarray) -> np.ndarray:
        """Distance of each value of the statistic to the target, in tolerances (0 = on target)."""
        if self.kind == "value":
            return np.abs(values - self.observed) / self.tolerance
        gap = self.observed - values if self.kind == "above" else values - self.observed
        return np.maximum(gap, 0.0) / self.tolerance

    @property
    def stated(self) -> str:
        """The target in words: ``1.175 ± 0.05`` or ``above 0`` (a tolerance below it is shown too)."""
        if self.kind == "value":
            return f"{self.observed:g} ± {self.tolerance:g}"
        return f"{self.kind} {self.observed:g}"

    @property
    def source(self) -> str:
        """Provenance in one line: the claim IDs and/or the public statistic."""
        parts = list(self.claims)
        if self.public:
            parts.append(f"{self.public['publisher']}, {self.public['series']} ({self.public['year']})")
        return "; ".join(parts)

    def to_json(self) -> dict[str, Any]:
        """As written in a posterior file, so that the file says what it was fitted to."""
        data = {"id": self.id, "title": self.title, "statistic": self.statistic.text, "unit": self.unit,
                self.kind if self.kind != "value" else "observed": self.observed, "tolerance": self.tolerance,
                "use": self.use, "sources": {"claims": list(self.claims)}, "note": self.note}
        if self.public:
            data["sources"]["public"] = dict(self.public)
        return data


@dataclass(frozen=True)
class Targets:
    """A targets file, read and checked.

    Attributes:
        name: The file as shown in messages.
        targets: All targets, in file order.
        text: The file's text (kept in a posterior file).
    """

    name: str
    targets: tuple[Target, ...]
    text: str = ""

    def of(self, use: str) -> tuple[Target, ...]:
        """The targets for ``fit`` or ``validation``."""
        return tuple(t for t in self.targets if t.use == use)


def statistics(chosen: Sequence[Target], metrics: Sequence[Metric], metric_values: np.ndarray) -> np.ndarray:
    """Each chosen target's statistic ``(runs, targets)`` from the runs' values ``(runs, metrics)`` of ``metrics``."""
    column = {m.label: j for j, m in enumerate(metrics)}
    out = np.empty((metric_values.shape[0], len(chosen)))
    for k, target in enumerate(chosen):
        out[:, k] = target.statistic.combine(metric_values[:, [column[m.label] for m in target.statistic.metrics]])
    return out


def metrics_of(chosen: Sequence[Target]) -> tuple[Metric, ...]:
    """Every metric the chosen targets read, each once, in order."""
    return tuple({m.label: m for t in chosen for m in t.statistic.metrics}.values())


def default_targets_path() -> Path:
    """The library's targets for the 2021–2024 baseline."""
    return Path(__file__).resolve().parent.parent / "scenarios" / "targets" / "baseline.yaml"


def read_targets(path: Path | str, scenario: Scenario) -> Targets:
    """Read a targets file and check it against a scenario's outcomes, labels and horizon.

    Raises:
        ScenarioError: On the first problem, as ``file:line: key.path: problem; got …, expected …``.
    """
    path = Path(path)
    source = read_yaml(path, display_name(path))
    data = source.data
    if not isinstance(data, dict):
        raise source.error((), "not a mapping", data, "a mapping with 'format' and 'targets'")
    for key in data:
        if key not in ("format", "targets"):
            raise source.error((key,), "unknown key", key, "format or targets")
    if data.get("format") != TARGETS_FORMAT:
        raise source.error(("format",), "unsupported targets format", data.get("format", MISSING), str(TARGETS_FORMAT))
    items = data.get("targets")
    if not isinstance(items, list) or not items:
        raise source.error(("targets",), "not a non-empty list", items if "targets" in data else MISSING, "a list of targets")
    registry = load_registry()
    targets = tuple(_target(source, ("targets", i), item, scenario, registry) for i, item in enumerate(items))
    ids = [t.id for t in targets]
    for i, name in enumerate(ids):
        if name in ids[:i]:
            raise source.error(("targets", i, "id"), "repeated target id", name, "a name used once")
    if not any(t.use == "fit" for t in targets):
        raise source.error(("targets",), "no fitting target", [t.id for t in targets], "at least one target with use: fit")
    return Targets(source.name, targets, path.read_text(encoding="utf-8"))


def _target(source: Source, path: tuple[Any, ...], item: Any, scenario: Scenario, registry: Any) -> Target:
    if not isinstance(item, dict):
        raise source.error(path, "not a mapping", item, "a target {id, statistic, observed|above|below, tolerance, use, sources}")
    for key in item:
        if key not in TARGET_KEYS:
            raise source.error((*path, key), "unknown key", key, "one of " + ", ".join(TARGET_KEYS))
    for key in ("id", "title", "statistic", "unit", "tolerance", "use", "sources"):
        if key not in item:
            raise source.error((*path, key), "missing key", MISSING, f"a value for {key!r}")
    name = item["id"]
    if not isinstance(name, str) or not _ID.match(name):
        raise source.error((*path, "id"), "not a short name", name, "lower-case letters, digits and hyphens")
    for key in ("title", "unit", "note"):
        if not isinstance(item.get(key, ""), str) or (key != "note" and not item[key].strip()):
            raise source.error((*path, key), "not text", item[key], "a non-empty string")
    statistic = _statistic(source, (*path, "statistic"), item["statistic"], scenario)
    kind, observed = _observed(source, path, item)
    tolerance = item["tolerance"]
    if not _real(tolerance) or tolerance <= 0:
        raise source.error((*path, "tolerance"), "not a positive number", tolerance, f"how far from the figure still counts, in {item['unit']}")
    use = item["use"]
    if use not in USES:
        raise source.error((*path, "use"), "unknown use", use,
                           "fit (reads 2021–2022), validation (reads 2023–2024) or reported (never fitted)")
    if use == "reported" and not str(item.get("note", "")).strip():
        raise source.error((*path, "note"), "a reported target needs a note", MISSING,
                           "a note saying what drives the figure that the model does not represent")
    _check_period(source, (*path, "use"), use, statistic, scenario)
    claims, public = _sources(source, (*path, "sources"), item["sources"], registry)
    return Target(name, item["title"], statistic, item["unit"], kind, float(observed), float(tolerance), use,
                  claims, public, item.get("note", ""))


def _statistic(source: Source, path: tuple[Any, ...], text: Any, scenario: Scenario) -> Statistic:
    if not isinstance(text, str):
        raise source.error(path, "not text", text, "a metric, or METRIC / METRIC, or METRIC - METRIC")
    parts = _OPERATOR.split(text.strip())
    if len(parts) not in (1, 3):
        raise source.error(path, "more than two metrics", text, "a metric, or METRIC / METRIC, or METRIC - METRIC")
    coords, quarters = coordinates(scenario), quarter_range(scenario.start, scenario.end)
    metrics = []
    for part in parts[::2]:
        try:
            metric = parse_metric(part)
            metric.check(coords, quarters)
        except MetricError as error:
            raise source.error(path, f"{error.key}: {error.problem}", error.value, error.expected) from None
        if metric.start is None:
            raise source.error(path, "a metric without a period", part, "a period such as @2022 or @2022Q1-2022Q4")
        metrics.append(metric)
    return Statistic(text.strip(), tuple(metrics), parts[1] if len(parts) == 3 else "")


def _observed(source: Source, path: tuple[Any, ...], item: dict[str, Any]) -> tuple[str, float]:
    given = [key for key in ("observed", "above", "below") if key in item]
    if len(given) != 1:
        raise source.error(path, "needs exactly one of observed, above, below", given or MISSING,
                           "observed: FIGURE, or above: / below: THRESHOLD for a direction")
    value = item[given[0]]
    if not _real(value):
        raise source.error((*path, given[0]), "not a finite number", value, f"a number in {item['unit']}")
    return ("value" if given[0] == "observed" else given[0]), float(value)


def _check_period(source: Source, path: tuple[Any, ...], use: str, statistic: Statistic, scenario: Scenario) -> None:
    """A fitting target reads only 2021–2022; a validation target 2023–2024; none reads beyond 2024."""
    last = max(quarter_ordinal(m.end) for m in statistic.metrics)
    if last > quarter_ordinal(min(scenario.end, VALIDATION_END, key=quarter_ordinal)):
        raise source.error(path, "reads beyond the years the articles report", statistic.text,
                           f"quarters up to {min(scenario.end, VALIDATION_END, key=quarter_ordinal)}")
    if use == "fit" and last > quarter_ordinal(FIT_END):
        raise source.error(path, "a fitting target reads data after 2022", statistic.text,
                           f"use: validation, or periods up to {FIT_END}")
    if use == "validation" and not quarter_ordinal(FIT_END) < last <= quarter_ordinal(VALIDATION_END):
        raise source.error(path, "a validation target must read 2023–2024", statistic.text,
                           f"a period ending in 2023Q1–{VALIDATION_END}")


def _sources(source: Source, path: tuple[Any, ...], data: Any, registry: Any) -> tuple[tuple[str, ...], dict[str, Any] | None]:
    if not isinstance(data, dict) or not data:
        raise source.error(path, "not a mapping", data, "{claims: [IDs]} and/or {public: {publisher, series, year}}")
    for key in data:
        if key not in SOURCE_KEYS:
            raise source.error((*path, key), "unknown key", key, "claims or public")
    claims = data.get("claims", [])
    if not isinstance(claims, list):
        raise source.error((*path, "claims"), "not a list", claims, "claim IDs of the registry")
    for i, claim in enumerate(claims):
        if claim not in registry:
            raise source.error((*path, "claims", i), "unknown claim", claim, "a claim ID of the registry (run.py claims)")
    public = data.get("public")
    if public is not None:
        if not isinstance(public, dict) or set(public) != set(PUBLIC_KEYS):
            raise source.error((*path, "public"), "not a public statistic", public, "{publisher, series, year}")
        if not isinstance(public["year"], int) or not 1991 <= public["year"] <= 2030:
            raise source.error((*path, "public", "year"), "not a year", public["year"], "a year such as 2023")
    if not claims and public is None:
        raise source.error(path, "no source", data, "claim IDs and/or a public statistic")
    return tuple(claims), public


def _real(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
