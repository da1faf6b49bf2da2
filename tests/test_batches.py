"""Batches at scale as a user runs them: real worker processes, a real Dask cluster, real kills."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from multivector.analysis.sensitivity import indices
from multivector.ensemble.api import indicators, simulate, simulate_steps
from multivector.ensemble.batch import summarise_chunk
from multivector.ensemble.results import ResultsFolder, WideLayout, check_chunk
from multivector.scenarios import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=900)


def frames(folder: Path) -> tuple[pa.Table, pd.DataFrame]:
    """A folder's data as its readers give it: the wide table of every run and step (ordered), and the summary per run."""
    results = ResultsFolder(folder)
    return results.read_table().sort_by([("run", "ascending"), ("step", "ascending")]), results.load_summary()


def assert_same_data(a: Path, b: Path) -> None:
    """Bitwise the same stored values (the wide tables) and the same summaries.

    The wide table holds every stored outcome element of every run and step; the
    long table is derived from it by the same reader, so comparing it too would
    only repeat the comparison, tens of times slower.
    """
    (left_steps, left_summary), (right_steps, right_summary) = frames(a), frames(b)
    assert left_steps.num_rows == right_steps.num_rows and left_steps.equals(right_steps), "the stored values differ"
    pd.testing.assert_frame_equal(left_summary, right_summary)


@pytest.mark.slow
def test_serial_two_workers_and_a_dask_cluster_give_identical_batches(tmp_path):
    common = ("run", "baseline", "--design", "lhs", "--samples", "3", "--replicates", "2", "--no-figures")
    for name, extra in (("serial", ("--workers", "1")), ("processes", ("--workers", "2")),
                        ("dask", ("--dask", "local", "--workers", "2"))):
        done = run_cli(*common, *extra, "--out", str(tmp_path / name))
        assert done.returncode == 0, done.stderr
    assert_same_data(tmp_path / "serial", tmp_path / "processes")
    assert_same_data(tmp_path / "serial", tmp_path / "dask")
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["design"]["kind"] == "lhs" and len(manifest["design"]["points"]) == 3 and manifest["runs"] == 6
    summary = frames(tmp_path / "serial")[1]
    assert sorted(summary["point"].unique()) == [0, 1, 2]
    assert summary.groupby("point")["seed"].apply(sorted).map(tuple).nunique() == 1, "the same seeds at every point"


@pytest.mark.slow
def test_a_batch_killed_with_sigkill_resumes_to_the_data_of_an_uninterrupted_batch(tmp_path):
    """Kill the whole process group (main process and workers) mid-batch, then resume with another chunk size."""
    runs = "1200"
    killed, whole = tmp_path / "killed", tmp_path / "whole"
    command = [sys.executable, str(ROOT / "run.py"), "run", "baseline", "--replicates", runs, "--workers", "2",
               "--chunk-size", "8", "--no-figures", "--out", str(killed)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 300
    while len(list((killed / "chunks").glob("chunk-*.parquet"))) < 5:
        assert process.poll() is None and time.monotonic() < deadline, "the batch ended before it could be killed"
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    folder = ResultsFolder(killed)
    kept = folder.finished()
    assert 40 <= len(kept) < int(runs), f"{len(kept)} runs kept"
    assert len(kept) % 8 == 0, "whole chunks only"
    layout = WideLayout.of(load_scenario("baseline"), (), int(runs))
    seeds = folder.manifest()["seeds"]
    for path in folder.chunk_files():  # every chunk kept is whole: written under a temporary name, then renamed
        assert len(check_chunk(path, layout, int(runs), seeds)) == 8, path
    resumed = run_cli("run", "baseline", "--replicates", runs, "--workers", "2", "--chunk-size", "100", "--no-figures",
                      "--out", str(killed))
    assert resumed.returncode == 0, resumed.stderr
    assert "damaged" not in resumed.stderr
    assert run_cli("run", "baseline", "--replicates", runs, "--workers", "1", "--no-figures",
                   "--out", str(whole)).returncode == 0
    assert_same_data(killed, whole)
    assert len(ResultsFolder(killed).finished()) == int(runs)


@pytest.mark.slow
def test_a_sobol_design_runs_and_yields_indices(tmp_path):
    done = run_cli("run", "baseline", "--design", "sobol", "--samples", "4", "--replicates", "1", "--workers", "2",
                   "--no-figures", "--out", str(tmp_path / "sobol"))
    assert done.returncode == 0, done.stderr
    folder = ResultsFolder(tmp_path / "sobol")
    manifest = folder.manifest()
    factors = len(manifest["design"]["factors"])
    assert manifest["runs"] == 4 * (factors + 2), "SALib's Sobol sample without second order: N·(D+2) points"
    table = indices(manifest, folder.load_summary(), "russia_security_share")
    assert len(table) == factors and {"S1", "ST", "ST_conf"} <= set(table.columns)
    assert list(table["ST"]) == sorted(table["ST"], reverse=True)


def test_a_results_folder_refuses_another_design(tmp_path):
    out = str(tmp_path / "r")
    assert run_cli("run", "baseline", "--replicates", "2", "--out", out, "--no-figures").returncode == 0
    other = run_cli("run", "baseline", "--design", "lhs", "--samples", "2", "--replicates", "2", "--out", out,
                    "--no-figures")
    assert other.returncode == 2 and "design kind replicates → lhs" in other.stderr
    assert len(other.stderr.strip().splitlines()) == 1


def test_simulate_is_a_plain_model_function_for_other_tools():
    first = simulate("baseline", seed=4, states__KAZ__dependence_aversion=3.0)
    assert tuple(first) == indicators("baseline") and all(isinstance(v, float) for v in first.values())
    assert simulate("baseline", seed=4, states__KAZ__dependence_aversion=3.0) == first, "same inputs, same result"
    assert simulate("baseline", seed=4, states__KAZ__dependence_aversion=1.0) != first
    steps = simulate_steps("baseline", seed=4)
    assert steps["alignment"].shape[0] == 40
    with pytest.raises(ScenarioError, match=r"states.KAZ.dependence_aversion: out of range; got -1"):
        simulate("baseline", states__KAZ__dependence_aversion=-1)


def test_summarise_chunk_reduces_each_run_where_it_ran_to_what_simulate_gives():
    scenario = load_scenario("baseline")
    indices, values_of = summarise_chunk(scenario, [(3, 11, {}), (4, 12, {})])
    assert list(indices) == [3, 4] and tuple(values_of) == indicators("baseline")
    for k, seed in enumerate((11, 12)):
        assert {name: float(values[k]) for name, values in values_of.items()} == simulate("baseline", seed=seed)
