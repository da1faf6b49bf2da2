"""The typed, frozen parameter structure of a Multivector run.

This module is the single source of truth for what a scenario may say: every
field carries its kind, unit, allowed range and meaning in its metadata. The
scenario loader (``scenarios``) validates YAML against these specifications and
builds the frozen objects below; the model reads nothing else.

The field specification (:class:`Spec`) and the fixed dimensions (``DOMAINS``,
``BLOCS``, ``LEVELS``, ``ROLES``) are defined in :mod:`model.specs` and
available from here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from multivector.model.events import TimelineEvent
from multivector.model.specs import BLOCS as BLOCS
from multivector.model.specs import DOMAINS as DOMAINS
from multivector.model.specs import LEVELS as LEVELS
from multivector.model.specs import ROLES as ROLES
from multivector.model.specs import Spec as Spec
from multivector.model.specs import spec
from multivector.model.specs import specs_of as specs_of


@dataclass(frozen=True)
class StateParams:
    """A Central Asian state: traits, dependence structure and behaviour."""

    name: str = spec("", kind="text", world=False, doc="Display name")
    decision_rule: str = spec(
        "multivector_hedging", kind="choice", doc="Named decision rule (model.decision_rules)",
        options=("multivector_hedging", "bandwagoning", "balancing_threat", "positive_neutrality"),
    )
    gdp_bn: float = spec(kind="real", unit="US$ bn (2021)", initial=True, low=0.1, high=10_000, doc="Economy size in 2021")
    trade_bn: float = spec(kind="real", unit="US$ bn (2021)", initial=True, low=0, high=10_000, doc="Goods trade turnover in 2021")
    trend_growth: float = spec(kind="real", unit="%/yr", low=-10, high=20, doc="Growth with no shocks")
    trade_shares: Mapping[str, float] = spec(
        kind="power_map", low=0, high=1, total_at_most=1.0001,
        doc="Share of 2021 goods trade by partner power (the rest: others and intra-regional)",
    )
    investment_shares: Mapping[str, float] = spec(
        kind="power_map", low=0, high=1, total_at_most=1.0001, doc="Share of foreign direct investment stock by source",
    )
    remittances_gdp: Mapping[str, float] = spec(
        {}, kind="power_map", unit="fraction of GDP", low=0, high=0.6, optional=True,
        doc="Remittance inflows by sending power",
    )
    security_ties: Mapping[str, float] = spec(
        kind="power_map", low=0, high=1, total_at_most=1.0001,
        doc="Initial security alignment (bases, alliance membership, arms, training)",
    )
    diplomatic_ties: Mapping[str, float] = spec(
        kind="power_map", low=0, high=1, total_at_most=1.0001, doc="Initial diplomatic/institutional alignment",
    )
    dependence_aversion: float = spec(
        kind="real", low=0, high=50, doc="λ: weight of the dependence (HHI) cost in the state's utility",
    )
    pressure_sensitivity: float = spec(
        kind="real", low=0, high=10, doc="How much pressure to choose sides raises λ (SU23-04 dynamic balance)",
    )
    adjustment_rate: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Share of the gap to the target closed per quarter")
    sovereignty_sensitivity: float = spec(kind="real", low=0, high=5, doc="Cost weight of values conditionality")
    neutrality: bool = spec(False, kind="flag",
        doc="Formally neutral: attends formats only outside the security domain and invites no foreign intervention")
    afghan_exposure: float = spec(kind="real", low=0, high=1, doc="Exposure to Afghan spill-over")
    regime_security: float = spec(kind="real", low=0, high=1, initial=True,
        doc="Regime security in 2021, the level it returns to when conditions are as in 2021")
    succession_risk: float = spec(kind="real", low=0, high=1, doc="Risk attached to an incomplete leadership transition")
    circumvention_openness: float = spec(
        kind="real", low=0, high=1, doc="How easily goods can be re-exported to Russia (customs union, routes)",
    )
    sentiment: Mapping[str, float] = spec(
        {}, kind="power_map", low=-1, high=1, optional=True, doc="Public sentiment toward each power (−1 hostile, +1 warm)",
    )


@dataclass(frozen=True)
class PowerParams:
    """An external power: capacity, comparative advantages, goals and instruments."""

    name: str = spec("", kind="text", world=False, doc="Display name")
    bloc: str = spec(kind="choice", options=BLOCS, initial=True,
        doc="Grouping used for the Russia / China / West triangle (read once at set-up)")
    capacity: float = spec(kind="real", unit="index (China 2021 = 1)", low=0, high=10, initial=True,
        doc="Resources the power devotes to Central Asia in 2021")
    capacity_growth: float = spec(kind="real", unit="%/yr", low=-20, high=20, doc="Trend change of that capacity")
    advantage: Mapping[str, float] = spec(kind="domain_map", low=0, high=1, doc="Comparative advantage by domain")
    denial: float = spec(kind="real", low=0, high=3,
        doc="Denial motive: how strongly the power chases rivals' gains with its allocation and steps up its effort when it loses ground")
    regime_support: float = spec(kind="real", low=0, high=1, doc="Support offered to incumbents against unrest")
    conditionality: float = spec(kind="real", low=0, high=1, doc="Values conditionality attached to offers")
    intervention: float = spec(0.0, kind="real", low=0, high=1, optional=True, doc="Capacity to intervene against unrest")
    proximity: float = spec(kind="real", low=0, high=1,
        doc="Geographic proximity to the region: the threat a power poses is proximity × its effort")
    standing: float = spec(0.0, kind="real", low=0, high=1,
        doc="Standing priority: share of what the power would lose of its 2021 alignment, in standing_domains, "
            "that the states keep")
    standing_domains: tuple[str, ...] = spec((), kind="domains", doc="Domains in which the standing priority holds")
    standing_trend: float = spec(0.0, kind="real", unit="1/yr", low=-1, high=1,
        doc="Yearly change of the standing priority (negative: the priority erodes)")


@dataclass(frozen=True)
class FormatParams:
    """A cooperation format: a C5+1 dialogue or a regional organisation (digest §8)."""

    name: str = spec("", kind="text", world=False, doc="Display name")
    sponsor: str = spec(kind="choice", doc="Power that leads the format ('C5' for the states' own)")
    members: tuple[str, ...] = spec(kind="states", doc="Central Asian member states")
    domains: tuple[str, ...] = spec(kind="domains",
        doc="Issue domains the format covers: its leverage and its sponsor's gain apply in these domains")
    kind: str = spec("dialogue", kind="choice", options=("dialogue", "organisation"), doc="C5+X dialogue or treaty organisation")
    start: str | None = spec(kind="quarter", doc="First meeting (quarter); a neutral of null means the format never meets")
    level: str = spec("ministerial", kind="choice", options=LEVELS,
        doc="Level when the format starts; summit_from, a rival's race or a dated parameter event changes it later")
    summit_from: str | None = spec(None, kind="quarter", optional=True, doc="Quarter of the upgrade to summit level")
    end: str | None = spec(None, kind="quarter", optional=True, doc="Last quarter in which the format meets (none: open-ended)")


@dataclass(frozen=True)
class CorridorParams:
    """A transport or pipeline route carrying the region's trade."""

    name: str = spec("", kind="text", world=False, doc="Display name")
    capacity: float = spec(kind="real", unit="Mt/yr", low=0, high=1000, initial=True, doc="Capacity in 2021")
    cost: float = spec(kind="real", unit="index (northern route = 1)", low=0.1, high=10, doc="Base generalised cost per tonne")
    sanctions_exposure: float = spec(kind="real", low=0, high=1, doc="Share of the route exposed to sanctions on Russia")
    sponsors: Mapping[str, float] = spec(kind="power_map", low=0, high=1, total_at_most=1.0001, doc="Sponsoring powers' shares")
    states: tuple[str, ...] = spec(kind="states", doc="Central Asian states the route serves")
    investment: float = spec(0.0, kind="real", unit="Mt/yr added per year", low=0, high=200, optional=True, doc="Sponsors' capacity build-out")
    lag: int = spec(8, kind="integer", unit="quarters", low=0, high=40, optional=True, doc="Delay from investment to usable capacity")


