"""Several runs of one scenario, stacked on a leading run axis, with label lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from multivector import MultivectorModel
from multivector.model.params import BLOCS, DOMAINS, Scenario


@dataclass(frozen=True)
class Replicates:
    """Outcome arrays of several runs stacked on a leading run axis.

    Attributes:
        outcomes: Outcome name → array ``(runs, steps, …)``.
        quarters: Quarter labels of the horizon.
        states: State codes in model order.
        powers: Power codes in model order.
        senders: Per power: imposes the sanctions.
        corridors: Corridor IDs in model order.
    """

    outcomes: dict[str, np.ndarray]
    quarters: list[str]
    states: tuple[str, ...]
    powers: tuple[str, ...]
    senders: np.ndarray
    corridors: tuple[str, ...] = ()

    def year(self, name: str, year: int) -> np.ndarray:
        """Mean of an outcome over the four quarters of a calendar year, per run."""
        start = self.quarters.index(f"{year}Q1")
        return self.outcomes[name][:, start:start + 4].mean(axis=1)

    def at(self, quarter: str) -> int:
        """Step index of a quarter label."""
        return self.quarters.index(quarter)

    def between(self, first: str, last: str | None = None) -> slice:
        """Steps from quarter ``first`` through ``last`` (both included; to the end of the horizon without ``last``)."""
        return slice(self.at(first), None if last is None else self.at(last) + 1)

    def corridor(self, corridor_id: str) -> int:
        """Index of a corridor ID."""
        return self.corridors.index(corridor_id)

    def state(self, code: str) -> int:
        """Index of a state code."""
        return self.states.index(code)

    def power(self, code: str) -> int:
        """Index of a power code."""
        return self.powers.index(code)

    domain = staticmethod(DOMAINS.index)
    bloc = staticmethod(BLOCS.index)


def run_replicates(seeds: Iterable[int], scenario: str | Scenario = "baseline", **overrides: Any) -> Replicates:
    """Run a scenario once per seed (keyword overrides as for :class:`~model.MultivectorModel`) and stack the outcomes."""
    models = [MultivectorModel(scenario, rng=seed, collect=False, **overrides) for seed in seeds]
    runs = [m.run() for m in models]
    first = models[0]
    for m in models:
        m.release()
    return Replicates(
        {name: np.stack([r[name] for r in runs]) for name in runs[0]},
        first.quarters, first.state_codes, first.power_codes, first.senders, tuple(first.engine.corridors.ids),
    )
