"""One plotting style for the project: the Okabe–Ito colour-blind-safe palette, a stamp, and the one way figures are saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.figure import Figure

OKABE_ITO: tuple[str, ...] = (
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000",
)
"""Colour-blind-safe palette (Okabe & Ito 2008)."""

STYLE: dict[str, object] = {
    "axes.prop_cycle": __import__("cycler").cycler(color=OKABE_ITO),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "font.size": 9,
}
"""Matplotlib rc settings applied with ``matplotlib.rc_context(STYLE)``."""


def stamp(figure: Figure, scenario: str, results: str, version: str) -> None:
    """Write scenario, results folder and version below everything the figure holds (so it overlaps no label).

    The figure is drawn once to find its extent; save it with ``bbox_inches="tight"`` to keep the stamp.
    """
    box = figure.get_tightbbox(figure.canvas.get_renderer())  # inches
    width, height = figure.get_size_inches()
    figure.text(max(box.x0, 0.0) / width, (box.y0 - 0.04) / height,
                f"scenario: {scenario} · results: {results} · multivector {version}",
                fontsize=6, color="#555555", ha="left", va="top")


def save_figure(path: Path, draw: Callable[[], Figure], scenario: str, results: str, version: str) -> Path:
    """Draw a figure in the project style, stamp it, write it as PNG and close it.

    Every figure the project writes goes through here: the results folder's
    figures and report (:mod:`analysis.report`), a calibration's
    (:mod:`analysis.calibration_report`), a comparison's and an ablation's
    (:mod:`analysis.paired_figures`).

    Args:
        path: The PNG file to write.
        draw: Draws the figure (called under :data:`STYLE`).
        scenario: The scenario named in the stamp.
        results: The results folder named in the stamp.
        version: The package version named in the stamp.

    Returns:
        ``path``.
    """
    with matplotlib.rc_context(STYLE):
        figure = draw()
        stamp(figure, scenario, results, version)
        figure.savefig(path, bbox_inches="tight")
    plt.close(figure)
    return path
