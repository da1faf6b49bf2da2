"""Interleaved timing: every contender once per round, in turn, and figures as medians over the rounds.

On a shared, noisy machine a slow spell then hits every contender alike
instead of one of them; the load is read after every sample and reported
with the figure.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from multivector.benchmarks.report import NOT_APPLICABLE, Figure, load_average


@dataclass(frozen=True)
class Sample:
    """One timed piece of work.

    Attributes:
        seconds: Wall-clock seconds.
        start_method: How the work's worker processes started (``—`` for none).
        load: 1-minute load average when it finished.
    """

    seconds: float
    start_method: str = NOT_APPLICABLE
    load: float = float("nan")


Contender = Callable[[], Sample]
"""Does the work once and says how long it took (and how its workers started)."""


def timed(work: Callable[[], object], start_method: str = NOT_APPLICABLE) -> Sample:
    """Run ``work`` once and time it with the wall clock."""
    start = time.perf_counter()
    work()
    return Sample(time.perf_counter() - start, start_method)


def interleave(contenders: Mapping[str, Contender], rounds: int) -> dict[str, list[Sample]]:
    """Run every contender once per round, in turn (A B C … A B C …).

    Args:
        contenders: Name → callable doing the work once.
        rounds: Number of rounds.

    Returns:
        Name → its sample of each round, each with the load when it finished.
    """
    samples: dict[str, list[Sample]] = {name: [] for name in contenders}
    for round_ in range(rounds):
        for name, work in contenders.items():
            gc.collect()
            sample = work()
            samples[name].append(Sample(sample.seconds, sample.start_method, load_average()))
            print(f"  round {round_ + 1}/{rounds} {name}: {sample.seconds:.2f} s", file=sys.stderr)
    return samples


def rate_figure(name: str, samples: list[Sample], work: float, unit: str, includes: str,
                chunk_size: int | str = NOT_APPLICABLE) -> Figure:
    """A figure of ``work / seconds`` (e.g. runs/s), the median over the samples.

    Args:
        name: The figure's name.
        samples: One per round.
        work: Units of work done in each sample (e.g. runs).
        unit: Unit of the rate.
        includes: What the figure includes.
        chunk_size: Runs per engine, if any.
    """
    rates = tuple(work / s.seconds for s in samples)
    return Figure(name, statistics.median(rates), unit, includes, start_methods(samples), str(chunk_size),
                  statistics.median(s.load for s in samples), rates)


def seconds_figure(name: str, samples: list[Sample], includes: str, scale: float = 1.0, unit: str = "s") -> Figure:
    """A figure of the median seconds (times ``scale``, e.g. 1e3 for ms) over the samples."""
    values = tuple(s.seconds * scale for s in samples)
    return Figure(name, statistics.median(values), unit, includes, start_methods(samples), NOT_APPLICABLE,
                  statistics.median(s.load for s in samples), values)


def start_methods(samples: list[Sample]) -> str:
    """The start methods the samples used, joined (normally one)."""
    return "/".join(dict.fromkeys(s.start_method for s in samples))
