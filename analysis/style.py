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
    """Write scenario, results folder and version in the figure's bottom margin."""
    figure.text(0.01, 0.005, f"scenario: {scenario} · results: {results} · multivector {version}",
                fontsize=6, color="#555555", ha="left", va="bottom")
