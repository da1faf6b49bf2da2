"""Vega-Lite charts of the seminar page (altair), drawn from a model's outcomes up to its current quarter.

The page shows them with ``solara.FigureAltair(chart)``; the browser draws them, so
a redraw costs the server only the chart's specification (a few tens of
milliseconds), against seconds for the matplotlib figures of :mod:`figures`. The
JavaScript behind them is served offline by :mod:`assets`.

Every chart:

* takes a :class:`~multivector.analysis.seminar.play.SeminarModel` and, to compare
  two scenarios, an optional second one (``other``) drawn on the same axes, the
  line style naming each scenario in a legend (``names``, by default the scenarios'
  short titles);
* spans the scenario's whole horizon on a time axis in years, each quarter's value
  placed at the quarter's end, so stepping the model extends the curves;
* passes every text it shows — titles, axes, legends, state, power, bloc and
  corridor names — through ``tr`` (an English message → the page's language; the
  default leaves it in English), as ``_("…")`` calls that the page's message
  extraction (:mod:`i18n`) finds;
* uses fonts of at least 14 px, the colour-blind-safe Okabe–Ito palette, and a
  ``theme``: ``"light"`` or ``"dark"`` (text and grid colours; the background is
  transparent, so the page's own shows through);
* is sized for a column about 600 px wide. Charts of one view (corridors, formats,
  the prediction histogram) take ``width="container"`` to fill their column;
  Vega-Lite 5 cannot fit concatenated or faceted views to a container, so the
  alignment and headline charts take a width in pixels (the whole chart's).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import altair as alt
import numpy as np

from multivector.analysis.style import OKABE_ITO
from multivector.model.params import BLOCS, DOMAINS

if TYPE_CHECKING:
    from multivector.analysis.seminar.play import SeminarModel
    from multivector.analysis.seminar.predict import Verdict

Translate = Callable[[str], str]
"""An English message → the same message in the page's language."""

Theme = Literal["light", "dark"]
"""The page's colour theme."""

Whose = Literal["yours", "class"]
"""Whose prediction a histogram marks: a student's own, or the class's median."""

Width = int | Literal["container"]
"""A chart's width in pixels, or ``"container"``: as wide as the element holding it."""

DEFAULT_WIDTH = 560
"""Width in pixels of the charts that need one (about the page's chart column)."""

FONT_PX = 14
"""Smallest font size of any text in a chart, in pixels (legible on a projector at 1366×768)."""

BLOC_COLOURS: dict[str, str] = dict(zip(BLOCS, (OKABE_ITO[1], OKABE_ITO[4], OKABE_ITO[0], "#999999"), strict=True))
"""Bloc → colour, as in the matplotlib figures: Russia vermilion, China orange, the West blue, others grey."""

THEMES: dict[str, dict[str, str]] = {
    "light": {"text": "#1f1f1f", "muted": "#555555", "grid": "#dcdcdc", "domain": "#888888", "mark": "#000000"},
    "dark": {"text": "#f0f0f0", "muted": "#bbbbbb", "grid": "#444444", "domain": "#999999", "mark": "#ffffff"},
}
"""Theme → colours of text, secondary text, grid lines, axis lines and a neutral mark (the marked prediction)."""

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.2.0.json"
"""The schema the charts declare: the Vega-Lite the page runs them with (Solara's component loads major version 5;
its bundled assets carry 5.2.0). The charts use only what 5.2 has (the browser test draws them with it); declaring
it, rather than altair's own newer schema, keeps the browser console free of a version-mismatch warning."""

STARTING_BAR_YEARS = 0.2
"""Width on the time axis, in years, of the bar showing the starting ties before the first quarter is run."""

DASHES: tuple[list[int], list[int]] = ([1, 0], [7, 4])
"""Line style of the first and the second scenario: solid, dashed."""


def identity(text: str) -> str:
    """The default translator: English as written."""
    return text


# ------------------------------------------------------------------ shared pieces


def bloc_names(tr: Translate = identity) -> dict[str, str]:
    """Bloc code → its name in words (``"west"`` → ``"the West"``), translated."""
    _ = tr
    return {"russia": _("Russia"), "china": _("China"), "west": _("the West"), "other": _("others")}


