"""Pattern-oriented calibration: the baseline against the stylized facts of 2021–2024.

Each fact (``analysis.facts.FACTS``) states a direction or an ordering over the
replicate distribution, with the share of runs that must show it and
tolerances that say why they are what they are. Every failure message also
reports the same statistic with the baseline's dated events removed — what
the events and the mechanisms they set off add. docs/calibration.md holds the
table (``python run.py facts --write docs/calibration.md``).
"""

from __future__ import annotations

import pytest

from multivector.analysis.facts import FACTS, fact_table


@pytest.mark.parametrize("fact", FACTS, ids=[f.id for f in FACTS])
def test_the_baseline_reproduces_the_stylized_fact(fact, baseline_runs, quiet_runs):
    problems = fact.problems(baseline_runs)
    assert not problems, (f"{fact.id} {fact.title}: " + "; ".join(problems)
                          + f" — {fact.statistic}: baseline {fact.measure(baseline_runs):.3g}, "
                            f"without dated events {fact.measure(quiet_runs):.3g}")


def test_the_dated_events_carry_the_sanctions_facts(baseline_runs, quiet_runs):
    """Without the timeline there are no sanctions: the sanctions facts must not hold on their own."""
    by_id = {f.id: f for f in FACTS}
    for fact_id in ("SF-03", "SF-05", "SF-06"):
        assert by_id[fact_id].problems(quiet_runs), f"{fact_id} holds without any sanctions: it is not the sanctions' doing"


def test_the_fact_table_reports_both_columns(baseline_runs, quiet_runs):
    table = fact_table(baseline_runs, quiet_runs)
    assert table.count("\n") == len(FACTS) + 2 and "without dated events" in table
