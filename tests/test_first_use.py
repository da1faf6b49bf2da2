"""What a new user following the README meets: its commands in the order written, and one readable line when a
batch cannot go where it was asked to."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from multivector.ensemble.results import ResultsFolder, ResultsMismatchError

ROOT = Path(__file__).resolve().parents[1]


def run_cli(*args: str, cwd: Path = ROOT, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)


def one_line(stderr: str) -> str:
    """The only line of standard error besides the progress bar (whose updates end in carriage returns)."""
    lines = [line for line in re.split(r"[\r\n]+", stderr) if line.strip() and not line.startswith("runs:")]
    assert len(lines) == 1, f"expected one line, got {len(lines)}: {stderr[-3000:]}"
    return lines[0]


# ------------------------------------------------------------------ the README's commands, in order

SKIPPED_VERBS = {
    "viz": "serves a page until stopped (tests/test_cli.py starts it)",
    "bench": "measures for minutes (tests/test_benchmarks.py)",
    "ablate": "hundreds of paired runs per claim (tests/test_cli.py ablates two claims)",
    "claims": "the first call computes the baseline's claim ablation, 660 runs (tests/test_cli.py)",
    "findings": "about 9,000 runs (scenarios/README.md holds its table)",
}
"""Verbs of the README's examples that this test leaves to others, and why."""