def state_names(model: SeminarModel, tr: Translate = identity) -> list[str]:
    """The model's states by name (``Kazakhstan``, not ``KAZ``), in its state order, translated."""
    return [tr(model.params.states[code].name or code) for code in model.state_codes]


def corridor_names(model: SeminarModel, tr: Translate = identity) -> list[str]:
    """The model's corridors by name, in its corridor order, translated."""
    return [tr(corridor.name or code) for code, corridor in model.params.corridors.items()]


def scenario_label(model: SeminarModel, tr: Translate = identity) -> str:
    """A scenario's short title for a legend: its library title up to the first colon, translated.

    Falls back to the scenario's name with spaces for underscores when it is not a library scenario.
    """
    from multivector.analysis.seminar.predict import library

    try:
        title = library(model.scenario_name).data.get("title") or ""
    except Exception:  # a scenario file outside the library: its name is all there is
        title = ""
    text = tr(title) if title else model.scenario_name.replace("_", " ")
    return re.split(r"[:：]", text, maxsplit=1)[0].strip()


def scenario_names(model: SeminarModel, other: SeminarModel, tr: Translate = identity) -> tuple[str, str]:
    """Legend names of two scenarios: their short titles, with the seed where the titles agree."""
    _ = tr
    first, second = scenario_label(model, tr), scenario_label(other, tr)
    if first == second:
        first, second = (_("{scenario}, seed {seed}").format(scenario=label, seed=m.seed)
                         for label, m in ((first, model), (second, other)))
    if first == second:
        first, second = (_("{scenario} ({which})").format(scenario=first, which=k) for k in ("A", "B"))
    return first, second


def _models(model: SeminarModel, other: SeminarModel | None, names: Sequence[str] | None,
            tr: Translate) -> list[tuple[str, SeminarModel]]:
    """(legend name, model) of each scenario drawn."""
    if other is None:
        return [(names[0] if names else scenario_label(model, tr), model)]
    labels = tuple(names) if names else scenario_names(model, other, tr)
    if len(labels) != 2:
        raise ValueError(f"two scenario names are needed to compare two models, got {len(labels)}")
    return [(labels[0], model), (labels[1], other)]


def quarter_ends(model: SeminarModel) -> np.ndarray:
    """Where each quarter's value sits on the time axis: the quarter's end, in years (2021Q1 → 2021.25)."""
    return np.array([int(q[:4]) + int(q[-1]) / 4 for q in model.quarters])


def _horizon(model: SeminarModel) -> tuple[float, float]:
    """The time axis' span in years: the start of the first quarter to the end of the last."""
    ends = quarter_ends(model)
    return float(ends[0] - 0.25), float(ends[-1])


def _time_x(model: SeminarModel, tr: Translate, title: bool = True) -> alt.X:
    """The horizon in years on x, a label at the start of each year."""
    _ = tr
    start, end = _horizon(model)
    years = list(range(int(np.ceil(start)), int(np.floor(end)) + 1))
    return alt.X("year:Q", title=_("year") if title else None, scale=alt.Scale(domain=[start, end], nice=False, zero=False),
                 axis=alt.Axis(values=years[:-1] if years[-1] == end else years, format="d", labelOverlap=True, grid=False))


def _reached(model: SeminarModel, tr: Translate) -> str:
    """Subtitle words for how far the run has got."""
    _ = tr
    return _("through {quarter}").format(quarter=model.quarters[model.t - 1]) if model.t else _("nothing simulated yet")


def _round(values: Iterable[float], digits: int = 4) -> list[float | None]:
    """Plain floats for JSON, rounded; NaN (not run yet) as ``None``."""
    return [None if not np.isfinite(v) else round(float(v), digits) for v in values]


