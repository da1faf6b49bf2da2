"""Shared fixtures: baseline replicates are run once per test session."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from model import MultivectorModel
from model.params import BLOCS, DOMAINS

CALIBRATION_SEEDS = range(24)
"""Replicates behind the stylized-fact tests: enough for 10/90 % statements, cheap to run."""


@dataclass(frozen=True)
class Replicates:
    """Outcome arrays of several runs stacked on a leading run axis."""

    outcomes: dict[str, np.ndarray]
    quarters: list[str]
    states: tuple[str, ...]
    powers: tuple[str, ...]
    senders: np.ndarray

    def year(self, name: str, year: int) -> np.ndarray:
        """Mean of an outcome over the four quarters of a calendar year, per run."""
        start = self.quarters.index(f"{year}Q1")
        return self.outcomes[name][:, start:start + 4].mean(axis=1)

    def at(self, quarter: str) -> int:
        return self.quarters.index(quarter)

    def state(self, code: str) -> int:
        return self.states.index(code)

    def power(self, code: str) -> int:
        return self.powers.index(code)

    domain = staticmethod(DOMAINS.index)
    bloc = staticmethod(BLOCS.index)


def run_replicates(seeds, scenario="baseline", **overrides) -> Replicates:
    models = [MultivectorModel(scenario, rng=seed, collect=False, **overrides) for seed in seeds]
    runs = [m.run() for m in models]
    first = models[0]
    return Replicates(
        {name: np.stack([r[name] for r in runs]) for name in runs[0]},
        first.quarters, first.state_codes, first.power_codes, first.senders,
    )


@pytest.fixture(scope="session")
def baseline_runs() -> Replicates:
    return run_replicates(CALIBRATION_SEEDS)
