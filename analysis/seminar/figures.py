"""Matplotlib figures of the first seminar page, drawn from a model's outcomes up to its current quarter.

The page now draws Vega-Lite charts (:mod:`charts`); these figures remain as the
benchmark's reference for what a redraw cost before (``run.py bench --only seminar``)
and for static use in a notebook.

Every figure spans the scenario's whole horizon on the x axis, so stepping the
model visibly extends the curves. Figures are built with
:class:`matplotlib.figure.Figure` (no pyplot state), which is safe in a server
handling several sessions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from multivector.analysis.style import OKABE_ITO, STYLE
from multivector.model.params import BLOCS, DOMAINS

if TYPE_CHECKING:
    from multivector.analysis.seminar.play import SeminarModel
    from multivector.analysis.seminar.predict import Verdict

BLOC_COLOURS = dict(zip(BLOCS, (OKABE_ITO[1], OKABE_ITO[4], OKABE_ITO[0], "#BBBBBB"), strict=True))
"""Bloc → colour: Russia vermilion, China orange, the West blue, others grey."""

BLOC_LABELS = {"russia": "Russia", "china": "China", "west": "West", "other": "others"}
"""Bloc → label."""


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(STYLE):
        return Figure(figsize=(width, height), dpi=90, layout="constrained")


def _time_axis(ax: Axes, model: SeminarModel, labels: bool = True) -> None:
    """Horizon on x: tick at each year's first quarter."""
    ax.set_xlim(0, len(model.quarters) - 1)
    years = [i for i, q in enumerate(model.quarters) if q.endswith("Q1")]
    ax.set_xticks(years[::2])
    ax.set_xticklabels([model.quarters[i][:4] for i in years[::2]] if labels else [])


def _blocs_before_start(model: SeminarModel) -> np.ndarray:
    """``[state, domain, bloc]`` shares of the 2021 ties the states start from."""
    start = model.alignment_2021
    return np.stack([start[..., model.bloc_of == k].sum(axis=-1) for k in range(len(BLOCS))], axis=-1)


def alignment_figure(model: SeminarModel) -> Figure:
    """Each state's alignment per domain: stacked bloc shares over time (one panel per state and domain)."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(7.5, 8.0)
        axes = fig.subplots(len(model.state_codes), len(DOMAINS), sharex=True, sharey=True, squeeze=False)
        start = _blocs_before_start(model)[None]
        shares = np.concatenate([start, model.outcomes["bloc_share"][: model.t] if model.t else start])
        x = np.arange(-1, max(model.t, 1))  # -1: the 2021 ties the states start from
        for s, code in enumerate(model.state_codes):
            for d, domain in enumerate(DOMAINS):
                ax = axes[s, d]
                ax.stackplot(x, shares[:, s, d, :].T, colors=[BLOC_COLOURS[b] for b in BLOCS],
                             labels=[BLOC_LABELS[b] for b in BLOCS], linewidth=0)
                ax.set_ylim(0, 1)
                ax.grid(False)
                _time_axis(ax, model, labels=s == len(model.state_codes) - 1)
                ax.set_xlim(-1, len(model.quarters) - 1)
                if s == 0:
                    ax.set_title(domain)
                if d == 0:
                    ax.set_ylabel(code)
        axes[0, -1].legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False)
        return fig


def headline_figure(model: SeminarModel) -> Figure:
    """Headline outcomes so far: bloc shares, hedging and cohesion, sanctions, circumvention."""
    out, t = model.outcomes, model.t
    x = np.arange(t)
    sec, eco, dip = (DOMAINS.index(d) for d in DOMAINS)
    with matplotlib.rc_context(STYLE):
        fig = _figure(7.5, 4.6)
        (a, b), (c, d) = fig.subplots(2, 2, sharex=True)
        blocs = out["bloc_share"][:t]
        a.plot(x, blocs[:, :, sec, BLOCS.index("russia")].mean(axis=1), color=BLOC_COLOURS["russia"], label="Russia, security")
        a.plot(x, blocs[:, :, eco, BLOCS.index("china")].mean(axis=1), color=BLOC_COLOURS["china"], label="China, economy")
        a.plot(x, blocs[:, :, dip, BLOCS.index("west")].mean(axis=1), color=BLOC_COLOURS["west"], label="West, diplomacy")
        a.set_title("Bloc shares, mean of the five states")
        b.plot(x, out["hedging_index"][:t].mean(axis=(1, 2)), label="hedging index")
        b.plot(x, out["cohesion"][:t], label="regional cohesion")
        b.set_title("Hedging and cohesion (0–1)")
        c.plot(x, out["sanctions_intensity"][:t], label="sanctions intensity")
        c.plot(x, out["enforcement"][:t], label="secondary enforcement")
        c.set_title("Sanctions on Russia (0–1)")
        d.plot(x, out["circumvention"][:t].sum(axis=1), color=OKABE_ITO[3], label="re-exports to Russia")
        d.set_title("Re-exports to Russia (US$ bn/yr)")
        for ax in (a, b, c):
            ax.set_ylim(0, 1)
        for ax in (a, b, c, d):
            _time_axis(ax, model)
            ax.legend(fontsize=7, loc="upper left", frameon=False)
        return fig


def corridor_figure(model: SeminarModel) -> Figure:
    """Share of the region's freight on each route, stacked."""
    t = model.t
    names = [c.name or code for code, c in model.params.corridors.items()]
    with matplotlib.rc_context(STYLE):
        fig = _figure(6.0, 3.2)
        ax = fig.subplots()
        if t:
            ax.stackplot(np.arange(t), model.outcomes["corridor_share"][:t].T, labels=names, colors=OKABE_ITO[: len(names)])
        ax.set_ylim(0, 1)
        ax.set_title("Corridor shares of the region's freight")
        _time_axis(ax, model)
        if t:
            ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        return fig


def formats_figure(model: SeminarModel) -> Figure:
    """Cooperation formats active, and C5+X dialogues at summit level."""
    t = model.t
    with matplotlib.rc_context(STYLE):
        fig = _figure(6.0, 3.0)
        ax = fig.subplots()
        ax.step(np.arange(t), model.outcomes["formats_active"][:t], where="post", label="formats active")
        ax.step(np.arange(t), model.outcomes["summit_formats"][:t], where="post", label="C5+X dialogues at summit level")
        ax.set_ylim(0, len(model.params.formats) + 1)
        ax.set_title("Cooperation formats (count)")
        _time_axis(ax, model)
        ax.legend(fontsize=7, loc="lower right", frameon=False)
        return fig


def histogram_figure(verdict: Verdict, label: str) -> Figure:
    """The batch's values with the prediction marked."""
    with matplotlib.rc_context(STYLE):
        fig = _figure(6.0, 3.2)
        ax = fig.subplots()
        ax.hist(verdict.values, bins=min(12, max(4, len(verdict.values) // 2)), color=OKABE_ITO[0], alpha=0.8)
        ax.axvline(verdict.prediction, color=OKABE_ITO[1], linewidth=2, label=f"your prediction: {verdict.prediction:g}")
        ax.set_xlabel(f"{label} ({verdict.unit})")
        ax.set_ylabel("runs")
        ax.set_title(f"{len(verdict.values)} runs: {verdict.above:.0%} above, {verdict.below:.0%} below your prediction")
        ax.legend(fontsize=8, frameon=False)
        return fig