def _data(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows as inline data: one JSON string the browser parses.

    Handing altair a list of row objects costs it a walk over every value each
    time it copies, validates or serialises the chart (about 1 ms per 100 rows);
    one string is a single value to it.
    """
    return {"values": json.dumps(rows, ensure_ascii=False, separators=(",", ":")), "format": {"type": "json"}}


def _series_rows(drawn: list[tuple[str, SeminarModel]], measures: dict[str, Callable[[SeminarModel], np.ndarray]],
                 digits: int = 4) -> list[dict[str, Any]]:
    """Rows ``{year, quarter, series, value, scenario}``: each measure's value per quarter run, for each scenario."""
    rows = []
    for label, m in drawn:
        times, quarters = quarter_ends(m)[: m.t], m.quarters[: m.t]
        for series, measure in measures.items():
            values = _round(measure(m), digits) if m.t else []
            rows += [{"year": x, "quarter": q, "series": series, "value": v, "scenario": label}
                     for x, q, v in zip(times, quarters, values, strict=True)]
    return rows


def theme_config(theme: Theme) -> dict[str, Any]:
    """Vega-Lite ``config`` of a theme: fonts of at least :data:`FONT_PX`, the theme's colours, a transparent background.

    Raises:
        ValueError: On an unknown theme.
    """
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}; one of: {', '.join(THEMES)}")
    c = THEMES[theme]
    text = {"labelColor": c["text"], "titleColor": c["text"], "labelFontSize": FONT_PX, "titleFontSize": FONT_PX, "titleFontWeight": "normal"}
    return {
        "background": "transparent", "font": "sans-serif", "view": {"stroke": None},
        "axis": {**text, "gridColor": c["grid"], "domainColor": c["domain"], "tickColor": c["domain"]},
        "legend": {**text, "labelLimit": 0, "symbolSize": 140},
        "header": {k: v for k, v in text.items() if k != "titleFontWeight"},
        "title": {"fontSize": FONT_PX + 3, "subtitleFontSize": FONT_PX, "color": c["text"], "subtitleColor": c["muted"],
                  "anchor": "start", "offset": 8},
        "text": {"fontSize": FONT_PX, "color": c["text"]},
    }


def _finish(chart: alt.TopLevelMixin, theme: Theme, title: alt.TitleParams) -> alt.TopLevelMixin:
    """Set a new chart's title, theme and schema in place.

    In place rather than through ``.properties()``/``.configure_*()``, each of which copies
    and validates the whole chart again (most of a compound chart's cost). Also hides
    vega-embed's action menu, whose links need the network and which clutters a projected page.
    """
    chart.title = title
    chart.config = theme_config(theme)
    chart.padding = {"left": 4, "top": 4, "right": 18, "bottom": 4}  # room for the last x label
    chart.usermeta = {"embedOptions": {"actions": False, "renderer": "svg"}}  # no export menu (its editor link needs the network)
    chart["$schema"] = VEGA_LITE_SCHEMA
    return chart


def _title(text: str, subtitle: str | list[str] = "") -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle) if subtitle else alt.TitleParams(text=text)


def _scenario_dash(labels: Sequence[str], tr: Translate, orient: str = "top") -> alt.StrokeDash:
    """Line style by scenario: solid for the first, dashed for the second, with a legend naming both."""
    _ = tr
    return alt.StrokeDash("scenario:N", title=_("scenario"), scale=alt.Scale(domain=list(labels), range=list(DASHES)),
                          legend=alt.Legend(orient=orient, symbolStrokeWidth=3, symbolType="stroke", symbolSize=500))


# ------------------------------------------------------------------ alignment


