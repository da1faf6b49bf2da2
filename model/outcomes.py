"""Outcomes recorded every quarter: definitions, units and storage.

Each outcome is recorded at the end of every step into a preallocated array of
shape ``(runs, steps, *dims)`` (one run's outcomes are ``(steps, *dims)``). Dimension names refer to the model's ordered codes:
``state``, ``domain``, ``power``, ``bloc`` and ``corridor``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from model.params import BLOCS, DOMAINS, Scenario


@dataclass(frozen=True)
class Outcome:
    """One recorded outcome.

    Attributes:
        unit: Unit of the values.
        dims: Dimension names after the time axis.
        definition: What is measured, in one or two sentences.
    """

    unit: str
    dims: tuple[str, ...]
    definition: str


OUTCOMES: dict[str, Outcome] = {
    "alignment": Outcome("share", ("state", "domain", "power"),
                         "Share of the state's engagement in a domain given to each power (rows sum to 1)."),
    "hedging_index": Outcome("0–1", ("state", "domain"),
                             "Normalised entropy of the alignment: 0 = one partner only, 1 = even spread over all powers."),
    "largest_share": Outcome("share", ("state", "domain"), "Largest single power's alignment share."),
    "bloc_share": Outcome("share", ("state", "domain", "bloc"),
                          "Alignment summed by bloc (russia, china, west, other): the triangle's coordinates."),
    "russia_share": Outcome("share", ("state", "domain"),
                            "Russia's alignment share: 'restrain' keeps it near its 2021 level, 'de-Russify' lowers it."),
    "influence": Outcome("share", ("power",),
                         "A power's regional influence: its alignment share averaged over domains, weighted by GDP."),
    "capacity": Outcome("index (China 2021 = 1)", ("power",), "A power's capacity after its trend and shocks."),
    "commitment": Outcome("multiple of 2021", ("power",),
                          "A power's commitment to the region (its effort is capacity × commitment); it rises as the power loses ground."),
    "threat": Outcome("index (largest 2021 effort = 1)", ("power",),
                      "Threat the power poses: proximity × effort relative to the largest 2021 effort (above 1 for a power that outgrows it)."),
    "trade": Outcome("US$ bn/yr", ("state", "power"), "Goods trade turnover with each power, annualised."),
    "trade_index": Outcome("2021 = 1", ("state", "power"), "Trade with each power relative to its 2021 level (share × 2021 turnover)."),
    "exports_to_russia": Outcome("US$ bn/yr", ("state",), "Exports to Russia incl. re-exports, annualised."),
    "imports_from_west": Outcome("US$ bn/yr", ("state",), "Imports from the sanctioning bloc incl. goods for re-export."),
    "circumvention": Outcome("US$ bn/yr", ("state",), "Re-export (circumvention) flow to Russia, annualised."),
    "designations": Outcome("firms (cumulative)", ("state",), "Firms designated under secondary sanctions so far."),
    "secondary_cost": Outcome("utility units", ("state",),
                              "Expected secondary-sanctions cost: secondary_cost × enforcement × (circumvention share "
                              "+ a weight per recently designated firm)."),
    "pressure": Outcome("index", ("state",),
                        "Pressure to choose sides the state acted on: sanctions intensity × its trade ties to Russia "
                        "and enforcement × its re-exports."),
    "bank_compliance": Outcome("0–1", ("state",), "Bank-level compliance with Western sanctions (not state policy)."),
    "formal_adherence": Outcome("0/1", ("state",), "1 if the state has formally joined Western sanctions on Russia."),
    "sanctions_intensity": Outcome("0–1", (), "Intensity of the sanctions regime on Russia."),
    "enforcement": Outcome("0–1", (), "Secondary-sanctions enforcement level."),
    "enforcement_stage": Outcome("0–3", (), "Escalation stage: 0 none, 1 outreach, 2 visits, 3 designations."),
    "corridor_share": Outcome("share", ("corridor",), "Share of the region's freight on each route."),
    "corridor_flow": Outcome("Mt/yr", ("corridor",), "Freight on each route."),
    "corridor_capacity": Outcome("Mt/yr", ("corridor",), "Usable capacity of each route."),
    "formats_active": Outcome("count", (), "Cooperation formats active (dialogues and organisations)."),
    "summit_formats": Outcome("count", (), "Active C5+X dialogues meeting at heads-of-state level (organisations excluded)."),
    "fragmentation": Outcome("0–1", (), "1 − HHI of level-weighted C5+X dialogues across sponsors."),
    "leverage": Outcome("multiplier (≥ 1)", ("state", "domain"),
                        "1 + leverage from formats and cohesion the state acted on: the factor by which it raises the cost "
                        "of concentrating on one partner."),
    "cohesion": Outcome("0–1", (), "Regional cohesion among the five states."),
    "regime_security": Outcome("0–1", ("state",), "Security of the incumbent regime."),
    "unrest": Outcome("events", ("state",), "Unrest events this quarter (scheduled or drawn)."),
    "unrest_risk": Outcome("1/quarter", ("state",),
                           "Chance of drawn unrest this quarter: base hazard × insecurity × (1 + succession risk) × growth stress."),
    "interventions": Outcome("events", ("power",), "Interventions against unrest by each power this quarter."),
    "growth": Outcome("%/yr", ("state",), "Annualised real growth this quarter."),
    "gdp_index": Outcome("2021Q1 = 1", ("state",), "Real GDP relative to the start."),
    "foreign_bases": Outcome("count", ("power",), "States whose security alignment with the power reaches the basing threshold."),
}
"""Name → definition of every recorded outcome."""


def coordinates(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Labels of each outcome dimension for a scenario."""
    return {
        "state": scenario.state_codes,
        "power": scenario.power_codes,
        "domain": DOMAINS,
        "bloc": BLOCS,
        "corridor": tuple(scenario.corridors),
    }


