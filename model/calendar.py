"""Quarterly calendar: labels such as ``2022Q1`` and their step indices."""

from __future__ import annotations

import re

QUARTERS_PER_YEAR = 4
"""Steps per year: the model steps in quarters."""

ANNUALISED_PERCENT = 100 * QUARTERS_PER_YEAR
"""A quarterly rate (fraction per quarter) times this is the annualised rate in %/yr (and a %/yr rate over it is per quarter)."""

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


def parse_quarter(label: str) -> tuple[int, int]:
    """Split a quarter label into (year, quarter).

    Args:
        label: A label such as ``"2022Q1"``.

    Returns:
        The year and the quarter number (1–4).

    Raises:
        ValueError: If the label is not of the form ``YYYYQn``.
    """
    match = _QUARTER.match(str(label))
    if match is None:
        raise ValueError(f"{label!r} is not a quarter; expected a label such as 2022Q1")
    return int(match.group(1)), int(match.group(2))


def quarter_ordinal(label: str) -> int:
    """Number of quarters since year 0, so differences are step counts."""
    year, quarter = parse_quarter(label)
    return year * 4 + quarter - 1


def quarter_label(ordinal: int) -> str:
    """Inverse of :func:`quarter_ordinal`."""
    return f"{ordinal // QUARTERS_PER_YEAR}Q{ordinal % QUARTERS_PER_YEAR + 1}"


def quarter_range(start: str, end: str) -> list[str]:
    """All quarter labels from ``start`` to ``end`` inclusive."""
    first, last = quarter_ordinal(start), quarter_ordinal(end)
    if last < first:
        raise ValueError(f"horizon end {end} is before its start {start}")
    return [quarter_label(q) for q in range(first, last + 1)]


def year_of(label: str) -> int:
    """Calendar year of a quarter label."""
    return parse_quarter(label)[0]
