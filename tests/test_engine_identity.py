"""One implementation of the dynamics: a run's outcomes are the same bits however it is run.

A run of seed ``s`` gives bitwise identical outcomes as a Mesa model
(``MultivectorModel(rng=s).run()``), alone in an engine, in an engine of 7 or
256 runs at any position, serially, in two worker processes and on a local
Dask cluster, with any chunk size. Each run draws its random numbers from its
own generators at set-up (``model.engine.RunStreams``), so nothing another run
does can reach it. Equality is exact (``np.array_equal`` with NaN equal to NaN):
there is no tolerance to hide a difference behind.
"""

from __future__ import annotations

import numpy as np
import pytest

from multivector import MultivectorModel
from multivector.ensemble.batch import run_batch, run_seeds
from multivector.ensemble.chunks import run_to_end, simulate_chunk
from multivector.ensemble.executors import Dask, Processes, Serial
from multivector.model.engine import RunStreams
from multivector.scenarios import list_scenarios, load_scenario

SEEDS = run_seeds(20210101, 256)


def assert_same_run(expected: dict[str, np.ndarray], found: dict[str, np.ndarray], where: str) -> None:
    """Every outcome equal bit for bit (NaN where NaN)."""
    assert set(found) == set(expected), where
    for name, values in expected.items():
        assert np.array_equal(values, found[name], equal_nan=True), f"{where}: {name} differs"


def test_the_mesa_model_and_the_engine_give_the_same_run_in_chunks_of_1_7_and_256():
    scenario = load_scenario("baseline")
    picks = (0, 3, 6, 200, 255)  # first, middle and last of a 7-run chunk; deep inside the 256-run chunk
    wide = simulate_chunk(scenario, [(k, seed, {}) for k, seed in enumerate(SEEDS)]).runs()
    seven = simulate_chunk(scenario, [(k, SEEDS[k], {}) for k in range(7)]).runs()
    for k in picks:
        mesa_run = MultivectorModel(scenario, rng=SEEDS[k], collect=False).run()
        assert_same_run(mesa_run, run_to_end(scenario, SEEDS[k]), f"seed #{k}: Mesa model vs engine of 1")
        assert_same_run(mesa_run, wide[k].outcomes, f"seed #{k}: Mesa model vs engine of 256")
        if k < 7:
            assert_same_run(mesa_run, seven[k].outcomes, f"seed #{k}: Mesa model vs engine of 7")


@pytest.mark.parametrize("name", list_scenarios())
def test_every_scenario_runs_the_same_in_both_paths(name):
    """Scenarios differ in events, parameter changes and interventions: each path must take them alike."""
    scenario = load_scenario(name)
    seeds = SEEDS[:3]
    chunk = simulate_chunk(scenario, [(k, seed, {}) for k, seed in enumerate(seeds)]).runs()
    for k, seed in enumerate(seeds):
        mesa_run = MultivectorModel(scenario, rng=seed, collect=False).run()
        assert_same_run(mesa_run, chunk[k].outcomes, f"{name}, seed #{k}")


def test_runs_at_different_design_points_share_a_chunk_without_touching_each_other():
    """Design values are per run: a run's outcome is the same alone at its point as beside other points."""
    scenario = load_scenario("baseline")
    path = ("states", "KAZ", "dependence_aversion")
    jobs = [(k, SEEDS[k], {path: value}) for k, value in enumerate((1.0, 2.5, 4.0, 1.7))]
    together = simulate_chunk(scenario, jobs).runs()
    for job, run in zip(jobs, together, strict=True):
        alone = simulate_chunk(scenario, [job]).runs()[0]
        assert_same_run(alone.outcomes, run.outcomes, f"point {job[2][path]}")
    assert not np.array_equal(together[0].outcomes["alignment"], together[2].outcomes["alignment"]), \
        "different points must differ"


def _batch(executor, scenario, jobs) -> dict[int, dict[str, np.ndarray]]:
    found: dict[int, dict[str, np.ndarray]] = {}
    run_batch(scenario, jobs, lambda result: found.__setitem__(result.index, result.outcomes), executor=executor)
    return found


def test_serial_two_workers_and_dask_with_any_chunk_size_give_the_same_bits():
    scenario = load_scenario("sanctions_escalation")
    jobs = [(k, seed, {}) for k, seed in enumerate(SEEDS[:40])]
    reference = _batch(Serial(chunk_size=256), scenario, jobs)
    for label, executor in (("serial, chunks of 1", Serial(chunk_size=1)),
                            ("serial, chunks of 7", Serial(chunk_size=7)),
                            ("2 workers, chunks of 7", Processes(2, chunk_size=7)),
                            ("2 workers, chunks of 256", Processes(2, chunk_size=256)),
                            ("local Dask, 2 workers, chunks of 7", Dask("local", 2, chunk_size=7))):
        found = _batch(executor, scenario, jobs)
        assert sorted(found) == sorted(reference), label
        for k in reference:
            assert_same_run(reference[k], found[k], f"{label}, run {k}")


@pytest.mark.parametrize("role", ["uncertainty", "lever"])
def test_a_design_value_given_per_run_equals_the_same_value_written_into_the_scenario(role):
    """Batches hand design points to the engine as per-run columns; that must be the scenario with the value set.

    A factor read from the scenario object instead of the live tables would be
    silently ignored by the per-run path: every factor of the baseline is
    checked at a value 73 % of the way across its range.
    """
    from multivector.model.engine import Engine
    from multivector.model.params import with_values
    from multivector.scenarios import resolve
    from multivector.scenarios.designs import factors_of

    resolved = resolve("baseline")
    factors = factors_of(resolved, role)
    assert factors, f"the baseline has {role} factors"
    for factor in factors:
        value = factor.low + 0.73 * (factor.high - factor.low)
        value = round(value) if factor.integer else float(value)
        written = Engine(with_values(resolved.scenario, {factor.path: value}), [SEEDS[1]]).run()
        per_run = Engine(resolved.scenario, [SEEDS[1]], {factor.path: np.array([float(value)])}).run()
        assert_same_run(written, per_run, f"{'.'.join(factor.path)} = {value}")


def test_a_scenario_with_one_more_format_keeps_every_other_random_draw():
    """Paired comparisons: adding a format (appended, as scenarios do) changes no other stream's numbers."""
    seeds = run_seeds(20210101, 3)
    baseline, more = RunStreams(seeds, 40, (5, 3, 11, 16)), RunStreams(seeds, 40, (5, 3, 11, 17))
    np.testing.assert_array_equal(more.formats[..., :16], baseline.formats)
    for name in ("alignment", "growth", "unrest_hit", "unrest_severity", "designations"):
        np.testing.assert_array_equal(getattr(more, name), getattr(baseline, name), err_msg=name)
    assert load_scenario("formats_full_competition").formats.keys() - load_scenario("baseline").formats.keys() == {"korea_c5"}
    assert list(load_scenario("formats_full_competition").formats)[:16] == list(load_scenario("baseline").formats)
