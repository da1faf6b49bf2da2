"""Figures and a self-contained HTML report drawn from a results folder.

Nothing here runs the model: :func:`save_figures` and :func:`write_report`
read what a batch left on disk (its manifest and chunk files, through
:class:`ensemble.results.ResultsFolder`, which derives outcomes and summaries as it reads).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

from multivector.model.errors import InputError

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from multivector.analysis.plots import (
    HIGH,
    LOW,
    alignment_triangles,
    end_state_distribution,
    fan_chart,
    sensitivity_indices,
    summary_distributions,
)
from multivector.analysis.style import save_figure
from multivector.ensemble.results import ResultsFolder
from multivector.model.outcomes import STATE_SEPARATOR, STATE_SUMMARY, SUMMARY, summary_definition
from multivector.scenarios import citations, load_registry
from multivector.scenarios.designs import design_summary

KEY_OUTCOMES = ["russia_share", "hedging_index", "corridor_share", "summit_formats", "cohesion"]
"""Outcomes the key figures draw on."""

INDICATOR_LABELS: dict[str, str] = {
    "hedging_index": "Hedging index (mean over states)",
    "russia_security_share": "Russia's security share (mean)",
    "china_economy_share": "China's economic share (mean)",
    "west_diplomacy_share": "West's diplomatic share (mean)",
    "cohesion": "Regional cohesion",
    "summit_formats": "C5+X dialogues at summit level",
    "circumvention_bn": "Re-exports to Russia",
    "designations": "Firms designated",
    "unrest_events": "Unrest events",
}
"""Summary indicator → how figures and tables name it (:data:`model.outcomes.SUMMARY` holds the definitions)."""

STATE_LABELS: dict[str, str] = {
    "hedging_index": "Hedging index",
    "largest_share": "Largest single power's share",
    "russia_security_share": "Russia's security share",
    "china_economy_share": "China's economic share",
}
"""Per-state indicator (``<indicator>__<state>``) → how the report's per-state table names it."""

SENSITIVITY_INDICATOR = "russia_security_share"
"""Indicator of the sensitivity figure and indices table (``run.py plot --indicator`` chooses another)."""


def names_of(manifest: dict[str, Any]) -> dict[str, str]:
    """Code → name of the scenario's states, powers, corridors and formats, from the manifest's resolved scenario."""
    scenario = manifest.get("resolved_scenario", {})
    return {code: str(item.get("name", code)) for key in ("states", "powers", "corridors", "formats")
            for code, item in scenario.get(key, {}).items() if isinstance(item, dict)}


FIGURE_OUTCOMES: dict[str, list[str]] = {
    "russia_security_share": ["russia_share"], "hedging_index": ["hedging_index"], "corridor_shares": ["corridor_share"],
    "formats_and_cohesion": ["summit_formats", "cohesion"], "alignment_triangles": ["bloc_share"],
}
"""The outcomes each figure reads: read figure by figure, so that only one figure's long table is in memory at a time."""


def _drawer(folder: ResultsFolder, figure: str, draw: Callable[..., Figure], *args: Any) -> Callable[[], Figure]:
    """Draws ``figure`` from the long table of its outcomes, read when it is drawn (and freed after)."""
    return lambda: draw(folder.load_steps(FIGURE_OUTCOMES[figure]), *args)


def save_key_figures(folder: ResultsFolder) -> list[Path]:
    """Draw the headline figures of a batch into ``<folder>/figures`` and return their paths."""
    names = names_of(folder.manifest())
    return [_save(folder, name, _drawer(folder, name, draw, names)) for name, draw in _FIGURES.items()]


