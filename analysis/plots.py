"""Plots of outcome distributions over runs. Each takes data and returns the Axes it drew on."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from analysis.style import OKABE_ITO

LOW, HIGH = 0.1, 0.9
"""Quantiles of the band around the median."""


def quantile_bands(frame: pd.DataFrame, by: str | None) -> pd.DataFrame:
    """Median and 10/90 % quantiles over runs per step (and per ``by`` group)."""
    keys = ["step", "quarter"] + ([by] if by else [])
    grouped = frame.groupby(keys, observed=True)["value"]
    bands = grouped.quantile([LOW, 0.5, HIGH]).unstack()
    bands.columns = ["low", "median", "high"]
    return bands.reset_index().sort_values("step")


def fan_chart(frame: pd.DataFrame, by: str | None = None, ax: Axes | None = None,
              title: str = "", ylabel: str = "") -> Axes:
    """Median line with a 10–90 % band over runs, one colour per group.

    Args:
        frame: Long table rows of one outcome (columns step, quarter, value and ``by``).
        by: Column whose values get separate lines (e.g. ``"state"``), or None.
        ax: Axes to draw on; a new figure when None.
        title: Axes title.
        ylabel: Label of the y axis (give the unit).

    Returns:
        The Axes drawn on.
    """
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    bands = quantile_bands(frame, by)
    groups = [(None, bands)] if by is None else list(bands.groupby(by, observed=True))
    for colour, (label, part) in zip(_colours(len(groups)), groups, strict=True):
        ax.fill_between(part["step"], part["low"], part["high"], color=colour, alpha=0.2, linewidth=0)
        ax.plot(part["step"], part["median"], color=colour, label=label)
    _quarter_ticks(ax, bands)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if by is not None:
        ax.legend(fontsize=7, ncol=min(len(groups), 6), frameon=False)
    return ax


def end_state_distribution(frame: pd.DataFrame, by: str, ax: Axes | None = None,
                           title: str = "", ylabel: str = "") -> Axes:
    """Violins of the last step's values over runs, one per group."""
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    last = frame[frame["step"] == frame["step"].max()]
    present = set(last[by].dropna().unique())
    order = last[by].cat.categories if isinstance(last[by].dtype, pd.CategoricalDtype) else sorted(present)
    labels = [label for label in order if label in present]
    data = [last.loc[last[by] == label, "value"].to_numpy() for label in labels]
    parts = ax.violinplot(data, showmedians=True)
    for body, colour in zip(parts["bodies"], _colours(len(labels)), strict=True):
        body.set_facecolor(colour)
        body.set_alpha(0.5)
    ax.set_xticks(np.arange(1, len(labels) + 1), labels)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    return ax


def _colours(n: int) -> list[str]:
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]


def _quarter_ticks(ax: Axes, bands: pd.DataFrame) -> None:
    steps = bands[["step", "quarter"]].drop_duplicates().sort_values("step")
    yearly = steps[steps["quarter"].astype(str).str.endswith("Q1")]
    ax.set_xticks(yearly["step"], [q[:4] for q in yearly["quarter"].astype(str)], fontsize=7)
