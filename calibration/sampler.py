"""A pyabc sampler that evaluates a generation's proposals in batches on the ensemble engine.

pyabc proposes, simulates and judges one particle at a time (its
``simulate_one``); the ensemble engine is fast only when it steps hundreds of
runs together. :class:`EngineSampler` reconciles the two without re-implementing
ABC-SMC, in two passes over the same stream of pyabc's random numbers:

1. *propose*: it calls ``simulate_one`` for a batch of particles; the model
   (:class:`BatchModel`) records each proposed parameter set and stops the call
   before any simulation (pyabc draws a proposal before it simulates, and draws
   no random number after it);
2. the engine simulates the whole batch at once (:class:`calibration.simulator.BatchSimulator`);
3. *judge*: it restores pyabc's random state and calls ``simulate_one`` again for
   the same particles in the same order; the proposals come out identical (this
   is checked) and the model now returns the batch's statistics, so pyabc
   computes distances, acceptance and weights as it always does.

Particles are taken in proposal order up to the ``n``-th accepted one, so the
population is what pyabc's single-core sampler would accept from the same
proposals; a batch's runs after that particle are discarded. With a fixed seed
a fit is identical whatever the number of workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pyabc
from pyabc.sampler import Sampler

MIN_BATCH = 64
"""Fewest proposals judged per batch (keeps the engine's runs-per-step high late in a generation)."""

MAX_BATCH = 8192
"""Most proposals per batch: bounds memory and the runs wasted after the generation fills."""


class _Proposed(Exception):  # noqa: N818 (a control-flow signal, not an error)
    """Raised by :class:`BatchModel` in the propose pass, carrying the parameter set."""

    def __init__(self, parameter: dict[str, float]) -> None:
        super().__init__()
        self.parameter = parameter


class BatchModel(pyabc.Model):
    """The model pyabc sees: records proposals, then answers with a batch's statistics.

    Args:
        names: Parameter names, in the simulator's column order.
        statistics: Names of the statistics returned (the fitting targets' ids).
    """

    def __init__(self, names: Sequence[str], statistics: Sequence[str]) -> None:
        super().__init__("multivector")
        self.names, self.statistic_names = tuple(names), tuple(statistics)
        self._answers: list[dict[str, float]] = []
        self._params: np.ndarray = np.empty((0, len(self.names)))
        self._next = 0

    def sample(self, pars: Any) -> dict[str, float]:
        """In the propose pass, stop with the parameter set; in the judge pass, return its statistics."""
        row = np.array([float(pars[name]) for name in self.names])
        if self._next >= len(self._answers):
            raise _Proposed(dict(zip(self.names, row, strict=True)))
        if not np.array_equal(row, self._params[self._next]):
            raise RuntimeError("pyabc proposed another parameter set in the judge pass than in the propose pass")
        answer = self._answers[self._next]
        self._next += 1
        return answer

    def answer(self, params: np.ndarray, statistics: np.ndarray) -> None:
        """Statistics ``(runs, statistics)`` of the parameter sets ``(runs, names)`` just proposed."""
        self._params = params
        self._answers = [dict(zip(self.statistic_names, map(float, row), strict=True)) for row in statistics]
        self._next = 0

    def forget(self) -> None:
        """Back to the propose pass."""
        self._answers, self._next = [], 0


class EngineSampler(Sampler):
    """Samples each generation in batches simulated together (see the module docstring).

    Args:
        model: The :class:`BatchModel` given to ``pyabc.ABCSMC``.
        simulate: ``(params (runs, names), first simulation index) → statistics (runs, statistics)``.
        on_batch: Called after each batch with (runs simulated, particles accepted so far, generation).
    """

    def __init__(self, model: BatchModel, simulate: Callable[[np.ndarray, int], np.ndarray],
                 on_batch: Callable[[int, int, int], None] | None = None) -> None:
        super().__init__()
        self.model, self.simulate, self.on_batch = model, simulate, on_batch
        self.simulations = 0
        """Simulations run so far in the whole fit (including those discarded after a generation filled)."""

    def sample_until_n_accepted(self, n: int, simulate_one: Callable, t: int, *, max_eval: float = np.inf,
                                all_accepted: bool = False, ana_vars: Any = None) -> Any:
        """Judge proposals in batches until ``n`` are accepted (or ``max_eval`` are judged)."""
        sample = self._create_empty_sample()
        accepted = judged = 0
        rate = 1.0
        while accepted < n and judged < max_eval:
            wanted = (n - accepted) / max(rate, 1e-3)
            size = int(min(MAX_BATCH, max(MIN_BATCH, 1.2 * wanted), max_eval - judged))
            state = np.random.get_state()
            params = self._propose(simulate_one, size)
            self.model.answer(params, self.simulate(params, self.simulations))
            self.simulations += size
            np.random.set_state(state)
            for _ in range(size):
                particle = simulate_one()
                sample.append(particle)
                judged += 1
                accepted += bool(particle.accepted)
                if accepted == n:
                    break
            self.model.forget()
            rate = accepted / judged
            if self.on_batch is not None:
                self.on_batch(size, accepted, t)
        self.nr_evaluations_ = judged
        if sample.n_accepted < n:
            sample.ok = False
        return sample

    def _propose(self, simulate_one: Callable, size: int) -> np.ndarray:
        params = np.empty((size, len(self.model.names)))
        for k in range(size):
            try:
                simulate_one()
            except _Proposed as proposed:
                params[k] = [proposed.parameter[name] for name in self.model.names]
            else:
                raise RuntimeError("pyabc judged a particle without simulating it")
        return params