def alignment_chart(model: SeminarModel, other: SeminarModel | None = None, *, domain: str = "security",
                    names: Sequence[str] | None = None, tr: Translate = identity, theme: Theme = "light",
                    width: int = DEFAULT_WIDTH) -> alt.FacetChart:
    """The five states' alignment by bloc (Russia, China, the West, others) in one domain, over time.

    One row per state, the full width of the chart, all on one time axis; the
    page offers the domain as a control (security, economy, diplomacy) and passes
    it here. Why one domain at a time: three domains side by side at 600 px leave
    each panel about 150 px wide (the 15 small panels of the matplotlib figure),
    and stacked one above the other they do not fit a 768 px projector screen;
    one domain keeps every state's panel full width, so a shift of a few percent
    is visible and every label stays at full size. A selector inside the chart
    would be reset each quarter, when the page sends the chart anew; the page's
    own control keeps its value.

    One scenario: each state's shares stacked (they sum to 1), starting from the
    2021 ties the states start from. Two scenarios: each bloc's share as a line,
    solid for the first scenario and dashed for the second.

    Args:
        model: The model, at any quarter.
        other: A second model to compare on the same axes, or ``None``.
        domain: ``security``, ``economy`` or ``diplomacy``.
        names: Legend names of the scenarios (default: their short titles).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: The chart's width in pixels, row labels included.

    Raises:
        ValueError: On an unknown domain or theme.
    """
    _ = tr
    if domain not in DOMAINS:
        raise ValueError(f"unknown domain {domain!r}; one of: {', '.join(DOMAINS)}")
    d = DOMAINS.index(domain)
    blocs, states = bloc_names(tr), state_names(model, tr)
    drawn = _models(model, other, names, tr)
    rows: list[dict[str, Any]] = []
    for label, m in drawn:
        start = np.stack([m.alignment_2021[..., m.bloc_of == k].sum(axis=-1) for k in range(len(BLOCS))], axis=-1)
        shares = np.concatenate([start[None], m.outcomes["bloc_share"][: m.t]])  # [time, state, domain, bloc]
        times = [_horizon(m)[0], *quarter_ends(m)[: m.t]]
        quarters = [_("starting ties"), *m.quarters[: m.t]]
        for s, state in enumerate(states):
            for k, bloc in enumerate(BLOCS):
                rows += [{"year": x, "state": state, "bloc": blocs[bloc], "share": v, "quarter": q, "scenario": label, "order": k}
                         for x, v, q in zip(times, _round(shares[:, s, d, k], 3), quarters, strict=True)]
    colour = alt.Color("bloc:N", title=None, scale=alt.Scale(domain=[blocs[b] for b in BLOCS], range=[BLOC_COLOURS[b] for b in BLOCS]),
                       legend=alt.Legend(orient="top" if other is None else "bottom", direction="horizontal"))
    tooltip = [alt.Tooltip("state:N", title=_("state")), alt.Tooltip("quarter:N", title=_("quarter")),
               alt.Tooltip("bloc:N", title=_("bloc")), alt.Tooltip("share:Q", title=_("share"), format=".0%"),
               alt.Tooltip("scenario:N", title=_("scenario"))]
    y_axis = alt.Axis(values=[0, 0.5, 1], format="%", grid=True)
    if other is None and model.t:
        base = alt.Chart(_data(rows)).mark_area(line=False, opacity=0.95).encode(
            x=_time_x(model, tr), y=alt.Y("share:Q", title=None, stack="zero", scale=alt.Scale(domain=[0, 1]), axis=y_axis),
            color=colour, order=alt.Order("order:Q"), tooltip=tooltip)
        row_height = 52
    elif other is None:  # before the first quarter: the starting ties as a narrow stacked bar at the start
        for row in rows:
            row["until"] = row["year"] + STARTING_BAR_YEARS
        base = alt.Chart(_data(rows)).mark_bar(opacity=0.95).encode(
            x=_time_x(model, tr), x2=alt.X2("until:Q"),
            y=alt.Y("share:Q", title=None, stack="zero", scale=alt.Scale(domain=[0, 1]), axis=y_axis),
            color=colour, order=alt.Order("order:Q"), tooltip=tooltip)
        row_height = 52
    else:
        base = alt.Chart(_data(rows)).mark_line(strokeWidth=2.5, point=max(model.t, other.t) == 0).encode(
            x=_time_x(model, tr), y=alt.Y("share:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=y_axis),
            color=colour, strokeDash=_scenario_dash([label for label, _m in drawn], tr), detail=alt.Detail("scenario:N"),
            tooltip=tooltip)
        row_height = 72
    label_width = max(len(s) for s in states) * 8 + 12
    chart = base.properties(width=max(width - label_width - 50, 200), height=row_height).facet(
        row=alt.Row("state:N", title=None, sort=states,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelOrient="left", labelBaseline="middle", labelPadding=6)),
        spacing=18,
    )
    subtitle = _("Share of each state's {domain} ties held by each bloc, {reached}").format(domain=tr(domain), reached=_reached(model, tr))
    return _finish(chart, theme, _title(_("Alignment by bloc: {domain}").format(domain=tr(domain)), subtitle))


