"""Plots of outcome distributions over runs. Each takes data and returns the Axes it drew on."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from multivector.analysis.compare import AblationEffect, PairedStats, effect_text
from multivector.analysis.style import OKABE_ITO

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
              title: str = "", ylabel: str = "", legend: str | None = "below",
              labels: Mapping[str, str] | None = None) -> Axes:
    """Median line with a 10–90 % band over runs, one colour per group.

    Args:
        frame: Long table rows of one outcome (columns step, quarter, value and ``by``).
        by: Column whose values get separate lines (e.g. ``"state"``), or None.
        ax: Axes to draw on; a new figure when None.
        title: Axes title.
        ylabel: Label of the y axis (give the unit).
        legend: Where the groups' legend goes, always outside the data: ``"below"`` the
            axis (in as many columns as fit), ``"right"`` of it (one column), or None.
        labels: Group value → the name shown in the legend (the value itself when missing).

    Returns:
        The Axes drawn on.
    """
    ax = ax or plt.subplots(figsize=(7, 3.5))[1]
    bands = quantile_bands(frame, by)
    groups = [(None, bands)] if by is None else list(bands.groupby(by, observed=True))
    for colour, (label, part) in zip(_colours(len(groups)), groups, strict=True):
        ax.fill_between(part["step"], part["low"], part["high"], color=colour, alpha=0.2, linewidth=0)
        shown = None if label is None else (labels or {}).get(str(label), str(label))
        ax.plot(part["step"], part["median"], color=colour, label=shown)
    _quarter_ticks(ax, bands)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    if by is not None and legend is not None:
        outside_legend(ax, legend)
    return ax


def outside_legend(ax: Axes, where: str = "below") -> None:
    """The axes' legend outside its data: ``below`` the tick labels in as many columns as fit, or ``right`` of the axes."""
    handles, names = ax.get_legend_handles_labels()
    if where == "right":
        ax.legend(handles, names, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
        return
    renderer = ax.figure.canvas.get_renderer()
    for columns in range(len(names), 0, -1):  # as many columns as fit the axes' width
        drawn = ax.legend(handles, names, fontsize=7, frameon=False, ncol=columns, loc="upper center",
                          bbox_to_anchor=(0.5, -0.14), borderaxespad=0)
        if drawn.get_window_extent(renderer).width <= ax.get_window_extent(renderer).width:
            break


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
    for key in ("cbars", "cmins", "cmaxes", "cmedians"):
        if key in parts:
            parts[key].set_color("#333333")
            parts[key].set_linewidth(0.9)
    ax.set_xticks(np.arange(1, len(labels) + 1), labels)
    ax.set_title(title)
    ax.set_ylabel(ylabel)
    return ax


def _colours(n: int) -> list[str]:
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]


YEAR_LABEL_INCHES = 0.5
"""Room a year label needs on the time axis (four digits at 7 pt and a gap); years are labelled every k-th year to fit."""


def _axes_width_inches(ax: Axes) -> float:
    return ax.get_position().width * ax.figure.get_figwidth()


def _quarter_ticks(ax: Axes, bands: pd.DataFrame) -> None:
    """A tick at each year's first quarter, labelled every year, or every second (third…) year where labels would touch."""
    steps = bands[["step", "quarter"]].drop_duplicates().sort_values("step")
    yearly = steps[steps["quarter"].astype(str).str.endswith("Q1")]
    years = [q[:4] for q in yearly["quarter"].astype(str)]
    stride = max(1, int(np.ceil(len(years) * YEAR_LABEL_INCHES / max(_axes_width_inches(ax), 0.1))))
    ax.set_xticks(yearly["step"], [year if i % stride == 0 else "" for i, year in enumerate(years)], fontsize=7)


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
        size = effect_text(stat)
        ax.annotate(size if np.isnan(stat.effect_size) else f"d_z {size}", xy=(1.0, 0.5), xycoords="axes fraction",
                    xytext=(6, 0), textcoords="offset points", fontsize=7, ha="left", va="center", color="#333333")
        ax.tick_params(axis="x", labelsize=7)
        ax.grid(axis="y", visible=False)
    axes[0, 0].set_title(title)
    axes[-1, 0].set_xlabel("paired change per run (B − A); diamond: mean with 95 % interval; "
                           "right: effect size d_z (mean change / SD of the changes)", fontsize=7)
    figure.tight_layout()
    return figure


