"""The report of a calibration: prior against posterior, what the targets identify, and how the fit predicts.

``run.py calibrate`` writes it into the calibration folder; ``run.py report
FOLDER`` writes it again from the folder's files (``posterior.json``,
``targets.yaml``, ``predictive.csv``). The HTML file is self-contained.

A parameter's *contraction* is ``1 − posterior variance / prior variance``
(Schad, Betancourt & Vasishth 2021): 0 when the targets leave it at its prior,
1 when they pin it down. With 2,000 particles its Monte Carlo error is about
0.03, so the verdicts use 0.1 and 0.3 as their edges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from multivector.analysis.report import CSS, _e, _figure, _section, _table, factor_labels
from multivector.analysis.style import OKABE_ITO, save_figure
from multivector.calibration.posterior import Posterior, weighted_quantiles
from multivector.calibration.predictive import INTERVAL, TargetCheck

IDENTIFIED = 0.3
"""Contraction from which a parameter counts as identified by the targets."""

WEAKLY = 0.1
"""Contraction below which a parameter stays at its prior."""

GROUPS = {"fit": "fitted (2021–2022)", "reported": "reported, not fitted", "validation": "held back (2023–2024)"}
"""Headings of the target groups, in the order they are shown."""

HISTOGRAMS = 6
"""Parameters shown as prior-against-posterior histograms (the most contracted)."""


def contraction(posterior: Posterior) -> np.ndarray:
    """Per parameter: 1 − posterior variance / prior variance (uniform prior over the range)."""
    mean = posterior.weights @ posterior.particles
    variance = posterior.weights @ (posterior.particles - mean) ** 2
    prior = np.array([(p.high - p.low) ** 2 / 12.0 for p in posterior.parameters])
    return 1.0 - variance / prior


def verdict(value: float) -> str:
    """The contraction in words."""
    if value >= IDENTIFIED:
        return "identified"
    return "weakly identified" if value >= WEAKLY else "stays at its prior"


def labels_of(posterior: Posterior, scenario_data: dict[str, Any]) -> dict[str, str]:
    """Parameter name → readable label (``Kazakhstan: trend growth``)."""
    manifest = {"design": {"factors": [{"path": name} for name in posterior.names]}, "resolved_scenario": scenario_data}
    return factor_labels(manifest)


def draw_parameters(posterior: Posterior, labels: dict[str, str]) -> Figure:
    """Every parameter's posterior median and 80 % interval within its prior range (scaled 0–1), by contraction."""
    shrink = contraction(posterior)
    order = np.argsort(-shrink)
    quantiles = posterior.unit(posterior.quantiles([INTERVAL[0], 0.5, INTERVAL[1]]))
    figure, axis = plt.subplots(figsize=(8.5, 0.24 * len(order) + 1.2))
    rows = np.arange(len(order))[::-1]
    for row, j in zip(rows, order, strict=True):
        axis.plot([0, 1], [row, row], color="#cccccc", lw=5, solid_capstyle="butt", zorder=1)
        axis.plot(quantiles[[0, 2], j], [row, row], color=OKABE_ITO[0], lw=5, solid_capstyle="butt", zorder=2)
        axis.plot(quantiles[1, j], row, "o", color="black", ms=3, zorder=3)
        axis.text(1.03, row, f"{max(shrink[j], 0.0):.2f}", va="center", fontsize=8)  # a negative value is Monte Carlo noise
    axis.set_yticks(rows, [labels.get(posterior.names[j], posterior.names[j]) for j in order], fontsize=8)
    axis.set_xlim(0, 1.12)
    axis.set_ylim(-1, len(order))
    axis.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["low end", "", "middle", "", "high end"])
    axis.set_xlabel("position within the prior range (grey); posterior 80 % interval (blue) and median (dot)")
    axis.set_title("Prior and posterior of each uncertainty (right: contraction, 0 = the targets say nothing)", loc="left")
    axis.grid(False)
    figure.tight_layout()
    return figure


