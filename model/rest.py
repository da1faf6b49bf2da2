"""The 2021 conditions held fixed: a scenario with no events, no trends and no noise.

Under these conditions every state's alignment must stay at its 2021 value,
whatever its decision rule (ODD §7.1, revealed ties); the test suite checks
it. What is switched off:

* **events**: the timeline, formats that start or reach summit level after the
  horizon's first quarter, and formats that end within it;
* **trends**: powers' capacity growth and standing-priority trends, corridor
  investment, growth of freight demand, the regional cohesion process (its
  gain and erosion, SU23-40's "integration sped up since 2021");
* **noise and hazards**: alignment noise, growth shocks, unrest hazard,
  endogenous format upgrades.

Trend GDP growth is kept: it raises every partner's trade alike and moves no
alignment.
"""

from __future__ import annotations

from dataclasses import replace

from multivector.model.calendar import quarter_label, quarter_ordinal
from multivector.model.params import FormatParams, Scenario


def at_rest(scenario: Scenario) -> Scenario:
    """The scenario with its 2021 conditions held fixed for the whole horizon (see the module docstring)."""
    first, last = quarter_ordinal(scenario.start), quarter_ordinal(scenario.end)
    never = quarter_label(last + 1)
    return replace(
        scenario,
        timeline=(),
        powers={code: replace(p, capacity_growth=0.0, standing_trend=0.0) for code, p in scenario.powers.items()},
        corridors={code: replace(c, investment=0.0) for code, c in scenario.corridors.items()},
        formats={code: _as_in_first_quarter(f, first, never) for code, f in scenario.formats.items()},
        transport=replace(scenario.transport, demand_growth=0.0),
        domestic=replace(scenario.domestic, cohesion_gain=0.0, cohesion_decay=0.0, unrest_hazard=0.0, growth_noise=0.0),
        institutions=replace(scenario.institutions, upgrade_hazard=0.0),
        behaviour=replace(scenario.behaviour, noise=0.0),
    )


def _as_in_first_quarter(fmt: FormatParams, first: int, never: str) -> FormatParams:
    """A format as it stood in the first quarter, for the whole horizon."""
    active = fmt.start is not None and quarter_ordinal(fmt.start) <= first and (fmt.end is None or quarter_ordinal(fmt.end) >= first)
    if not active:
        return replace(fmt, start=never, summit_from=None, end=None)
    at_summit = fmt.level == "summit" or (fmt.summit_from is not None and quarter_ordinal(fmt.summit_from) <= first)
    return replace(fmt, level="summit" if at_summit else "ministerial", summit_from=None, end=None)
