"""Chunks of runs: many runs of one scenario stepped together as one engine.

A job is ``(index, seed, values)``: the run's position in its batch, its seed
and the parameter values of its design point. Jobs are grouped into chunks of
up to :data:`CHUNK_SIZE` runs; :func:`simulate_chunk` runs a chunk as one
:class:`~model.engine.Engine` and returns each run's outcome arrays. A run
depends only on the scenario, its values and its seed — not on the runs it
shares a chunk with — so its outcomes are bitwise the same in any chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from typing import Any

import numpy as np

from multivector.model.engine import Engine
from multivector.model.params import Scenario, with_values

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


@dataclass(frozen=True)
class ChunkResult:
    """The outcome arrays of a finished chunk, run by run along the first axis.

    Attributes:
        jobs: The chunk's jobs, in the order of the run axis.
        outcomes: Outcome name → array ``(runs, steps, …)``.
    """

    jobs: list[Job]
    outcomes: dict[str, np.ndarray]

    @property
    def indices(self) -> np.ndarray:
        """The runs' positions in the batch."""
        return np.array([job[0] for job in self.jobs], dtype=np.int64)

    @property
    def seeds(self) -> np.ndarray:
        """The runs' seeds."""
        return np.array([job[1] for job in self.jobs], dtype=np.int64)

    def runs(self) -> list[RunResult]:
        """The chunk as one result per run."""
        return [RunResult(index, seed, {name: array[k] for name, array in self.outcomes.items()})
                for k, (index, seed, _) in enumerate(self.jobs)]


ChunkTask = Callable[[Scenario, list[Job]], Any]
"""Work done on a chunk where it runs (in a worker): e.g. :func:`simulate_chunk`, or a
function that simulates and then reduces or encodes the outcomes, so that only the
reduced result travels back. It must be a module-level function (it is pickled)."""


def each_run(on_result: Callable[[RunResult], None]) -> Callable[[ChunkResult], None]:
    """A chunk callback that hands each run of the chunk to ``on_result``."""

    def on_chunk(chunk: ChunkResult) -> None:
        for result in chunk.runs():
            on_result(result)

    return on_chunk


def run_to_end(scenario: Scenario, seed: int) -> dict[str, np.ndarray]:
    """Run one seed of a scenario over the whole horizon (the engine at one run)."""
    return {name: values[0] for name, values in Engine(scenario, [seed]).run().items()}


def simulate_job(scenario: Scenario, job: Job) -> RunResult:
    """Run one job: the scenario at the job's design point, on its seed."""
    return simulate_chunk(scenario, [job]).runs()[0]


def simulate_chunk(scenario: Scenario, jobs: list[Job]) -> ChunkResult:
    """Run jobs as one engine where their design values are numbers of the same factors, else one engine per job.

    Each run's result is the same as running it alone (``model.engine``).
    """
    if _uniform(jobs):
        paths = list(jobs[0][2])
        values = {path: np.array([float(job[2][path]) for job in jobs]) for path in paths}
        return ChunkResult(list(jobs), Engine(scenario, [job[1] for job in jobs], values).run())
    alone = [run_to_end(with_values(scenario, values) if values else scenario, seed) for _, seed, values in jobs]
    return ChunkResult(list(jobs), {name: np.stack([run[name] for run in alone]) for name in alone[0]})


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