def readme_commands() -> list[list[str]]:
    """The README's command lines in order: the default job of its first set-up line, then the 'Using it' block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = re.search(r"```bash\n(.*?)\n", text).group(1)
    using = re.search(r"## Using it\n\n```bash\n(.*?)```", text, flags=re.S).group(1)
    lines = [setup.split("&&")[-1], *using.splitlines()]
    return [shlex.split(line, comments=True)[1:] for line in lines if line.strip()]


@pytest.mark.slow
def test_the_readmes_commands_work_in_the_order_written(tmp_path):
    """The default job, then every cheap 'Using it' line as written, in a copy of the project (its own results/)."""
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout: the copy of the project is made from its tracked files")
    copy = tmp_path / "project"
    for name in listed.stdout.splitlines():
        if (ROOT / name).is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, copy / name)
    commands = readme_commands()
    assert commands[0] == ["run.py"] and commands[1] == ["run.py", "--help"], commands[:2]
    ran = []
    for command in commands:
        verb = command[1] if len(command) > 1 else "run"
        if verb in SKIPPED_VERBS:
            continue
        done = subprocess.run([sys.executable, *command], cwd=copy, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, f"{' '.join(command)} failed after {ran}: {done.stderr[-3000:]}"
        assert "Traceback" not in done.stderr, done.stderr[-3000:]
        ran.append(" ".join(command))
    results = copy / "results"
    assert ResultsFolder(results / "baseline").manifest()["runs"] == 50, "the default job"
    assert ResultsFolder(results / "baseline-replicates200-seed7").manifest()["root_seed"] == 7
    assert (results / "baseline-replicates200-seed7" / "report.html").stat().st_size > 100_000
    sobol = results / "baseline-sobol-samples64-replicates2"
    assert ResultsFolder(sobol).manifest()["design"]["kind"] == "sobol"
    assert (sobol / "figures" / "sensitivity_russia_security_share.png").is_file()
    assert (results / "sanctions_escalation-without-CH25-41" / "manifest.json").is_file()
    assert (results / "compare" / "baseline--sanctions_escalation" / "comparison.md").is_file()
    assert (results / "calibration-baseline" / "report.html").is_file(), "the calibration"
    assert ResultsFolder(results / "baseline-posterior").manifest()["design"]["kind"] == "posterior"
    assert len(ran) >= 10, ran


# ------------------------------------------------------------------ a folder holding another batch


def manifest(**changes) -> dict:
    base = {"scenario": "baseline", "scenario_hash": "a" * 64, "root_seed": 20210101, "runs": 50,
            "design": {"kind": "replicates", "replicates": 50, "samples": 0, "factors": [], "points": [[]]},
            "resolved_scenario": {"name": "baseline", "sanctions": {"secondary_cost": {"value": 5.0}}}}
    return {**base, **changes}


def sobol(samples: int, replicates: int = 2, factors: int = 44) -> dict:
    paths = [{"path": f"states.KAZ.f{i}", "low": 0.0, "high": 1.0, "integer": False} for i in range(factors)]
    points = [[0.5] * factors for _ in range(samples * (factors + 2))]
    return {"kind": "sobol", "replicates": replicates, "samples": samples, "factors": paths, "points": points}


@pytest.mark.parametrize(("new", "expected"), [
    (manifest(root_seed=7, runs=200, design={**manifest()["design"], "replicates": 200}),
     r"holds another batch \(50 runs\): design replicates 50 → 200; root seed 20210101 → 7; "
     r"choose another folder with --out, or pass --overwrite to discard it$"),
    (manifest(scenario="sanctions_escalation", scenario_hash="b" * 64),
     r"holds another batch \(50 runs\): scenario baseline → sanctions_escalation; choose another folder"),
    (manifest(scenario_hash="c" * 64, resolved_scenario={"name": "baseline", "sanctions": {"secondary_cost": {"value": 8.0}}}),
     r": scenario baseline changed since \(1 value\(s\) differ: sanctions.secondary_cost.value 5.0 → 8.0\); choose"),
    (manifest(design=sobol(64)), r": design kind replicates → sobol, replicates 50 → 2; choose"),
])
def test_a_folder_of_another_batch_is_refused_in_one_line_saying_what_differs(tmp_path, new, expected):
    folder = ResultsFolder(tmp_path / "baseline")
    folder.start(manifest())
    with pytest.raises(ResultsMismatchError, match=expected) as caught:
        ResultsFolder(tmp_path / "baseline").start(new)
    message = str(caught.value)
    assert "\n" not in message and len(message) < 400, message
    assert "a" * 64 not in message, "names, not hashes"


def test_a_sobol_folder_asked_for_other_samples_names_the_fields_not_the_points(tmp_path):
    ResultsFolder(tmp_path / "s").start(manifest(design=sobol(64)))
    with pytest.raises(ResultsMismatchError, match=r"design samples 64 → 32; choose") as caught:
        ResultsFolder(tmp_path / "s").start(manifest(design=sobol(32)))
    assert len(str(caught.value)) < 300
    with pytest.raises(ResultsMismatchError, match=r"design factors 44 → 43; choose"):
        ResultsFolder(tmp_path / "s").start(manifest(design=sobol(64, factors=43)))


def test_the_command_line_refuses_another_scenario_in_a_folder_in_one_line_naming_both(tmp_path):
    out = str(tmp_path / "r")
    assert run_cli("run", "baseline", "--replicates", "2", "--out", out, "--no-figures").returncode == 0
    other = run_cli("run", "sanctions_escalation", "--replicates", "2", "--out", out, "--no-figures")
    assert other.returncode == 2
    line = one_line(other.stderr)
    assert re.fullmatch(r"error: \S+ holds another batch \(2 runs\): scenario baseline → sanctions_escalation; "
                        r"choose another folder with --out, or pass --overwrite to discard it", line), line
    design = run_cli("run", "baseline", "--design", "lhs", "--samples", "2", "--replicates", "2", "--out", out,
                     "--no-figures")
    assert design.returncode == 2
    assert "design kind replicates → lhs; choose" in one_line(design.stderr) and len(design.stderr) < 400


# ------------------------------------------------------------------ design sizes


@pytest.mark.parametrize(("kind", "samples", "expected"), [
    ("sobol", 7, r"--samples: a Sobol design needs a power of 2 of at least 2 as the base sample N; got 7, expected 4 or 8$"),
    ("sobol", 100, r"got 100, expected 64 or 128$"),
    ("sobol", 1, r"got 1, expected 2$"),
    ("morris", 1, r"--samples: a Morris design needs at least 2 trajectories; got 1, expected 2 or more$"),
    ("sweep", 1, r"--samples: a sweep design needs at least 2 levels per lever; got 1, expected 2 or more$"),
])
def test_a_sample_size_the_design_cannot_use_is_refused_naming_the_nearest_valid_ones(kind, samples, expected):
    from multivector.scenarios import ScenarioError, resolve
    from multivector.scenarios.designs import make_design

    with pytest.raises(ScenarioError, match=expected):
        make_design(kind, resolve("baseline"), samples=samples, replicates=1, seed=1)


def test_the_command_line_refuses_a_sobol_sample_of_7_in_one_line_without_salibs_warning(tmp_path):
    done = run_cli("run", "baseline", "--design", "sobol", "--samples", "7", "--out", str(tmp_path / "s"))
    assert done.returncode == 2
    assert one_line(done.stderr) == ("error: <command line>: --samples: a Sobol design needs a power of 2 of at least 2 "
                                     "as the base sample N; got 7, expected 4 or 8")
    assert not (tmp_path / "s").exists(), "nothing written"


def test_a_large_design_says_how_many_runs_it_will_do_and_about_how_long_before_it_starts(tmp_path):
    done = run_cli("run", "baseline", "--design", "sobol", "--samples", "8", "--replicates", "3", "--workers", "2",
                   "--no-figures", "--out", str(tmp_path / "s"))
    assert done.returncode == 0, done.stderr
    line = one_line(done.stderr)
    assert re.fullmatch(r"\S+: Sobol sample over \d+ uncertainties, N = 8: [\d,]+ points × 3 replicates = 1,104 runs; "
                        r"timing the first chunk: 256 runs in [\d.]+ s, so the rest may take about \d+ (s|min) on 2 workers "
                        r"\(Ctrl-C keeps every finished chunk; the same command resumes\)", line), line
    assert "results:" in done.stdout and "1,104 runs" in done.stdout


# ------------------------------------------------------------------ Dask: an unreachable scheduler, Ctrl-C


def test_an_unreachable_dask_scheduler_is_one_line_after_the_connect_timeout(tmp_path):
    started = time.monotonic()
    done = run_cli("run", "baseline", "--replicates", "2", "--dask", "127.0.0.1:1", "--dask-timeout", "1", "--no-figures",
                   "--out", str(tmp_path / "d"))
    assert done.returncode == 2
    assert one_line(done.stderr) == ("error: cannot reach the Dask scheduler at 127.0.0.1:1 within 1 s; check the address "
                                     "(HOST:PORT of a running 'dask scheduler') or use --dask local")
    assert time.monotonic() - started < 25, "the connect timeout is --dask-timeout, not Dask's 30 s"


def _as_from_a_terminal() -> None:
    """In the child: Ctrl-C's default action, as a shell in a terminal gives it.

    A command started in the background of a non-interactive shell (as some CI runners
    start the suite) inherits SIGINT ignored, and Python then never raises
    KeyboardInterrupt; the test is about what a user at a terminal sees.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_on_a_local_dask_cluster_is_one_line_keeps_finished_chunks_and_the_same_command_resumes(tmp_path):
    """SIGINT to the whole process group, as a terminal's Ctrl-C sends it: the command and the cluster's workers."""
    out = tmp_path / "d"
    command = [sys.executable, str(ROOT / "run.py"), "run", "baseline", "--replicates", "900", "--workers", "2",
               "--chunk-size", "10", "--dask", "local", "--no-figures", "--out", str(out)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, preexec_fn=_as_from_a_terminal)
    deadline = time.monotonic() + 180
    while not list(out.glob("chunks/chunk-*.parquet")):
        assert process.poll() is None and time.monotonic() < deadline, "the batch ended before it could be interrupted"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    line = one_line(stderr)
    kept = len(ResultsFolder(out).finished())
    assert line == (f"interrupted: {kept} of 900 runs kept in {out} (every finished chunk); run the same command to resume")
    assert 10 <= kept < 900 and kept % 10 == 0, "whole chunks only"
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert len(ResultsFolder(out).finished()) == 900


