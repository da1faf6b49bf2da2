"""Chunks of runs: many runs of one scenario stepped together as one engine.

A job is ``(index, seed, values)``: the run's position in its batch, its seed
and the parameter values of its design point. Jobs are grouped into chunks of
up to :data:`CHUNK_SIZE` runs; :func:`simulate_chunk` runs a chunk as one
:class:`~model.engine.Engine` and returns each run's outcome arrays. A run
depends only on the scenario, its values and its seed — not on the runs it
shares a chunk with — so its outcomes are bitwise the same in any chunk.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from model.engine import Engine
from model.params import Scenario, with_values

Job = tuple[int, int, Mapping[tuple[str, ...], Any]]
"""A run to do: (index in the batch, seed, key path → value of its design point)."""

CHUNK_SIZE = 256
"""Runs stepped together in one engine: large enough to amortise each numpy call, small enough to stay in cache."""

@dataclass(frozen=True)
class RunResult:
    """The outcome arrays of one finished run.

    Attributes:
        index: Position of the run in the batch.
        seed: The run's seed.
        outcomes: Outcome name → array ``(steps, …)``.
    """

    index: int
    seed: int
    outcomes: dict[str, np.ndarray]


def run_to_end(scenario: Scenario, seed: int) -> dict[str, np.ndarray]:
    """Run one seed of a scenario over the whole horizon (the engine at one run)."""
    return {name: values[0] for name, values in Engine(scenario, [seed]).run().items()}


def simulate_job(scenario: Scenario, job: Job) -> RunResult:
    """Run one job: the scenario at the job's design point, on its seed."""
    return simulate_chunk(scenario, [job])[0]


def simulate_chunk(scenario: Scenario, jobs: list[Job]) -> list[RunResult]:
    """Run jobs as one engine where their design values are numbers of the same factors, else one engine per job.

    Each run's result is the same as running it alone (``model.engine``).
    """
    if _uniform(jobs):
        paths = list(jobs[0][2])
        values = {path: np.array([float(job[2][path]) for job in jobs]) for path in paths}
        outcomes = Engine(scenario, [job[1] for job in jobs], values).run()
        return [RunResult(index, seed, {name: array[k] for name, array in outcomes.items()})
                for k, (index, seed, _) in enumerate(jobs)]
    return [RunResult(index, seed, run_to_end(with_values(scenario, values) if values else scenario, seed))
            for index, seed, values in jobs]


def _uniform(jobs: list[Job]) -> bool:
    """Whether every job sets the same factors, each to a plain number (so runs can hold them side by side)."""
    keys = set(jobs[0][2])
    return all(set(job[2]) == keys and all(_is_number(v) for v in job[2].values()) for job in jobs)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)


def chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    """The jobs in lists of up to ``size``, in order."""
    queue = iter(jobs)
    while batch := list(islice(queue, size)):
        yield batch
