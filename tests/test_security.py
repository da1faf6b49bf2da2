"""Hardening: scenario names, results folders, ``--overwrite``, ``extends:`` and what errors may echo.

Every case of the hardening issue is a test here. The traversal cases run the
command line for real in a temporary directory, with a "victim" folder beside
the results root, and compare a snapshot of the whole directory before and
after: a refused command changes nothing anywhere.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from multivector.ensemble.results import MANIFEST_FORMAT, ResultsFolder, ResultsPathError, is_results_folder, prepare_results_folder, results_folder
from multivector.scenarios import ScenarioError, resolve

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "tests" / "data" / "minimal.yaml"
SECRET = "hunter2-do-not-echo"
LEGACY_MANIFEST = {"package_version": "0.1.0", "git_commit": "abc", "scenario": "baseline", "scenario_hash": "0" * 64,
                   "design": {"kind": "replicates"}, "runs": 1, "root_seed": 1, "seeds": [1]}


def run_cli(*args: str, cwd: Path, script: Path = ROOT / "run.py") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(script), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


DEFAULT_FOLDER = "baseline-replicates1"
"""The default folder of ``run baseline --replicates 1`` (a batch's folder names its settings that are not the defaults)."""


def refused(done: subprocess.CompletedProcess[str], *fragments: str) -> str:
    """Assert exit code 2 and a single ``error:`` line on stderr containing every fragment; return the line."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def snapshot(folder: Path) -> dict[str, tuple[str, int | str]]:
    """Every path below ``folder`` (links not followed) → its kind and size or link target."""
    found: dict[str, tuple[str, int | str]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            key = str(path.relative_to(folder))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir", 0)
            else:
                found[key] = ("file", path.stat().st_size)
    return found


def write_yaml(path: Path, doc: dict | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A working folder ``work/`` (the cwd, results root ``work/results``) beside a ``victim/`` folder with a file."""
    (tmp_path / "victim").mkdir()
    (tmp_path / "victim" / "precious.txt").write_text("keep me\n")
    (tmp_path / "work").mkdir()
    return tmp_path


def scenario_named(folder: Path, name: object, stem: str = "evil") -> Path:
    """A scenario extending the library's baseline, with the given ``name``."""
    return write_yaml(folder / f"{stem}.yaml", {"format": 1, "name": name, "extends": "baseline"})


# ------------------------------------------------------------- scenario names


@pytest.mark.parametrize("name", ["../../victim", "..", ".", "/tmp/victim", "a/b", "victim\n", "my-scenario",
                                  "1st", "sanktsii_é", "x" * 65, "", 5, None])
def test_a_name_must_be_an_identifier(tmp_path: Path, name: object) -> None:
    path = scenario_named(tmp_path, name)
    with pytest.raises(ScenarioError, match=r"^.*evil\.yaml:2: name: name is not an identifier; got .*, expected an "
                                            r"identifier: a letter or _, then letters, digits or _, at most 64 "
                                            r"characters \(e\.g\. sanctions_escalation\)$") as info:
        resolve(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("name", ["baseline_2", "_x", "X" * 64, "Kazakh_turn"])
def test_identifier_names_are_accepted(tmp_path: Path, name: str) -> None:
    assert resolve(scenario_named(tmp_path, name)).scenario.name == name


def test_every_library_scenario_name_is_an_identifier() -> None:
    from multivector.scenarios import list_scenarios

    for name in list_scenarios():
        assert resolve(name).scenario.name == name


@pytest.mark.parametrize(("name", "shown"), [("../../victim", "'../../victim'"), ("..", "'..'")])
def test_run_with_a_traversing_name_and_overwrite_touches_nothing(site: Path, name: str, shown: str) -> None:
    """``name: ../../victim`` (or ``..``) with ``run --overwrite`` once deleted folders; now it is refused at loading."""
    work = site / "work"
    scenario_named(work, name)
    (work / "results").mkdir()
    before = snapshot(site)
    done = run_cli("run", "evil.yaml", "--replicates", "1", "--workers", "1", "--no-figures", "--overwrite",
                   "--results-root", "results", cwd=work)
    refused(done, "evil.yaml:2: name: name is not an identifier", f"got {shown}")
    assert snapshot(site) == before
    assert (site / "victim" / "precious.txt").read_text() == "keep me\n"


def test_run_with_an_absolute_name_touches_nothing(site: Path) -> None:
    work = site / "work"
    scenario_named(work, str(site / "victim"))
    before = snapshot(site)
    done = run_cli("run", "evil.yaml", "--replicates", "1", "--workers", "1", "--overwrite", "--results-root", "results",
                   cwd=work)
    refused(done, "name: name is not an identifier")
    assert snapshot(site) == before


# ----------------------------------------------------------- results folders


def test_results_folder_stays_inside_its_root(tmp_path: Path) -> None:
    root = tmp_path / "results"
    assert results_folder(root, "baseline") == root / "baseline"
    assert results_folder(root, "compare", "a--b") == root / "compare" / "a--b"
    for parts in (("..",), ("../victim",), ("",), (str(tmp_path / "victim"),), ("compare", "../../x")):
        with pytest.raises(ResultsPathError, match=r"resolves outside the results root .*; refused \(scenario names "
                                                   r"must be identifiers; choose a folder with --out\)$"):
            results_folder(root, *parts)


def test_a_default_folder_symlinked_out_of_the_root_is_refused(site: Path) -> None:
    """The batch's default folder pointing at the victim: neither written to nor deleted, with or without --overwrite."""
    work = site / "work"
    (work / "results").mkdir()
    (work / "results" / DEFAULT_FOLDER).symlink_to(site / "victim")
    (site / "victim" / "manifest.json").write_text(json.dumps(LEGACY_MANIFEST))  # even a forged manifest does not help
    before = snapshot(site)
    for extra in ([], ["--overwrite"]):
        done = run_cli("run", "baseline", "--replicates", "1", "--workers", "1", "--no-figures", "--results-root",
                       "results", *extra, cwd=work)
        refused(done, f"results/{DEFAULT_FOLDER} resolves outside the results root results; refused")
        assert snapshot(site) == before


@pytest.mark.parametrize(("verb", "sub"), [(["compare", "baseline", "sanctions_easing"], "compare"),
                                          (["ablate", "baseline", "--claims", "CH25-41"], "ablation")])
def test_compare_and_ablate_default_folders_stay_inside_the_root(site: Path, verb: list[str], sub: str) -> None:
    work = site / "work"
    (work / "results").mkdir()
    (work / "results" / sub).symlink_to(site / "victim")
    before = snapshot(site)
    done = run_cli(*verb, "--replicates", "1", "--workers", "1", "--results-root", "results", cwd=work)
    refused(done, f"results/{sub}/", "resolves outside the results root results; refused")
    assert snapshot(site) == before


def test_run_writes_under_the_results_root_and_overwrites_only_its_own_folder(site: Path) -> None:
    work = site / "work"
    outside = snapshot(site / "victim")
    args = ("run", "baseline", "--replicates", "1", "--workers", "1", "--no-figures", "--results-root", "results")
    first = run_cli(*args, cwd=work)
    assert first.returncode == 0, first.stderr
    manifest = json.loads((work / "results" / DEFAULT_FOLDER / "manifest.json").read_text())
    assert manifest["created_by"] == "multivector" and manifest["manifest_format"] == MANIFEST_FORMAT == 2
    assert sorted(p.name for p in work.iterdir()) == ["results"]
    assert sorted(p.name for p in (work / "results").iterdir()) == [DEFAULT_FOLDER]
    again = run_cli(*args, "--overwrite", cwd=work)
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in (work / "results" / DEFAULT_FOLDER).iterdir()) == ["chunks", "manifest.json"]
    assert sorted(p.name for p in (work / "results" / DEFAULT_FOLDER / "chunks").iterdir()) == ["chunk-00000000.parquet"]
    assert snapshot(site / "victim") == outside


def test_explicit_out_at_a_foreign_folder_with_overwrite_is_refused(site: Path) -> None:
    work = site / "work"
    before = snapshot(site)
    for extra in (["--overwrite"], []):
        done = run_cli("run", "baseline", "--replicates", "1", "--workers", "1", "--no-figures", "--out",
                       str(site / "victim"), *extra, cwd=work)
        line = refused(done, "victim: ", "not a results folder (no manifest written by Multivector)")
        assert ("nothing deleted" in line) == bool(extra)
        assert snapshot(site) == before


def test_overwrite_refuses_a_file_the_cwd_and_a_parent_of_the_results_root(site: Path) -> None:
    """Even with a forged project manifest, the working directory and the root's parents are never deleted."""
    work = site / "work"
    (work / "results").mkdir()
    (work / "manifest.json").write_text(json.dumps({"created_by": "multivector", "manifest_format": 1}))
    before = snapshot(site)
    cases = [
        (str(site / "victim" / "precious.txt"), "--overwrite refused: not a folder; nothing deleted"),
        (".", "--overwrite refused: it is or contains the working directory"),
        (str(site), "--overwrite refused: it is or contains the results root"),
    ]
    for out, message in cases:
        done = run_cli("run", "baseline", "--replicates", "1", "--workers", "1", "--no-figures", "--results-root",
                       "results", "--out", out, "--overwrite", cwd=work)
        refused(done, message, "nothing deleted")
        assert snapshot(site) == before


def test_overwrite_never_deletes_the_project_checkout(tmp_path: Path) -> None:
    """A copy of the checkout, taken as the project's own, with a forged manifest in its top folder: ``--out <checkout>
    --overwrite`` is refused. The command line runs in a child process whose project root points at the copy, so that a
    failure of the rule could only ever delete the copy."""
    checkout = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("model", "scenarios", "analysis", "benchmarks", "commands"):
        shutil.copytree(ROOT / package, checkout / package, ignore=ignore)
    shutil.copy2(ROOT / "run.py", checkout / "run.py")
    (checkout / "manifest.json").write_text(json.dumps(LEGACY_MANIFEST))
    (tmp_path / "elsewhere").mkdir()
    before = snapshot(tmp_path)
    script = ("import sys; from pathlib import Path; import multivector.commands.common as common, multivector.commands.run as verb; "
              f"common.PROJECT_ROOT = verb.PROJECT_ROOT = Path({str(checkout)!r}); "
              "from multivector.commands.main import main; sys.exit(main(sys.argv[1:]))")
    done = subprocess.run([sys.executable, "-c", script, "run", "baseline", "--replicates", "1", "--workers", "1", "--no-figures",
                           "--out", str(checkout), "--overwrite"], cwd=tmp_path / "elsewhere", capture_output=True, text=True, timeout=600)
    refused(done, f"--overwrite refused: it is or contains the project checkout ({checkout})", "nothing deleted")
    assert snapshot(tmp_path) == before


def test_prepare_results_folder_rules(tmp_path: Path) -> None:
    """Missing and empty folders are fine; only a project folder holding the batch layout is ever deleted."""
    prepare_results_folder(tmp_path / "missing", overwrite=True)
    (tmp_path / "empty").mkdir()
    prepare_results_folder(tmp_path / "empty", overwrite=True)
    assert (tmp_path / "empty").is_dir()

    legacy = tmp_path / "legacy"
    for sub in ("steps", "summary", "figures"):
        (legacy / sub).mkdir(parents=True)
    (legacy / "steps" / "run-00000.parquet").write_bytes(b"x")
    (legacy / "figures" / "fan.png").write_bytes(b"x")
    (legacy / "report.html").write_text("<html></html>")
    (legacy / "manifest.json").write_text(json.dumps(LEGACY_MANIFEST))
    assert is_results_folder(legacy)
    prepare_results_folder(legacy, overwrite=False)  # kept, to resume
    assert legacy.is_dir()
    prepare_results_folder(legacy, overwrite=True)
    assert not legacy.exists()

    current = tmp_path / "current"
    for sub in ("chunks", "figures"):
        (current / sub).mkdir(parents=True)
    (current / "chunks" / "chunk-00000000.parquet").write_bytes(b"x")
    (current / "chunks" / "chunk-00000008.parquet.tmp").write_bytes(b"x")  # left by a kill
    (current / "manifest.json").write_text(json.dumps({"created_by": "multivector", "manifest_format": 2}))
    prepare_results_folder(current, overwrite=False)
    assert current.is_dir()
    prepare_results_folder(current, overwrite=True)
    assert not current.exists()


@pytest.mark.parametrize(("manifest", "recognised"), [
    ({"created_by": "multivector", "manifest_format": 1}, True),
    (LEGACY_MANIFEST, True),
    ({**LEGACY_MANIFEST, "created_by": "someone"}, True),
    ({k: v for k, v in LEGACY_MANIFEST.items() if k != "seeds"}, False),
    ({"created_by": "multivector"}, False),
    ({"created_by": "multivector", "manifest_format": "1"}, False),
    ({"name": "my-app", "version": "1.0.0"}, False),
    (["created_by", "multivector"], False),
    ("not json {", False),
])
def test_a_results_folder_is_recognised_by_its_manifest(tmp_path: Path, manifest: object, recognised: bool) -> None:
    folder = tmp_path / "r"
    folder.mkdir()
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (folder / "manifest.json").write_text(text)
    assert is_results_folder(folder) is recognised
    if not recognised:
        with pytest.raises(ResultsPathError, match=r"^.*r: --overwrite refused: not a results folder \(no manifest "
                                                   r"written by Multivector\); nothing deleted; choose a new or empty "
                                                   r"folder with --out$"):
            prepare_results_folder(folder, overwrite=True)
        assert (folder / "manifest.json").read_text() == text


@pytest.mark.parametrize("plant", ["notes", "chunks_link", "link_inside", "subfolder"])
def test_overwrite_refuses_a_project_folder_holding_anything_else(tmp_path: Path, plant: str) -> None:
    """Foreign files, and symbolic links anywhere, stop the deletion: a link is never followed out of the folder."""
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me\n")
    folder = tmp_path / "r"
    (folder / "figures").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"created_by": "multivector", "manifest_format": 2}))
    expected = {"notes": "'notes.md'", "chunks_link": "'chunks'", "link_inside": "'figures/x.parquet'",
                "subfolder": "'figures/deeper'"}[plant]
    if plant == "notes":
        (folder / "notes.md").write_text("mine")
    elif plant == "chunks_link":
        (folder / "chunks").symlink_to(victim)
    elif plant == "link_inside":
        (folder / "figures" / "x.parquet").symlink_to(victim / "precious.txt")
    else:
        (folder / "figures" / "deeper").mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(ResultsPathError, match=rf"r: --overwrite refused: it holds {expected}, which a batch does not "
                                               rf"write; nothing deleted$"):
        prepare_results_folder(folder, overwrite=True)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("name", ["chunk-00000000.parquet", "chunk-00000008.parquet.tmp"])
