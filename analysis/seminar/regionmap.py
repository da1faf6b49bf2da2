"""A schematic map of the region at the current quarter, as an SVG drawing.

Not to scale: the five states sit roughly where they lie, the neighbouring
powers (Russia to the north, China to the east, Iran to the south-west, Turkey
and Europe beyond the Caspian to the west) around them, and the transport
routes run between them, each in its own colour, with the share of the
region's freight each carries this quarter in the legend below (line width
grows with it). Each state is coloured by the bloc it
leans to most (its mean alignment over the three domains), with that share
written under its name. The drawing is text, so it costs well under a
millisecond and stays sharp on a projector.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import numpy as np

from multivector.analysis.seminar.narrative import Translate, english
from multivector.model.params import BLOCS

if TYPE_CHECKING:
    from multivector.analysis.seminar.play import SeminarModel

WIDTH, MAP_HEIGHT, LEGEND_ROW = 760, 470, 24
"""The drawing's width, the map's height and one legend row's height (the drawing scales to its card's width)."""

STATES: dict[str, tuple[int, int]] = {"KAZ": (420, 150), "UZB": (350, 285), "TKM": (225, 330), "KGZ": (540, 285), "TJK": (470, 365)}
"""Where each state's label sits."""

PLACES: dict[str, tuple[int, int]] = {"RUS": (420, 30), "CHN": (700, 200), "IRN": (190, 450), "WEST": (40, 195), "AFG": (470, 450)}
"""Where the neighbours sit: Russia, China, Iran, Turkey and Europe (west), Afghanistan."""

PLACE_NAMES = {"RUS": "Russia", "CHN": "China", "IRN": "Iran", "WEST": "Turkey and Europe", "AFG": "Afghanistan"}
"""The neighbours' names."""

ROUTES: dict[str, tuple[tuple[int, int], ...]] = {
    "northern": ((420, 150), (420, 45)),
    "china_east": ((420, 150), (690, 205)),
    "middle_corridor": ((420, 150), (300, 215), (60, 215)),
    "north_south": ((420, 150), (225, 330), (190, 425)),
    "cku_railway": ((690, 225), (540, 285), (350, 285)),
}
"""Each route's line, as points from the region outwards."""

ROUTE_COLOURS = {"northern": "#8c564b", "china_east": "#e69f00", "middle_corridor": "#56b4e9", "north_south": "#999933",
                 "cku_railway": "#7f7f7f"}
"""Each route's colour (distinct from the blocs' colours)."""

BLOC_COLOURS = {"russia": "#d55e00", "china": "#cc79a7", "west": "#0072b2", "other": "#009e73"}
"""Fill colour of a state by the bloc it leans to most (colour-blind-safe)."""

BLOC_NAMES = {"russia": "Russia", "china": "China", "west": "the West", "other": "others"}
"""A bloc in words."""


def region_svg(model: SeminarModel, _: Translate = english, dark: bool = False) -> str:
    """The map at the model's current quarter (the start of the run before the first step).

    Args:
        model: The page's model.
        _: The page's translator.
        dark: Draw for the dark theme.
    """
    ink, paper = ("#f2f2f2", "#1e1e1e") if dark else ("#1a1a1a", "#ffffff")
    height = MAP_HEIGHT + LEGEND_ROW * len(ROUTES) + 10
    parts = [f'<svg viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(_("Schematic map of the region"))}" '
             f'style="width:100%;height:auto;font-family:sans-serif;background:{paper}" xmlns="http://www.w3.org/2000/svg">']
    parts += _routes(model, _, ink)
    parts += _neighbours(_, ink)
    parts += _states(model, _, ink, paper)
    parts.append("</svg>")
    return "".join(parts)


def _routes(model: SeminarModel, _: Translate, ink: str) -> list[str]:
    shares = model.outcomes["corridor_share"][model.t - 1] if model.t else None
    ids = list(model.params.corridors)
    lines, legend = [], []
    for row, (code, points) in enumerate((c, p) for c, p in ROUTES.items() if c in ids):
        share = float(shares[ids.index(code)]) if shares is not None else float("nan")
        width = 3 + 14 * (0 if np.isnan(share) else share)
        path = " ".join(f"{x},{y}" for x, y in points)
        colour = ROUTE_COLOURS[code]
        lines.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="{width:.1f}" stroke-linecap="round" '
                     f'stroke-linejoin="round" opacity="0.85"/>')
        label = _(model.params.corridors[code].name)
        text = label + ("" if np.isnan(share) else _(": {share:.0%} of the region's freight").format(share=share))
        y = MAP_HEIGHT + LEGEND_ROW * row + 4
        legend.append(f'<rect x="20" y="{y}" width="34" height="10" rx="3" fill="{colour}"/>'
                      f'<text x="64" y="{y + 10}" font-size="15" fill="{ink}">{escape(text)}</text>')
    return lines + legend


def _neighbours(_: Translate, ink: str) -> list[str]:
    return [f'<text x="{x}" y="{y}" font-size="17" font-weight="bold" fill="{ink}" text-anchor="{_anchor(x)}" opacity="0.8">'
            f"{escape(_(PLACE_NAMES[code]))}</text>" for code, (x, y) in PLACES.items()]


def _anchor(x: int) -> str:
    return "start" if x < 100 else "end" if x > WIDTH - 100 else "middle"


def _states(model: SeminarModel, _: Translate, ink: str, paper: str) -> list[str]:
    alignment = model.outcomes["alignment"][model.t - 1] if model.t else model.alignment_2021
    out = []
    for s, code in enumerate(model.state_codes):
        if code not in STATES:
            continue
        x, y = STATES[code]
        blocs = np.array([alignment[s, :, model.bloc_of == b].sum(axis=0).mean() for b in range(len(BLOCS))])
        lead = int(np.argmax(blocs))
        colour = BLOC_COLOURS[BLOCS[lead]]
        name = _(model.params.states[code].name or code)
        lean = _("leans to {bloc}: {share:.0%}").format(bloc=_(BLOC_NAMES[BLOCS[lead]]), share=blocs[lead])
        out.append(f'<rect x="{x - 78}" y="{y - 26}" width="156" height="50" rx="10" fill="{colour}" opacity="0.92"/>')
        out.append(f'<text x="{x}" y="{y - 4}" font-size="16" font-weight="bold" fill="white" text-anchor="middle">{escape(name)}</text>')
        out.append(f'<text x="{x}" y="{y + 15}" font-size="14" fill="white" text-anchor="middle">{escape(lean)}</text>')
    return out
