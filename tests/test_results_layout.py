"""The results layout: wide chunk files written by real batches, read back, damaged and resumed."""

from __future__ import annotations

import json
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from multivector.ensemble.api import simulate_table
from multivector.ensemble.chunks import run_to_end
from multivector.ensemble.results import DamagedChunkError, ResultsFolder, WideLayout, check_chunk
from multivector.model.engine import Engine
from multivector.model.outcomes import DERIVED, OUTCOMES, STORED, Structure, summarise
from multivector.model.params import BLOCS
from multivector.scenarios import load_scenario

ROOT = Path(__file__).resolve().parents[1]
LONG_COLUMNS = ["run", "seed", "step", "quarter", "outcome", "state", "domain", "power", "bloc", "corridor", "value"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)


def batch(out: Path, *args: str) -> Path:
    done = run_cli("run", "baseline", "--no-figures", "--out", str(out), *args)
    assert done.returncode == 0, done.stderr
    return out


def data(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pa.Table]:
    """Everything a folder holds as its readers give it: long steps, summary and the wide table."""
    results = ResultsFolder(folder)
    return results.load_steps(), results.load_summary(), results.read_table()


def assert_same_data(a: Path, b: Path) -> None:
    left, right = data(a), data(b)
    pd.testing.assert_frame_equal(left[0], right[0])
    pd.testing.assert_frame_equal(left[1], right[1])
    assert left[2].equals(right[2]), "the wide tables differ"


@pytest.fixture(scope="module")
def replicates(tmp_path_factory) -> Path:
    """Five runs of the baseline in chunks of two (three files), serially."""
    return batch(tmp_path_factory.mktemp("layout") / "baseline", "--replicates", "5", "--workers", "1", "--chunk-size", "2")


# ------------------------------------------------------------------ what is stored and how it reads back


def test_a_chunk_file_is_wide_and_opens_with_plain_pyarrow(replicates):
    files = sorted(p.name for p in (replicates / "chunks").iterdir())
    assert files == ["chunk-00000000.parquet", "chunk-00000002.parquet", "chunk-00000004.parquet"]
    table = pq.read_table(replicates / "chunks" / "chunk-00000002.parquet")
    assert table.num_rows == 2 * 40
    types = {name: table.schema.field(name).type for name in table.column_names}
    assert table.column_names[:5] == ["run", "seed", "point", "step", "quarter"], "no factor columns for replicates"
    assert types["run"] == pa.int32() and types["seed"] == pa.int64() and types["point"] == pa.int32()
    assert types["step"] == pa.int16() and pa.types.is_dictionary(types["quarter"])
    for column in ("alignment.KAZ.security.RUS", "capacity.CHN", "cohesion", "corridor_share.middle_corridor"):
        assert types[column] == pa.float64(), column
    assert not [c for c in table.column_names if c.split(".")[0] in DERIVED], "derived outcomes are not stored"
    assert {c.split(".")[0] for c in table.column_names[5:]} == set(STORED)
    assert table.column("run").to_pylist() == [2] * 40 + [3] * 40
    assert table.column("quarter").to_pylist()[:2] == ["2021Q1", "2021Q2"]
    metadata = table.schema.metadata
    assert json.loads(metadata[b"multivector.runs"]) == [2, 3]
    manifest = json.loads((replicates / "manifest.json").read_text())
    assert json.loads(metadata[b"multivector.seeds"]) == manifest["seeds"][2:4]
    assert metadata[b"multivector.layout"] == b"1" and manifest["manifest_format"] == 2 and manifest["chunk_size"] == 2
    whole = pq.read_table(replicates / "chunks")  # the folder of chunk files is one dataset
    assert whole.num_rows == 5 * 40 and sorted(set(whole.column("run").to_pylist())) == [0, 1, 2, 3, 4]


def test_the_chunk_files_open_in_polars(replicates):
    polars = pytest.importorskip("polars")
    frame = polars.scan_parquet(str(replicates / "chunks" / "*.parquet")).select("run", "step", "cohesion").collect()
    assert frame.height == 5 * 40 and sorted(frame["run"].unique().to_list()) == [0, 1, 2, 3, 4]