# ------------------------------------------------------------------ run.py claims


def test_a_file_is_parsed_once_per_content_and_every_reader_gets_its_own_copy(tmp_path, monkeypatch):
    from multivector.scenarios import source
    from multivector.scenarios.coverage import claim_uses

    parsed = []
    original = source._parse
    monkeypatch.setattr(source, "_parse", lambda path, *rest: parsed.append(path.name) or original(path, *rest))
    monkeypatch.setattr(source, "_PARSED", {})
    claim_uses()
    assert parsed.count("baseline.yaml") == 1, "the baseline, which every library scenario extends, is parsed once"
    assert max(parsed.count(name) for name in set(parsed)) == 1, "no file is parsed twice"
    file = tmp_path / "s.yaml"
    file.write_text("format: 1\nname: s\nnested: {a: [1, 2]}\n")
    first = source.read_yaml(file)
    first.data["nested"]["a"].append(3)
    assert source.read_yaml(file).data["nested"] == {"a": [1, 2]}, "a reader's change does not reach the cache"
    file.write_text("format: 1\nname: s\nnested: {a: [5]}\n")
    assert source.read_yaml(file).data["nested"] == {"a": [5]}, "new content is parsed anew"
    assert source.read_yaml(file, scenario=True).data["name"] == "s"



# ------------------------------------------------------------------ browser tests without Chromium


def test_the_browser_tests_skip_saying_what_to_install_when_no_chromium_is_on_the_path():
    test = "tests/test_seminar_page.py::test_model_card_tab"
    environment = {key: value for key, value in os.environ.items() if key != "MULTIVECTOR_REQUIRE_BROWSER"}
    environment["PATH"] = str(Path(sys.executable).parent)  # the interpreter's folder only: no chromium on it
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", test]
    skipped = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)
    assert skipped.returncode == 0, skipped.stdout[-3000:]
    assert "1 skipped" in skipped.stdout and "no Chromium found on the PATH" in skipped.stdout
    assert "apt install chromium" in skipped.stdout
    required = subprocess.run(command, cwd=ROOT, env={**environment, "MULTIVECTOR_REQUIRE_BROWSER": "1"},
                              capture_output=True, text=True, timeout=300)
    assert required.returncode == 1 and "1 error" in required.stdout, "CI, which installs Chromium, requires it"
