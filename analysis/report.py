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
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from analysis.plots import HIGH, LOW, alignment_triangles, end_state_distribution, fan_chart, summary_distributions
from analysis.style import STYLE, stamp
from ensemble.results import ResultsFolder
from model.outcomes import SUMMARY
from scenarios import citations, load_registry

KEY_OUTCOMES = ["russia_share", "hedging_index", "corridor_share", "summit_formats", "cohesion"]
"""Outcomes the key figures draw on."""


def save_key_figures(folder: ResultsFolder) -> list[Path]:
    """Draw the headline figures of a batch into ``<folder>/figures`` and return their paths."""
    frame = folder.load_steps(KEY_OUTCOMES)
    return [_save(folder, name, partial(draw, frame)) for name, draw in _FIGURES.items()]


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
    frame = folder.load_steps([*KEY_OUTCOMES, "bloc_share"])
    summary = folder.load_summary()
    units = {name: summary_unit(name, definition) for name, definition in SUMMARY.items()}
    drawers: dict[str, Callable[[], Figure]] = {name: partial(draw, frame) for name, draw in _FIGURES.items()}
    drawers["alignment_triangles"] = partial(alignment_triangles, frame)
    drawers["summary_indicators"] = partial(
        summary_distributions, summary, units, title="Summary indicators over runs (last quarter or whole horizon)")
    return [_save(folder, name, draw) for name, draw in drawers.items()]


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
    path = target / f"{name}.png"
    with matplotlib.rc_context(STYLE):
        figure = draw()
        stamp(figure, manifest["scenario"], folder.path.name, manifest["package_version"])
        figure.savefig(path, bbox_inches="tight")
    plt.close(figure)
    return path


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


def _russia_security(frame: pd.DataFrame) -> Figure:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=[2, 1])
    rows = frame[(frame["outcome"] == "russia_share") & (frame["domain"] == "security")]
    fan_chart(rows, by="state", ax=left, title="Russia's share of security alignment (median, 10–90 %)", ylabel="share")
    end_state_distribution(rows, by="state", ax=right, title="Last quarter", ylabel="share")
    return figure


def _hedging(frame: pd.DataFrame) -> Figure:
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.4), sharey=True)
    for ax, domain in zip(axes, ("security", "economy", "diplomacy"), strict=True):
        rows = frame[(frame["outcome"] == "hedging_index") & (frame["domain"] == domain)]
        fan_chart(rows, by="state", ax=ax, title=f"Hedging index: {domain}", ylabel="0 = one partner, 1 = even")
    return figure


def _corridors(frame: pd.DataFrame) -> Figure:
    figure, ax = plt.subplots(figsize=(8, 3.6))
    fan_chart(frame[frame["outcome"] == "corridor_share"], by="corridor", ax=ax,
              title="Share of the region's freight by route", ylabel="share")
    return figure


def _formats(frame: pd.DataFrame) -> Figure:
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
    fan_chart(frame[frame["outcome"] == "summit_formats"], ax=left, title="C5+X dialogues at summit level", ylabel="count")
    fan_chart(frame[frame["outcome"] == "cohesion"], ax=right, title="Regional cohesion", ylabel="0–1")
    return figure


_FIGURES: dict[str, Callable[[pd.DataFrame], Figure]] = {
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
    "summary_indicators": "Summary indicators per run: box 25–75 %, whiskers 10–90 %, line at the median; dots are runs.",
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
    scenario = manifest.get("resolved_scenario", {})
    body = [
        _header(manifest, scenario),
        _section("Run record", _manifest_table(manifest, len(folder.finished()))),
        _section("Summary indicators", _summary_table(folder.load_summary())),
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
    planned = len(manifest.get("seeds", [])) or manifest.get("design", {}).get("replicates", 0)
    design = manifest.get("design", {})
    claims_off = manifest.get("resolved_scenario", {}).get("claims_off", [])
    rows = [
        ("Package version", _e(manifest.get("package_version", "unknown"))),
        ("Git commit", f"<code>{_e(manifest.get('git_commit', 'unknown'))}</code>"),
        ("Scenario", f"<code>{_e(manifest.get('scenario', ''))}</code>"),
        ("Scenario source", f"<code>{_e(manifest.get('scenario_source', ''))}</code>"),
        ("Scenario hash (SHA-256)", f"<code>{_e(manifest.get('scenario_hash', ''))}</code>"),
        ("Design", _e(", ".join(f"{k}: {v}" for k, v in design.items()))),
        ("Root seed", _e(manifest.get("root_seed", ""))),
        ("Runs finished / planned", _e(f"{finished} / {planned}") + ("" if finished >= planned else ' <span class="warn">incomplete</span>')),
        ("Claims switched off", _e(", ".join(claims_off)) if claims_off else "none"),
    ]
    return _table(("Field", "Value"), rows, css="record")


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
        "runs": values.notna().sum(), "definition": [SUMMARY.get(n, "") for n in names],
    }, index=pd.Index(names, name="indicator"))


def _summary_table(summary: pd.DataFrame) -> str:
    stats = summary_statistics(summary)
    rows = [(f"<code>{_e(name)}</code>", _number(row["median"]), _number(row["low"]), _number(row["high"]),
             _e(int(row["runs"])), _e(row["definition"])) for name, row in stats.iterrows()]
    headers = ("Indicator", "Median", f"{LOW:.0%}", f"{HIGH:.0%}", "Runs", "Definition")
    note = f'<p class="note">Quantiles over the {len(summary)} finished runs.</p>'
    return _table(headers, rows, css="numbers") + note


def _number(value: float) -> str:
    return _e("–" if pd.isna(value) else f"{value:.3g}")


def _figure(path: Path) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    caption = CAPTIONS.get(path.stem, path.stem)
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
.note { color: var(--muted); font-size: .85rem; }
figure { margin: 1.5rem 0; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { color: var(--muted); font-size: .88rem; margin-top: .4rem; max-width: 60rem; }
ul.sources li { margin: .3rem 0; }
@media print { thead th { position: static; } h2 { break-after: avoid; } figure { break-inside: avoid; } }
"""
"""Inline style sheet of the report (no external fonts or resources)."""