def save_figures(folder: ResultsFolder | Path | str) -> list[Path]:
    """Draw every report figure of a batch into ``<folder>/figures`` as PNG.

    The figures are the four key figures (Russia's security share, hedging,
    corridors, formats and cohesion), the alignment triangles of every state
    and the distributions over runs of the summary indicators; each is stamped
    with the scenario, the results folder's name and the package version.

    Args:
        folder: A results folder (or its path) holding at least one finished run.

    Returns:
        Paths of the PNG files written, in report order.

    Raises:
        FileNotFoundError: If the folder has no manifest or no finished run.
    """
    folder = _open(folder)
    summary = folder.load_summary()
    names = names_of(folder.manifest())
    units = {name: summary_unit(name, definition) for name, definition in SUMMARY.items()}
    drawers: dict[str, Callable[[], Figure]] = {name: _drawer(folder, name, draw, names) for name, draw in _FIGURES.items()}
    drawers["alignment_triangles"] = _drawer(folder, "alignment_triangles", alignment_triangles)
    drawers["summary_indicators"] = partial(
        summary_distributions, summary, units, title="Summary indicators over runs (last quarter or whole horizon)",
        labels=INDICATOR_LABELS)
    return [_save(folder, name, draw) for name, draw in drawers.items()]


@dataclass(frozen=True)
class Sensitivity:
    """Sensitivity indices of one indicator of a Sobol or Morris batch, drawn and tabulated.

    Attributes:
        indicator: The summary indicator.
        table: One row per factor (:func:`analysis.sensitivity.indices`), largest first.
        figure: The PNG drawn (its indices also as CSV beside it).
        warning: Why the indices should not be read as they stand (too small a sample), or None.
    """

    indicator: str
    table: pd.DataFrame
    figure: Path
    warning: str | None


SENSITIVITY_BARS = 20
"""Factors drawn in the sensitivity figure (the largest; the CSV holds every one)."""


def save_sensitivity(folder: ResultsFolder | Path | str, indicator: str = SENSITIVITY_INDICATOR) -> Sensitivity | None:
    """Sobol or Morris indices of one indicator: figure (PNG) and table (CSV) in ``<folder>/figures``; None for other designs.

    The figure and the returned warning say when the sample is too small for the
    indices to be read (:func:`analysis.sensitivity.reliability_warning`).

    Raises:
        ValueError: If the indicator is not a summary indicator, or design points have no finished run.
    """
    from multivector.analysis.sensitivity import indices, reliability_warning

    folder = _open(folder)
    manifest = folder.manifest()
    design = manifest["design"]
    if design["kind"] not in ("sobol", "morris"):
        return None
    summary = folder.load_summary()
    if indicator not in summary or indicator in ("run", "seed", "point") or indicator.startswith("factor."):
        known = [n for n in summary if n not in ("run", "seed", "point") and not n.startswith("factor.")]
        raise InputError(f"unknown indicator {indicator!r}; expected one of: {', '.join(known)}")
    table = indices(manifest, summary, indicator, seed=manifest["root_seed"])
    warning = reliability_warning(table, design)
    labels = factor_labels(manifest)
    kind = "Sobol" if design["kind"] == "sobol" else "Morris"
    title = f"{kind} indices: {_indicator_label(indicator)}\n{design_summary(design)}"
    path = _save(folder, f"sensitivity_{indicator}", lambda: sensitivity_indices(
        table, title=title, labels=labels, top=SENSITIVITY_BARS, warning=warning).figure)
    table.assign(label=[labels.get(p, p) for p in table["parameter"]]).to_csv(path.with_suffix(".csv"), index=False)
    return Sensitivity(indicator, table, path, warning)


def factor_labels(manifest: dict[str, Any]) -> dict[str, str]:
    """Design factor (key path) → a readable name: the entry's name and the field in words (``Russia: standing``)."""
    names = names_of(manifest)
    labels = {}
    for factor in manifest.get("design", {}).get("factors", []):
        parts = str(factor["path"]).split(".")
        field = parts[-1].replace("_", " ")
        owner = names.get(parts[1], parts[1]) if len(parts) == 3 else parts[0].capitalize()
        labels[factor["path"]] = f"{owner}: {field}"
    return labels


def _indicator_label(name: str) -> str:
    indicator, _, state = name.rpartition(STATE_SEPARATOR)
    if indicator in STATE_LABELS and state:
        return f"{STATE_LABELS[indicator]} ({state})"
    return INDICATOR_LABELS.get(name, name)


