"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_validate_accepts_the_baseline():
    done = run_cli("validate", "baseline")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok:")


def test_validate_rejects_a_broken_file_with_one_line_naming_file_line_and_key(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "format: 1\nname: broken\nextends: baseline\nstates:\n  KAZ:\n"
        "    gdp_bn: {value: -5, assumption: \"typo\"}\n"
    )
    # extends resolves relative to the file's folder, so point it at the library by path
    broken.write_text(broken.read_text().replace("extends: baseline", f"extends: {ROOT / 'scenarios' / 'baseline.yaml'}"))
    done = run_cli("validate", str(broken))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got: {done.stderr}"
    assert "broken.yaml:6" in lines[0] and "states.KAZ.gdp_bn" in lines[0] and "-5" in lines[0]
    assert "Traceback" not in done.stderr


def test_validate_rejects_an_unknown_scenario_in_one_line():
    done = run_cli("validate", "no-such-scenario")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and "no-such-scenario" in done.stderr


def test_run_writes_results_resumes_and_gives_the_same_data_with_any_worker_count(tmp_path):
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    first = run_cli("run", "baseline", "--replicates", "4", "--workers", "1", "--out", str(serial), "--no-figures")
    assert first.returncode == 0, first.stderr
    second = run_cli("run", "baseline", "--replicates", "4", "--workers", "2", "--out", str(parallel))
    assert second.returncode == 0, second.stderr
    assert (parallel / "figures" / "russia_security_share.png").stat().st_size > 10_000
    read = lambda folder: pq.read_table(folder / "steps").to_pandas().sort_values(["run", "outcome", "step"])  # noqa: E731
    pd.testing.assert_frame_equal(read(serial).reset_index(drop=True), read(parallel).reset_index(drop=True))
    (serial / "steps" / "run-00002.parquet").unlink()  # as if the batch had been cut off before run 2 finished
    resumed = run_cli("run", "baseline", "--replicates", "4", "--out", str(serial), "--no-figures")
    assert resumed.returncode == 0, resumed.stderr
    pd.testing.assert_frame_equal(read(serial).reset_index(drop=True), read(parallel).reset_index(drop=True))


def test_run_refuses_a_folder_of_another_design(tmp_path):
    out = tmp_path / "results"
    assert run_cli("run", "baseline", "--replicates", "2", "--out", str(out), "--no-figures").returncode == 0
    other = run_cli("run", "baseline", "--replicates", "2", "--seed", "5", "--out", str(out), "--no-figures")
    assert other.returncode == 2 and "root_seed" in other.stderr


def test_claims_lists_the_registry_and_shows_where_a_claim_is_cited():
    listing = run_cli("claims", "--article", "SU23")
    assert listing.returncode == 0 and listing.stdout.count("SU23-") == 63
    one = run_cli("claims", "SU23-04")
    assert one.returncode == 0
    assert "Sun Qi (2023)" in one.stdout and "states.KAZ.dependence_aversion" in one.stdout


def test_help_is_available_for_every_verb():
    for verb in ("run", "validate", "claims", "outcomes"):
        done = run_cli(verb, "--help")
        assert done.returncode == 0 and "usage:" in done.stdout