def _symmetric_half_width(diff: np.ndarray, stat: PairedStats) -> float:
    """Half-width of a row's x axis, centred on no change.

    At least 5 % of the metric's level, so changes too small to matter stay
    visibly next to zero instead of filling an axis scaled to them.
    """
    level = max(abs(stat.median_a), abs(stat.median_b))
    spread = max(np.abs(diff).max(initial=0.0), abs(stat.ci_low), abs(stat.ci_high))
    if max(spread, level) == 0:  # nothing changes and the level is 0: any scale shows it; no 1e-9 axis
        return 1.0
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


# ------------------------------------------------------------------ alignment triangle

TRIANGLE_BLOCS: tuple[str, str, str] = ("russia", "china", "west")
"""Blocs at the triangle's corners: bottom left, bottom right, top."""

CORNER_LABELS: tuple[str, str, str] = ("Russia", "China", "West")
_HEIGHT = float(np.sqrt(3.0) / 2.0)
_GRID = (0.2, 0.4, 0.6, 0.8)


def ternary_xy(shares: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cartesian position in the unit triangle of (Russia, China, West) shares.

    Rows are renormalised to sum to 1 first, so any remainder (the 'other'
    bloc) is left out. Russia sits at (0, 0), China at (1, 0) and the West at
    (0.5, √3/2).

    Args:
        shares: Array of shape ``(n, 3)``: Russia, China and West shares (any non-negative scale).

    Returns:
        x and y coordinates (triangle side = 1), each of shape ``(n,)``.
    """
    shares = np.asarray(shares, dtype=float).reshape(-1, 3)
    total = shares.sum(axis=1, keepdims=True)
    unit = np.divide(shares, total, out=np.full_like(shares, 1.0 / 3.0), where=total > 0)
    return unit[:, 1] + unit[:, 2] / 2.0, unit[:, 2] * _HEIGHT


def bloc_shares(frame: pd.DataFrame, state: str) -> pd.DataFrame:
    """One state's bloc shares as columns, one row per domain, run and step.

    Args:
        frame: Long table rows (other outcomes are dropped) with columns run, step, state, domain, bloc, value.
        state: State code, e.g. ``"KAZ"``.

    Returns:
        Frame indexed by (domain, run, step) with columns russia, china, west, other (shares, 0–1).
    """
    rows = frame[frame["state"] == state]
    if "outcome" in rows:
        rows = rows[rows["outcome"] == "bloc_share"]
    if rows.empty:
        raise ValueError(f"no bloc_share rows for state {state!r}")
    wide = rows.groupby(["domain", "run", "step", "bloc"], observed=True)["value"].first().unstack("bloc")
    wide.columns = [str(c) for c in wide.columns]
    return wide.reindex(columns=[*TRIANGLE_BLOCS, "other"], fill_value=0.0)


def alignment_triangle(frame: pd.DataFrame, state: str, ax: Axes | None = None, title: str | None = None) -> Axes:
    """Ternary plot (Russia / China / West) of one state's alignment, one colour per domain.

    Shares are renormalised so Russia + China + West = 1; the 'other' bloc's
    median last-quarter share (mean over domains) is given in the title. Each
    domain gets its median trajectory over runs (hollow marker: first quarter,
    filled marker: last quarter) and every run's last quarter as a faint dot.

    Args:
        frame: Long table rows of outcome ``bloc_share`` (columns run, step, state, domain, bloc, value).
        state: State code, e.g. ``"KAZ"``.
        ax: Axes to draw on; a new figure when None.
        title: Axes title; the state code and its 'other' share when None.

    Returns:
        The Axes drawn on. Data artists carry gids ``median:<domain>``,
        ``start:<domain>``, ``end:<domain>`` and ``runs:<domain>``.
    """
    ax = ax or plt.subplots(figsize=(4.2, 4.0))[1]
    wide = bloc_shares(frame, state)
    _triangle_frame(ax)
    last = wide.xs(wide.index.get_level_values("step").max(), level="step")
    domains = _ordered(frame["domain"], set(wide.index.get_level_values("domain")))
    for colour, domain in zip(_colours(len(domains)), domains, strict=True):
        _domain_trajectory(ax, wide.xs(domain, level="domain"), colour, domain)
    other = last["other"].groupby(level="domain").median().mean()
    ax.set_title(title if title is not None else f"{state} (other blocs: {other:.0%}, not shown)", fontsize=9, pad=10)
    return ax


def _domain_trajectory(ax: Axes, shares: pd.DataFrame, colour: str, domain: str) -> None:
    """Median path over runs and the last quarter of each run, for one domain (shares indexed by run, step)."""
    corners = list(TRIANGLE_BLOCS)
    median = shares[corners].groupby(level="step").median().sort_index()
    x, y = ternary_xy(median.to_numpy())
    ax.plot(x, y, color=colour, linewidth=1.6, zorder=3, gid=f"median:{domain}", label=domain)
    ax.plot(x[:1], y[:1], "o", markersize=5, markerfacecolor="white", markeredgecolor=colour, zorder=4, gid=f"start:{domain}")
    ax.plot(x[-1:], y[-1:], "o", markersize=6, color=colour, markeredgecolor="black", markeredgewidth=0.6, zorder=5,
            gid=f"end:{domain}")
    final = shares.xs(shares.index.get_level_values("step").max(), level="step")
    fx, fy = ternary_xy(final[corners].to_numpy())
    ax.scatter(fx, fy, s=9, color=colour, alpha=0.3, linewidth=0, zorder=2, gid=f"runs:{domain}")


def _triangle_frame(ax: Axes) -> None:
    """Outline, 20 % gridlines with tick labels, corner labels; no axes box."""
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, _HEIGHT], [0.0, 0.0]])
    ax.plot(corners[:, 0], corners[:, 1], color="#333333", linewidth=0.9, zorder=1)
    for k in _GRID:
        ends = {  # each bloc's k-line: from one edge to another; the first end carries the tick label
            "china": ([1 - k, k, 0], [0, k, 1 - k]),
            "west": ([0, 1 - k, k], [1 - k, 0, k]),
            "russia": ([k, 0, 1 - k], [k, 1 - k, 0]),
        }
        for bloc, (a, b) in ends.items():
            x, y = ternary_xy(np.array([a, b]))
            ax.plot(x, y, color="#bbbbbb", linewidth=0.5, zorder=0)
            dx, dy, ha, va = {"china": (0, -0.025, "center", "top"), "west": (0.02, 0, "left", "center"),
                              "russia": (-0.02, 0, "right", "center")}[bloc]
            ax.text(x[0] + dx, y[0] + dy, f"{k:.0%}", fontsize=6.5, color="#666666", ha=ha, va=va)
    style = {"fontsize": 8, "fontweight": "bold"}
    ax.text(-0.04, -0.04, CORNER_LABELS[0], ha="right", va="top", **style)
    ax.text(1.04, -0.04, CORNER_LABELS[1], ha="left", va="top", **style)
    ax.text(0.5, _HEIGHT + 0.04, CORNER_LABELS[2], ha="center", va="bottom", **style)
    ax.set_xlim(-0.22, 1.22)
    ax.set_ylim(-0.12, _HEIGHT + 0.1)
    ax.set_aspect("equal")
    ax.set_axis_off()


def _ordered(column: pd.Series, present: set[str]) -> list[str]:
    """Labels present, in the column's category order when it has one."""
    order = column.cat.categories if isinstance(column.dtype, pd.CategoricalDtype) else sorted(present)
    return [str(label) for label in order if label in present]


def alignment_triangles(frame: pd.DataFrame, title: str = "Alignment by bloc (Russia + China + West = 1)") -> Figure:
    """One alignment triangle per state, three to a row, with a shared legend (in the grid's empty cell when there is one).

    Args:
        frame: Long table rows of outcome ``bloc_share`` for all states.
        title: Figure title.

    Returns:
        The figure (one Axes per state).
    """
    rows = frame[frame["outcome"] == "bloc_share"] if "outcome" in frame else frame
    states = _ordered(rows["state"], set(rows["state"].dropna().astype(str)))
    columns = min(len(states), 3)
    lines = -(-len(states) // columns)
    figure, axes = plt.subplots(lines, columns, figsize=(3.3 * columns, 3.1 * lines + 0.4), squeeze=False)
    for ax, state in zip(axes.flat, states, strict=False):
        alignment_triangle(rows, state, ax=ax)
    for ax in axes.flat[len(states):]:
        ax.set_axis_off()
    handles = _triangle_legend(rows, axes.flat[0])
    figure.suptitle(title, fontsize=10)
    if len(states) < axes.size:  # the first empty cell holds the legend
        axes.flat[len(states)].legend(handles=handles, loc="center", frameon=False, fontsize=8)
        figure.tight_layout()
    else:
        figure.legend(handles=handles, loc="lower center", ncol=6, frameon=False, fontsize=8, bbox_to_anchor=(0.5, 0.0))
        figure.tight_layout(rect=(0, 0.08, 1, 1))
    return figure


def _triangle_legend(rows: pd.DataFrame, ax: Axes) -> list:
    """Legend handles: one per domain, then the marker meanings."""
    from matplotlib.lines import Line2D

    handles = [line for line in ax.lines if str(line.get_gid()).startswith("median:")]
    first, last = rows["quarter"].astype(str).min(), rows["quarter"].astype(str).max()
    grey = "#555555"
    return [
        *handles,
        Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor=grey, label=f"median {first}"),
        Line2D([], [], marker="o", linestyle="", color=grey, markeredgecolor="black", label=f"median {last}"),
        Line2D([], [], marker="o", linestyle="", color=grey, alpha=0.3, markersize=4, label=f"each run, {last}"),
    ]


# ------------------------------------------------------------------ sensitivity analysis

def sensitivity_indices(table: pd.DataFrame, ax: Axes | None = None, title: str = "", xlabel: str | None = None,
                        labels: Mapping[str, str] | None = None, top: int | None = None, warning: str | None = None) -> Axes:
    """Horizontal bars of sensitivity indices per parameter, with confidence whiskers, largest on top.

    Sobol tables (columns ``parameter, S1, S1_conf, ST, ST_conf``) give
    first-order and total indices, sorted by ``ST``; Morris tables (columns
    ``parameter, mu_star, sigma`` and optionally ``mu_star_conf``) give μ* and σ,
    sorted by ``mu_star``. A ``*_conf`` column is the half-width of the
    confidence interval.

    Args:
        table: One row per parameter.
        ax: Axes to draw on; a new figure when None.
        title: Axes title.
        xlabel: Label of the x axis; a default naming the method when None.
        labels: Parameter → the name shown (the parameter itself when missing).
        top: Draw only the ``top`` largest; a note under the axis says how many are left out.
        warning: A caution printed in the figure, under the title (e.g. that the sample is too small).

    Returns:
        The Axes drawn on. Its bar containers are labelled ``S1 (first order)``
        and ``ST (total)`` (or ``μ*`` and ``σ``).
    """
    if {"ST", "S1"} <= set(table.columns):
        bars, key = [("ST", "ST (total)"), ("S1", "S1 (first order)")], "ST"
        default_label = "Sobol index (share of output variance)"
    elif {"mu_star", "sigma"} <= set(table.columns):
        bars, key = [("mu_star", "μ* (mean |elementary effect|)"), ("sigma", "σ (spread of effects)")], "mu_star"
        default_label = "Morris elementary effect (output units)"
    else:
        raise ValueError(f"expected Sobol (S1, ST) or Morris (mu_star, sigma) columns, got {list(table.columns)}")
    ordered = table.sort_values(key, ascending=False, kind="stable").reset_index(drop=True)
    left_out = max(0, len(ordered) - top) if top else 0
    ordered = ordered.head(len(ordered) - left_out)
    ax = ax or plt.subplots(figsize=(7.5, 0.32 * len(ordered) + 1.6))[1]
    positions = np.arange(len(ordered))[::-1].astype(float)
    height = 0.38
    for offset, colour, (column, label) in zip((height / 2, -height / 2), (OKABE_ITO[0], OKABE_ITO[5]), bars, strict=True):
        conf = ordered[f"{column}_conf"].to_numpy() if f"{column}_conf" in ordered else None
        ax.barh(positions + offset, ordered[column], height=height, color=colour, label=label, xerr=conf,
                error_kw={"ecolor": "black", "elinewidth": 0.8, "capsize": 2})
    ax.set_yticks(positions, [(labels or {}).get(p, p) for p in ordered["parameter"].astype(str)], fontsize=7)
    ax.set_ylim(-0.7, len(ordered) - 0.3)
    ax.axvline(0, color="#555555", linewidth=0.8)
    ax.grid(axis="y", visible=False)
    label = xlabel if xlabel is not None else f"{default_label}; whiskers: 95 % confidence interval"
    if left_out:
        label += f"\n{left_out} smaller {'factor' if left_out == 1 else 'factors'} not shown"
    ax.set_xlabel(label, fontsize=8)
    ax.legend(fontsize=7, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0), ncol=2, borderaxespad=0.2)
    lines = textwrap.wrap(f"⚠ {warning}", width=int(_axes_width_inches(ax) * 17)) if warning else []
    if lines:  # between the title and the legend, wrapped to the axes' width
        ax.annotate("\n".join(lines), xy=(0.0, 1.0), xycoords="axes fraction", xytext=(0, 17), textcoords="offset points",
                    fontsize=7, color="#B34400", ha="left", va="bottom", linespacing=1.3)
    ax.set_title(title, pad=20 + 9.5 * len(lines), loc="left", fontsize=9)
    return ax