def test_the_chunk_files_open_in_duckdb(replicates):
    duckdb = pytest.importorskip("duckdb")
    pattern = str(replicates / "chunks" / "*.parquet")
    rows = duckdb.sql(f"""SELECT run, avg("alignment.KAZ.security.RUS") FROM read_parquet('{pattern}')
                          GROUP BY run ORDER BY run""").fetchall()
    assert [row[0] for row in rows] == [0, 1, 2, 3, 4]


def test_stored_and_derived_outcomes_read_back_equal_the_engines(replicates):
    """Every outcome of every run, stored or derived when read, is bitwise the engine's, and so is the summary."""
    folder = ResultsFolder(replicates)
    keys, arrays = folder.load_arrays(list(OUTCOMES))
    summary = folder.load_summary()
    scenario = load_scenario("baseline")
    for run, seed in enumerate(folder.manifest()["seeds"]):
        rows = (keys["run"] == run).to_numpy()
        assert list(keys.loc[rows, "step"]) == list(range(40)) and set(keys.loc[rows, "seed"]) == {seed}
        engine = run_to_end(scenario, seed)
        for name in OUTCOMES:
            # Derived outcomes are computed by the engine's own functions (model.outcomes.DERIVED) on the same
            # float64 values, element by element or along the same contiguous last axis, so they agree exactly.
            assert arrays[name][rows].tobytes() == engine[name].tobytes(), (run, name)
        expected = summarise(engine, scenario.power_codes, BLOCS, scenario.state_codes)
        assert summary.loc[run, list(expected)].to_dict() == expected, run


def test_load_steps_keeps_the_tidy_long_table(replicates):
    frame = ResultsFolder(replicates).load_steps(["russia_share", "cohesion", "bloc_share"])
    assert list(frame.columns) == LONG_COLUMNS
    assert str(frame["run"].dtype) == "int32" and str(frame["step"].dtype) == "int16" and str(frame["value"].dtype) == "float64"
    assert all(isinstance(frame[c].dtype, pd.CategoricalDtype) for c in LONG_COLUMNS[3:10])
    assert tuple(frame["state"].cat.categories) == load_scenario("baseline").state_codes
    assert len(frame) == 5 * 40 * (15 + 1 + 60)
    cohesion = frame[frame["outcome"] == "cohesion"]
    assert cohesion[["state", "domain", "power", "bloc", "corridor"]].isna().all().all()
    shares = frame[frame["outcome"] == "bloc_share"].groupby(["run", "step", "state", "domain"], observed=True)["value"].sum()
    np.testing.assert_allclose(shares, 1.0, atol=1e-9)
    assert frame.equals(ResultsFolder(replicates).tidy(["russia_share", "cohesion", "bloc_share"]))


def test_simulate_table_gives_the_folders_long_table_without_a_folder(replicates):
    outcomes = ["russia_share", "cohesion", "bloc_share", "corridor_share"]
    stored = ResultsFolder(replicates).load_steps(outcomes)
    seeds = ResultsFolder(replicates).manifest()["seeds"]
    in_memory = simulate_table("baseline", seeds, outcomes)
    # Same values and labels; only the integer widths differ (the files store run as int32 and step as int16).
    pd.testing.assert_frame_equal(in_memory, stored, check_dtype=False, check_exact=True)
    with pytest.raises(ValueError, match=r"unknown outcome.*'nonsense'"):
        simulate_table("baseline", seeds[:1], ["nonsense"])


def test_load_wide_adds_derived_columns(replicates):
    frame = ResultsFolder(replicates).load_wide(["alignment", "russia_share"])
    assert list(frame.columns[:5]) == ["run", "seed", "point", "step", "quarter"]
    np.testing.assert_array_equal(frame["russia_share.KAZ.security"], frame["alignment.KAZ.security.RUS"])


