"""Metrics read the right numbers; paired statistics call directions correctly."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest

from multivector import MultivectorModel
from multivector.analysis.compare import compare_runs, markdown_table, paired_stats, rank_ablation
from multivector.analysis.plots import paired_differences
from multivector.ensemble.batch import coordinates, run_metrics, run_seeds
from multivector.model.metrics import Metric, MetricError, parse_metric
from multivector.scenarios import load_scenario


def test_metric_text_round_trips():
    for text in ("hedging_index", "alignment[state=TJK,domain=security,power=RUS]@2026Q1-2030Q4",
                 "circumvention[reduce=sum]@2024Q1-2024Q4"):
        assert parse_metric(text).label == text
    assert parse_metric("cohesion@2026-2030") == Metric("cohesion", {}, "2026Q1", "2030Q4")


@pytest.mark.parametrize(("text", "match"), [
    ("alignment[state=KAZ", r"malformed metric"),
    ("alignment[state]", r"malformed selection"),
    ("cohesion@2026Q1-2030Q5", r"malformed period"),
])
def test_malformed_metric_text_is_rejected(text, match):
    with pytest.raises(MetricError, match=match):
        parse_metric(text)


@pytest.mark.parametrize(("text", "match"), [
    ("influence[state=KAZ]", r"select.state: influence has no dimension 'state'.*expected one of: power"),
    ("influence[power=FRA]", r"select.power: unknown power; got 'FRA'"),
    ("cohesion@2040", r"period: quarter outside the horizon; got '2040Q1'"),
    ("wealth", r"outcome: unknown outcome"),
    ("circumvention[reduce=max]", r"reduce: unknown reduction"),
])
def test_metric_that_does_not_fit_the_scenario_is_rejected(text, match):
    model = MultivectorModel("baseline", rng=0, collect=False)
    with pytest.raises(MetricError, match=match):
        parse_metric(text).check(coordinates(model.params), model.quarters)


def test_metric_values_are_the_outcome_numbers_they_name():
    model = MultivectorModel("baseline", rng=3, collect=False)
    outcomes = model.run()
    coords, quarters = coordinates(model.params), model.quarters
    tjk, rus = coords["state"].index("TJK"), coords["power"].index("RUS")
    expected = outcomes["alignment"][-4:, tjk, 0, rus].mean()
    assert parse_metric("alignment[state=TJK,domain=security,power=RUS]").value(outcomes, coords, quarters) == pytest.approx(expected)
    total = outcomes["circumvention"][quarters.index("2023Q1"):quarters.index("2023Q4") + 1].sum(axis=1).mean()
    assert parse_metric("circumvention[reduce=sum]@2023").value(outcomes, coords, quarters) == pytest.approx(total)


def test_paired_runs_are_identical_on_one_or_two_workers():
    scenario = load_scenario("baseline")
    metrics = [parse_metric("hedging_index"), parse_metric("russia_share[domain=security]")]
    seeds = run_seeds(7, 3)
    one = run_metrics({"x": scenario}, seeds, metrics, workers=1)
    two = run_metrics({"x": scenario}, seeds, metrics, workers=2)
    np.testing.assert_array_equal(one["x"], two["x"])


def test_directions_follow_interval_and_tolerance():
    rng = np.random.default_rng(0)
    a = rng.normal(1.0, 0.1, 40)
    up = paired_stats("m", a, a + 0.05 + rng.normal(0, 0.01, 40), seed=1)
    assert up.direction(0.01) == "increase" and up.share_higher == 1.0
    assert up.direction(0.2) == "unchanged", "a change well inside the tolerance counts as none"
    noisy = paired_stats("m", a, a + 0.05 + rng.normal(0, 0.1, 40), seed=1)
    assert noisy.ci_low < 0.06 < noisy.ci_high
    assert noisy.direction(0.06) == "unclear", "an interval straddling the tolerance is neither a change nor none"
    same = paired_stats("m", a, a + rng.normal(0, 0.001, 40), seed=1)
    assert same.direction(0.01) == "unchanged"
    down = paired_stats("m", a, a - 0.05, seed=1)
    assert down.direction(0.01) == "decrease"
    assert np.isnan(down.effect_size), "every run shifts by the same amount: the SD of the changes is 0, d_z undefined"


def test_a_shift_by_the_same_amount_in_every_run_says_so_instead_of_an_effect_size():
    a = np.random.default_rng(0).normal(1.0, 0.1, 20)
    stats = compare_runs(["up", "same", "noisy"], np.column_stack([a, a, a]),
                         np.column_stack([a + 0.05, a, a + np.linspace(0, 0.1, 20)]), seed=1)
    table = markdown_table(stats, ["1", "1", "1"], "A", "B")
    up, same, noisy = table.splitlines()[2:]
    assert "| all runs shift by the same amount (+0.05); d_z undefined |" in up and "+0.00 |" not in up
    assert "| no run changes; d_z undefined |" in same
    assert re.search(r"\| \+\d+\.\d\d \| 95% \|", noisy), noisy
    figure = paired_differences([a * 0 + 0.05, a * 0, np.linspace(0, 0.1, 20)], stats, ["1", "1", "1"])
    notes = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert notes[:2] == ["all runs shift by the same amount (+0.05); d_z undefined", "no run changes; d_z undefined"]
    assert notes[2].startswith("d_z +")


def test_bootstrap_intervals_are_reproducible_and_cover_the_mean():
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 30), rng.normal(0.5, 1, 30)
    first, second = compare_runs(["m"], a[:, None], b[:, None], seed=5), compare_runs(["m"], a[:, None], b[:, None], seed=5)
    assert first == second
    assert first[0].ci_low < first[0].mean_diff < first[0].ci_high


def test_ablation_ranks_by_the_size_of_the_change():
    full = np.zeros((10, 1))
    variants = {"small": (("A-01",), full + 0.01), "large": (("B-01",), full - 0.5), "none": (("C-01",), full)}
    ranking = rank_ablation(full, variants, ["m"], seed=0)
    assert [row[0].switched_off for row in ranking] == ["large", "small", "none"]