# ------------------------------------------------------------------ headline outcomes


def headline_chart(model: SeminarModel, other: SeminarModel | None = None, *, names: Sequence[str] | None = None,
                   tr: Translate = identity, theme: Theme = "light", width: int = DEFAULT_WIDTH) -> alt.FacetChart:
    """Headline outcomes over time, four small panels: hedging, Russia's security share, cohesion, re-exports.

    * hedging index (0–1), the mean over the five states and the three domains;
    * Russia's share of the states' security ties (0–1), the mean over the five states;
    * regional cohesion (0–1);
    * re-exports to Russia, the five states' sum (US$ bn/yr).

    Each panel has its unit in its title; the three 0–1 measures keep the whole
    0–1 axis, so stepping the model does not rescale them. A second scenario is
    drawn dashed.

    Args:
        model: The model, at any quarter.
        other: A second model to compare on the same axes, or ``None``.
        names: Legend names of the scenarios (default: their short titles).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: The chart's width in pixels.
    """
    _ = tr
    drawn = _models(model, other, names, tr)
    security = DOMAINS.index("security")
    panels = {
        _("Hedging index, 0–1"): (OKABE_ITO[0], lambda m: m.outcomes["hedging_index"][: m.t].mean(axis=(1, 2)), 1.0),
        _("Russia's security share, 0–1"): (BLOC_COLOURS["russia"], lambda m: m.outcomes["russia_share"][: m.t, :, security].mean(axis=1), 1.0),
        _("Regional cohesion, 0–1"): (OKABE_ITO[2], lambda m: m.outcomes["cohesion"][: m.t], 1.0),
        _("Re-exports to Russia, US$ bn/yr"): (OKABE_ITO[3], lambda m: m.outcomes["circumvention"][: m.t].sum(axis=1), None),
    }
    titles = list(panels)
    rows = _series_rows(drawn, {title: measure for title, (_colour, measure, _top) in panels.items()}, digits=3)
    # Invisible points holding each panel's y range open: 0–1, or 0 and above for re-exports.
    start = _horizon(model)[0]
    rows += [{"year": start, "series": title, "bound": bound} for title, (_c, _m, top) in panels.items() for bound in (0.0, top or 1.0)]
    colour = alt.Color("series:N", legend=None, scale=alt.Scale(domain=titles, range=[colour for colour, _m, _t in panels.values()]))
    line_encoding: dict[str, Any] = {
        "x": _time_x(model, tr, title=False), "y": alt.Y("value:Q", title=None, axis=alt.Axis(tickCount=3, format="~g")),
        "color": colour,
        "tooltip": [alt.Tooltip("series:N", title=_("what")), alt.Tooltip("quarter:N", title=_("quarter")),
                    alt.Tooltip("value:Q", title=_("value"), format=".3~g"), alt.Tooltip("scenario:N", title=_("scenario"))],
    }
    if other is not None:
        line_encoding["strokeDash"] = _scenario_dash([label for label, _m in drawn], tr)
        line_encoding["detail"] = alt.Detail("scenario:N")
    base = alt.Chart()
    lines = base.mark_line(strokeWidth=2.5, point=model.t == 1).encode(**line_encoding).transform_filter("isValid(datum.value)")
    bounds = base.mark_point(opacity=0).encode(x=alt.X("year:Q"), y=alt.Y("bound:Q")).transform_filter("isValid(datum.bound)")
    panel_width = max((width - 2 * 50 - 20) // 2, 160)
    layers = [lines, bounds] if any(m.t for _label, m in drawn) else [bounds]  # no line before the first quarter
    # Built with the constructors: each .properties()/.facet()/.resolve_*() call copies and validates the chart again.
    chart = alt.FacetChart(
        data=_data(rows), spec=alt.LayerChart(layer=layers, width=panel_width, height=110),
        facet=alt.Facet("series:N", title=None, sort=titles,
                        header=alt.Header(labelOrient="top", labelAnchor="start", labelFontSize=FONT_PX + 1, labelPadding=4)),
        columns=2, spacing={"row": 12, "column": 24},
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(y="independent"), axis=alt.AxisResolveMap(x="independent")),
    )
    subtitle = _("Means over the five states, re-exports their sum; {reached}").format(reached=_reached(model, tr))
    return _finish(chart, theme, _title(_("Headline outcomes"), subtitle))


