"""The command line as a user runs it: real processes, real files."""

from __future__ import annotations

import os
import re
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from multivector.ensemble.results import ResultsFolder

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
    # no baseline.yaml beside the file, so 'extends: baseline' is the library's
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
    first = run_cli("run", "baseline", "--replicates", "4", "--workers", "1", "--chunk-size", "1", "--out", str(serial), "--no-figures")
    assert first.returncode == 0, first.stderr
    assert len(list((serial / "chunks").glob("chunk-*.parquet"))) == 4, "one file per chunk of one run"
    second = run_cli("run", "baseline", "--replicates", "4", "--workers", "2", "--out", str(parallel))
    assert second.returncode == 0, second.stderr
    assert (parallel / "figures" / "russia_security_share.png").stat().st_size > 10_000
    def read(folder: Path) -> pd.DataFrame:
        return ResultsFolder(folder).load_wide().sort_values(["run", "step"]).reset_index(drop=True)

    pd.testing.assert_frame_equal(read(serial), read(parallel))
    (serial / "chunks" / "chunk-00000002.parquet").unlink()  # as if the batch had been cut off before run 2 finished
    kept = {path.name: path.stat().st_mtime_ns for path in (serial / "chunks").iterdir()}
    resumed = run_cli("run", "baseline", "--replicates", "4", "--out", str(serial), "--no-figures")
    assert resumed.returncode == 0, resumed.stderr
    after = {path.name: path.stat().st_mtime_ns for path in (serial / "chunks").iterdir()}
    assert set(after) == {*kept, "chunk-00000002.parquet"} and all(after[name] == kept[name] for name in kept), "only run 2 redone"
    pd.testing.assert_frame_equal(read(serial), read(parallel))


