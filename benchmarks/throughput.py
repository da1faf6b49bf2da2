"""Runs per second of the engine (chunked, in memory) and of ``mesa.batch_run`` on the same model, 1 process and N.

The engine runs through :mod:`ensemble.executors` exactly as a design does —
chunks of runs handed to :func:`ensemble.batch.summarise_chunk`, in this
process or in a pool, each run reduced where it ran to its end-of-horizon
indicators, which come back — and nothing is written. ``mesa.batch_run``
builds one :class:`~multivector.MultivectorModel` per seed with Mesa's
DataCollector on and gives back each run's last row: the same kind of result.
Before anything is timed, the first seeds are run both ways and must agree.
(Every outcome of every run, written to disk, is the CLI phase's figure.)
"""

from __future__ import annotations

import multiprocessing
from typing import Any

import mesa
import numpy as np

from multivector import MultivectorModel
from multivector.benchmarks.modes import ROOT_SEED, Sizes, baseline_scenario
from multivector.benchmarks.report import NOT_APPLICABLE, Report, at_least
from multivector.benchmarks.timing import Sample, interleave, rate_figure, timed
from multivector.ensemble.batch import run_seeds, summarise_chunk
from multivector.ensemble.chunks import CHUNK_SIZE, run_to_end
from multivector.ensemble.executors import Processes, Serial, make_executor, pool_context
from multivector.model.params import Scenario

STEPS = 40
"""Quarters in the baseline horizon (2021Q1–2030Q4)."""

OVER_MESA = 50.0
"""Target: engine runs/s over ``mesa.batch_run``'s on the same model and processes."""

SPEED_UP_PER_WORKER = 0.9
"""Target: N workers over 1 worker at least this times N (1.8 for 2 workers)."""


def executor_start_method(executor: Serial | Processes) -> str:
    """How the executor's workers start now: ``—`` in this process, else the pool's start method."""
    return pool_context().get_start_method() if isinstance(executor, Processes) else NOT_APPLICABLE


def engine_batch(scenario: Scenario, seeds: list[int], workers: int, chunk_size: int) -> Sample:
    """Time every seed run through the executor for ``workers``, in chunks, each reduced to its indicators where it ran.

    Raises:
        RuntimeError: If not every run came back.
    """
    executor = make_executor(workers, chunk_size=chunk_size)
    done: list[int] = []

    def count(chunk: tuple[np.ndarray, dict[str, np.ndarray]]) -> None:
        done.append(len(chunk[0]))

    jobs = ((index, seed, {}) for index, seed in enumerate(seeds))
    sample = timed(lambda: executor.run(scenario, jobs, count, task=summarise_chunk), executor_start_method(executor))
    if sum(done) != len(seeds):
        raise RuntimeError(f"the engine returned {sum(done)} of {len(seeds)} runs")
    return sample


class ReferenceModel(MultivectorModel):
    """The baseline as ``mesa.batch_run`` builds it: one keyword, the run's seed.

    ``batch_run`` in Mesa 3.3 has no per-run seeds, so the seed is the swept
    parameter. The keyword is ``run_seed``, not ``seed``: Mesa 3.4+ treats a
    swept ``seed`` as its own. Models that have finished are released from
    Mesa 3.3's class-level agent-id registry before a new one is built.

    Args:
        run_seed: The run's seed (Mesa's ``rng``).
        rng: Passed by Mesa 3.4+ (``None`` unless asked for); the run's seed wins.
    """

    def __init__(self, run_seed: int, rng: Any = None) -> None:
        """Release finished models, then build the baseline with Mesa's DataCollector on."""
        release_finished_models()
        super().__init__(baseline_scenario(), rng=run_seed, collect=True)


def release_finished_models() -> int:
    """Drop finished models from Mesa 3.3's class-level agent-id registry; return how many (0 where there is none)."""
    registry = getattr(mesa.Agent, "_ids", None)
    if not isinstance(registry, dict):
        return 0
    finished = [model for model in registry if not getattr(model, "running", True)]
    for model in finished:
        del registry[model]
    return len(finished)


def reference_batch_run(seeds: list[int], processes: int) -> list[dict[str, Any]]:
    """``mesa.batch_run`` of the baseline, one run per seed: the DataCollector's row at each run's last step."""
    rows = mesa.batch_run(ReferenceModel, parameters={"run_seed": seeds}, number_processes=processes, iterations=1,
                          data_collection_period=-1, max_steps=STEPS, display_progress=False)
    release_finished_models()
    return rows


