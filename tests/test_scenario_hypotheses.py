"""Each library scenario's hypothesis, run against its reference scenario on paired seeds.

A check passes when the paired change of its metric goes the way the model is
recorded to go (``model``, which equals the article's direction unless the
scenario documents a disagreement). With 16 paired runs the bootstrap interval
of the mean change must exclude zero and the mean change must reach the
check's tolerance (``increase``/``decrease``), or the whole interval must lie
within ±tolerance (``unchanged``). The tolerances are stated, and argued, in
the scenario files.
"""

from __future__ import annotations

import os

import pytest

from analysis.compare import compare_runs
from model.batch import run_metrics, run_seeds
from scenarios import list_scenarios, resolve

HYPOTHESIS_SEEDS = run_seeds(20210101, 16)
"""Paired runs per check: the run-to-run spread of paired changes is small, so 16 give tight intervals."""

WORKERS = min(2, os.cpu_count() or 1)

LIBRARY = [name for name in list_scenarios() if name != "baseline"]


def test_every_library_scenario_states_a_hypothesis():
    missing = [name for name in LIBRARY if resolve(name).hypothesis is None]
    assert not missing, f"scenarios without a hypothesis block: {missing}"


@pytest.mark.slow
@pytest.mark.parametrize("name", LIBRARY)
def test_scenario_moves_its_headline_the_way_recorded(name):
    resolved = resolve(name)
    hypothesis = resolved.hypothesis
    assert hypothesis is not None
    reference = resolve(hypothesis.against_path)
    metrics = [check.metric for check in hypothesis.checks]
    values = run_metrics({"a": reference.scenario, "b": resolved.scenario}, HYPOTHESIS_SEEDS, metrics, workers=WORKERS)
    stats = compare_runs([m.label for m in metrics], values["a"], values["b"], seed=1)
    for check, stat in zip(hypothesis.checks, stats, strict=True):
        shown = stat.direction(check.tolerance)
        assert shown == check.model, (
            f"{name}: {check.metric.label} went {shown} (mean change {stat.mean_diff:+.4f}, "
            f"95% interval {stat.ci_low:+.4f}…{stat.ci_high:+.4f}, tolerance {check.tolerance}); "
            f"recorded: article {check.article}, model {check.model}"
        )