# ------------------------------------------------------------------ corridors and formats


def corridor_chart(model: SeminarModel, other: SeminarModel | None = None, *, names: Sequence[str] | None = None,
                   tr: Translate = identity, theme: Theme = "light", width: Width = "container") -> alt.Chart:
    """The region's freight by route over time: shares stacked (one scenario) or as lines (two, the second dashed).

    Args:
        model: The model, at any quarter.
        other: A second model to compare on the same axes, or ``None``.
        names: Legend names of the scenarios (default: their short titles).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: Pixels, or ``"container"`` to fill the element holding the chart.
    """
    _ = tr
    drawn = _models(model, other, names, tr)
    routes = corridor_names(model, tr)
    measures = {name: (lambda m, k=k: m.outcomes["corridor_share"][: m.t, k]) for k, name in enumerate(routes)}
    rows = _series_rows(drawn, measures, digits=3)
    order = {name: k for k, name in enumerate(routes)}
    for row in rows:
        row["order"] = order[row["series"]]
    colour = alt.Color("series:N", title=None, sort=routes, scale=alt.Scale(domain=routes, range=list(OKABE_ITO[: len(routes)])),
                       legend=alt.Legend(orient="bottom", direction="vertical", columns=2 if max(map(len, routes)) <= 28 else 1))
    tooltip = [alt.Tooltip("series:N", title=_("route")), alt.Tooltip("quarter:N", title=_("quarter")),
               alt.Tooltip("value:Q", title=_("share of freight"), format=".0%"), alt.Tooltip("scenario:N", title=_("scenario"))]
    y_axis = alt.Axis(values=[0, 0.25, 0.5, 0.75, 1], format="%")
    if other is None:
        chart = alt.Chart(_data(rows)).mark_area(opacity=0.95).encode(
            x=_time_x(model, tr), y=alt.Y("value:Q", title=_("share of the region's freight"), stack="zero", scale=alt.Scale(domain=[0, 1]),
                                          axis=y_axis),
            color=colour, order=alt.Order("order:Q"), tooltip=tooltip)
    else:
        chart = alt.Chart(_data(rows)).mark_line(strokeWidth=2.5).encode(
            x=_time_x(model, tr), y=alt.Y("value:Q", title=_("share of the region's freight"), scale=alt.Scale(domain=[0, 1]), axis=y_axis),
            color=colour, strokeDash=_scenario_dash([label for label, _m in drawn], tr), detail=alt.Detail("scenario:N"), tooltip=tooltip)
    title = _title(_("Corridors: the region's freight by route"), _reached(model, tr))
    return _finish(chart.properties(width=width, height=200), theme, title)