def _small_files_only() -> None:
    """In the child: no file may grow past 2 MB, so a write fails as on a full disk (EFBIG; Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))


def test_a_failed_write_ends_in_one_line_leaves_no_partial_file_and_the_batch_resumes(tmp_path):
    """A full disk mid-batch: one line naming the file and what was kept, exit 1, no traceback; the same command resumes."""
    out = tmp_path / "full"
    command = ("run", "baseline", "--replicates", "64", "--workers", "1", "--chunk-size", "64", "--no-figures", "--out", str(out))
    # The manifest (a few kB) fits under the limit; the chunk file of 64 runs (about 6 MB) does not.
    failed = subprocess.run([sys.executable, str(ROOT / "run.py"), *command], cwd=ROOT, capture_output=True, text=True,
                            timeout=600, preexec_fn=_small_files_only)
    assert failed.returncode == 1, failed.stderr
    assert "Traceback" not in failed.stderr
    assert re.fullmatch(r"error: could not write .*chunk-00000000\.parquet\.tmp: File too large; 0 of 64 runs kept in .*full "
                        r"\(every finished chunk\); make room and run the same command to resume",
                        failed.stderr.strip().splitlines()[-1]), failed.stderr
    assert (out / "manifest.json").is_file() and not list((out / "chunks").iterdir()), "no partial chunk file is left"
    resumed = run_cli(*command)
    assert resumed.returncode == 0, resumed.stderr
    assert len(ResultsFolder(out).finished()) == 64


def test_run_refuses_a_folder_of_another_design(tmp_path):
    out = tmp_path / "results"
    assert run_cli("run", "baseline", "--replicates", "2", "--out", str(out), "--no-figures").returncode == 0
    other = run_cli("run", "baseline", "--replicates", "2", "--seed", "5", "--out", str(out), "--no-figures")
    assert other.returncode == 2 and "root seed 20210101 → 5" in other.stderr


def test_claims_lists_the_registry_and_shows_where_a_claim_is_cited():
    listing = run_cli("claims", "--article", "SU23", "--no-effects")
    assert listing.returncode == 0 and listing.stdout.count("SU23-") == 63
    assert "encoded" in listing.stdout and "not-represented" in listing.stdout
    one = run_cli("claims", "SU23-04", "--no-effects")
    assert one.returncode == 0
    assert "Sun Qi (2023)" in one.stdout and "states.KAZ.dependence_aversion" in one.stdout


@pytest.mark.slow
def test_claims_show_what_each_claim_moves_most_from_an_ablation_cached_per_model_version(tmp_path):
    first = run_cli("claims", "SU23-06", "--results-root", str(tmp_path), "--workers", "2")
    assert first.returncode == 0, first.stderr
    assert "computing what each baseline claim moves most" in first.stderr
    assert "it moves most: " in first.stdout and "no recorded outcome" not in first.stdout
    cached = list((tmp_path / ".cache").glob("claim-effects-baseline-*.json"))
    assert len(cached) == 1, "one cache file, keyed by the model version"
    again = run_cli("claims", "--article", "SU23", "--results-root", str(tmp_path))
    assert again.returncode == 0 and "computing" not in again.stderr, "the second call reads the cache"
    assert again.stdout.count("moves most: ") >= 40, "every SU23 claim the baseline cites shows what it moves"
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [".cache", cached[0].relative_to(tmp_path).as_posix()]


def test_help_is_available_for_every_verb():
    for verb in ("run", "compare", "ablate", "findings", "validate", "claims", "outcomes"):
        done = run_cli(verb, "--help")
        assert done.returncode == 0 and "usage:" in done.stdout


def test_version_names_the_package_and_its_version():
    import tomllib

    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = run_cli("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"multivector {version}\n", "")


def test_top_level_help_lists_every_verb():
    from multivector.commands import build_parser

    done = run_cli("--help")
    assert done.returncode == 0
    verbs = next(a for a in build_parser()._actions if a.dest == "verb").choices
    assert len(verbs) == 13
    for verb in verbs:
        assert re.search(rf"^    {verb}\b", done.stdout, re.MULTILINE), f"--help does not list {verb}"


def test_claims_filter_by_status_and_element_and_show_discrepancies():
    left_out = run_cli("claims", "--status", "not-represented", "--article", "DE22", "--no-effects")
    assert left_out.returncode == 0
    rows = [line for line in left_out.stdout.splitlines() if line.startswith("DE22-")]
    assert rows and all("not-represented" in line for line in rows)
    one = run_cli("claims", rows[0].split()[0], "--no-effects")
    assert "status: not represented —" in one.stdout
    sanctions = run_cli("claims", "--element", "sanctions", "--no-effects")
    assert "CH25-41" in sanctions.stdout and "DE22-02" not in sanctions.stdout
    gaps = run_cli("claims", "--discrepancies")
    assert gaps.returncode == 0 and "X-03" in gaps.stdout and "CH25-41" in gaps.stdout


def test_compare_writes_a_paired_table_values_and_figure(tmp_path):
    out = tmp_path / "cmp"
    done = run_cli("compare", "baseline", "middle_corridor_buildout", "--replicates", "4", "--workers", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    table = (out / "comparison.md").read_text()
    row = next(line for line in table.splitlines() if "corridor=middle_corridor" in line)
    assert "| +0." in row, "the build-out raises the Middle Corridor's share (mean change positive)"
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 4 * len(pd.read_csv(out / "comparison.csv")) and runs["seed"].nunique() == 4
    assert (out / "comparison.png").stat().st_size > 20_000


def test_compare_rejects_a_bad_metric_in_one_line():
    done = run_cli("compare", "baseline", "sanctions_easing", "--metric", "corridor_share[corridor=silk_road]")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "unknown corridor" in done.stderr and "middle_corridor" in done.stderr


def test_ablate_ranks_the_claims_that_carry_an_outcome(tmp_path):
    out = tmp_path / "abl"
    done = run_cli("ablate", "baseline", "--claims", "CH25-41", "SU23-22", "--metric", "circumvention[reduce=sum]",
                   "--replicates", "3", "--workers", "2", "--out", str(out))
    assert done.returncode == 0, done.stderr
    ranking = pd.read_csv(out / "ablation.csv")
    assert list(ranking["switched_off"]) == ["SU23-22", "CH25-41"], "no sanctions (SU23-22 off) moves circumvention most"
    assert ranking.loc[0, "mean_diff"] < 0 < ranking.loc[1, "mean_diff"], "no sanctions: no re-exports; no bank floor: more"
    assert (out / "ablation.png").stat().st_size > 10_000 and "| 1 | SU23-22 |" in (out / "ablation.md").read_text()


def test_ablate_refuses_a_claim_that_cannot_be_switched_off():
    done = run_cli("ablate", "baseline", "--claims", "CH25-43", "--replicates", "2")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert "cannot be switched off" in done.stderr or "not cited" in done.stderr


def test_plot_and_report_from_a_results_folder(tmp_path):
    out = tmp_path / "r"
    assert run_cli("run", "baseline", "--replicates", "3", "--workers", "2", "--out", str(out), "--no-figures").returncode == 0
    plotted = run_cli("plot", str(out))
    assert plotted.returncode == 0, plotted.stderr
    assert (out / "figures" / "alignment_triangles.png").stat().st_size > 10_000
    reported = run_cli("report", str(out))
    assert reported.returncode == 0, reported.stderr
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= 6 and "SU23-04" in html


def test_report_refuses_a_folder_that_holds_no_results(tmp_path):
    done = run_cli("report", str(tmp_path))
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "not a results folder" in done.stderr


def test_viz_serves_the_seminar_page_and_prints_its_address():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "viz", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        first = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in first, first
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode("utf-8", "replace")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the page did not come up"
                time.sleep(0.5)
        assert "solara" in page.lower()
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page, "assets are served locally (offline)"
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def test_viz_reaches_beyond_this_machine_only_in_class_mode():
    """Without --class a host other than a loopback address is refused, before any server starts."""
    done = run_cli("viz", "--host", "0.0.0.0", "--port", "1")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "error: <command line>: --host: the page reaches beyond this machine only in class mode; got '0.0.0.0', "
        "expected 127.0.0.1, or add --class (a join code is made before the page listens)"]


def test_viz_class_prints_the_lecturers_address_and_a_join_code_before_serving():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "viz", "--class", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("Multivector seminar, class mode"), lines
        lecturer = re.search(r"lecturer \(keep this address to yourself\): (http://127\.0\.0\.1:\d+/\?lecturer=\S+)", lines[1])
        code = re.search(r"students open http://127\.0\.0\.1:\d+/ and join with the code ([A-Z2-9]{6})$", lines[2].strip())
        assert lecturer and code, lines
        deadline = time.monotonic() + 180
        while True:
            try:
                with urllib.request.urlopen(lecturer.group(1), timeout=5) as response:
                    assert response.status == 200
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "the page did not come up"
                time.sleep(0.5)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def test_the_command_lines_design_choices_are_the_designs_the_package_offers():
    from multivector.commands import run
    from multivector.scenarios.designs import DESIGNS

    assert run.DESIGNS == DESIGNS, "the run verb offers every design the package has"


def test_the_page_without_its_optional_packages_says_how_to_add_them(tmp_path):
    """The default install leaves Solara out (the 'seminar' extra): 'viz' then ends in one line naming the install command."""
    code = ("import sys; sys.modules['solara'] = None; from multivector.commands.main import main; "
            "sys.exit(main(['viz', '--port', '0']))")
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr == "error: the seminar page needs Solara, an optional part of the install; add it with: pip install -e '.[seminar]'\n"
    assert not list(tmp_path.iterdir()), "nothing written"