@dataclass(frozen=True)
class SanctionsParams:
    """Sanctions on Russia, circumvention through the states and secondary enforcement."""

    senders: tuple[str, ...] = spec(kind="powers", doc="Powers imposing sanctions on Russia")
    target: str = spec("RUS", kind="choice", doc="Sanctioned power")
    wedge: float = spec(kind="real", low=0, high=2, doc="Price wedge per unit of sanctions intensity")
    diversion: float = spec(kind="real", low=0, high=1,
        doc="Russia's trade redirected to the region per unit of intensity, scaled by each state's circumvention openness")
    reexport_elasticity: float = spec(kind="real", low=0, high=5,
        doc="Re-exports per unit of price wedge, as a share of the state's trade with the target this quarter")
    enforcement_escalation: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Growth of enforcement while circumvention persists")
    designation_rate: float = spec(kind="real", unit="firms per quarter at full enforcement and US$1bn/yr of re-exports", low=0, high=50,
        doc="Designations hazard scale: expected firms a quarter = rate × enforcement × a state's re-exports (US$ bn/yr)")
    deterrence: float = spec(kind="real", low=0, high=5, doc="How much enforcement suppresses circumvention")
    bank_compliance_response: float = spec(kind="real", low=0, high=10,
        doc="Bank-level compliance per unit of a state's expected secondary cost")
    bank_compliance_floor: Mapping[str, float] = spec(
        {}, kind="state_map", low=0, high=1, optional=True, doc="Minimum bank-level compliance by state",
    )
    adherence_threshold: float = spec(kind="real", low=0, high=1, doc="Western diplomatic alignment above which a state formally adheres")
    secondary_cost: float = spec(kind="real", low=0, high=20,
        doc="Expected cost per unit of a state's secondary exposure (enforcement × its circumvention and designations): "
            "lowers the value of economic alignment with the target and drives bank compliance")


