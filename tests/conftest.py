"""Shared fixtures: baseline replicates are run once per test session."""

from __future__ import annotations

from dataclasses import replace

import pytest

from multivector.analysis.replicates import Replicates, run_replicates
from multivector.scenarios import load_scenario

__all__ = ["CALIBRATION_SEEDS", "Replicates", "run_replicates"]

CALIBRATION_SEEDS = range(24)
"""Replicates behind the stylized-fact tests: enough for 10/90 % statements, cheap to run."""


@pytest.fixture(scope="session")
def baseline_runs() -> Replicates:
    return run_replicates(CALIBRATION_SEEDS)


@pytest.fixture(scope="session")
def quiet_runs() -> Replicates:
    """The baseline without its dated events (no timeline), on the same seeds."""
    return run_replicates(CALIBRATION_SEEDS, replace(load_scenario("baseline"), timeline=()))