def test_seeds_above_2_to_the_53_stay_exact_in_every_reader(replicates):
    """Run seeds are 63-bit; pandas' row access of an int64 column beside floats turns them into floats."""
    folder = ResultsFolder(replicates)
    seeds = folder.manifest()["seeds"]
    assert all(type(s) is int and 2**53 < s < 2**63 for s in seeds), "every seed of this batch is beyond float64's integers"
    summary = folder.load_summary()
    for k, seed in enumerate(seeds):
        for value in (summary.loc[k]["seed"], summary.iloc[k]["seed"], summary.loc[k, "seed"], summary.at[k, "seed"]):
            assert type(value) is int and value == seed, (k, value)
    assert [row.seed for row in summary.itertuples()] == seeds
    assert [record["seed"] for record in summary.to_dict("records")] == seeds
    assert list(summary.apply(lambda row: row["seed"], axis=1)) == seeds
    assert summary["seed"].astype("int64").tolist() == seeds
    wide = folder.load_wide(["cohesion"])
    assert [wide.loc[k]["seed"] for k in range(0, len(wide), 40)] == seeds
    assert wide[["seed", "cohesion"]].iloc[41]["seed"] == seeds[1]
    long = folder.load_steps(["cohesion"])
    assert long[["seed", "value"]].iloc[-1]["seed"] == seeds[-1] and type(long.loc[0, "seed"]) is int
    table = simulate_table("baseline", seeds[:2], ["cohesion"])
    assert [table[["seed", "value"]].iloc[k]["seed"] for k in (0, 40)] == seeds[:2]


def test_the_manifest_records_versions_command_line_workers_and_time(replicates):
    from importlib import metadata

    manifest = ResultsFolder(replicates).manifest()
    assert manifest["python_version"] == platform.python_version()
    assert manifest["mesa_version"] == metadata.version("mesa") and manifest["numpy_version"] == np.__version__
    assert manifest["command"] == shlex.join(["run.py", "run", "baseline", "--no-figures", "--out", str(replicates),
                                              "--replicates", "5", "--workers", "1", "--chunk-size", "2"])
    assert manifest["workers"] == 1 and manifest["dask"] is None
    started = datetime.strptime(manifest["started_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(0) <= datetime.now(UTC) - started < timedelta(hours=2)


def test_an_unknown_outcome_is_refused(replicates):
    with pytest.raises(ValueError, match=r"unknown outcome\(s\) 'hedging'; 'run.py outcomes' lists them"):
        ResultsFolder(replicates).load_steps(["hedging"])


def test_the_engine_records_derived_outcomes_with_the_scenario_structure():
    scenario = load_scenario("baseline")
    assert Engine(scenario, [1]).outcome_structure == Structure.of(scenario)
    assert Structure.from_json(json.loads(json.dumps(Structure.of(scenario).to_json()))) == Structure.of(scenario)


# ------------------------------------------------------------------ chunking does not change the data


def test_chunk_sizes_and_worker_counts_give_the_same_data(tmp_path):
    common = ("--design", "lhs", "--samples", "3", "--replicates", "3")
    one = batch(tmp_path / "one", *common, "--workers", "1", "--chunk-size", "1")
    seven = batch(tmp_path / "seven", *common, "--workers", "2", "--chunk-size", "7")
    whole = batch(tmp_path / "whole", *common, "--workers", "1", "--chunk-size", "256")
    assert [len(list((f / "chunks").iterdir())) for f in (one, seven, whole)] == [9, 2, 1]
    assert_same_data(one, whole)
    assert_same_data(seven, whole)
    summary = ResultsFolder(whole).load_summary()
    manifest = json.loads((whole / "manifest.json").read_text())
    factors = [f"factor.{f['path']}" for f in manifest["design"]["factors"]]
    assert list(summary.columns[3:3 + len(factors)]) == factors
    points = np.array(manifest["design"]["points"])
    np.testing.assert_array_equal(summary[factors].to_numpy(), points[summary["point"].to_numpy()])
    assert list(summary["point"]) == [0, 0, 0, 1, 1, 1, 2, 2, 2]


# ------------------------------------------------------------------ damage and resume


def flip_a_data_byte(path: Path) -> None:
    """Flip one byte in the middle of the compressed pages of an outcome column."""
    metadata = pq.read_metadata(path)
    group = metadata.row_group(0)
    column = next(group.column(i) for i in range(group.num_columns) if group.column(i).path_in_schema == "alignment.KAZ.security.RUS")
    offset = column.data_page_offset + column.total_compressed_size // 2
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))


def truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) * 2 // 3])