@dataclass(frozen=True)
class InstitutionParams:
    """How the density of formats turns into leverage (YA24-01, YA24-41)."""

    leverage_per_format: float = spec(kind="real", low=0, high=2,
        doc="Leverage per level-weighted attended format, in each domain it covers: raises the cost of concentrating on one partner")
    sponsor_gain: float = spec(kind="real", low=0, high=2,
        doc="Offer value a sponsor gains per level-weighted attended format, in each domain the format covers")
    fragmentation_penalty: float = spec(kind="real", low=0, high=1,
        doc="Dilution of each format's effect by their number (at most 1, so an added format never lowers total leverage)")
    summit_weight: float = spec(kind="real", low=1, high=5, doc="Effect of a summit-level format relative to a ministerial one")
    upgrade_hazard: float = spec(kind="real", unit="1/quarter", low=0, high=1,
        doc="Quarterly upgrade chance of an undated ministerial dialogue, times the share of powers with a rival summit format")
    attendance_threshold: float = spec(kind="real", low=0, high=1,
        doc="Share of its 2021 diplomatic alignment with a sponsor below which a state stops attending the sponsor's formats")


@dataclass(frozen=True)
class DomesticParams:
    """Growth, regime security, unrest and regional cohesion."""

    trade_elasticity: float = spec(kind="real", low=0, high=2, doc="Elasticity of the GDP level to total trade turnover")
    remittance_elasticity: float = spec(kind="real", low=0, high=2, doc="Growth response to remittance changes")
    unrest_hazard: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Base unrest hazard for a fully insecure regime")
    unrest_growth_slope: float = spec(kind="real", low=0, high=2, doc="Increase of the hazard per point of growth shortfall")
    intervention_threshold: float = spec(kind="real", low=0, high=1, doc="Severity above which a provider is asked to intervene")
    intervention_boost: float = spec(kind="real", low=0, high=1, doc="Shift of security alignment toward an intervening provider")
    regime_recovery: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Quarterly recovery of regime security")
    cohesion: float = spec(kind="real", low=0, high=1, initial=True, doc="Regional cohesion in 2021")
    cohesion_gain: float = spec(kind="real", low=0, high=1, doc="Cohesion gained per year of attended C5 meetings (applied quarterly)")
    cohesion_decay: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Erosion of cohesion from rivalry and divergence")
    rivalry: float = spec(kind="real", low=0, high=1, doc="Kazakh–Uzbek rivalry for regional leadership")
    cohesion_leverage: float = spec(kind="real", low=0, high=2, doc="Leverage per unit of cohesion, in every domain, from acting as a group")
    transit_elasticity: float = spec(kind="real", low=0, high=5, doc="Elasticity of the GDP level to transit freight gained (share of 2021 demand)")
    growth_noise: float = spec(kind="real", unit="%/yr", low=0, high=5, doc="Std. dev. of quarterly growth shocks")


