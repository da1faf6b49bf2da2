"""What the benchmarks run — the baseline scenario on seeds from one root — and how much of it in each mode."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from multivector.model.params import Scenario

ROOT_SEED = 20210101
"""Root seed of every benchmark batch (the CLI's default), split per run by ``ensemble.batch.run_seeds``."""

CURVE = (1, 4, 16, 64, 256, 1024, 4096)
"""Chunk sizes (runs per engine) of the chunk-size curve."""


@dataclass(frozen=True)
class Sizes:
    """Work per phase.

    Attributes:
        rounds: Interleaved rounds; each timed figure is the median over them.
        engine_runs: Runs per engine throughput sample (the same seeds for every engine contender).
        mesa_runs: Runs per ``mesa.batch_run`` sample (the first of the same seeds).
        chunk_sizes: Runs per engine on the chunk-size curve.
        curve_runs: At least this many runs per point of the curve (``max(R, curve_runs)``).
        memory: Small and large batch of the peak-memory phase.
        cli_runs: Runs per end-to-end CLI sample.
        profile_runs: Runs of the profiled chunk.
        calibration_population: Particles of the timed ABC fit.
    """

    rounds: int
    engine_runs: int
    mesa_runs: int
    chunk_sizes: tuple[int, ...]
    curve_runs: int
    memory: tuple[int, int]
    cli_runs: int
    profile_runs: int
    calibration_population: int


MODES: dict[str, Sizes] = {
    "full": Sizes(rounds=3, engine_runs=4096, mesa_runs=256, chunk_sizes=CURVE, curve_runs=256,
                  memory=(10_000, 100_000), cli_runs=4096, profile_runs=256, calibration_population=5000),
    "quick": Sizes(rounds=3, engine_runs=1024, mesa_runs=32, chunk_sizes=CURVE, curve_runs=64,
                   memory=(2_000, 20_000), cli_runs=1024, profile_runs=256, calibration_population=2000),
    "tiny": Sizes(rounds=1, engine_runs=8, mesa_runs=2, chunk_sizes=(1, 4), curve_runs=4,
                  memory=(4, 8), cli_runs=4, profile_runs=4, calibration_population=20),
}
"""``full``: the issue's sizes (10–20 minutes and more); ``quick``: minutes, memory 2,000 vs 20,000 runs; ``tiny``: a smoke test."""


@functools.cache
def baseline_scenario() -> Scenario:
    """The library's baseline scenario, resolved once per process."""
    from multivector.scenarios import load_scenario

    return load_scenario("baseline")