def test_resume_never_deletes_through_a_link_where_a_chunk_file_belongs(tmp_path: Path, name: str) -> None:
    """Checking a folder to resume deletes only regular files named like chunk files in ``chunks/``; a link stops it."""
    from multivector.ensemble.results import WideLayout
    from multivector.scenarios import load_scenario

    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "precious.txt").write_text("keep me\n")
    folder = tmp_path / "r"
    (folder / "chunks").mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"created_by": "multivector", "manifest_format": 2}))
    (folder / "chunks" / "notes.txt").write_text("not ours: left alone")
    (folder / "chunks" / name).symlink_to(victim / "precious.txt")
    before = snapshot(tmp_path)
    with pytest.raises(ResultsPathError, match=rf"chunks/{name}: refused: a symbolic link or folder where the project "
                                               r"writes a chunk file; nothing deleted$"):
        ResultsFolder(folder).recover(WideLayout.of(load_scenario("baseline")), runs=1)
    assert snapshot(tmp_path) == before
    (folder / "chunks" / name).unlink()
    (folder / "chunks" / "chunk-00000000.parquet").write_bytes(b"not parquet")
    lines = ResultsFolder(folder).recover(WideLayout.of(load_scenario("baseline")), runs=1)
    assert len(lines) == 1 and "damaged chunk file" in lines[0] and "chunk-00000000.parquet" in lines[0]
    assert sorted(p.name for p in (folder / "chunks").iterdir()) == ["notes.txt"]
    assert (victim / "precious.txt").read_text() == "keep me\n"


