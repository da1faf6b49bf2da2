"""The targets' statistics for many parameter sets at once, on the ensemble engine.

A calibration asks the model the same question ~10^5 times: given these values
of the scenario's uncertainties and this seed, what are the targets'
statistics? :class:`BatchSimulator` answers a whole batch in one call: each
parameter set becomes a run's design values (``ensemble.chunks.Job``), the
runs go to the executor in chunks and every chunk is reduced to the targets'
metrics where it ran. The scenario's horizon is cut to the last quarter the
targets read (2022Q4 for fitting), which makes a fitting run about three times
cheaper than a full one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from multivector.calibration.targets import Target, metrics_of, statistics
from multivector.ensemble.batch import measure_chunk
from multivector.ensemble.chunks import CHUNK_SIZE
from multivector.ensemble.executors import make_executor
from multivector.model.calendar import quarter_ordinal
from multivector.scenarios.designs import Factor
from multivector.scenarios.loader import Resolved


def run_seed(root_seed: int, index: int, stream: int = 0) -> int:
    """The seed of the ``index``-th simulation of one stream of a calibration (0: the fit; 1: the prior screen; 2: checks)."""
    return int(np.random.SeedSequence([root_seed, stream, index]).generate_state(1, dtype=np.uint32)[0])


class BatchSimulator:
    """Statistics of chosen targets for batches of parameter sets.

    Args:
        resolved: The scenario.
        factors: The uncertainties the parameter sets give values for (columns, in order).
        chosen: The targets whose statistics are returned (columns, in order).
        workers: Worker processes (1 runs in this process).
        chunk_size: Runs per engine.
    """

    def __init__(self, resolved: Resolved, factors: Sequence[Factor], chosen: Sequence[Target],
                 workers: int = 1, chunk_size: int = CHUNK_SIZE) -> None:
        self.factors = tuple(factors)
        self.chosen = tuple(chosen)
        self.metrics = metrics_of(self.chosen)
        last = max((m.end for m in self.metrics), key=quarter_ordinal)
        self.scenario = dataclasses.replace(resolved.scenario, end=last)
        self.workers, self.chunk_size = workers, chunk_size

    def __call__(self, values: np.ndarray, seeds: Sequence[int],
                 on_done: Callable[[int], None] | None = None) -> np.ndarray:
        """Run one simulation per row of ``values`` with its seed.

        Args:
            values: ``(runs, factors)`` parameter values.
            seeds: One seed per run.
            on_done: Called with the number of runs of each finished chunk.

        Returns:
            ``(runs, chosen targets)`` statistics.
        """
        runs = len(seeds)
        metric_values = np.full((runs, len(self.metrics)), np.nan)
        jobs = [(k, int(seeds[k]), self.design_values(values[k])) for k in range(runs)]

        def store(result: tuple[np.ndarray, np.ndarray]) -> None:
            indices, rows = result
            metric_values[indices] = rows
            if on_done is not None:
                on_done(len(indices))

        workers = max(1, min(self.workers, -(-runs // self.chunk_size)))
        chunk_size = max(1, min(self.chunk_size, -(-runs // workers)))
        make_executor(workers, chunk_size=chunk_size).run(self.scenario, jobs, store, partial(measure_chunk, self.metrics))
        return statistics(self.chosen, self.metrics, metric_values)

    def design_values(self, row: np.ndarray) -> dict[tuple[str, ...], float | int]:
        """One parameter set as a run's design values (key path → value; whole numbers rounded)."""
        return {f.path: (round(float(v)) if f.integer else float(v)) for f, v in zip(self.factors, row, strict=True)}
