"""The model's mechanisms and the claims they encode.

Scenario values and events cite claims for the numbers; this register cites
them for the *rules* — the functions whose form an article's claim dictates.
The claims registry counts a claim as encoded when a scenario value, a
timeline event or a mechanism here cites it. Each entry names the function or
class that implements it, so a test can check that it exists.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mechanism:
    """A rule of the model that encodes claims.

    Attributes:
        where: Dotted path of the implementing function or class (``module.attribute``).
        claims: Claim IDs whose form the rule follows.
        summary: What the rule does, in one sentence.
    """

    where: str
    claims: tuple[str, ...]
    summary: str


MECHANISMS: dict[str, Mechanism] = {
    "dependence_cost": Mechanism(
        "model.decision_rules.RuleTerms", ("SU23-14", "ZE23-42"),
        "States pay λ × the Herfindahl index of their alignment, so no single partner is allowed to dominate.",
    ),
    "revealed_ties": Mechanism(
        "model.decision_rules.revealed_ties", ("SU23-14", "YA24-13"),
        "Existing ties are worth exactly what makes each state's 2021 alignment its rule's choice under 2021 conditions.",
    ),
    "dynamic_balance": Mechanism(
        "model.decision_rules.multivector_hedging", ("SU23-04", "ZE23-24"),
        "Pressure to pick a side raises the dependence cost, spreading alignment more evenly rather than forcing a choice.",
    ),
    "pressure_follows_exposure": Mechanism(
        "model.engine.Engine.pressure", ("SU23-04", "SU23-22"),
        "Pressure to choose sides weighs on each state in proportion to its trade with Russia and its re-exports to it.",
    ),
    "issue_by_issue_alignment": Mechanism(
        "multivector.agents.CentralAsianState", ("ZE23-18",),
        "Each state holds a separate alignment for security, economy and diplomacy and picks partners domain by domain.",
    ),
    "positive_neutrality": Mechanism(
        "model.decision_rules.positive_neutrality", ("SU23-62",),
        "A neutral state discounts every offer and weighs dependence four times as heavily, keeping all powers at arm's length.",
    ),
    "neutral_state_stays_out_of_blocs": Mechanism(
        "model.institutions.FormatArena.weight", ("SU23-62", "YA24-08"),
        "A formally neutral state's formats count outside the security domain only, and it invites no foreign intervention.",
    ),
    "standing_priority": Mechanism(
        "model.decision_rules.hold_losses", ("SU23-06", "ZE23-25"),
        "A standing priority keeps part of what a power would lose of its 2021 share in named domains; a trend can erode it.",
    ),
    "threat_balance": Mechanism(
        "model.engine.Engine.threat", ("SU23-15", "SU23-03"),
        "A power's threat grows with its effort and its proximity; every rule but bandwagoning leans away from rising threat, a balancer most.",
    ),
    "values_conditionality_cost": Mechanism(
        "model.engine.Engine.reception", ("CH25-45", "CH25-46"),
        "Offers tied to values conditionality lose value in proportion to the state's sovereignty sensitivity.",
    ),
    "regime_protection_value": Mechanism(
        "model.engine.Engine.net_value", ("ZE23-13",),
        "In the security domain, powers that protect incumbents against unrest are worth more to insecure regimes.",
    ),
    "rival_denial_allocation": Mechanism(
        "model.powers.PowerStrategies.allocation_target", ("YA24-39", "ZE23-01"),
        "Each power moves its effort toward states that value it and where rivals lead, scaled by its denial motive.",
    ),
    "effort_follows_lost_ground": Mechanism(
        "model.powers.PowerStrategies.respond", ("YA24-39",),
        "A power that loses influence commits more of its capacity to the region, in proportion to its denial motive.",
    ),
    "reexport_channel": Mechanism(
        "model.sanctions.SanctionsRegime.step", ("SU23-18", "CH25-34"),
        "Sanctions open a price wedge; goods imported from the senders are re-exported to Russia in proportion to it and to each state's openness.",
    ),
    "enforcement_escalation": Mechanism(
        "model.sanctions.SanctionsRegime.step", ("CH25-26", "SU23-22"),
        "While circumvention persists, secondary enforcement climbs through outreach, visits and designations, deterring re-exports.",
    ),
    "secondary_exposure": Mechanism(
        "model.sanctions.SanctionsRegime.exposure", ("CH25-26", "CH25-34"),
        "Each state's expected secondary cost follows its own circumvention and designated firms; "
        "it lowers the value of its economic tilt to Russia.",
    ),
    "bank_compliance_not_state_policy": Mechanism(
        "model.sanctions.SanctionsRegime.step", ("CH25-41", "SU23-05", "SU23-08"),
        "Banks comply in response to their state's expected secondary cost, while formal adherence needs a clear Western diplomatic tilt.",
    ),
    "format_leverage_and_fragmentation": Mechanism(
        "model.institutions.FormatArena.leverage", ("YA24-01", "YA24-04", "YA24-41"),
        "Every competing C5+X format adds leverage in the domains it covers, raising the cost of concentrating; "
        "their number dilutes each one's effect.",
    ),
    "summit_upgrade_race": Mechanism(
        "model.institutions.FormatArena", ("YA24-39",),
        "Ministerial dialogues rise to summit level with a hazard that grows with the share of rivals already meeting at the top.",
    ),
    "security_provider_of_last_resort": Mechanism(
        "model.domestic.DomesticDynamics.unrest", ("ZE23-14", "YA24-14"),
        "Severe unrest calls in the power most able and willing to intervene, which then gains lasting security alignment.",
    ),
    "unrest_hazard": Mechanism(
        "model.domestic.DomesticDynamics.draw_unrest", ("SU23-54", "SU23-51", "YA24-48"),
        "Unrest is drawn with a hazard that rises with regime insecurity and with growth shortfalls.",
    ),
    "regional_cohesion": Mechanism(
        "model.domestic.DomesticDynamics.update_cohesion", ("ZE23-32", "SU23-42", "YA24-46", "YA24-47"),
        "Attended Central Asian summits build cohesion; the Kazakh–Uzbek rivalry and diverging alignments erode it.",
    ),
    "corridor_route_choice": Mechanism(
        "model.corridors.CorridorNetwork", ("CH25-27", "YA24-40", "YA24-07"),
        "Freight splits across routes by a logit of generalised cost with congestion and a sanctions-risk premium on routes through Russia.",
    ),
    "corridor_sponsor_influence": Mechanism(
        "model.corridors.CorridorNetwork.sponsor_presence", ("DE22-12", "CH25-30"),
        "Sponsors of a route gain economic weight in the states it serves in proportion to the freight it carries.",
    ),
}
"""Mechanism name → the rule and the claims it encodes."""


def mechanism_citations() -> dict[str, list[str]]:
    """Claim ID → names of the mechanisms citing it."""
    cited: dict[str, list[str]] = {}
    for name, mechanism in MECHANISMS.items():
        for claim in mechanism.claims:
            cited.setdefault(claim, []).append(name)
    return cited