def formats_chart(model: SeminarModel, other: SeminarModel | None = None, *, names: Sequence[str] | None = None,
                  tr: Translate = identity, theme: Theme = "light", width: Width = "container") -> alt.Chart:
    """Cooperation formats over time: how many are active, and how many C5+X dialogues meet at summit level.

    Args:
        model: The model, at any quarter.
        other: A second model to compare on the same axes, or ``None``.
        names: Legend names of the scenarios (default: their short titles).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: Pixels, or ``"container"`` to fill the element holding the chart.
    """
    _ = tr
    drawn = _models(model, other, names, tr)
    active, summit = _("formats active"), _("C5+X dialogues at summit level")
    rows = _series_rows(drawn, {active: lambda m: m.outcomes["formats_active"][: m.t],
                                summit: lambda m: m.outcomes["summit_formats"][: m.t]}, digits=0)
    top = max(len(m.params.formats) for _label, m in drawn) + 1
    encoding: dict[str, Any] = {
        "x": _time_x(model, tr),
        "y": alt.Y("value:Q", title=_("count"), scale=alt.Scale(domain=[0, top]), axis=alt.Axis(tickMinStep=1, format="d")),
        "color": alt.Color("series:N", title=None, scale=alt.Scale(domain=[active, summit], range=[OKABE_ITO[0], OKABE_ITO[1]]),
                           legend=alt.Legend(orient="top", direction="horizontal")),
        "tooltip": [alt.Tooltip("series:N", title=_("what")), alt.Tooltip("quarter:N", title=_("quarter")),
                    alt.Tooltip("value:Q", title=_("count")), alt.Tooltip("scenario:N", title=_("scenario"))],
    }
    if other is not None:
        encoding["strokeDash"] = _scenario_dash([label for label, _m in drawn], tr, orient="bottom")
        encoding["detail"] = alt.Detail("scenario:N")
    chart = alt.Chart(_data(rows)).mark_line(strokeWidth=2.5, interpolate="step-after", point=model.t == 1).encode(**encoding)
    title = _title(_("Cooperation formats"), _reached(model, tr))
    return _finish(chart.properties(width=width, height=170), theme, title)


def explore_charts(model: SeminarModel, other: SeminarModel | None = None, *, domain: str = "security",
                   names: Sequence[str] | None = None, tr: Translate = identity, theme: Theme = "light",
                   width: int = DEFAULT_WIDTH) -> list[alt.TopLevelMixin]:
    """The explore view's four charts, in page order: alignment, headline outcomes, corridors, formats.

    Args:
        model: The model, at any quarter.
        other: A second model to compare on the same axes, or ``None``.
        domain: The alignment chart's domain.
        names: Legend names of the scenarios (default: their short titles).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: Width in pixels of the charts that need one; the others fill their container.
    """
    common: dict[str, Any] = {"names": names, "tr": tr, "theme": theme}
    return [alignment_chart(model, other, domain=domain, width=width, **common), headline_chart(model, other, width=width, **common),
            corridor_chart(model, other, **common), formats_chart(model, other, **common)]


# ------------------------------------------------------------------ predict, then run