# ------------------------------------------------------------------ per-run summary indicators

_HORIZONTAL: dict[str, object] = (
    {"orientation": "horizontal"} if matplotlib.__version_info__ >= (3, 10) else {"vert": False}
)
"""Keyword for a horizontal box plot (``vert`` is deprecated from Matplotlib 3.10)."""

DOTS_SHOWN = 400
"""Most runs drawn as dots in a distribution panel (a fixed random subset beyond that; the box uses every run)."""

DOT_COLOURS: tuple[str, ...] = tuple(c for c in OKABE_ITO if c not in ("#F0E442", "#000000"))
"""Dot colours: the palette without its yellow (faint on white) and black (hides the box)."""


def summary_distributions(summary: pd.DataFrame, units: dict[str, str], title: str = "",
                          labels: Mapping[str, str] | None = None) -> Figure:
    """One small panel per summary indicator: box (25–75 %, whiskers 10–90 %) and every run as a dot.

    The box and its median are drawn over the dots; with more than :data:`DOTS_SHOWN`
    runs a fixed random subset of them is drawn as dots (the box still uses every run).
    An indicator whose values are all whole numbers gets whole-number ticks.

    Args:
        summary: One row per run, one column per indicator.
        units: Indicator → unit, in the order to draw; indicators missing from ``summary`` are skipped.
        title: Figure title.
        labels: Indicator → panel title (the indicator's name when missing).

    Returns:
        The figure (one Axes per indicator).
    """
    names = [name for name in units if name in summary]
    columns = min(len(names), 3) or 1
    lines = -(-len(names) // columns) or 1
    figure, axes = plt.subplots(lines, columns, figsize=(3.6 * columns, 2.3 * lines + 0.6), squeeze=False)
    jitter = np.random.default_rng(0)  # fixed jitter and subset so a figure redraws identically
    for number, (ax, name) in enumerate(zip(axes.flat, names, strict=False)):
        values = summary[name].dropna().to_numpy(dtype=float)
        shown = values if len(values) <= DOTS_SHOWN else jitter.choice(values, DOTS_SHOWN, replace=False)
        colour = DOT_COLOURS[number % len(DOT_COLOURS)]
        ax.scatter(shown, 1 + jitter.uniform(-0.18, 0.18, len(shown)), s=10, color=colour, alpha=0.45, linewidth=0, zorder=2)
        ax.boxplot([values], **_HORIZONTAL, whis=(LOW * 100, HIGH * 100), showfliers=False, widths=0.5, zorder=3,
                   patch_artist=True, medianprops={"color": "black", "linewidth": 2},
                   boxprops={"facecolor": "none", "edgecolor": "#222222", "linewidth": 1.1},
                   whiskerprops={"color": "#222222"}, capprops={"color": "#222222"})
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.set_title((labels or {}).get(name, name), fontsize=8)
        ax.set_xlabel(units[name], fontsize=7)
        ax.tick_params(axis="x", labelsize=7)
        whole = len(values) > 0 and np.all(values == np.round(values))
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=bool(whole)))
    for ax in axes.flat[len(names):]:
        ax.set_axis_off()
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    return figure
