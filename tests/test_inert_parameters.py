"""No inert inputs: every numeric parameter of the baseline moves some recorded outcome, or is declared descriptive."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

from analysis import inert
from model.params import Spec
from scenarios import resolve


@pytest.fixture(scope="module")
def baseline():
    return resolve("baseline").scenario


def _parameter(value: float, kind: str = "real", low: float | None = 0.0, high: float | None = 1.0,
               room: float = math.inf) -> inert.Parameter:
    return inert.Parameter(("sanctions", "wedge"), None, Spec(kind, low=low, high=high), value, room)


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


def test_perturbing_a_map_entry_keeps_the_other_entries(baseline):
    param = next(p for p in inert.numeric_parameters(baseline) if p.name == "states.KAZ.trade_shares.RUS")
    move = inert.perturbations(param)[0]
    changed = move.apply(baseline).states["KAZ"].trade_shares
    before = baseline.states["KAZ"].trade_shares
    assert changed["RUS"] == pytest.approx(1.1 * before["RUS"])
    assert {k: v for k, v in changed.items() if k != "RUS"} == {k: v for k, v in before.items() if k != "RUS"}


def test_only_a_change_every_paired_run_agrees_on_counts():
    changes = np.array([[0.3, 0.3, -0.2, 0.0], [0.1, 0.5, 0.2, 0.0], [0.2, 0.4, 0.1, 0.0]])
    np.testing.assert_array_equal(inert.agreed_change(changes), [0.1, 0.3, 0.0, 0.0])


def test_descriptive_list_and_noise_scales_name_baseline_parameters_with_reasons(baseline):
    names = {p.name for p in inert.numeric_parameters(baseline)}
    assert set(inert.DESCRIPTIVE_ONLY) <= names and set(inert.NOISE_SCALES) <= names
    assert all(len(reason) > 20 for reason in inert.DESCRIPTIVE_ONLY.values()), "every entry says why"


def test_an_unread_parameter_gives_exactly_zero_and_the_wedge_moves_outcomes(baseline):
    # The USA's standing priority holds in no domain here, so the model multiplies it by nothing.
    scenario = inert.with_values(baseline, {("powers", "USA", "standing_domains"): ()})
    params = {p.name: p for p in inert.numeric_parameters(scenario)}
    verdicts = inert.sweep(scenario, [params["powers.USA.standing"], params["sanctions.wedge"]],
                           seeds=(0, 1), noise_seeds=range(4))
    unread, wedge = verdicts
    assert unread.tested and unread.z == 0.0, unread.describe()
    assert wedge.effective and wedge.z > 100 * inert.THRESHOLD, wedge.describe()


# ------------------------------------------------------------------ slow


@pytest.fixture(scope="module")
def baseline_sweep(baseline):
    return inert.sweep(baseline, workers=max(1, min(4, os.cpu_count() or 1)))


@pytest.mark.slow
def test_every_baseline_parameter_moves_an_outcome_or_is_declared_descriptive(baseline_sweep):
    failing = inert.undeclared_inert(baseline_sweep)
    if failing:
        pytest.fail(f"{len(failing)} parameters move no recorded outcome beyond noise (largest standardised change "
                    f"≤ {inert.THRESHOLD}) and are not on analysis.inert.DESCRIPTIVE_ONLY:\n"
                    + "\n".join(v.describe() for v in failing), pytrace=False)


@pytest.mark.slow
def test_parameters_declared_descriptive_do_move_nothing(baseline_sweep):
    stale = [v for v in baseline_sweep if v.name in inert.DESCRIPTIVE_ONLY and v.effective]
    if stale:
        pytest.fail("declared descriptive but moving outcomes (take them off the list):\n"
                    + "\n".join(v.describe() for v in stale), pytrace=False)
