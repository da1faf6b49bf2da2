"""The default job's key figures, drawn from a results folder."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from analysis.plots import end_state_distribution, fan_chart
from analysis.results import ResultsFolder
from analysis.style import STYLE, stamp


def save_key_figures(folder: ResultsFolder) -> list[Path]:
    """Draw the headline figures of a batch into ``<folder>/figures`` and return their paths."""
    manifest = folder.manifest()
    frame = folder.load_steps(["russia_share", "hedging_index", "corridor_share", "summit_formats", "cohesion"])
    target = folder.path / "figures"
    target.mkdir(exist_ok=True)
    paths = []
    with matplotlib.rc_context(STYLE):
        for name, draw in _FIGURES.items():
            figure = draw(frame)
            stamp(figure, manifest["scenario"], folder.path.name, manifest["package_version"])
            path = target / f"{name}.png"
            figure.savefig(path, bbox_inches="tight")
            plt.close(figure)
            paths.append(path)
    return paths


def _russia_security(frame):
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), width_ratios=[2, 1])
    rows = frame[(frame["outcome"] == "russia_share") & (frame["domain"] == "security")]
    fan_chart(rows, by="state", ax=left, title="Russia's share of security alignment (median, 10–90 %)", ylabel="share")
    end_state_distribution(rows, by="state", ax=right, title="Last quarter", ylabel="share")
    return figure


def _hedging(frame):
    figure, axes = plt.subplots(1, 3, figsize=(13, 3.4), sharey=True)
    for ax, domain in zip(axes, ("security", "economy", "diplomacy"), strict=True):
        rows = frame[(frame["outcome"] == "hedging_index") & (frame["domain"] == domain)]
        fan_chart(rows, by="state", ax=ax, title=f"Hedging index: {domain}", ylabel="0 = one partner, 1 = even")
    return figure


def _corridors(frame):
    figure, ax = plt.subplots(figsize=(8, 3.6))
    fan_chart(frame[frame["outcome"] == "corridor_share"], by="corridor", ax=ax,
              title="Share of the region's freight by route", ylabel="share")
    return figure


def _formats(frame):
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.4))
    fan_chart(frame[frame["outcome"] == "summit_formats"], ax=left, title="C5+X dialogues at summit level", ylabel="count")
    fan_chart(frame[frame["outcome"] == "cohesion"], ax=right, title="Regional cohesion", ylabel="0–1")
    return figure


_FIGURES = {
    "russia_security_share": _russia_security,
    "hedging_index": _hedging,
    "corridor_shares": _corridors,
    "formats_and_cohesion": _formats,
}