class Recorder:
    """Preallocated arrays holding every outcome of every run for every step, ``[run, step, *dims]``.

    Args:
        runs: Number of runs.
        steps: Number of steps in the horizon.
        sizes: Size of each dimension name.
    """

    def __init__(self, runs: int, steps: int, sizes: dict[str, int]) -> None:
        self.data = {
            name: np.full((runs, steps, *(sizes[d] for d in outcome.dims)), np.nan)
            for name, outcome in OUTCOMES.items()
        }

    def write(self, t: int, values: dict[str, np.ndarray]) -> None:
        """Store the values of step ``t`` (each ``[run, *dims]``); every outcome must be present."""
        for name, array in self.data.items():
            array[:, t] = values[name]


SUMMARY: dict[str, str] = {
    "hedging_index": "Mean hedging index over states and domains in the last quarter (0–1)",
    "russia_security_share": "Russia's mean security share over states in the last quarter",
    "china_economy_share": "China's mean economic share over states in the last quarter",
    "west_diplomacy_share": "Western bloc's mean diplomatic share over states in the last quarter",
    "cohesion": "Regional cohesion in the last quarter (0–1)",
    "summit_formats": "C5+X dialogues at summit level in the last quarter (count)",
    "circumvention_bn": "Re-export flow to Russia in the last quarter (US$ bn/yr)",
    "designations": "Firms designated by the end (count)",
    "unrest_events": "Unrest events over the horizon (count)",
}
"""End-of-horizon indicators stored once per run, with their definitions."""


def summarise(outcomes: dict[str, np.ndarray], power_codes: tuple[str, ...], blocs: tuple[str, ...]) -> dict[str, float]:
    """End-of-horizon indicators of one run (see :data:`SUMMARY`)."""
    russia, china = power_codes.index("RUS"), power_codes.index("CHN")
    west = blocs.index("west")
    return {
        "hedging_index": float(outcomes["hedging_index"][-1].mean()),
        "russia_security_share": float(outcomes["alignment"][-1, :, 0, russia].mean()),
        "china_economy_share": float(outcomes["alignment"][-1, :, 1, china].mean()),
        "west_diplomacy_share": float(outcomes["bloc_share"][-1, :, 2, west].mean()),
        "cohesion": float(outcomes["cohesion"][-1]),
        "summit_formats": float(outcomes["summit_formats"][-1]),
        "circumvention_bn": float(outcomes["circumvention"][-1].sum()),
        "designations": float(outcomes["designations"][-1].sum()),
        "unrest_events": float(np.nansum(outcomes["unrest"])),
    }