def draw_histograms(posterior: Posterior, labels: dict[str, str]) -> Figure:
    """Prior against posterior density of the most contracted parameters."""
    order = np.argsort(-contraction(posterior))[:HISTOGRAMS]
    columns = 3
    figure, axes = plt.subplots(-(-len(order) // columns), columns, figsize=(9, 2.4 * -(-len(order) // columns)), squeeze=False)
    for axis, j in zip(axes.flat, order, strict=False):
        p = posterior.parameters[j]
        bins = np.linspace(p.low, p.high, 21)
        axis.hist(posterior.particles[:, j], bins=bins, weights=posterior.weights, density=True, color=OKABE_ITO[0], alpha=0.8,
                  label="posterior")
        axis.axhline(1.0 / (p.high - p.low), color="#777777", ls="--", label="prior")
        axis.set_title(labels.get(p.name, p.name), fontsize=9)
        axis.set_yticks([])
    for axis in list(axes.flat)[len(order):]:
        axis.set_visible(False)
    axes.flat[0].legend(fontsize=8, frameon=False)
    figure.suptitle("The most identified uncertainties: posterior (bars) against the uniform prior (dashed)", x=0.01, ha="left")
    figure.tight_layout()
    return figure


def draw_checks(checks: list[TargetCheck]) -> Figure:
    """Each target's prior and posterior 80 % predictive interval, in tolerances from the figure or threshold."""
    checks = sorted(checks, key=lambda c: list(GROUPS).index(c.target.use))
    figure, axis = plt.subplots(figsize=(8.5, 0.34 * len(checks) + 1.6))
    rows = np.arange(len(checks))[::-1]
    for row, check in zip(rows, checks, strict=True):
        t = check.target
        if t.kind == "value":
            axis.plot([-1, 1], [row, row], color="#b8e0c8", lw=9, solid_capstyle="butt", zorder=1)
        else:
            side = (-1, 12) if t.kind == "above" else (-12, 1)
            axis.plot(side, [row, row], color="#b8e0c8", lw=9, solid_capstyle="butt", zorder=1)
        for offset, side, colour in ((0.17, "prior", "#999999"), (-0.17, "posterior", OKABE_ITO[0])):
            low, high = np.clip(_in_tolerances(check.interval(side), t.observed, t.tolerance), -11.5, 11.5)
            axis.plot([low, high], [row + offset] * 2, color=colour, lw=3, zorder=2)
            median = np.clip(_in_tolerances(np.median(getattr(check, side)), t.observed, t.tolerance), -11.5, 11.5)
            axis.plot(median, row + offset, "o", color=colour, ms=3, zorder=3)
        mark = "✓" if check.covered else "✗"
        axis.text(12.3, row, mark, va="center", color=OKABE_ITO[2] if check.covered else OKABE_ITO[1], fontsize=11)
    for k, check in enumerate(checks):
        if k == 0 or check.target.use != checks[k - 1].target.use:
            top = rows[k] + 0.5
            if k:
                axis.axhline(top, color="black", lw=0.8)
            axis.text(-11.8, top - 0.05, GROUPS[check.target.use], fontsize=8, va="top", style="italic")
    axis.set_yticks(rows, [c.target.title for c in checks], fontsize=8)
    axis.set_xlim(-12, 13)
    axis.set_ylim(-1, len(checks))
    axis.set_xlabel("distance from the figure or threshold, in tolerances (green: met); intervals cut at ±11.5")
    axis.set_title("Predictive checks: prior (grey) and posterior (blue) 80 % intervals; ✓ covered by the posterior", loc="left")
    axis.grid(False)
    figure.tight_layout()
    return figure


def _in_tolerances(value: Any, observed: float, tolerance: float) -> np.ndarray:
    """Distance from the observed figure in tolerances (the checks figure's x axis)."""
    return (np.asarray(value) - observed) / tolerance


def write_calibration_report(folder: Path, posterior: Posterior, checks: list[TargetCheck], scenario_data: dict[str, Any],
                             version: str) -> Path:
    """Write the figures and ``report.html`` of a calibration folder and return the report's path."""
    labels = labels_of(posterior, scenario_data)
    figures = folder / "figures"
    figures.mkdir(exist_ok=True)
    drawers = {"posterior-parameters": lambda: draw_parameters(posterior, labels),
               "posterior-histograms": lambda: draw_histograms(posterior, labels),
               "predictive-checks": lambda: draw_checks(checks)}
    paths = [save_figure(figures / f"{name}.png", draw, posterior.scenario, folder.name, version) for name, draw in drawers.items()]
    captions = ["Where the targets leave each uncertainty: posterior 80 % interval within the prior range.",
                "The most identified uncertainties.",
                "Posterior predictive checks on the fitting targets and on the held-back 2023–2024 targets."]
    body = [
        f"<header><h1>Calibration of {_e(posterior.scenario)}</h1>"
        f'<p class="lead">{_e(_headline(posterior, checks))}</p></header>\n',
        _section("Fit record", _record(posterior)),
        _section("Validation: the held-back 2023–2024 targets", _checks_table([c for c in checks if c.target.use == "validation"])
                 + _misses(checks)),
        _section("Fit: the 2021–2022 targets", _checks_table([c for c in checks if c.target.use == "fit"]) + _excluded(posterior)),
        _section("Reported, not fitted", _checks_table([c for c in checks if c.target.use == "reported"])
                 + "<p>The model does not represent what drives these figures (each target's note says what); "
                   "they are never fitted and shown here so that the miss stays visible.</p>"),
        _section("Parameters: prior against posterior", _parameter_table(posterior, labels)),
        _section("Figures", "".join(_figure(p, c) for p, c in zip(paths, captions, strict=True))),
    ]
    target = folder / "report.html"
    page = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Calibration: {_e(posterior.scenario)}</title>\n'
            f"<style>{CSS}</style>\n</head>\n<body>\n<main>\n{''.join(body)}</main>\n</body>\n</html>\n")
    target.write_text(page, encoding="utf-8")
    return target


def coverage(checks: list[TargetCheck], use: str = "validation") -> tuple[int, int]:
    """(covered, all) targets of one use."""
    chosen = [c for c in checks if c.target.use == use]
    return sum(c.covered for c in chosen), len(chosen)


def _headline(posterior: Posterior, checks: list[TargetCheck]) -> str:
    covered, total = coverage(checks)
    fit_covered, fit_total = coverage(checks, "fit")
    shrink = contraction(posterior)
    return (f"{len(posterior.weights):,} particles (effective sample size {posterior.ess:,.0f}) from "
            f"{posterior.info.get('simulations', 0):,} simulations; {int(np.sum(shrink >= IDENTIFIED))} of "
            f"{len(shrink)} uncertainties identified by the targets. The posterior covers {fit_covered} of {fit_total} "
            f"fitting targets and {covered} of {total} held-back 2023–2024 targets.")


def _record(posterior: Posterior) -> str:
    info = posterior.info
    settings = info.get("settings", {})
    rows = [
        ("Scenario", f"<code>{_e(posterior.scenario)}</code>"),
        ("Inference", _e(f"ABC-SMC, {posterior.inference.get('name')} {posterior.inference.get('version')}; "
                         f"{settings.get('epsilon', '')}; distance: {settings.get('distance', '')}")),
        ("Seed", _e(posterior.seed)),
        ("Population", _e(f"{settings.get('population', '')} particles; budget {settings.get('max_runs', 0):,} simulations")),
        ("Simulations", _e(f"{info.get('simulations', 0):,} (prior screen included)")),
        ("Generations", "<br>".join(_e(f"t = {g['t']}: ε = {g['epsilon']:.3g}, {g['judged']:,} judged, ESS {g['ess']:,.0f}")
                                    for g in info.get("generations", []))),
        ("Tolerance reached", _e("yes" if info.get("reached_min_epsilon") else
                                 f"no: final ε = {info.get('final_epsilon', float('nan')):.3g} > {settings.get('min_epsilon')}")),
        ("Effective sample size", _e(f"{posterior.ess:,.0f} of {len(posterior.weights):,}")),
        ("Versions", _e(f"multivector {info.get('package_version', '?')}, commit {info.get('git_commit', '?')}")),
    ]
    return _table(("record", "value"), rows)


def _checks_table(checks: list[TargetCheck]) -> str:
    rows = []
    for c in checks:
        t = c.target
        prior, after = c.interval("prior"), c.interval("posterior")
        rows.append((_e(t.title), _e(t.source), _e(f"{t.stated} ({t.unit})"), _e(f"{prior[0]:.3g} – {prior[1]:.3g}"),
                     _e(f"{after[0]:.3g} – {after[1]:.3g}"), _e(f"{c.met('prior'):.0%} → {c.met():.0%}"),
                     "yes" if c.covered else '<strong class="warn">no</strong>'))
    return _table(("target", "source", "figure", "prior 80 %", "posterior 80 %", "runs meeting it (prior → posterior)",
                   "covered"), rows)


def _misses(checks: list[TargetCheck]) -> str:
    missed = [c for c in checks if c.target.use == "validation" and not c.covered]
    if not missed:
        return "<p>Every held-back target is covered.</p>"
    items = "".join(f"<li>{_e(c.target.title)}: posterior 80 % interval {c.interval()[0]:.3g} – {c.interval()[1]:.3g} "
                    f"against {_e(c.target.stated)} ({_e(c.target.unit)}). {_e(c.target.note)}</li>" for c in missed)
    return f"<p>Missed ({len(missed)}): the fit to 2021–2022 does not carry the model to these figures.</p><ul>{items}</ul>"


def _excluded(posterior: Posterior) -> str:
    excluded = posterior.info.get("excluded", {})
    if not excluded:
        return "<p>Every fitting target was within the model's reach and used in the fit.</p>"
    items = "".join(f"<li><code>{_e(k)}</code>: {_e(v)}; not used in the fit.</li>" for k, v in excluded.items())
    return f"<p>Left out of the fit by the prior predictive screen:</p><ul>{items}</ul>"


def _parameter_table(posterior: Posterior, labels: dict[str, str]) -> str:
    shrink = contraction(posterior)
    rows = []
    for j in np.argsort(-shrink):
        p = posterior.parameters[j]
        low, median, high = weighted_quantiles(posterior.particles[:, j], posterior.weights, [INTERVAL[0], 0.5, INTERVAL[1]])
        rows.append((_e(labels.get(p.name, p.name)), f"<code>{_e(p.name)}</code>", _e(f"{p.low:g} – {p.high:g}"),
                     _e(f"{median:.3g}"), _e(f"{low:.3g} – {high:.3g}"), _e(f"{max(shrink[j], 0.0):.2f}"), _e(verdict(shrink[j]))))
    return _table(("uncertainty", "key path", "prior (uniform)", "posterior median", "posterior 80 %", "contraction", "verdict"), rows)
