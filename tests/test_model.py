"""The model as Mesa users and the issue's comparative statics expect it."""

from __future__ import annotations

import mesa
import numpy as np
import pytest

from conftest import Replicates, run_replicates
from multivector import CentralAsianState, ExternalPower, MultivectorModel
from multivector.model.decision_rules import DecisionContext, get_rule, optimal_alignment, rule_names
from multivector.model.params import StateParams, specs_of
from multivector.model.sanctions import SanctionsRegime
from multivector.model.tables import Tables

PAIRED_SEEDS = range(8)
STATES = ("KAZ", "UZB", "KGZ", "TJK", "TKM")
"""Common random numbers: both arms of a comparison use these seeds."""


def test_builds_with_no_arguments_and_steps_through_the_horizon():
    model = MultivectorModel()
    assert model.quarters[0] == "2021Q1" and model.quarters[-1] == "2030Q4"
    assert len(model.agents_by_type[CentralAsianState]) == 5
    assert len(model.agents_by_type[ExternalPower]) == 11
    model.run()
    assert not model.running
    assert model.steps == 40, "one Mesa step per quarter, 2021Q1–2030Q4"
    assert all(np.isfinite(a).all() for a in model.outcomes.values()), "every outcome recorded every quarter"


def test_follows_mesa_conventions():
    model = MultivectorModel(rng=3)
    assert isinstance(model, mesa.Model)
    for _ in range(6):
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame["quarter"]) == model.quarters[:6]
    alignment = np.stack([s.alignment for s in model.agents_by_type[CentralAsianState]])
    assert np.allclose(alignment.sum(axis=-1), 1.0), "alignment rows stay on the simplex"


def test_same_seed_gives_identical_results_and_different_seeds_differ():
    first, second, other = (MultivectorModel(rng=s, collect=False).run() for s in (11, 11, 12))
    for name in first:
        np.testing.assert_array_equal(first[name], second[name], err_msg=f"{name} differs under the same seed")
    assert not np.array_equal(first["alignment"], other["alignment"]), "different seeds should give different runs"


def test_keyword_overrides_are_validated_and_applied():
    model = MultivectorModel("baseline", rng=1, sanctions__secondary_cost=1.5)
    assert model.params.sanctions.secondary_cost == 1.5
    from multivector.scenarios import ScenarioError

    with pytest.raises(ScenarioError, match=r"sanctions\.secondary_cost.*expected"):
        MultivectorModel("baseline", sanctions__secondary_cost=-1)


def test_decision_rules_are_registered_for_every_scenario_option():
    options = specs_of(StateParams)["decision_rule"].options
    assert set(options) == set(rule_names()), "the scenario format must offer exactly the registered rules"


def test_the_optimum_shifts_toward_a_power_whose_offer_grows():
    base = np.array([[1.0, 0.8, 0.5]])
    richer = base + np.array([[0.0, 0.4, 0.0]])
    assert optimal_alignment(richer, 1.0)[0, 1] > optimal_alignment(base, 1.0)[0, 1]


def test_larger_offer_raises_alignment_toward_the_power():
    """Tripling US capacity raises the US's mean alignment by 2024Q4 (paired seeds)."""
    def usa(runs: Replicates) -> np.ndarray:
        return runs.outcomes["alignment"][:, runs.at("2024Q4"), :, :, runs.power("USA")].mean(axis=(1, 2))

    low = run_replicates(PAIRED_SEEDS)
    high = run_replicates(PAIRED_SEEDS, powers__USA__capacity=1.05)
    assert np.all(usa(high) > usa(low)), "a larger US offer should raise alignment toward the US in every paired run"


def test_stricter_enforcement_lowers_the_sanctions_submodels_circumvention():
    quiet, strict = (SanctionsRegime(Tables(_baseline())) for _ in range(2))
    for regime in (quiet, strict):
        regime.apply_package(0.9)
    strict.apply_enforcement(0.6, "visits")
    no_draws, no_trade = np.ones((1, 5)), np.zeros((1, 5))
    quiet.step(no_draws, no_trade, no_trade)
    strict.step(no_draws, no_trade, no_trade)
    assert np.all(strict.circumvention < quiet.circumvention)


def test_faster_escalation_lowers_circumvention_in_the_model():
    low = run_replicates(PAIRED_SEEDS)
    high = run_replicates(PAIRED_SEEDS, sanctions__enforcement_escalation=0.9)
    def total(runs: Replicates) -> np.ndarray:
        return runs.outcomes["circumvention"][:, runs.between("2022Q1", "2024Q4")].sum(axis=(1, 2))

    assert np.all(total(high) < total(low)), "faster escalation should cut 2022–2024 re-exports in every paired run"


def test_costlier_corridor_loses_share():
    cheap = run_replicates(PAIRED_SEEDS)
    dear = run_replicates(PAIRED_SEEDS, corridors__middle_corridor__cost=2.2)
    def share(runs: Replicates) -> np.ndarray:
        return runs.outcomes["corridor_share"][:, :, runs.corridor("middle_corridor")].mean(axis=1)

    assert np.all(share(dear) < share(cheap)), "a dearer Middle Corridor should carry less freight"


def test_a_larger_dependence_cost_spreads_the_optimum_more_evenly():
    """SU23-14: for given net values the optimum's largest share falls as λ rises."""
    net_value = np.array([[2.0, 1.0, 0.2, 0.0]])
    spread = [optimal_alignment(net_value, lam).max() for lam in (0.5, 1.0, 2.0, 4.0)]
    assert spread == sorted(spread, reverse=True), "the largest share falls as λ rises"


def test_a_larger_dependence_cost_damps_the_pull_of_growing_offers():
    """The 2021 ties are the states' choice whatever λ is, so λ shows in how far a growing offer can pull them:
    China's economic share gains less by 2030 when dependence costs more."""
    def china(runs: Replicates) -> np.ndarray:
        return runs.outcomes["alignment"][:, runs.between("2030Q1"), :, runs.domain("economy"), runs.power("CHN")].mean(axis=(1, 2))

    calm = {"domestic__unrest_hazard": 0.0}
    low = run_replicates(PAIRED_SEEDS, **{f"states__{c}__dependence_aversion": 1.0 for c in STATES}, **calm)
    high = run_replicates(PAIRED_SEEDS, **{f"states__{c}__dependence_aversion": 4.0 for c in STATES}, **calm)
    start = low.outcomes["alignment"][:, low.at("2021Q1"), :, low.domain("economy"), low.power("CHN")].mean(axis=1)
    assert np.all(china(high) - start < china(low) - start), "a costlier dependence damps China's economic gains"


def test_pressure_spreads_a_hedger_but_not_a_bandwagoner():
    value, ties, threat = np.array([[2.0, 1.0, 0.5]]), np.zeros((1, 3)), np.zeros(3)
    def context(pressure: float) -> DecisionContext:
        return DecisionContext(1.0, pressure, 1.0, np.zeros(1), 0.0)

    hedge = get_rule("multivector_hedging")
    calm, pressed = (hedge(context(p)).target(value, ties, threat) for p in (0.0, 1.0))
    assert pressed.max() < calm.max(), "SU23-04: pressure spreads the hedger"
    bandwagon = get_rule("bandwagoning")
    assert bandwagon(context(1.0)).target(value, ties, threat)[0, 0] == pytest.approx(1.0), "a bandwagoner follows the best offer"


def _baseline():
    from multivector.scenarios import load_scenario

    return load_scenario("baseline")