def test_overwrite_does_not_follow_a_symlinked_results_folder(tmp_path: Path) -> None:
    target = tmp_path / "real"
    target.mkdir()
    (target / "manifest.json").write_text(json.dumps(LEGACY_MANIFEST))
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(ResultsPathError, match=r"link: --overwrite refused: it is a symbolic link, which is not "
                                               r"followed; nothing deleted$"):
        prepare_results_folder(tmp_path / "link", overwrite=True)
    assert (target / "manifest.json").is_file()


def test_overwrite_refuses_protected_folders_and_their_parents(tmp_path: Path) -> None:
    root = tmp_path / "a" / "results"
    root.mkdir(parents=True)
    (tmp_path / "a" / "manifest.json").write_text(json.dumps(LEGACY_MANIFEST))
    with pytest.raises(ResultsPathError, match=r"a: --overwrite refused: it is or contains the results root \(.*results\); "
                                               r"nothing deleted$"):
        prepare_results_folder(tmp_path / "a", overwrite=True, protected=[("the results root", root)])
    assert root.is_dir()


def test_plot_and_report_refuse_a_folder_with_a_foreign_manifest(site: Path) -> None:
    """A web app's ``manifest.json`` does not make a results folder: nothing is written into it."""
    app = site / "victim"
    (app / "manifest.json").write_text(json.dumps({"name": "my-app", "start_url": "/"}))
    before = snapshot(site)
    for verb in ("plot", "report"):
        refused(run_cli(verb, str(app), cwd=site / "work"), "<results>: not a results folder",
                "expected a folder written by 'run.py run' (with its manifest.json)")
        assert snapshot(site) == before