def histogram_bins(values: np.ndarray, others: Sequence[float] = (), most: int = 40) -> np.ndarray:
    """Bin edges for the model's values, extended by whole bins to cover other values (the students' predictions).

    The bin width comes from the model's runs (4–12 bins over their range, fewer for
    few runs); predictions outside that range add bins of the same width, up to
    ``most`` bins in all, beyond which the whole span is cut into ``most`` bins.

    Args:
        values: The model's values (at least one, finite).
        others: Further values to cover.
        most: Most bins.

    Returns:
        Increasing bin edges.
    """
    values = np.asarray(values, dtype=float)
    low, high = float(values.min()), float(values.max())
    count = min(12, max(4, len(values) // 2))
    if high - low <= 1e-12:
        half = max(abs(low) * 0.05, 0.01)
        low, high = low - half, high + half
    step = (high - low) / count
    extra = np.asarray([v for v in others if np.isfinite(v)], dtype=float)
    below = int(np.ceil((low - extra.min()) / step)) if extra.size and extra.min() < low else 0
    above = int(np.ceil((extra.max() - high) / step)) if extra.size and extra.max() > high else 0
    if count + below + above > most:
        return np.linspace(min(low, extra.min()), max(high, extra.max()), most + 1)
    return low + step * np.arange(-below, count + above + 1)


def prediction_histogram(verdict: Verdict, label: str, predictions: Sequence[float] = (), *, tr: Translate = identity,
                         theme: Theme = "light", width: Width = "container", whose: Whose = "yours") -> alt.LayerChart:
    """The model's distribution of a quantity, the students' pooled predictions over it, and one prediction marked.

    Both distributions are drawn as the share of their own total in each bin (the
    model's runs as filled bars, the students' predictions as outlined bars on the
    same bins), so a class of 12 compares with a batch of 100 runs; the marked
    prediction (``verdict.prediction``, "your prediction") is a vertical line.

    Args:
        verdict: The batch's values and the prediction they were compared with (:func:`predict.run_prediction`).
        label: The quantity in plain words (a menu label of ``predict.QUANTITIES`` or the metric the student typed).
        predictions: Every student's prediction of the same quantity, pooled (may be empty).
        tr: Translator of every text shown.
        theme: ``"light"`` or ``"dark"``.
        width: Pixels, or ``"container"`` to fill the element holding the chart.
        whose: Whose prediction is marked: ``"yours"`` (a student's own), or ``"class"`` (the class's median, on the
            lecturer's screen).

    Raises:
        ValueError: If the verdict holds no finite value.
    """
    _ = tr
    values = np.asarray(verdict.values, dtype=float)
    values = values[np.isfinite(values)]
    if not values.size:
        raise ValueError(f"no finite value of {verdict.metric!r} to draw")
    pooled = [float(p) for p in predictions if np.isfinite(p)]
    edges = histogram_bins(values, [*pooled, verdict.prediction])
    runs_name, students_name = _("model runs"), _("students' predictions")
    yours_name = (_("your prediction: {value}") if whose == "yours" else _("the class's median: {value}")).format(
        value=f"{verdict.prediction:g}")
    mark = THEMES[theme]["mark"] if theme in THEMES else THEMES["light"]["mark"]
    names = [runs_name, *([students_name] if pooled else []), yours_name]
    palette = {runs_name: OKABE_ITO[0], students_name: OKABE_ITO[1], yours_name: mark}
    colour = alt.Color("series:N", title=None, scale=alt.Scale(domain=names, range=[palette[n] for n in names]),
                       legend=alt.Legend(orient="top", direction="horizontal"))
    x = alt.X("lo:Q", title=_("value ({unit})").format(unit=tr(verdict.unit)),
              scale=alt.Scale(domain=[float(edges[0]), float(edges[-1])], nice=False, zero=False),
              axis=alt.Axis(labelOverlap=True, labelFlush=True, tickCount=6))
    y = alt.Y("share:Q", title=_("share of each group"), axis=alt.Axis(format="%", tickCount=5))
    tooltip = [alt.Tooltip("series:N", title=_("what")), alt.Tooltip("lo:Q", title=_("from"), format=".3g"),
               alt.Tooltip("hi:Q", title=_("to"), format=".3g"), alt.Tooltip("n:Q", title=_("count"))]
    layers = []
    for name, sample in ((runs_name, values), (students_name, np.asarray(pooled))):
        if not sample.size:
            continue
        counts, _edges = np.histogram(np.clip(sample, edges[0], edges[-1]), bins=edges)
        rows = [{"lo": round(float(lo), 6), "hi": round(float(hi), 6), "share": round(float(n) / sample.size, 4), "n": int(n),
                 "series": name} for lo, hi, n in zip(edges[:-1], edges[1:], counts, strict=True) if n]
        bar = alt.MarkDef(type="bar", opacity=0.8) if name == runs_name else alt.MarkDef(type="bar", filled=False, strokeWidth=3)
        layers.append(alt.Chart(_data(rows), mark=bar).encode(x=x, x2=alt.X2("hi:Q"), y=y, color=colour, tooltip=tooltip))
    layers.append(alt.Chart(_data([{"value": float(verdict.prediction), "series": yours_name}])).mark_rule(strokeWidth=3, strokeDash=[6, 3])
                  .encode(x=alt.X("value:Q"), color=colour))
    template = (_("{runs} runs ({over}): {above} above your prediction, {below} below") if whose == "yours" else
                _("{runs} runs ({over}): {above} above the class's median, {below} below"))
    subtitle = [template.format(runs=len(verdict.values), over=tr(verdict.over), above=f"{verdict.above:.0%}",
                                   below=f"{verdict.below:.0%}")]
    if pooled:
        subtitle.append(_("{count} students' predictions, outlined").format(count=len(pooled)))
    return _finish(alt.layer(*layers).properties(width=width, height=220), theme, _title(tr(label), subtitle))
