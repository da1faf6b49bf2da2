"""Each library scenario's hypothesis, run against its reference under parameter uncertainty.

Both scenarios run at the same points of a Latin hypercube over their
uncertainties, on the same seeds at every point (``analysis.uncertain``), so a
check's interval carries what we do not know about the parameters as well as
the model's noise. A check passes when the paired change of its metric goes
the way the model is recorded to go (``model``, which equals the article's
direction unless the scenario documents a disagreement): the bootstrap
interval of the mean change must exclude zero and the mean must reach the
check's tolerance (``increase``/``decrease``), or the whole interval must lie
within ±tolerance (``unchanged``); a change whose interval straddles the
tolerance is ``unclear``, which a scenario may record as the model's answer. The tolerances are stated, and argued, in
the scenario files.
"""

from __future__ import annotations

import os

import pytest

from multivector.analysis.uncertain import POINTS, SEEDS_PER_POINT, compare_under_uncertainty
from multivector.scenarios import list_scenarios, resolve

ROOT_SEED = 20210101
"""The root seed of the design behind every check (64 hypercube points × 4 seeds = 256 paired runs per scenario), as in the findings table."""

WORKERS = min(2, os.cpu_count() or 1)

LIBRARY = [name for name in list_scenarios() if name != "baseline"]


def test_every_library_scenario_states_a_hypothesis_with_an_emergent_check():
    missing = [name for name in LIBRARY if resolve(name).hypothesis is None]
    assert not missing, f"scenarios without a hypothesis block: {missing}"
    first_order = [name for name in LIBRARY if all(c.kind == "direct" for c in resolve(name).hypothesis.checks)]
    assert not first_order, f"scenarios whose every check reads an input they set (no emergent check): {first_order}"


@pytest.mark.slow
@pytest.mark.parametrize("name", LIBRARY)
def test_scenario_moves_its_checks_the_way_recorded(name):
    resolved = resolve(name)
    hypothesis = resolved.hypothesis
    reference = resolve(hypothesis.against_path)
    stats, _ = compare_under_uncertainty(reference, resolved, [c.metric for c in hypothesis.checks], points=POINTS,
                                         seeds_per_point=SEEDS_PER_POINT, seed=ROOT_SEED, workers=WORKERS)
    for check, stat in zip(hypothesis.checks, stats, strict=True):
        shown = stat.direction(check.tolerance)
        assert shown == check.model, (
            f"{name}: {check.metric.label} ({check.kind}) went {shown} (mean change {stat.mean_diff:+.4f}, "
            f"95% interval {stat.ci_low:+.4f}…{stat.ci_high:+.4f}, tolerance {check.tolerance}); "
            f"recorded: article {check.article}, model {check.model}"
        )