# ------------------------------------------------------------------ extends


def test_extends_refuses_an_absolute_path_without_reading_it(tmp_path: Path) -> None:
    foreign = write_yaml(tmp_path / "elsewhere" / "x.yaml", f"format: 1\nname: x\n{SECRET}: 1\n")
    child = write_yaml(tmp_path / "mine" / "child.yaml", {"format": 1, "name": "child", "extends": str(foreign)})
    with pytest.raises(ScenarioError, match=r"child\.yaml:3: extends: absolute extends target refused; got '.*x\.yaml', "
                                            r"expected a library name such as baseline, or a relative path to a "
                                            r"\.yaml file inside .*mine \(name a file elsewhere on the command line\)$"
                       ) as info:
        resolve(child)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize("target", ["some_dir.yaml/../../elsewhere/x.yaml", "../elsewhere/x.yaml", "../elsewhere/x",
                                    "sub/../../elsewhere/x.yaml", "linked.yaml", "linked"])
def test_extends_refuses_paths_that_leave_the_folder(tmp_path: Path, target: str) -> None:
    write_yaml(tmp_path / "elsewhere" / "x.yaml", f"format: 1\nname: x\n{SECRET}: 1\n")
    mine = tmp_path / "mine"
    (mine / "some_dir.yaml").mkdir(parents=True)
    (mine / "sub").mkdir()
    (mine / "linked.yaml").symlink_to(tmp_path / "elsewhere" / "x.yaml")
    child = write_yaml(mine / "child.yaml", {"format": 1, "name": "child", "extends": target})
    with pytest.raises(ScenarioError, match=rf"child\.yaml:3: extends: extends target leaves .*mine; got '{target}', "
                                            r"expected a file inside .*mine or a library name \(name a file elsewhere "
                                            r"on the command line\)$") as info:
        resolve(child)
    assert SECRET not in str(info.value)