def _open(folder: ResultsFolder | Path | str) -> ResultsFolder:
    """The results folder at a path, checked to hold a manifest of the current layout and finished runs.

    Raises:
        FileNotFoundError: If the folder has no manifest or no finished run.
        ensemble.results.OldLayoutError: If an older version wrote it (one line: run the batch again with --overwrite).
    """
    path = folder.path if isinstance(folder, ResultsFolder) else Path(folder)
    if not (path / "manifest.json").is_file():
        raise FileNotFoundError(f"{path} is not a results folder (no manifest.json)")
    opened = folder if isinstance(folder, ResultsFolder) else ResultsFolder(path)
    opened.manifest()
    if not opened.chunk_files():
        raise FileNotFoundError(f"{path} holds no finished run")
    return opened


def _save(folder: ResultsFolder, name: str, draw: Callable[[], Figure]) -> Path:
    """Draw a figure in the project style, stamp it, write it to ``<folder>/figures/<name>.png`` and close it."""
    manifest = folder.manifest()
    target = folder.path / "figures"
    target.mkdir(exist_ok=True)
    return save_figure(target / f"{name}.png", draw, manifest["scenario"], folder.path.name, manifest["package_version"])


def summary_unit(name: str, definition: str) -> str:
    """Unit of a summary indicator: the trailing parenthesis of its definition, else ``share`` for shares.

    Args:
        name: Indicator name, e.g. ``"cohesion"``.
        definition: Its definition from :data:`model.outcomes.SUMMARY`.

    Returns:
        The unit, e.g. ``"0–1"``, ``"US$ bn/yr"`` or ``"share"``; ``""`` if unknown.
    """
    found = re.search(r"\(([^()]*)\)\s*$", definition)
    if found:
        return found.group(1)
    return "share" if "share" in name or "share" in definition else ""


def _russia_security(frame: pd.DataFrame, names: dict[str, str]) -> Figure:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=[2, 1])
    rows = frame[(frame["outcome"] == "russia_share") & (frame["domain"] == "security")]
    fan_chart(rows, by="state", ax=left, title="Russia's share of security alignment (median, 10–90 %)", ylabel="share",
              labels=names)
    end_state_distribution(rows, by="state", ax=right, title="Last quarter", ylabel="share")
    return figure


def _hedging(frame: pd.DataFrame, names: dict[str, str]) -> Figure:
    figure, axes = plt.subplots(1, 3, figsize=(11, 3.4), sharey=True)
    for ax, domain in zip(axes, ("security", "economy", "diplomacy"), strict=True):
        rows = frame[(frame["outcome"] == "hedging_index") & (frame["domain"] == domain)]
        fan_chart(rows, by="state", ax=ax, title=f"Hedging index: {domain}",
                  ylabel="0 = one partner, 1 = even" if ax is axes[0] else "",
                  legend="right" if ax is axes[-1] else None, labels=names)
    return figure


def _corridors(frame: pd.DataFrame, names: dict[str, str]) -> Figure:
    figure, ax = plt.subplots(figsize=(8, 3.6))
    fan_chart(frame[frame["outcome"] == "corridor_share"], by="corridor", ax=ax,
              title="Share of the region's freight by route", ylabel="share", legend="right", labels=names)
    return figure


def _formats(frame: pd.DataFrame, names: dict[str, str]) -> Figure:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
    fan_chart(frame[frame["outcome"] == "summit_formats"], ax=left, title="C5+X dialogues at summit level", ylabel="count")
    fan_chart(frame[frame["outcome"] == "cohesion"], ax=right, title="Regional cohesion", ylabel="0–1")
    return figure


_FIGURES: dict[str, Callable[[pd.DataFrame, dict[str, str]], Figure]] = {
    "russia_security_share": _russia_security,
    "hedging_index": _hedging,
    "corridor_shares": _corridors,
    "formats_and_cohesion": _formats,
}