@pytest.mark.parametrize("damage", [truncate, flip_a_data_byte], ids=["truncated", "flipped-byte"])
def test_a_damaged_chunk_file_is_detected_and_redone_on_resume(tmp_path, damage):
    out = batch(tmp_path / "r", "--replicates", "6", "--workers", "1", "--chunk-size", "2")
    reference = batch(tmp_path / "reference", "--replicates", "6", "--workers", "1")
    victim = out / "chunks" / "chunk-00000002.parquet"
    damage(victim)
    (out / "chunks" / "chunk-00000004.parquet.tmp").write_bytes(b"half a file, as a kill leaves it")
    layout = WideLayout.of(load_scenario("baseline"), (), 6)
    with pytest.raises(DamagedChunkError):
        check_chunk(victim, layout, 6, json.loads((out / "manifest.json").read_text())["seeds"])
    with pytest.raises(DamagedChunkError, match=r"chunk-00000002.parquet: damaged chunk file \(.*\); run the same "):
        ResultsFolder(out).load_steps()
    report = run_cli("report", str(out))
    assert report.returncode == 2 and len(report.stderr.strip().splitlines()) == 1 and "damaged chunk file" in report.stderr
    resumed = run_cli("run", "baseline", "--replicates", "6", "--workers", "2", "--chunk-size", "5", "--no-figures",
                      "--out", str(out))
    assert resumed.returncode == 0, resumed.stderr
    damaged = [line for line in resumed.stderr.splitlines() if "damaged chunk file" in line]
    assert len(damaged) == 1 and "chunk-00000002.parquet" in damaged[0] and "its runs will be done again" in damaged[0]
    assert "removed 1 unfinished chunk file(s)" in resumed.stderr
    # runs 2 and 3 redone as a chunk each: two workers share the two runs left
    assert sorted(p.name for p in (out / "chunks").iterdir()) == [
        "chunk-00000000.parquet", "chunk-00000002.parquet", "chunk-00000003.parquet", "chunk-00000004.parquet"]
    assert_same_data(out, reference)


def test_resuming_a_finished_batch_checks_it_and_runs_nothing(replicates, tmp_path):
    before = {p.name: p.stat().st_mtime_ns for p in (replicates / "chunks").iterdir()}
    first = ResultsFolder(replicates).manifest()
    again = run_cli("run", "baseline", "--replicates", "5", "--workers", "2", "--no-figures", "--out", str(replicates))
    assert again.returncode == 0, again.stderr
    assert "damaged" not in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (replicates / "chunks").iterdir()} == before
    # another command line, worker count and start time do not make it another batch; the resume is recorded
    manifest = ResultsFolder(replicates).manifest()
    assert {k: v for k, v in manifest.items() if k != "resumed"} == {k: v for k, v in first.items() if k != "resumed"}
    resumed = manifest["resumed"][-1]
    assert resumed["workers"] == 2 and resumed["command"].endswith(f"--workers 2 --no-figures --out {replicates}")
    assert resumed["started_utc"] >= first["started_utc"] and resumed["numpy_version"] == np.__version__


# ------------------------------------------------------------------ folders of the older per-run layout


def old_folder(path: Path) -> Path:
    """A folder as the per-run layout left it (manifest format 1, steps/ and summary/)."""
    for sub in ("steps", "summary", "figures"):
        (path / sub).mkdir(parents=True)
    (path / "steps" / "run-00000.parquet").write_bytes(b"x")
    (path / "summary" / "run-00000.parquet").write_bytes(b"x")
    manifest = {"created_by": "multivector", "manifest_format": 1, "package_version": "0.1.0", "git_commit": "abc",
                "scenario": "baseline", "scenario_hash": "0" * 64, "design": {"kind": "replicates"}, "runs": 1,
                "root_seed": 1, "seeds": [1]}
    (path / "manifest.json").write_text(json.dumps(manifest))
    return path


@pytest.mark.parametrize("verb", [["run", "baseline", "--replicates", "1", "--no-figures", "--out"], ["report"], ["plot"]])
def test_an_old_layout_folder_gets_one_line_and_exit_code_2(tmp_path, verb):
    old = old_folder(tmp_path / "old")
    done = run_cli(*verb, str(old))
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert "written by an older version of Multivector" in lines[0] and "--overwrite" in lines[0]
    assert (old / "steps" / "run-00000.parquet").read_bytes() == b"x", "nothing touched"


def test_overwrite_replaces_an_old_layout_folder(tmp_path):
    old = old_folder(tmp_path / "old")
    batch(old, "--replicates", "1", "--workers", "1", "--overwrite")
    assert sorted(p.name for p in old.iterdir()) == ["chunks", "manifest.json"]
    assert ResultsFolder(old).finished() == {0}