@pytest.mark.parametrize(("target", "match"), [
    ("C:/x.yaml", r"absolute extends target refused"),
    ("..\\x.yaml", r"bad extends target \(backslash or NUL\)"),
    (["baseline"], r"bad extends target; got \['baseline'\]"),
    ("bad name", r"bad extends target; got 'bad name', expected a scenario name"),
])
def test_extends_refuses_malformed_targets(tmp_path: Path, target: object, match: str) -> None:
    child = write_yaml(tmp_path / "child.yaml", {"format": 1, "name": "child", "extends": target})
    with pytest.raises(ScenarioError, match=match):
        resolve(child)


def test_extends_follows_siblings_subfolders_and_the_library(tmp_path: Path) -> None:
    """A bare name is a sibling if there is one, else the library's; a relative path may go down, and up within the folder."""
    write_yaml(tmp_path / "lib" / "base.yaml", MINIMAL.read_text(encoding="utf-8"))
    down = write_yaml(tmp_path / "down.yaml", {"format": 1, "name": "down", "extends": "lib/../lib/base.yaml"})
    assert resolve(down).scenario.state_codes == ("KAZ", "UZB")
    library = write_yaml(tmp_path / "lib_child.yaml", {"format": 1, "name": "lib_child", "extends": "baseline"})
    assert len(resolve(library).scenario.state_codes) == 5
    write_yaml(tmp_path / "baseline.yaml", MINIMAL.read_text(encoding="utf-8"))  # a sibling shadows the library
    assert resolve(library).scenario.state_codes == ("KAZ", "UZB")