CAPTIONS: dict[str, str] = {
    "russia_security_share": "Russia's share of each state's security alignment per quarter: median line and 10–90 % band over runs; "
                             "right, the distribution over runs in the last quarter.",
    "hedging_index": "Hedging index per domain (normalised entropy of alignment over the powers: 0 = one partner only, "
                     "1 = even spread); median and 10–90 % band over runs.",
    "corridor_shares": "Share of the region's freight on each route; median and 10–90 % band over runs.",
    "formats_and_cohesion": "Left: C5+X dialogues meeting at heads-of-state level (count). Right: regional cohesion (0–1). "
                            "Median and 10–90 % band over runs.",
    "alignment_triangles": "Alignment by bloc, renormalised so that Russia + China + West = 1 (other blocs left out; "
                           "their share is in each title). Lines: median path over runs per domain, from the hollow "
                           "marker (first quarter) to the filled one (last quarter); faint dots: each run's last quarter.",
    "summary_indicators": "Summary indicators per run: box 25–75 %, whiskers 10–90 %, thick line at the median, over every "
                          "run; dots are runs (400 of them, drawn at random, when there are more).",
}
"""Figure name → caption in the report."""


# ------------------------------------------------------------------ HTML report


def write_report(folder: ResultsFolder | Path | str, out: Path | str | None = None) -> Path:
    """Write one self-contained HTML report of a results folder.

    The file needs no server and loads nothing from the network: figures are
    embedded as base64 PNG and the style sheet is inline. It holds the run
    record (manifest), a table of the summary indicators over runs, the
    figures of :func:`save_figures` and the claims the scenario cites.

    Args:
        folder: A results folder (or its path) holding at least one finished run.
        out: Where to write the HTML; ``<folder>/report.html`` when None.

    Returns:
        Path of the report written.

    Raises:
        FileNotFoundError: If the folder has no manifest or no finished run.
    """
    folder = _open(folder)
    manifest = folder.manifest()
    figures = save_figures(folder)
    sensitivity = save_sensitivity(folder)
    scenario = manifest.get("resolved_scenario", {})
    summary = folder.load_summary()
    body = [
        _header(manifest, scenario),
        _section("Run record", _manifest_table(manifest, len(folder.finished()))),
        _section("Summary indicators", _summary_table(summary) + _state_table(summary, names_of(manifest))),
        _section("Sensitivity", _sensitivity_section(sensitivity, manifest, summary)) if sensitivity is not None else "",
        _section("Figures", "".join(_figure(path) for path in figures)),
        _section("Claims cited by the scenario", _claims_table(scenario)),
    ]
    target = Path(out) if out is not None else folder.path / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    title = f"Multivector report: {manifest.get('scenario', '')}"
    target.write_text(_page(title, "".join(body)), encoding="utf-8")
    return target


def _e(value: Any) -> str:
    """Text escaped for HTML (quotes included)."""
    return html.escape(str(value), quote=True)


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n")


def _section(heading: str, content: str) -> str:
    anchor = re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")
    return f'<section id="{anchor}">\n<h2>{_e(heading)}</h2>\n{content}\n</section>\n'


def _header(manifest: dict[str, Any], scenario: dict[str, Any]) -> str:
    parts = [f"<h1>{_e(scenario.get('title') or manifest.get('scenario', 'Multivector results'))}</h1>"]
    horizon = scenario.get("horizon") or {}
    span = f", {_e(horizon.get('start', ''))}–{_e(horizon.get('end', ''))}" if horizon else ""
    parts.append(f'<p class="lead">Scenario <code>{_e(manifest.get("scenario", ""))}</code>{span}</p>')
    for key, label in (("question", "Question"), ("description", "Description"), ("expects", "Expectation")):
        if scenario.get(key):
            parts.append(f'<p><span class="label">{label}.</span> {_e(scenario[key])}</p>')
    return "<header>" + "\n".join(parts) + "</header>\n"


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> str:
    """An HTML table; header texts are escaped here, cells must already be HTML."""
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    lines = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>\n" for row in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead>\n<tbody>\n{lines}</tbody></table>'


