"""The decision core's comparative statics: what a reviewer in international relations would ask of it.

Each test states the direction the articles' reasoning points, with the claim
IDs, and checks it at unit level (the closed-form rule) and at model level
(paired runs on common seeds, so the difference is the mechanism, not noise).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from conftest import Replicates, run_replicates
from multivector import MultivectorModel
from multivector.model.decision_rules import DecisionContext, get_rule, hold_losses, revealed_ties, rule_names
from multivector.model.events import Unrest
from multivector.model.rest import at_rest
from multivector.scenarios import load_scenario

PAIRED_SEEDS = range(6)
"""Common random numbers: both arms of every comparison use these seeds."""

REST_TOLERANCE = 1e-9
"""Largest drift of any share over the horizon at rest: floating-point error only (shares are O(0.1))."""

LATE = slice(24, 40)
"""2027–2030: long enough after the 2022–2024 shocks for slow mechanisms to show."""

STATES = ("KAZ", "UZB", "KGZ", "TJK", "TKM")

CALM = {"domestic__unrest_hazard": 0.0}
"""All else equal: without random unrest, whose interventions re-anchor security ties for good, a
comparison isolates the mechanism under test instead of the lottery of who is hit when."""

NOT_LOWER = 0.002
"""A mean change of the 0–1 hedging index above −0.002 counts as 'not lower': noise of the alignment draws."""


def _everyone(field: str, value: object) -> dict[str, object]:
    return {f"states__{code}__{field}": value for code in STATES}


def _hedging(runs, window=LATE) -> np.ndarray:
    """Per run: mean hedging index over states and domains in the window."""
    return runs.outcomes["hedging_index"][:, window].mean(axis=(1, 2, 3))


# ------------------------------------------------------------------ at rest in 2021


@pytest.mark.parametrize("rule", rule_names())
def test_2021_is_a_rest_point_of_every_rule(rule):
    """With 2021 conditions held fixed (no events, trends or noise), no state moves in any domain, whatever its rule."""
    rest = at_rest(load_scenario("baseline"))
    scenario = replace(rest, states={code: replace(p, decision_rule=rule) for code, p in rest.states.items()})
    model = MultivectorModel(scenario, rng=1, collect=False)
    drift = np.abs(model.run()["alignment"] - model.alignment_2021[None]).max()
    assert drift < REST_TOLERANCE, f"{rule}: alignment drifts {drift:.2e} from 2021 with nothing changing"


def test_the_2021_alignment_is_the_rules_choice_before_anything_happens():
    """In the baseline itself, each state's target in the first quarter is its 2021 alignment (revealed ties)."""
    model = MultivectorModel(rng=1, collect=False)
    assert np.abs(model.targets() - model.alignment_2021).max() < REST_TOLERANCE


def test_the_2022_rise_in_trade_with_russia_comes_from_the_sanctions():
    """SF-03 is what the sanctions add, not the model settling: without the timeline Russia's share of trade barely moves."""
    baseline = load_scenario("baseline")
    full = run_replicates(PAIRED_SEEDS, baseline)
    quiet = run_replicates(PAIRED_SEEDS, replace(baseline, timeline=()))

    def russia_share(runs, year: slice) -> np.ndarray:
        """Per run: Russia's share of each state's trade, averaged over the five states (GDP growth cancels)."""
        trade = runs.outcomes["trade"][:, year].sum(axis=1)  # runs × states × powers
        return (trade[..., runs.power("RUS")] / trade.sum(axis=2)).mean(axis=1)

    y2021, y2022 = slice(0, 4), slice(4, 8)
    quiet_change = russia_share(quiet, y2022) - russia_share(quiet, y2021)
    full_change = russia_share(full, y2022) - russia_share(full, y2021)
    # One point of the region's trade: far below the 2–3 points the 2022 sanctions add.
    assert np.all(np.abs(quiet_change) < 0.01), f"Russia's trade share moves without events: {quiet_change.round(4)}"
    # Half a point of the states' mean trade share with Russia: the sanctions add 1–2 points.
    assert np.all(full_change > quiet_change + 0.005), "the sanctions should raise Russia's share of the states' trade"