@dataclass(frozen=True)
class TransportParams:
    """Demand for the region's transit and how it splits across routes."""

    demand: float = spec(kind="real", unit="Mt/yr", low=0, high=5000, initial=True, doc="Freight the routes carry in 2021")
    demand_growth: float = spec(kind="real", unit="%/yr", low=-10, high=20, doc="Trend growth of that freight")
    cost_sensitivity: float = spec(kind="real", low=0, high=20, doc="θ of the logit route choice")
    congestion: float = spec(kind="real", low=0, high=5, doc="Cost increase at full capacity (BPR-style)")
    sanctions_risk: float = spec(kind="real", low=0, high=5, doc="Cost added per unit of sanctions exposure × intensity")
    sponsor_influence: float = spec(kind="real", low=0, high=5, doc="Economic offer a sponsor gains per unit of flow share")


@dataclass(frozen=True)
class BehaviourParams:
    """Rates and noise shared by all actors."""

    noise: float = spec(kind="real", low=0, high=0.2, doc="Std. dev. of quarterly alignment noise")
    offer_scale: float = spec(kind="real", low=0, high=10, doc="Conversion of allocated capacity into offer value")
    allocation_rate: float = spec(kind="real", unit="1/quarter", low=0, high=1, doc="Speed at which powers reallocate")
    pressure_weight: float = spec(kind="real", low=0, high=5,
        doc="Pressure to choose sides per unit of sanctions intensity and enforcement, scaled by a state's ties to the target")
    effort_response: float = spec(kind="real", low=0, high=10,
        doc="Change of a power's regional effort per unit of lost influence (share of its 2021 level) and of denial")
    max_effort: float = spec(kind="real", low=1, high=5, doc="Largest multiple of its 2021 effort a power commits to the region")
    regime_weight: float = spec(kind="real", low=0, high=5, doc="Value of regime protection in the security domain")
    threat_weight: float = spec(kind="real", low=0, high=5,
        doc="Weight of threat (proximity × effort) in the hedging and neutrality rules; balancing_threat weighs it four times, "
            "bandwagoning not at all")
    basing_threshold: float = spec(kind="real", low=0, high=1, doc="Security share at which a power is counted as holding a base")


@dataclass(frozen=True)
class Scenario:
    """Everything a run needs, fully resolved (no inheritance left)."""

    name: str
    start: str
    end: str
    states: Mapping[str, StateParams]
    powers: Mapping[str, PowerParams]
    formats: Mapping[str, FormatParams]
    corridors: Mapping[str, CorridorParams]
    sanctions: SanctionsParams
    institutions: InstitutionParams
    domestic: DomesticParams
    transport: TransportParams
    behaviour: BehaviourParams
    timeline: tuple[TimelineEvent, ...] = ()
    description: str = ""

    @property
    def state_codes(self) -> tuple[str, ...]:
        """State codes in scenario order."""
        return tuple(self.states)

    @property
    def power_codes(self) -> tuple[str, ...]:
        """Power codes in scenario order."""
        return tuple(self.powers)


SECTIONS: dict[str, type] = {
    "sanctions": SanctionsParams,
    "institutions": InstitutionParams,
    "domestic": DomesticParams,
    "transport": TransportParams,
    "behaviour": BehaviourParams,
}
"""Top-level single-object sections of a scenario and their classes."""

COLLECTIONS: dict[str, type] = {
    "states": StateParams,
    "powers": PowerParams,
    "formats": FormatParams,
    "corridors": CorridorParams,
}
"""Top-level keyed collections of a scenario and their item classes."""


def with_values(scenario: Scenario, values: Mapping[tuple[str, ...], Any]) -> Scenario:
    """A copy of the scenario with values replaced at key paths such as ``("states", "KAZ", "dependence_aversion")``.

    Used by experimental designs, which vary already-validated quantities inside
    their declared ranges; it does no validation of its own.
    """
    for path, value in values.items():
        scenario = _replace_at(scenario, tuple(path), value)
    return scenario


def _replace_at(obj: Any, path: tuple[str, ...], value: Any) -> Any:
    head, rest = path[0], path[1:]
    if isinstance(obj, Mapping):
        return {**obj, head: _replace_at(obj[head], rest, value) if rest else value}
    return replace(obj, **{head: _replace_at(getattr(obj, head), rest, value) if rest else value})