def _manifest_table(manifest: dict[str, Any], finished: int) -> str:
    design = manifest.get("design", {})
    planned = manifest.get("runs") or len(design.get("points", [])) * design.get("replicates", 0)
    claims_off = manifest.get("resolved_scenario", {}).get("claims_off", [])
    rows = [
        ("Package version", _e(manifest.get("package_version", "unknown"))),
        ("Git commit", f"<code>{_e(manifest.get('git_commit', 'unknown'))}</code>"),
        ("Scenario", f"<code>{_e(manifest.get('scenario', ''))}</code>"),
        ("Scenario source", f"<code>{_e(manifest.get('scenario_source', ''))}</code>"),
        ("Scenario hash (SHA-256)", f"<code>{_e(manifest.get('scenario_hash', ''))}</code>"),
        ("Design", _design_cell(design, manifest)),
        ("Root seed", _e(manifest.get("root_seed", ""))),
        ("Runs finished / planned", _e(f"{finished} / {planned}") + ("" if finished >= planned else ' <span class="warn">incomplete</span>')),
        ("Claims switched off", _e(", ".join(claims_off)) if claims_off else "none"),
    ]
    return _table(("Field", "Value"), rows, css="record")


def _design_cell(design: dict[str, Any], manifest: dict[str, Any]) -> str:
    """The design in one line (kind, N, points × replicates = runs) and its factors with their ranges, folded."""
    cell = _e(design_summary(design))
    factors = design.get("factors", [])
    if not factors:
        return cell
    labels = factor_labels(manifest)
    rows = [(_e(labels.get(f["path"], f["path"])), f"<code>{_e(f['path'])}</code>", _number(f["low"]), _number(f["high"]))
            for f in factors]
    table = _table(("Factor", "Key path", "Low", "High"), rows, css="factors")
    return f"{cell}<details><summary>{len(factors)} factors and their ranges</summary>{table}</details>"


def summary_statistics(summary: pd.DataFrame) -> pd.DataFrame:
    """Median and 10/90 % quantiles over runs of each summary indicator.

    Args:
        summary: One row per run (columns run, seed, point, factor values and one per indicator).

    Returns:
        Frame indexed by indicator with columns median, low (10 %), high (90 %), runs and definition;
        the :data:`model.outcomes.SUMMARY` indicators first, in their order.
    """
    names = [n for n in SUMMARY if n in summary] + [n for n in summary if n not in SUMMARY and n not in ("run", "seed", "point")
                                                    and not n.startswith("factor.")]
    values = summary[names].astype(float)
    return pd.DataFrame({
        "median": values.median(), "low": values.quantile(LOW), "high": values.quantile(HIGH),
        "runs": values.notna().sum(), "definition": [summary_definition(n) for n in names],
    }, index=pd.Index(names, name="indicator"))


def _summary_table(summary: pd.DataFrame) -> str:
    """The regional indicators, one row each (the per-state ones are in :func:`_state_table`)."""
    stats = summary_statistics(summary)
    stats = stats[[STATE_SEPARATOR not in name for name in stats.index]]
    rows = [(f"{_e(INDICATOR_LABELS.get(name, name))}<br><code>{_e(name)}</code>", _number(row["median"]),
             _number(row["low"]), _number(row["high"]), _e(int(row["runs"])), _e(row["definition"]))
            for name, row in stats.iterrows()]
    headers = ("Indicator", "Median", f"{LOW:.0%}", f"{HIGH:.0%}", "Runs", "Definition")
    note = f'<p class="note">Quantiles over the {len(summary)} finished runs.</p>'
    return _table(headers, rows, css="numbers") + note


