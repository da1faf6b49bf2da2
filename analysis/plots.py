"""Plots of outcome distributions over runs. Each takes data and returns the Axes it drew on."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.compare import AblationEffect, PairedStats
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


def paired_differences(differences: Sequence[np.ndarray], stats: Sequence[PairedStats], units: Sequence[str],
                       title: str = "") -> Figure:
    """One row per metric: each run's paired change as a dot, the mean change and its 95 % interval.

    Every row has its own axis in the metric's unit, so metrics of different
    scales sit side by side; the vertical line marks no change.

    Args:
        differences: Per metric, the paired changes ``b − a`` of each run.
        stats: Per metric, the statistics of those changes.
        units: Per metric, its unit.
        title: Figure title.

    Returns:
        The figure (one Axes per metric).
    """
    rows = len(stats)
    figure, axes = plt.subplots(rows, 1, figsize=(8, 0.75 * rows + 0.9), squeeze=False)
    jitter = np.random.default_rng(0)  # fixed jitter so a figure redraws identically
    for ax, diff, stat, unit in zip(axes[:, 0], differences, stats, units, strict=True):
        colour = OKABE_ITO[0] if stat.mean_diff >= 0 else OKABE_ITO[1]
        ax.scatter(diff, jitter.uniform(-0.25, 0.25, len(diff)), s=8, color=colour, alpha=0.45, linewidth=0)
        ax.errorbar([stat.mean_diff], [0], xerr=[[stat.mean_diff - stat.ci_low], [stat.ci_high - stat.mean_diff]],
                    fmt="D", color="black", markersize=4, capsize=3)
        ax.axvline(0, color="#555555", linewidth=0.8)
        half = _symmetric_half_width(diff, stat)
        ax.set_xlim(-half, half)
        ax.set_yticks([0], [f"{stat.metric}\n[{unit}]"], fontsize=7)
        ax.set_ylim(-0.5, 0.5)
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_title(title)
    axes[-1, 0].set_xlabel("paired change per run (B − A); diamond: mean with 95 % interval", fontsize=7)
    figure.tight_layout()
    return figure


def _symmetric_half_width(diff: np.ndarray, stat: PairedStats) -> float:
    """Half-width of a row's x axis, centred on no change.

    At least 5 % of the metric's level, so changes too small to matter stay
    visibly next to zero instead of filling an axis scaled to them.
    """
    level = max(abs(stat.median_a), abs(stat.median_b))
    spread = max(np.abs(diff).max(initial=0.0), abs(stat.ci_low), abs(stat.ci_high))
    return 1.1 * max(spread, 0.05 * level, 1e-9)


def ablation_ranking(effects: Sequence[AblationEffect], unit: str, contested: Sequence[bool],
                     ax: Axes | None = None, title: str = "") -> Axes:
    """Horizontal bars: how far switching each claim off moves the metric (mean paired change, 95 % interval).

    Args:
        effects: Effects on one metric, largest first.
        unit: The metric's unit.
        contested: Per effect, whether its claims include a contested one (hatched bars).
        ax: Axes to draw on; a new figure when None.
        title: Axes title.

    Returns:
        The Axes drawn on.
    """
    ax = ax or plt.subplots(figsize=(8, 0.32 * len(effects) + 1.2))[1]
    positions = np.arange(len(effects))[::-1]
    for y, effect, hatched in zip(positions, effects, contested, strict=True):
        stat = effect.stats
        colour = OKABE_ITO[0] if stat.mean_diff >= 0 else OKABE_ITO[1]
        ax.barh(y, stat.mean_diff, color=colour, alpha=0.8, hatch="//" if hatched else None, edgecolor="white")
        ax.errorbar(stat.mean_diff, y, xerr=[[stat.mean_diff - stat.ci_low], [stat.ci_high - stat.mean_diff]],
                    color="black", capsize=2, linewidth=0.8)
    ax.set_yticks(positions, [e.switched_off for e in effects], fontsize=7)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.set_xlabel(f"change when switched off [{unit}] (hatched: contested)")
    ax.set_title(title)
    return ax
