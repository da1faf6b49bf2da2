"""One plotting style for the project: the Okabe–Ito colour-blind-safe palette and a stamp."""

from __future__ import annotations

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
