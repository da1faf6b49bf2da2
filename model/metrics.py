"""Metrics: one number per run, read off the recorded outcomes.

A metric names an outcome (``model.outcomes.OUTCOMES``), picks labels along
some of its dimensions, averages (or sums) over the others and averages over a
window of quarters. Scenario hypotheses, ``run.py compare`` and claim ablation
all speak in metrics. The compact text form is::

    OUTCOME[dim=label,...,reduce=sum]@PERIOD

with ``PERIOD`` a year (``2030``), a range of years (``2026-2030``) or of
quarters (``2026Q1-2030Q4``); without ``@`` the last four quarters are used.
Examples: ``corridor_share[corridor=middle_corridor]@2028-2030``,
``alignment[state=TJK,domain=security,power=RUS]``, ``circumvention[reduce=sum]``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from multivector.model.calendar import quarter_ordinal
from multivector.model.errors import InputError
from multivector.model.outcomes import OUTCOMES

REDUCTIONS: tuple[str, ...] = ("mean", "sum")
"""How a metric folds the dimensions it does not select."""

DEFAULT_WINDOW = 4
"""Quarters averaged when a metric gives no period: the final year of the horizon."""

_TEXT = re.compile(r"^(?P<outcome>[a-z_]+)(\[(?P<select>[^\]]*)\])?(@(?P<period>[0-9Q-]+))?$")
_YEAR = re.compile(r"^\d{4}$")


class MetricError(InputError):
    """A metric that does not fit the outcomes or the scenario.

    Attributes:
        key: Which part is wrong (``outcome``, ``select.state``, ``period``…).
        problem: What is wrong.
        value: The offending value.
        expected: What would be valid.
    """

    def __init__(self, key: str, problem: str, value: object, expected: str) -> None:
        super().__init__(f"{key}: {problem}; got {value!r}, expected {expected}")
        self.key, self.problem, self.value, self.expected = key, problem, value, expected


@dataclass(frozen=True)
class Metric:
    """An outcome reduced to one number per run.

    Attributes:
        outcome: Name of a recorded outcome.
        select: Dimension → label kept (e.g. ``{"state": "TJK"}``).
        start: First quarter of the window (``None``: the final year).
        end: Last quarter of the window (``None``: the horizon's end).
        reduce: ``mean`` or ``sum`` over the dimensions not selected.
    """

    outcome: str
    select: Mapping[str, str] = field(default_factory=dict)
    start: str | None = None
    end: str | None = None
    reduce: str = "mean"

    @property
    def label(self) -> str:
        """The compact text form, which :func:`parse_metric` reads back."""
        parts = [f"{k}={v}" for k, v in self.select.items()]
        if self.reduce != "mean":
            parts.append(f"reduce={self.reduce}")
        text = self.outcome + (f"[{','.join(parts)}]" if parts else "")
        if self.start is not None:
            text += f"@{self.start}-{self.end}"
        return text

    @property
    def unit(self) -> str:
        """Unit of the outcome the metric reads."""
        return OUTCOMES[self.outcome].unit

    def window(self, quarters: Sequence[str]) -> slice:
        """Positions of the metric's quarters in a run's quarter labels."""
        if self.start is None:
            return slice(max(len(quarters) - DEFAULT_WINDOW, 0), len(quarters))
        return slice(list(quarters).index(self.start), list(quarters).index(self.end) + 1)

    def value(self, outcomes: Mapping[str, np.ndarray], coords: Mapping[str, Sequence[str]],
              quarters: Sequence[str]) -> float:
        """The metric of one run.

        Args:
            outcomes: Outcome name → array ``(steps, …)`` of one run.
            coords: Dimension name → labels (``ensemble.batch.coordinates``).
            quarters: Quarter label of each step.
        """
        dims = OUTCOMES[self.outcome].dims
        array = outcomes[self.outcome][self.window(quarters)]
        index: list[int | slice] = [slice(None)]
        index += [list(coords[d]).index(self.select[d]) if d in self.select else slice(None) for d in dims]
        picked = array[tuple(index)].reshape(array.shape[0], -1)
        folded = picked.sum(axis=1) if self.reduce == "sum" else picked.mean(axis=1)
        return float(np.nanmean(folded))

    def check(self, coords: Mapping[str, Sequence[str]], quarters: Sequence[str]) -> None:
        """Raise :class:`MetricError` unless the metric fits these labels and quarters."""
        if self.outcome not in OUTCOMES:
            raise MetricError("outcome", "unknown outcome", self.outcome, "one of: " + ", ".join(OUTCOMES))
        dims = OUTCOMES[self.outcome].dims
        for dim, label in self.select.items():
            if dim not in dims:
                raise MetricError(f"select.{dim}", f"{self.outcome} has no dimension {dim!r}", dim,
                                  "one of: " + (", ".join(dims) or "none (a scalar outcome)"))
            if label not in coords[dim]:
                raise MetricError(f"select.{dim}", f"unknown {dim}", label, "one of: " + ", ".join(coords[dim]))
        if self.reduce not in REDUCTIONS:
            raise MetricError("reduce", "unknown reduction", self.reduce, "one of: " + ", ".join(REDUCTIONS))
        if self.start is None:
            return
        for key, quarter in (("period", self.start), ("period", self.end)):
            if quarter not in quarters:
                raise MetricError(key, "quarter outside the horizon", quarter, f"a quarter in {quarters[0]}–{quarters[-1]}")
        if quarter_ordinal(self.end) < quarter_ordinal(self.start):
            raise MetricError("period", "period ends before it starts", f"{self.start}-{self.end}", "start ≤ end")


def parse_metric(text: str) -> Metric:
    """Read the compact text form of a metric (see the module docstring).

    Raises:
        MetricError: If the text is malformed (labels are checked later by :meth:`Metric.check`).
    """
    match = _TEXT.match(text.strip())
    if not match:
        raise MetricError("metric", "malformed metric", text,
                          "OUTCOME[dim=label,...]@PERIOD, e.g. corridor_share[corridor=middle_corridor]@2028-2030")
    select, reduce = {}, "mean"
    for part in filter(None, (match["select"] or "").split(",")):
        key, sep, label = part.partition("=")
        if not sep or not key.strip() or not label.strip():
            raise MetricError("metric", "malformed selection", part, "dim=label, e.g. state=KAZ")
        if key.strip() == "reduce":
            reduce = label.strip()
        else:
            select[key.strip()] = label.strip()
    start, end = parse_period(match["period"]) if match["period"] else (None, None)
    return Metric(match["outcome"], select, start, end, reduce)


def parse_period(text: str) -> tuple[str, str]:
    """``2030`` → (2030Q1, 2030Q4); ``2026-2030`` and ``2026Q1-2030Q4`` likewise.

    Raises:
        MetricError: If the text is neither a year, a quarter nor a range of them.
    """
    first, _, last = str(text).partition("-")
    last = last or first
    if _YEAR.match(first) and _YEAR.match(last):
        return f"{first}Q1", f"{last}Q4"
    try:
        quarter_ordinal(first), quarter_ordinal(last)
    except ValueError:
        raise MetricError("period", "malformed period", text, "a year (2030), years (2026-2030) or quarters "
                          "(2026Q1-2030Q4)") from None
    return first, last


DEFAULT_METRICS: tuple[str, ...] = (
    "hedging_index",
    "russia_share[domain=security]",
    "bloc_share[domain=economy,bloc=china]",
    "bloc_share[domain=diplomacy,bloc=west]",
    "cohesion",
    "summit_formats",
    "leverage",
    "circumvention[reduce=sum]",
    "designations[reduce=sum]",
)
"""Metrics compared when none are chosen: the headline indicators of the final year."""
