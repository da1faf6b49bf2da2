"""No inert inputs: every numeric parameter of the baseline moves some recorded outcome, is dormant in the baseline
but moves one in the probe, acts only through random draws and passes its distributional check, or is declared descriptive."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from multivector.analysis import inert
from multivector.model.outcomes import OUTCOMES
from multivector.model.params import Spec
from multivector.scenarios import resolve

WORKERS = max(1, min(4, os.cpu_count() or 1))


@pytest.fixture(scope="module")
def baseline():
    return resolve("baseline").scenario


def _parameter(value: float, kind: str = "real", low: float | None = 0.0, high: float | None = 1.0,
               room: float = math.inf, present: bool = True, spread: float = 0.0) -> inert.Parameter:
    return inert.Parameter(("sanctions", "wedge"), None, Spec(kind, low=low, high=high), value, room, present, spread)


# ------------------------------------------------------------------ fast


def test_enumeration_covers_every_numeric_field_and_every_map_entry(baseline):
    params = {p.name: p for p in inert.numeric_parameters(baseline)}
    assert {"sanctions.wedge", "corridors.northern.lag", "states.KAZ.neutrality", "behaviour.noise"} <= set(params)
    assert all(f"states.KAZ.sentiment.{code}" in params for code in baseline.power_codes), "every power, absent ones too"
    assert all(f"sanctions.bank_compliance_floor.{code}" in params for code in baseline.state_codes)
    assert all(f"powers.RUS.advantage.{d}" in params for d in ("security", "economy", "diplomacy"))
    absent = [c for c in baseline.power_codes if c not in baseline.states["KAZ"].sentiment]
    assert absent and all(params[f"states.KAZ.sentiment.{c}"].value == 0 for c in absent), "an absent entry counts as 0"
    assert not any(name.endswith((".decision_rule", ".name", ".start", ".bloc")) for name in params), "no choices or text"


def test_steps_are_ten_percent_of_the_value_or_of_the_range_clipped_to_the_bounds():
    def moves(p):
        return {m.direction: m.value for m in inert.perturbations(p)}

    assert moves(_parameter(0.5)) == pytest.approx({"+": 0.55, "-": 0.45})
    assert moves(_parameter(0.0, low=-1.0)) == pytest.approx({"+": 0.2, "-": -0.2}), "at 0: 10 % of the range"
    assert moves(_parameter(0.0)) == pytest.approx({"+": 0.1}), "a direction that cannot move is skipped"
    assert moves(_parameter(0.95)) == pytest.approx({"+": 1.0, "-": 0.855}), "up: range step, clipped; down: 10 %"
    assert moves(_parameter(8, kind="integer", low=0, high=40)) == {"+": 9, "-": 7}
    assert moves(_parameter(0, kind="integer", low=0, high=40)) == {"+": 1}
    assert [m.value for m in inert.perturbations(_parameter(1.0, kind="flag", low=None, high=None))] == [0.0]
    assert moves(_parameter(0.0, room=1e-4)) == {}, "a map whose other entries fill its total leaves no room"
    assert moves(_parameter(0.2, room=0.21)) == pytest.approx({"-": 0.18}), "the map's total caps the step up"
    assert moves(_parameter(0.05, spread=0.6)) == pytest.approx({"+": 0.11, "-": 0.0}), "a small value steps by its peers' spread"
    assert moves(_parameter(0.0, present=False, spread=0.6)) == pytest.approx({"+": 0.1}), "an unset entry steps by the range"


def test_an_unset_map_entry_is_not_an_input_and_a_set_one_knows_its_peers(baseline):
    found = {p.name: p for p in inert.numeric_parameters(baseline)}
    assert found["states.KAZ.sentiment.RUS"].present and not found["states.TKM.sentiment.KOR"].present
    conditionality = [p.value for name, p in found.items() if name.startswith("powers.") and name.endswith(".conditionality")]
    assert found["powers.JPN.conditionality"].spread == pytest.approx(max(conditionality) - min(conditionality))
    unset, set_ = (inert.Verdict(found[n], ()) for n in ("states.TKM.sentiment.KOR", "powers.JPN.conditionality"))
    report = inert.Report((unset, set_), (unset, set_), {})
    assert [b.name for b, _ in report.inert] == ["powers.JPN.conditionality"]
    assert [b.name for b, _ in report.weak_unset] == ["states.TKM.sentiment.KOR"]


def test_perturbing_a_map_entry_keeps_the_other_entries(baseline):
    param = next(p for p in inert.numeric_parameters(baseline) if p.name == "states.KAZ.trade_shares.RUS")
    move = inert.perturbations(param)[0]
    changed = move.apply(baseline).states["KAZ"].trade_shares
    before = baseline.states["KAZ"].trade_shares
    step = 0.1 * max(before["RUS"], param.spread)  # the trade shares of the five states range over about 0.5
    assert changed["RUS"] == pytest.approx(before["RUS"] + step)
    assert {k: v for k, v in changed.items() if k != "RUS"} == {k: v for k, v in before.items() if k != "RUS"}


def test_only_a_change_every_paired_run_agrees_on_counts():
    changes = np.array([[0.3, 0.3, -0.2, 0.0], [0.1, 0.5, 0.2, 0.0], [0.2, 0.4, 0.1, 0.0]])
    np.testing.assert_array_equal(inert.agreed_change(changes), [0.1, 0.3, 0.0, 0.0])


def test_descriptive_list_and_noise_scales_name_baseline_parameters_with_reasons(baseline):
    names = {p.name for p in inert.numeric_parameters(baseline)}
    assert set(inert.DESCRIPTIVE_ONLY) <= names and set(inert.NOISE_SCALES) <= names and set(inert.WEAK_BY_DESIGN) <= names
    reasons = [*inert.DESCRIPTIVE_ONLY.values(), *inert.WEAK_BY_DESIGN.values()]
    assert all(len(reason) > 20 for reason in reasons), "every entry says why"
    assert not set(inert.DESCRIPTIVE_ONLY) & set(inert.WEAK_BY_DESIGN), "a parameter is declared once"


def test_draw_only_entries_name_baseline_parameters_and_a_wide_check_of_a_recorded_outcome(baseline):
    params = {p.name: p for p in inert.numeric_parameters(baseline)}
    event_types = {e.type for e in baseline.timeline}
    assert not set(inert.DRAW_ONLY) & (set(inert.DESCRIPTIVE_ONLY) | inert.NOISE_SCALES), "one category each"
    for name, check in inert.DRAW_ONLY.items():
        p = params[name]
        assert len(check.reason) > 40 and check.outcome in OUTCOMES and check.sign in (1, -1), name
        assert p.low <= check.low < check.high <= p.high, f"{name}: check values within the bounds"
        assert check.high - check.low >= 0.25 * p.span, f"{name}: a wide part of the range, not a 10 % step"
        assert check.since is None or baseline.start <= check.since <= baseline.end, name
        assert set(check.without_events) <= event_types, f"{name}: removes only event types the baseline has"


def test_probe_grows_every_capacity_and_invests_in_every_corridor_and_changes_nothing_else(baseline):
    probe = inert.probe_scenario(baseline)
    assert all(p.capacity_growth == inert.PROBE_CAPACITY_GROWTH for p in probe.powers.values())
    assert all(probe.corridors[c].investment == pytest.approx(baseline.corridors[c].investment + inert.PROBE_INVESTMENT)
               for c in baseline.corridors)
    changed = {p.name for p, q in zip(inert.numeric_parameters(baseline), inert.numeric_parameters(probe), strict=True)
               if p.value != q.value}
    assert all(name.endswith((".capacity_growth", ".investment")) for name in changed), sorted(changed)
    assert probe.timeline == baseline.timeline


def test_a_dormant_parameter_moves_nothing_in_the_baseline_and_moves_outcomes_in_the_probe(baseline):
    # Remittances follow the sender's capacity, which Japan's trend leaves flat in the baseline.
    name = "states.KAZ.remittances_gdp.JPN"
    here = inert.sweep(baseline, [p for p in inert.numeric_parameters(baseline) if p.name == name],
                       seeds=(0, 1), noise_seeds=range(4))
    assert here[0].tested and here[0].z == 0.0, here[0].describe()
    probed = inert.probe(baseline, here, seeds=(0, 1), noise_seeds=range(4))
    assert [v.name for v in probed] == [name] and probed[0].effective, probed[0].describe()


def test_the_probe_does_not_rescue_an_unread_parameter(baseline):
    # As in the baseline test below: a standing priority in no domain is multiplied by nothing, in any scenario.
    scenario = inert.probe_scenario(inert.with_values(baseline, {("powers", "USA", "standing_domains"): ()}))
    unread = next(p for p in inert.numeric_parameters(scenario) if p.name == "powers.USA.standing")
    (verdict,) = inert.sweep(scenario, [unread], seeds=(0, 1), noise_seeds=range(4))
    assert verdict.tested and verdict.z == 0.0, verdict.describe()


def _verdict(name: str, z: float) -> inert.Verdict:
    field, entry = tuple(name.split(".")), None
    p = inert.Parameter(field, entry, Spec("real", low=0.0, high=1.0), 0.5)
    return inert.Verdict(p, (inert.Effect(inert.Perturbation(p, "+", 0.55), z, "x@mean" if z else ""),))


def _draw(name: str, change: float) -> inert.DrawEffect:
    rng = np.random.default_rng(0)
    low = rng.normal(0.0, 1.0, 64)
    return inert.DrawEffect(name, inert.DRAW_ONLY[name], low, low + change + rng.normal(0.0, 0.1, 64))


def test_the_report_sorts_parameters_into_its_categories_and_fails_only_on_inert_or_stale_ones():
    upgrade, threshold = "institutions.upgrade_hazard", "domestic.intervention_threshold"
    rising, falling = inert.DRAW_ONLY[upgrade].sign, inert.DRAW_ONLY[threshold].sign
    verdicts = (_verdict("sanctions.wedge", 3.0), _verdict("powers.JPN.conditionality", 0.001),
                _verdict("behaviour.max_effort", 0.0), _verdict(upgrade, 0.0), _verdict(threshold, 0.0))
    draws = {upgrade: _draw(upgrade, rising * 1.0), threshold: _draw(threshold, falling * 1.0)}
    dormant = inert.Report(verdicts, (_verdict("powers.JPN.conditionality", 0.05),), draws)
    assert [v.name for v in dormant.effective] == ["sanctions.wedge"]
    assert [b.name for b, _ in dormant.dormant] == ["powers.JPN.conditionality"] and not dormant.inert
    assert [v.name for v in dormant.draw_only] == [upgrade, threshold]
    assert [v.name for v in dormant.descriptive] == ["behaviour.max_effort"]
    assert dormant.passes, dormant.describe()
    assert "Dormant in the scenario, with the probe effect (1)" in dormant.describe()

    inert_in_both = inert.Report(verdicts, (_verdict("powers.JPN.conditionality", 0.002),), draws)
    assert [b.name for b, _ in inert_in_both.inert] == ["powers.JPN.conditionality"] and not inert_in_both.passes

    wrong_way = inert.Report(verdicts, (_verdict("powers.JPN.conditionality", 0.05),),
                             {**draws, threshold: _draw(threshold, -falling * 1.0)})
    assert not wrong_way.passes and wrong_way.stale_draw_only[0].startswith("check fails"), wrong_way.stale_draw_only
    deterministic = inert.Report((*verdicts[:3], _verdict(upgrade, 0.5), verdicts[4]),
                                 (_verdict("powers.JPN.conditionality", 0.05),), draws)
    assert not deterministic.passes and "deterministically" in deterministic.stale_draw_only[0]


def test_an_unread_parameter_gives_exactly_zero_and_the_wedge_moves_outcomes(baseline):
    # The USA's standing priority holds in no domain here, so the model multiplies it by nothing.
    scenario = inert.with_values(baseline, {("powers", "USA", "standing_domains"): ()})
    params = {p.name: p for p in inert.numeric_parameters(scenario)}
    verdicts = inert.sweep(scenario, [params["powers.USA.standing"], params["sanctions.wedge"]],
                           seeds=(0, 1), noise_seeds=range(4))
    unread, wedge = verdicts
    assert unread.tested and unread.z == 0.0, unread.describe()
    assert wedge.effective and wedge.z > 100 * inert.THRESHOLD, wedge.describe()


# --------------------------------------------------- draw-only (64 seeds)


@pytest.fixture(scope="module")
def draw_effects(baseline):
    return {name: inert.draw_effect(baseline, name, workers=WORKERS) for name in inert.DRAW_ONLY}


@pytest.mark.parametrize("name", sorted(inert.DRAW_ONLY))
def test_a_draw_only_parameter_moves_its_outcome_across_seeds(draw_effects, name):
    effect = draw_effects[name]
    assert effect.passes, f"{effect.describe()}: not more than {inert.DRAW_Z} standard errors in the declared direction"


# ------------------------------------------------------------------ slow


@pytest.fixture(scope="module")
def baseline_sweep(baseline):
    return inert.sweep(baseline, workers=WORKERS)


@pytest.fixture(scope="module")
def report(baseline, baseline_sweep, draw_effects):
    return inert.Report(tuple(baseline_sweep), tuple(inert.probe(baseline, baseline_sweep, workers=WORKERS)), draw_effects)


@pytest.mark.slow
def test_every_baseline_parameter_moves_an_outcome_is_dormant_draw_only_or_declared_descriptive(report):
    if not report.passes:
        pytest.fail(f"{len(report.inert)} parameters move no recorded outcome beyond noise (largest standardised "
                    f"change ≤ {inert.THRESHOLD}) in the baseline nor in the probe and are not declared, or a "
                    f"declaration is stale:\n{report.describe()}", pytrace=False)


@pytest.mark.slow
def test_parameters_declared_descriptive_do_move_nothing(report):
    if report.stale_descriptive:
        pytest.fail("declared descriptive but moving outcomes (take them off the list):\n"
                    + "\n".join(v.describe() for v in report.stale_descriptive), pytrace=False)


@pytest.mark.slow
def test_parameters_declared_weak_by_design_move_something_but_little(report):
    if report.stale_weak:
        pytest.fail("analysis.inert.WEAK_BY_DESIGN is stale:\n" + "\n".join(report.stale_weak), pytrace=False)


@pytest.mark.slow
def test_parameters_declared_draw_only_act_through_draws_alone(report):
    if report.stale_draw_only:
        pytest.fail("analysis.inert.DRAW_ONLY is stale (a parameter moves outcomes in every paired run, or its "
                    "distributional check fails):\n" + "\n".join(report.stale_draw_only), pytrace=False)
