"""Architecture and style rules that a reviewer would otherwise check by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_model_code_imports_neither_plotting_nor_yaml():
    code = ("import sys, multivector.model, multivector.ensemble.batch; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'yaml', 'matplotlib'}))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", f"model imported: {done.stdout}"


@pytest.mark.skipif(shutil.which("ruff") is None and not (Path(sys.executable).parent / "ruff").exists(), reason="ruff not installed")
def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    done = subprocess.run([ruff, "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout


PACKAGES = ("model", "multivector", "scenarios", "ensemble", "calibration", "analysis", "benchmarks", "commands")
LAYERS = {"model": set(), "scenarios": {"model"}, "multivector": {"model", "scenarios"},
          "ensemble": {"model", "scenarios"}, "calibration": {"model", "scenarios", "ensemble"},
          "analysis": {"model", "scenarios", "ensemble", "multivector", "calibration"},
          "benchmarks": {"model", "scenarios", "ensemble", "multivector", "calibration", "analysis"},
          "commands": {"model", "scenarios", "ensemble", "multivector", "calibration", "analysis", "benchmarks"}}
"""Which other packages each package may import: the dynamics at the bottom, running and analysing above, the command line
on top (only run.py imports ``commands``). Keys are the project's folders; each installs as ``multivector.<folder>``
(``multivector/`` itself is the package root)."""


def _folder_of(module: str) -> str:
    """The folder-based name of an imported module: ``multivector.model.engine`` → ``model.engine``."""
    rest = module.removeprefix("multivector.")
    return rest if rest != module and rest.split(".")[0] in PACKAGES and rest.split(".")[0] != "multivector" else module


def _project_imports() -> dict[str, set[str]]:
    """Module → project modules it imports anywhere in its text (deferred and TYPE_CHECKING imports included).

    Modules are named by their folder (``model.engine`` for ``model/engine.py``, installed as ``multivector.model.engine``).
    Because an import inside a function counts like one at the top, an acyclic graph also means that no deferred import
    hides a circle: every deferred import could move to the top of its module.
    """
    import ast

    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            found = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            for target in map(_folder_of, found):
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    targets.add(target)
        graph[name] = targets
    return graph


def test_no_module_imports_itself_through_a_circle():
    graph = _project_imports()
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                pytest.fail("import circle: " + " → ".join([*path[path.index(target):], target]))
            if target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])


def test_each_package_imports_only_the_layers_below_it():
    wrong = sorted(f"{module} imports {target}" for module, targets in _project_imports().items()
                   for target in targets
                   if (top := target.split(".")[0]) != module.split(".")[0] and top not in LAYERS[module.split(".")[0]])
    assert not wrong, wrong


def test_the_fork_servers_preload_names_modules_that_exist():
    """A wrong name there fails silently (the workers then import everything themselves): check each one imports."""
    import importlib

    from multivector.ensemble.executors import PRELOAD

    for name in PRELOAD:
        importlib.import_module(name)
