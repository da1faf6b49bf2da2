"""The ``multivector`` command that installing the package puts beside the interpreter: run.py's command line.

Needs the package installed (``pip install -e '.[test]'``, as CI does); without the
command these tests fail rather than skip. Each runs the installed script from a
folder outside the checkout, so nothing comes from the working directory.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from multivector.ensemble.results import ResultsFolder

ROOT = Path(__file__).resolve().parents[1]
COMMAND = Path(sys.executable).with_name("multivector")


def installed(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not COMMAND.is_file():
        pytest.fail(f"no 'multivector' command beside {sys.executable}: install the package (pip install -e .)")
    return subprocess.run([str(COMMAND), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def checkout(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.mark.parametrize(("args", "code"), [(["validate", "baseline"], 0), (["validate", "no_such_scenario"], 2),
                                            (["frobnicate"], 2), (["--help"], 0), (["run", "baseline", "--replicates", "0"], 2),
                                            (["--version"], 0)],
                         ids=["validate", "validate-unknown", "unknown-verb", "help", "bad-option", "version"])
def test_the_command_answers_as_run_py_does(tmp_path, args, code):
    command, script = installed(*args, cwd=tmp_path), checkout(*args, cwd=tmp_path)
    assert (command.returncode, command.stdout, command.stderr) == (script.returncode, script.stdout, script.stderr)
    assert command.returncode == code


def test_the_command_runs_a_small_batch_as_run_py_does(tmp_path):
    done = installed("run", "baseline", "--replicates", "2", "--workers", "1", "--no-figures", "--out", "by-command", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "results: by-command (2 runs of 'baseline', design replicates)" in done.stdout
    manifest = json.loads((tmp_path / "by-command" / "manifest.json").read_text())
    assert manifest["command"] == "multivector run baseline --replicates 2 --workers 1 --no-figures --out by-command"
    same = checkout("run", "baseline", "--replicates", "2", "--workers", "1", "--no-figures", "--out", "by-script", cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    pd.testing.assert_frame_equal(ResultsFolder(tmp_path / "by-command").load_summary(),
                                  ResultsFolder(tmp_path / "by-script").load_summary())


def test_the_wheel_installs_one_name_into_site_packages(tmp_path):
    """Only ``multivector/`` and its metadata: no ``model``, ``scenarios`` or ``run`` that another project could overwrite."""
    source = tmp_path / "source"  # a copy, so that the build's own folders are not written into the checkout
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "run.py"):
        shutil.copy2(ROOT / name, source / name)
    for folder in ("multivector", "model", "scenarios", "ensemble", "calibration", "analysis", "benchmarks", "commands"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("multivector-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
        names = set(archive.namelist())
    assert tops == {"multivector", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}, tops
    assert {"multivector/model/engine.py", "multivector/scenarios/baseline.yaml", "multivector/commands/main.py"} <= names
