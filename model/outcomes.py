"""Outcomes recorded every quarter: definitions, units and storage.

Each outcome is recorded at the end of every step into a preallocated array of
shape ``(runs, steps, *dims)`` (one run's outcomes are ``(steps, *dims)``). Dimension names refer to the model's ordered codes:
``state``, ``domain``, ``power``, ``bloc`` and ``corridor``.

Some outcomes are pure functions of others and of the scenario's structure
(:data:`DERIVED`: the hedging index, largest, bloc and Russia shares from the
alignment; exports to Russia and imports from the West from trade and
circumvention). The engine records them through :func:`derive`, and a results
folder stores only the others and derives these when read, with the same code,
so there is one definition and the values agree bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector.model.params import BLOCS, DOMAINS, Scenario
from multivector.model.simplex import hedging_index


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


@dataclass(frozen=True)
class Structure:
    """What the derived outcomes need of a scenario besides the stored outcomes.

    Attributes:
        bloc_of: Each power's bloc, as an index into :data:`model.params.BLOCS`.
        russia: Index of Russia among the powers (the sanctions target if there is no ``RUS``).
        target: Index of the sanctions target.
        senders: Whether each power imposes the sanctions.
    """

    bloc_of: tuple[int, ...]
    russia: int
    target: int
    senders: tuple[bool, ...]

    @classmethod
    def of(cls, scenario: Scenario) -> Structure:
        """The structure of a scenario (blocs are read once at set-up, so design values never change it)."""
        codes = scenario.power_codes
        target = codes.index(scenario.sanctions.target)
        return cls(bloc_of=tuple(BLOCS.index(p.bloc) for p in scenario.powers.values()),
                   russia=codes.index("RUS") if "RUS" in codes else target, target=target,
                   senders=tuple(code in scenario.sanctions.senders for code in codes))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record (see :meth:`from_json`)."""
        return {"bloc_of": list(self.bloc_of), "russia": self.russia, "target": self.target, "senders": list(self.senders)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Structure:
        """The structure recorded by :meth:`to_json`."""
        return cls(tuple(int(b) for b in data["bloc_of"]), int(data["russia"]), int(data["target"]),
                   tuple(bool(s) for s in data["senders"]))


def _bloc_share(alignment: np.ndarray, structure: Structure) -> np.ndarray:
    bloc_of = np.array(structure.bloc_of)
    return np.stack([alignment[..., bloc_of == k].sum(axis=-1) for k in range(len(BLOCS))], axis=-1)


@dataclass(frozen=True)
class Derivation:
    """How a derived outcome is computed.

    Attributes:
        inputs: The stored outcomes it is a function of.
        compute: ``(stored outcomes, structure) → values``; works on any leading axes
            (``[run, …]`` in the engine, ``[row, …]`` when read from disk).
    """

    inputs: tuple[str, ...]
    compute: Callable[[Mapping[str, np.ndarray], Structure], np.ndarray]


DERIVED: dict[str, Derivation] = {
    "hedging_index": Derivation(("alignment",), lambda o, s: hedging_index(o["alignment"])),
    "largest_share": Derivation(("alignment",), lambda o, s: o["alignment"].max(axis=-1)),
    "bloc_share": Derivation(("alignment",), lambda o, s: _bloc_share(o["alignment"], s)),
    "russia_share": Derivation(("alignment",), lambda o, s: o["alignment"][..., s.russia]),
    "exports_to_russia": Derivation(("trade", "circumvention"),
                                    lambda o, s: o["trade"][..., s.target] / 2 + o["circumvention"] / 2),
    "imports_from_west": Derivation(("trade", "circumvention"),
                                    lambda o, s: o["trade"][..., np.array(s.senders)].sum(axis=-1) / 2 + o["circumvention"] / 2),
}
"""Outcomes that are pure functions of stored outcomes and the scenario's :class:`Structure`: recorded by the
engine through :func:`derive`, not stored in a results folder but derived when read."""

STORED: tuple[str, ...] = tuple(name for name in OUTCOMES if name not in DERIVED)
"""Outcomes a results folder stores (every outcome not in :data:`DERIVED`), in :data:`OUTCOMES` order."""


def derive(names: list[str] | tuple[str, ...], stored: Mapping[str, np.ndarray], structure: Structure) -> dict[str, np.ndarray]:
    """Compute derived outcomes from the stored ones they need.

    Args:
        names: Names in :data:`DERIVED`.
        stored: At least each derivation's inputs, with any leading axes.
        structure: The scenario's structure.

    Returns:
        Name → values, with the inputs' leading axes.
    """
    return {name: DERIVED[name].compute(stored, structure) for name in names}


def inputs_of(names: list[str] | tuple[str, ...]) -> list[str]:
    """The stored outcomes needed to have ``names``: stored ones as they are, derived ones through their inputs."""
    needed: list[str] = []
    for name in names:
        for each in DERIVED[name].inputs if name in DERIVED else (name,):
            if each not in needed:
                needed.append(each)
    return needed


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
"""End-of-horizon indicators of the region stored once per run, with their definitions."""

STATE_SUMMARY: dict[str, str] = {
    "hedging_index": "The state's hedging index, mean over domains, in the last quarter (0–1)",
    "largest_share": "The largest single power's share of the state's alignment, mean over domains, in the last quarter",
    "russia_security_share": "Russia's security share in the state in the last quarter",
    "china_economy_share": "China's economic share in the state in the last quarter",
}
"""End-of-horizon indicators of each state, named ``<indicator>__<state code>`` (``russia_security_share__KAZ``,
identifier-safe for tools such as EMA Workbench); the regional indicator of the same name is their mean over states."""

STATE_SEPARATOR = "__"
"""Joins a per-state indicator and a state code (the separator of key paths in keyword overrides)."""


def summary_names(state_codes: Sequence[str]) -> tuple[str, ...]:
    """Every end-of-horizon indicator of a scenario with these states: :data:`SUMMARY`, then :data:`STATE_SUMMARY` per state."""
    return (*SUMMARY, *(f"{name}{STATE_SEPARATOR}{code}" for name in STATE_SUMMARY for code in state_codes))


def summary_definition(name: str) -> str:
    """The definition of an end-of-horizon indicator, regional or per state (``""`` for an unknown name)."""
    if name in SUMMARY:
        return SUMMARY[name]
    indicator, _, state = name.rpartition(STATE_SEPARATOR)
    return f"{STATE_SUMMARY[indicator]} ({state})" if indicator in STATE_SUMMARY and state else ""


def summarise(outcomes: Mapping[str, np.ndarray], power_codes: tuple[str, ...], blocs: tuple[str, ...],
              state_codes: Sequence[str]) -> dict[str, float]:
    """End-of-horizon indicators of one run (see :func:`summary_names`); outcomes are ``(steps, …)``."""
    values = summarise_runs({name: array[None] for name, array in outcomes.items()}, power_codes, blocs, state_codes)
    return {name: float(column[0]) for name, column in values.items()}


SUMMARY_INPUTS: tuple[str, ...] = ("hedging_index", "alignment", "bloc_share", "cohesion", "summit_formats",
                                   "circumvention", "designations", "unrest")
"""Outcomes :func:`summarise_runs` reads (all but ``unrest`` only in the last quarter)."""


def summarise_runs(outcomes: Mapping[str, np.ndarray], power_codes: tuple[str, ...], blocs: tuple[str, ...],
                   state_codes: Sequence[str]) -> dict[str, np.ndarray]:
    """End-of-horizon indicators of many runs at once: :data:`SUMMARY`, then :data:`STATE_SUMMARY` per state.

    Args:
        outcomes: Outcome name → ``(runs, steps, …)`` (at least :data:`SUMMARY_INPUTS`).
        power_codes: The scenario's power codes.
        blocs: The bloc names (:data:`model.params.BLOCS`).
        state_codes: The scenario's state codes, in the order of the outcomes' state axis.

    Returns:
        Indicator → ``(runs,)`` values, in the order of :func:`summary_names`; each run's are what it gives alone.
    """
    russia, china = power_codes.index("RUS"), power_codes.index("CHN")
    security, economy, diplomacy = (DOMAINS.index(d) for d in ("security", "economy", "diplomacy"))
    west = blocs.index("west")
    alignment = outcomes["alignment"][:, -1]

    def mean(array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(array).reshape(len(array), -1).mean(axis=1)

    def total(array: np.ndarray) -> np.ndarray:
        return np.ascontiguousarray(array).reshape(len(array), -1).sum(axis=1)

    regional = {
        "hedging_index": mean(outcomes["hedging_index"][:, -1]),
        "russia_security_share": mean(alignment[:, :, security, russia]),
        "china_economy_share": mean(alignment[:, :, economy, china]),
        "west_diplomacy_share": mean(outcomes["bloc_share"][:, -1, :, diplomacy, west]),
        "cohesion": np.asarray(outcomes["cohesion"][:, -1], dtype=float),
        "summit_formats": np.asarray(outcomes["summit_formats"][:, -1], dtype=float),
        "circumvention_bn": total(outcomes["circumvention"][:, -1]),
        "designations": total(outcomes["designations"][:, -1]),
        "unrest_events": np.nansum(np.ascontiguousarray(outcomes["unrest"]).reshape(len(outcomes["unrest"]), -1), axis=1),
    }
    per_state = {  # [run, state]
        "hedging_index": outcomes["hedging_index"][:, -1].mean(axis=-1),
        "largest_share": alignment.max(axis=-1).mean(axis=-1),
        "russia_security_share": alignment[:, :, security, russia],
        "china_economy_share": alignment[:, :, economy, china],
    }
    if alignment.shape[1] != len(state_codes):
        raise ValueError(f"{len(state_codes)} state codes for outcomes of {alignment.shape[1]} states")
    return regional | {f"{name}{STATE_SEPARATOR}{code}": np.ascontiguousarray(per_state[name][:, k])
                       for name in STATE_SUMMARY for k, code in enumerate(state_codes)}