def _state_table(summary: pd.DataFrame, names: dict[str, str]) -> str:
    """The per-state indicators (``<indicator>__<state>``): one row per indicator, one column per state."""
    states = list(dict.fromkeys(c.rpartition(STATE_SEPARATOR)[2] for c in summary if c.rpartition(STATE_SEPARATOR)[0] in STATE_SUMMARY))
    if not states:
        return ""
    rows = []
    for indicator, definition in STATE_SUMMARY.items():
        cells = []
        for state in states:
            column = f"{indicator}{STATE_SEPARATOR}{state}"
            values = summary[column].astype(float) if column in summary else pd.Series(dtype=float)
            cells.append(f"{_number(values.median())}<br><small>{_number(values.quantile(LOW))}–{_number(values.quantile(HIGH))}"
                         "</small>" if len(values) else "–")
        rows.append((f"{_e(STATE_LABELS.get(indicator, indicator))}<br><code>{_e(indicator)}{STATE_SEPARATOR}&lt;state&gt;</code>",
                     *cells, _e(definition)))
    headers = ("Indicator", *(f"{names.get(s, s)} ({s})" for s in states), "Definition")
    note = (f'<p class="note">Each state: median, and under it the {LOW:.0%}–{HIGH:.0%} range over runs. '
            f"Columns <code>&lt;indicator&gt;{STATE_SEPARATOR}&lt;state&gt;</code> of the summary table.</p>")
    return "<h3>By state</h3>" + _table(headers, rows, css="numbers states") + note


def _sensitivity_section(result: Sensitivity, manifest: dict[str, Any], summary: pd.DataFrame) -> str:
    """Indices table, figure and, for too small a sample, the warning; the most influential factors of every indicator."""
    from multivector.analysis.sensitivity import indices

    design = manifest["design"]
    labels = factor_labels(manifest)
    sobol = design["kind"] == "sobol"
    parts = [f"<p>{_e(design_summary(design))}. Each design point's indicator is its mean over the point's "
             "replicates, which share their seeds across points, so the indices measure what the factors do, not "
             "run-to-run noise.</p>"]
    if result.warning:
        parts.append(f'<p class="caution">⚠ {_e(result.warning)}.</p>')
    head = ("Factor", "S1 (first order)", "ST (total)") if sobol else ("Factor", "μ*", "σ")
    rows = []
    for _, row in result.table.head(SENSITIVITY_BARS).iterrows():
        label = f"{_e(labels.get(row['parameter'], row['parameter']))}<br><code>{_e(row['parameter'])}</code>"
        if sobol:
            rows.append((label, _interval(row["S1"], row["S1_conf"]), _interval(row["ST"], row["ST_conf"])))
        else:
            rows.append((label, _interval(row["mu_star"], row.get("mu_star_conf")), _number(row["sigma"])))
    left = len(result.table) - len(rows)
    heading = _indicator_label(result.indicator)
    parts.append(f"<h3>{_e(heading[:1].upper() + heading[1:])}</h3>")
    parts.append(_table(head, rows, css="numbers"))
    parts.append('<p class="note">± the 95 % interval (SALib\'s bootstrap); largest first'
                 + (f", {left} smaller factors in <code>figures/{result.figure.with_suffix('.csv').name}</code>" if left else "")
                 + ".</p>")
    parts.append(_figure(result.figure, f"{'Sobol' if sobol else 'Morris'} indices: {_indicator_label(result.indicator)}; "
                                        "whiskers: 95 % interval."))
    key = "ST" if sobol else "mu_star"
    top_rows = []
    for indicator in SUMMARY:
        if indicator not in summary:
            continue
        table = indices(manifest, summary, indicator, seed=manifest["root_seed"]).sort_values(key, ascending=False)
        top = ", ".join(f"{_e(labels.get(p, p))} ({v:.2f})" for p, v in zip(table["parameter"][:3], table[key][:3], strict=True))
        top_rows.append((_e(INDICATOR_LABELS.get(indicator, indicator)), top))
    parts.append("<h3>Most influential factors of each indicator</h3>")
    parts.append(_table(("Indicator", f"Largest three by {'ST' if sobol else 'μ*'}"), top_rows))
    if result.warning:
        parts.append('<p class="note">At this sample size these rankings are as unreliable as the indices above.</p>')
    return "".join(parts)


def _interval(value: float, half: float | None) -> str:
    return _e(f"{value:.3f}" if half is None or pd.isna(half) else f"{value:.3f} ± {half:.3f}")


def _number(value: float) -> str:
    return _e("–" if pd.isna(value) else f"{value:.3g}")


def _figure(path: Path, caption: str | None = None) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    caption = caption or CAPTIONS.get(path.stem, path.stem)
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_e(path.stem)}">'
            f"<figcaption>{_e(caption)}</figcaption></figure>\n")