def test_the_top_level_file_may_be_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file named by the user is theirs to choose: only the files it names are confined."""
    path = write_yaml(tmp_path / "deep" / "er" / "mine.yaml", {"format": 1, "name": "mine", "extends": "baseline"})
    monkeypatch.chdir(tmp_path / "deep" / "er" / "..")
    assert resolve("er/mine.yaml").scenario.name == "mine"
    monkeypatch.chdir(ROOT / "scenarios")
    assert resolve(str(path)).scenario.name == "mine"


def test_a_hypothesis_reference_is_confined_like_extends(tmp_path: Path) -> None:
    write_yaml(tmp_path / "elsewhere" / "x.yaml", MINIMAL.read_text(encoding="utf-8"))
    doc = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    doc["hypothesis"] = {"against": "../elsewhere/x.yaml", "claims": ["SU23-04"],
                         "checks": [{"metric": "cohesion", "article": "increase"}]}
    path = write_yaml(tmp_path / "mine" / "h.yaml", doc)
    with pytest.raises(ScenarioError, match=r"h\.yaml:\d+: hypothesis\.against: reference scenario leaves .*mine; "
                                            r"got '\.\./elsewhere/x\.yaml', expected a file inside"):
        resolve(path)


def test_extends_to_a_yaml_file_that_is_not_a_scenario_shows_none_of_it(tmp_path: Path) -> None:
    write_yaml(tmp_path / "config.yaml", f"database:\n  password: {SECRET}\n{SECRET}_key: 1\n")
    child = write_yaml(tmp_path / "child.yaml", {"format": 1, "name": "child", "extends": "config"})
    with pytest.raises(ScenarioError, match=r"config\.yaml: <document>: not a Multivector scenario; got a mapping "
                                            r"without a 'format' key, expected a YAML mapping with 'format: 1'") as info:
        resolve(child)
    assert SECRET not in str(info.value) and "database" not in str(info.value)


def test_validate_refuses_an_escaping_extends_in_one_line(site: Path) -> None:
    write_yaml(site / "victim" / "x.yaml", f"format: 1\nname: x\n{SECRET}: 1\n")
    write_yaml(site / "work" / "child.yaml", {"format": 1, "name": "child", "extends": "../victim/x.yaml"})
    line = refused(run_cli("validate", "child.yaml", cwd=site / "work"), "child.yaml:3: extends: extends target leaves")
    assert SECRET not in line


# --------------------------------------------------- what errors may echo


@pytest.mark.parametrize(("text", "described"), [
    (f"password: {SECRET}\nuser: root\n", "a mapping without a 'format' key"),
    (f"- {SECRET}\n- b\n", "a list at the top level"),
    (f"root:x:0:0:{SECRET}:/root:/bin/bash\n", "a single value at the top level"),
    (f"format: json\n{SECRET}: 1\n", "a mapping whose 'format' is not a version number"),
    (f"{SECRET}: [1, 2\nother: }}\n", "a file that is not valid YAML and has no 'format:' line"),
    (f"when: 2021-01-01\n{SECRET}: !!python/object:os.system x\n", "a mapping without a 'format' key"),
    (f"{SECRET}: 1\n{SECRET}: 2\n", "a mapping without a 'format' key"),
])
def test_a_yaml_file_that_is_not_a_scenario_is_described_not_shown(tmp_path: Path, text: str, described: str) -> None:
    path = write_yaml(tmp_path / "other.yaml", text)
    with pytest.raises(ScenarioError) as info:
        resolve(path)
    assert str(info.value) == (f"{path}: <document>: not a Multivector scenario; got {described}, expected a YAML "
                               "mapping with 'format: 1', a name and the scenario's sections")
    assert SECRET not in str(info.value)


def test_a_syntax_error_in_a_scenario_still_shows_its_line(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "mine.yaml", "format: 1\nname: mine\nstates: {KAZ: [1, 2}\n")
    with pytest.raises(ScenarioError, match=r"mine\.yaml:3: <yaml>: YAML syntax error \(.*\); got 'states: \{KAZ: "
                                            r"\[1, 2\}', expected valid YAML$"):
        resolve(path)


@pytest.mark.parametrize("stem", ["passwd", "notes.txt", "data.json", "x.yaml.bak"])
def test_a_file_not_named_yaml_is_refused_before_reading(tmp_path: Path, stem: str) -> None:
    path = tmp_path / stem
    path.write_text(f"root:x:0:0:{SECRET}:/root:/bin/bash\n")
    with pytest.raises(ScenarioError, match=r"<file>: not a scenario file; got a file name without \.yaml or \.yml, "
                                            r"expected a library name such as baseline or a path to a \.yaml or "
                                            r"\.yml scenario file$") as info:
        resolve(path)
    assert SECRET not in str(info.value)


def test_the_model_refuses_etc_passwd_without_echoing_it() -> None:
    from multivector import MultivectorModel

    with pytest.raises(ScenarioError, match=r"^/etc/passwd: <file>: not a scenario file; got a file name without "
                                            r"\.yaml or \.yml") as info:
        MultivectorModel("/etc/passwd")
    message = str(info.value)
    assert "\n" not in message and "root:x" not in message and "/bin/" not in message
    passwd = Path("/etc/passwd")
    lines = passwd.read_text(errors="replace").splitlines() if passwd.is_file() else []
    assert not any(line.strip() and line in message for line in lines)


def test_the_command_line_refuses_a_foreign_file_in_one_line(site: Path) -> None:
    (site / "victim" / "secrets.yaml").write_text(f"api_token: {SECRET}\n")
    for target in ("/etc/passwd", str(site / "victim" / "precious.txt"), str(site / "victim" / "secrets.yaml")):
        for verb in (["validate", target], ["run", target, "--replicates", "1", "--results-root", "results"]):
            line = refused(run_cli(*verb, cwd=site / "work"), "not a")
            assert SECRET not in line and "keep me" not in line and "root:x" not in line
    assert not (site / "work" / "results").exists()