# ------------------------------------------------------------------ leverage


def test_leverage_never_concentrates_a_hedger():
    """YA24-01, YA24-04: more leverage raises the cost of concentrating, so the chosen spread is never narrower."""
    rng = np.random.default_rng(3)
    hedge = get_rule("multivector_hedging")
    for _ in range(200):
        value, ties, threat = rng.normal(0, 1, (3, 11)), rng.normal(0, 0.5, (3, 11)), rng.uniform(0, 1, 11)
        low, high = (hedge(DecisionContext(2.0, 0.3, 0.5, np.full(3, lev), 0.5)).target(value, ties, threat)
                     for lev in (0.2, 0.8))
        assert np.all((high**2).sum(axis=1) <= (low**2).sum(axis=1) + 1e-12), "HHI must not rise with leverage"


def test_a_standing_priority_never_concentrates_and_never_lifts_a_power_above_2021():
    """SU23-06: the hold keeps part of a power's losses; as leverage spreads the states, it never makes them less even."""
    rng = np.random.default_rng(5)
    hedge = get_rule("multivector_hedging")
    for _ in range(200):
        start = rng.dirichlet(np.full(11, 0.6), size=3)
        value = rng.normal(0, 0.3, (3, 11))
        keep = np.zeros((3, 11))
        keep[:, np.argmax(start[0])] = rng.uniform(0.3, 1.0)
        calm = hedge(DecisionContext(2.0, 0.0, 0.5, np.zeros(3), 0.0))
        ties = revealed_ties(calm, value, np.zeros(11), start)
        previous = None
        for lev in (0.0, 0.5, 1.0, 2.0):
            chosen = hedge(DecisionContext(2.0, 0.0, 0.5, np.full(3, lev), 0.0)).target(value, ties, np.zeros(11))
            held = hold_losses(chosen, start, keep)
            assert np.allclose(held.sum(axis=1), 1.0) and np.all(held >= -1e-12)
            assert np.all(held <= np.maximum(chosen, start) + 1e-12), "no power is lifted above both its choice and 2021"
            hhi = (held**2).sum(axis=1)
            if previous is not None:
                assert np.all(hhi <= previous + 1e-12), "more leverage with a standing priority concentrated a state"
            previous = hhi


def test_more_leverage_per_format_does_not_lower_hedging():
    """YA24-01, YA24-04: competing formats widen the states' room to manoeuvre; never narrow it (paired runs)."""
    none = run_replicates(PAIRED_SEEDS, institutions__leverage_per_format=0.0, **CALM)
    more = run_replicates(PAIRED_SEEDS, institutions__leverage_per_format=0.15, **CALM)
    assert np.all(_hedging(more) >= _hedging(none)), "more leverage per format lowered the hedging index"
    assert np.mean(_hedging(more) - _hedging(none)) > 0.005, "leverage per format should visibly raise hedging"


def test_more_formats_do_not_lower_hedging():
    """YA24-01, YA24-39: every power's dialogue at summit level and a Korean format added: hedging not lower."""
    base = run_replicates(PAIRED_SEEDS, **CALM)
    full = run_replicates(PAIRED_SEEDS, "formats_full_competition", **CALM)
    change = np.mean(_hedging(full) - _hedging(base))
    assert change > -NOT_LOWER, f"more and higher formats lowered the hedging index by {-change:.4f}"


def test_cohesion_does_not_lower_hedging():
    """ZE23-24, ZE23-33, SU23-40: acting as a group adds leverage; more cohesion or more leverage from it never concentrates."""
    none = run_replicates(PAIRED_SEEDS, domestic__cohesion_leverage=0.0, **CALM)
    more = run_replicates(PAIRED_SEEDS, domestic__cohesion_leverage=0.6, **CALM)
    assert np.all(_hedging(more) >= _hedging(none)), "leverage from cohesion lowered the hedging index"
    faster = run_replicates(PAIRED_SEEDS, domestic__cohesion_gain=0.4, **CALM)
    base = run_replicates(PAIRED_SEEDS, **CALM)
    change = np.mean(_hedging(faster) - _hedging(base))
    assert change > -NOT_LOWER, f"faster cohesion lowered the hedging index by {-change:.4f}"