def check_reference(rows: list[dict[str, Any]], seeds: list[int], scenario: Scenario) -> None:
    """Check ``batch_run`` ran each seed over the whole horizon and ended where the engine's run of that seed ends.

    Each run's one row (``data_collection_period=-1``) must be of the
    horizon's last quarter. Mesa labels it with the index of its last
    collection (``STEPS - 1`` in Mesa 3.3), so the quarter is checked, not the label.

    Raises:
        RuntimeError: If a run has no row, several, or one of another quarter or hedging index.
    """
    quarters = {seed: [row["quarter"] for row in rows if row["run_seed"] == seed] for seed in seeds}
    wrong = {seed: q for seed, q in quarters.items() if q != [scenario.end]}
    if wrong or len(rows) != len(seeds):
        raise RuntimeError(f"batch_run: expected one row per seed, of quarter {scenario.end}; got {wrong or len(rows)}")
    by_seed = {row["run_seed"]: row for row in rows}
    for seed in seeds:
        ours = float(np.mean(run_to_end(scenario, seed)["hedging_index"][-1]))
        if not np.isclose(by_seed[seed]["hedging_index"], ours, rtol=1e-12):
            raise RuntimeError(f"batch_run's hedging index {by_seed[seed]['hedging_index']} differs from the engine's {ours} (seed {seed})")


def mesa_batch(seeds: list[int], processes: int) -> Sample:
    """Time ``mesa.batch_run`` over the seeds; its pool uses the default start method (forced to spawn by Mesa)."""
    method = NOT_APPLICABLE if processes == 1 else multiprocessing.get_start_method()
    return timed(lambda: reference_batch_run(seeds, processes), method)


ENGINE_INCLUDES = ("ensemble.executors.{executor}: chunks of {chunk} runs through summarise_chunk, each run reduced "
                   "where it ran to its end-of-horizon indicators, which come back here; {start}{runs} runs")
MESA_INCLUDES = ("mesa.batch_run of MultivectorModel (collect=True: Mesa's DataCollector, 8 scalar reporters each step), "
                 "one run per seed, data_collection_period=-1, rows kept; {start}{runs} runs")


def _how(workers: int, noun: str) -> str:
    return "no pool; " if workers == 1 else f"starting a pool of {workers} {noun} included; "


def throughput_phase(report: Report, sizes: Sizes, workers: int) -> None:
    """Engine vs ``mesa.batch_run`` at 1 process and at ``workers``, interleaved; add figures and ratios."""
    scenario = baseline_scenario()
    seeds = run_seeds(ROOT_SEED, max(sizes.engine_runs, sizes.mesa_runs))
    check_reference(reference_batch_run(seeds[:2], 1), seeds[:2], scenario)
    engine, mesa_seeds = seeds[:sizes.engine_runs], seeds[:sizes.mesa_runs]
    names = {"engine": ("engine, 1 process", f"engine, {workers} workers"),
             "mesa": ("mesa.batch_run, 1 process", f"mesa.batch_run, {workers} processes")}
    contenders = {
        names["engine"][0]: lambda: engine_batch(scenario, engine, 1, CHUNK_SIZE),
        names["engine"][1]: lambda: engine_batch(scenario, engine, workers, CHUNK_SIZE),
        names["mesa"][0]: lambda: mesa_batch(mesa_seeds, 1),
        names["mesa"][1]: lambda: mesa_batch(mesa_seeds, workers),
    }
    samples = interleave(contenders, sizes.rounds)
    for count, name in zip((1, workers), names["engine"], strict=True):
        executor = "Serial (this process)" if count == 1 else f"Processes({count})"
        includes = ENGINE_INCLUDES.format(executor=executor, chunk=CHUNK_SIZE, start=_how(count, "workers"), runs=len(engine))
        report.figures.append(rate_figure(name, samples[name], len(engine), "runs/s", includes, CHUNK_SIZE))
    for count, name in zip((1, workers), names["mesa"], strict=True):
        includes = MESA_INCLUDES.format(start=_how(count, "processes"), runs=len(mesa_seeds))
        report.figures.append(rate_figure(name, samples[name], len(mesa_seeds), "runs/s", includes))
    rate = {name: report.figure(name).value for name in samples}
    for ours, theirs in zip(names["engine"], names["mesa"], strict=True):
        report.ratios.append(at_least(f"{ours} / {theirs}", rate[ours] / rate[theirs], OVER_MESA))
    report.ratios.append(at_least(f"engine {workers} workers / 1 worker", rate[names["engine"][1]] / rate[names["engine"][0]],
                                  SPEED_UP_PER_WORKER * workers))