def _claims_table(scenario: dict[str, Any]) -> str:
    if not scenario:
        return "<p>The manifest holds no resolved scenario.</p>"
    registry = load_registry()
    cited = citations(scenario)
    rows = []
    for claim_id, paths in cited.items():
        claim = registry.get(claim_id)
        article = registry.articles.get(claim.article) if claim else None
        source = f"{article.authors} {article.year}" if article else (claim.article if claim else "?")
        flag = '<span class="contested">contested</span>' if claim and claim.contested else "no"
        text = _e(claim.text) if claim else '<span class="warn">not in the claims registry</span>'
        keys = "<br>".join(f"<code>{_e(p)}</code>" for p in paths)
        rows.append((f'<span class="id">{_e(claim_id)}</span>', _e(source), flag, text, f'<span class="paths">{keys}</span>'))
    contested = sum(registry.is_contested(c) for c in cited)
    intro = (f"<p>{len(cited)} claims are cited by the resolved scenario's values and events, "
             f"{contested} of them contested. Paraphrases are the project's own.</p>")
    return intro + _table(("Claim", "Article", "Contested", "Paraphrase", "Cited at"), rows, css="claims") + _sources(cited, registry)


def _sources(cited: dict[str, list[str]], registry: Any) -> str:
    ids = sorted({registry.claims[c].article for c in cited if c in registry})
    items = []
    for article_id in ids:
        article = registry.articles.get(article_id)
        if article is None:
            continue
        original = f" ({_e(article.title_original)})" if article.title_original and article.title_original != article.title else ""
        venue = f", {_e(article.venue)}" if article.venue else ""
        items.append(f"<li><b>{_e(article_id)}</b>: {_e(article.authors)} ({_e(article.year)}). "
                     f"<i>{_e(article.title)}</i>{original}{venue}.</li>")
    return f"<h3>Articles</h3><ul class=\"sources\">{''.join(items)}</ul>" if items else ""


CSS = """
:root { --ink: #1d2329; --muted: #5b6670; --rule: #d9dee3; --band: #f4f6f8; --accent: #0072B2; --warn: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.5rem 0 .8rem; padding-bottom: .3rem; border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.05rem; margin: 1.8rem 0 .5rem; }
header p { margin: .4rem 0; max-width: 60rem; }
.lead { color: var(--muted); }
.label { font-weight: 600; }
code { font: 0.85em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--band);
       padding: 0 .25em; border-radius: 3px; word-break: break-all; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .5rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .6rem; border-bottom: 1px solid var(--rule); }
thead th { background: var(--band); border-bottom: 2px solid var(--rule); position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fafbfc; }
table.record td:first-child { width: 14rem; color: var(--muted); }
table.numbers td:nth-child(2), table.numbers td:nth-child(3), table.numbers td:nth-child(4),
table.numbers td:nth-child(5) { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.claims td:nth-child(1), table.claims td:nth-child(2) { white-space: nowrap; }
.id { font-weight: 600; }
.paths { font-size: .8rem; }
.contested { color: #fff; background: var(--warn); padding: .05rem .4rem; border-radius: 3px; font-size: .8rem; }
.warn { color: var(--warn); font-weight: 600; }
.caution { color: #7a2e00; background: #fff3e8; border-left: 4px solid var(--warn); padding: .5rem .8rem; }
details summary { cursor: pointer; color: var(--accent); margin-top: .3rem; }
table.factors { font-size: .8rem; }
table.states td:not(:last-child) { white-space: nowrap; }
table.states td:not(:first-child):not(:last-child), table.states th:not(:first-child):not(:last-child) { text-align: right; }
table.numbers th:nth-child(n+2):nth-child(-n+5) { text-align: right; }
table.states small { color: var(--muted); }
.note { color: var(--muted); font-size: .85rem; }
figure { margin: 1.5rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .4rem; max-width: 60rem; }
ul.sources li { margin: .3rem 0; }
@media print { thead th { position: static; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
"""
"""Inline style sheet of the report (no external fonts or resources)."""