def test_pressure_spreads_a_hedger():
    """SU23-04: the more pressure to choose sides, the more evenly a hedger spreads (paired runs)."""
    calm = run_replicates(PAIRED_SEEDS, **_everyone("pressure_sensitivity", 0.0))
    pressed = run_replicates(PAIRED_SEEDS, **_everyone("pressure_sensitivity", 1.5))
    window = slice(4, 16)  # 2022–2024, when the sanctions pressure is on
    assert np.all(_hedging(pressed, window) > _hedging(calm, window))


# ------------------------------------------------------------------ per-state exposure


def test_each_state_bears_its_own_secondary_cost_and_pressure():
    """CH25-26, SU23-22: Kazakhstan, with the most circumvention and the designated firms, carries more cost and pressure than Tajikistan."""
    runs = run_replicates(PAIRED_SEEDS)
    at = slice(runs.at("2023Q1"), runs.at("2024Q4") + 1)
    kaz, tjk = runs.state("KAZ"), runs.state("TJK")
    circumvention = runs.outcomes["circumvention"][:, at].mean(axis=1)
    cost = runs.outcomes["secondary_cost"][:, at].mean(axis=1)
    assert np.all(circumvention[:, kaz] > 10 * circumvention[:, tjk])
    assert np.all(cost[:, kaz] > 2 * cost[:, tjk]), "Kazakhstan's expected secondary cost should be well above Tajikistan's"


def test_more_circumvention_brings_more_pressure_and_cost():
    """A state made more open to re-exports circumvents more, and so faces more pressure and secondary cost (paired runs)."""
    base = run_replicates(PAIRED_SEEDS)
    open_tjk = run_replicates(PAIRED_SEEDS, states__TJK__circumvention_openness=0.9)
    tjk, at = base.state("TJK"), slice(8, 20)  # 2023–2025
    for outcome in ("circumvention", "pressure", "secondary_cost"):
        more = open_tjk.outcomes[outcome][:, at, tjk].mean(axis=1)
        less = base.outcomes[outcome][:, at, tjk].mean(axis=1)
        assert np.all(more > less), f"Tajikistan's {outcome} should rise with its openness"


def test_a_higher_secondary_cost_lowers_circumvention():
    """SU23-22, CH25-41: a costlier secondary exposure drives bank compliance up and re-exports down."""
    none = run_replicates(PAIRED_SEEDS, sanctions__secondary_cost=0.0)
    base = run_replicates(PAIRED_SEEDS)
    high = run_replicates(PAIRED_SEEDS, sanctions__secondary_cost=10.0)
    def total(runs: Replicates) -> np.ndarray:
        return runs.outcomes["circumvention"][:, runs.between("2023Q1")].sum(axis=(1, 2))

    def compliance(runs: Replicates) -> np.ndarray:
        return runs.outcomes["bank_compliance"][:, runs.at("2024Q4"), runs.state("KAZ")]

    assert np.all(total(high) < total(base)) and np.all(total(base) < total(none))
    assert np.all(compliance(high) > compliance(none)), "banks respond to the expected cost"


# ------------------------------------------------------------------ powers' effort and standing


def test_a_power_losing_ground_steps_up_its_effort_with_its_denial_motive():
    """YA24-39: Russia loses influence after 2022 and commits more; with no denial motive it does not."""
    base = run_replicates(PAIRED_SEEDS)
    indifferent = run_replicates(PAIRED_SEEDS, powers__RUS__denial=0.0)
    russia = base.power("RUS")
    assert np.all(base.outcomes["commitment"][:, -1, russia] > 1.05)
    assert np.all(indifferent.outcomes["commitment"][:, :, russia] == 1.0)
    cap = run_replicates(PAIRED_SEEDS, behaviour__max_effort=1.1)
    assert cap.outcomes["commitment"].max() <= 1.1 + 1e-12, "commitment never exceeds its bound"


def test_a_stronger_denial_motive_keeps_more_influence_for_a_power_losing_ground():
    """YA24-39: a power losing ground that cares more about denying its rivals commits more and keeps more influence."""
    mild = run_replicates(PAIRED_SEEDS, powers__RUS__denial=0.5, **CALM)
    keen = run_replicates(PAIRED_SEEDS, powers__RUS__denial=2.0, **CALM)
    russia = mild.power("RUS")
    assert np.all(keen.outcomes["commitment"][:, -1, russia] > mild.outcomes["commitment"][:, -1, russia] + 0.05)
    gain = keen.outcomes["influence"][:, LATE, russia].mean(axis=1) - mild.outcomes["influence"][:, LATE, russia].mean(axis=1)
    assert np.all(gain > 0.002), f"Russia's influence should rise with its denial motive, change {gain}"


def test_standing_priority_keeps_russias_share_from_being_spread_away():
    """SU23-06: 'restrain, not de-Russify' — a higher standing priority keeps more of Russia's security share; a falling one less."""
    none = run_replicates(PAIRED_SEEDS, powers__RUS__standing=0.0)
    base = run_replicates(PAIRED_SEEDS)
    eroding = run_replicates(PAIRED_SEEDS, powers__RUS__standing_trend=-0.1)
    def share(runs: Replicates) -> np.ndarray:
        return runs.outcomes["russia_share"][:, LATE, :, runs.domain("security")].mean(axis=(1, 2))

    assert np.all(share(base) > share(none)) and np.all(share(eroding) < share(base))


def test_threat_makes_states_wary_of_a_growing_neighbour():
    """SU23-15, SU23-03: the closer a growing power, the less the states lean on it (threat = proximity × effort)."""
    far = run_replicates(PAIRED_SEEDS, powers__CHN__proximity=0.2)
    near = run_replicates(PAIRED_SEEDS, powers__CHN__proximity=1.0)
    china = far.power("CHN")
    def share(runs: Replicates) -> np.ndarray:
        return runs.outcomes["alignment"][:, LATE, :, :, china].mean(axis=(1, 2, 3))

    assert np.all(share(near) < share(far))


def test_a_neutral_state_invites_no_intervention():
    """SU23-62: Turkmenistan's neutrality keeps foreign forces out even when unrest threatens the regime."""
    baseline = load_scenario("baseline")
    unrest = Unrest(id="tkm-unrest", at="2023Q1", state="TKM", severity=0.9)
    shaken = replace(baseline, timeline=(*baseline.timeline, unrest))
    not_neutral = replace(shaken, states={**shaken.states, "TKM": replace(shaken.states["TKM"], neutrality=False)})
    at = MultivectorModel(shaken).quarters.index("2023Q1")
    neutral, aligned = (MultivectorModel(s, rng=1, collect=False).run() for s in (shaken, not_neutral))
    assert neutral["interventions"][at].sum() == 0, "a neutral state calls in no foreign forces"
    assert aligned["interventions"][at].sum() == 1, "the same unrest in a non-neutral state calls in its security partner"


def test_the_intervention_in_kazakhstan_lasts():
    """ZE23-14: the CSTO's January 2022 deployment makes Russia the de facto guarantor: its security share stays raised."""
    # Russia's standing priority is set aside in both arms: it holds Russia's share up with or without the
    # intervention and would hide how long the intervention's own effect lasts.
    with_it = run_replicates(PAIRED_SEEDS, powers__RUS__standing=0.0)
    without = run_replicates(PAIRED_SEEDS, domestic__intervention_boost=0.0, powers__RUS__standing=0.0)
    kaz, rus = with_it.state("KAZ"), with_it.power("RUS")
    gap = (with_it.outcomes["alignment"][:, :, kaz, 0, rus] - without.outcomes["alignment"][:, :, kaz, 0, rus])
    assert np.all(gap[:, with_it.at("2022Q1")] > 0.05)
    assert np.all(gap[:, with_it.at("2026Q4")] > 0.5 * gap[:, with_it.at("2022Q1")]), "the shift should last years"
