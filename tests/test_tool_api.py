"""What other tools get from ensemble.api: factors to vary, indicators to read, and the documented SALib and EMA examples.

The examples are read from docs/batches.md and run as they stand there: the
SALib block in this process, the EMA Workbench block as a script whose
MultiprocessingEvaluator starts two real worker processes.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from multivector.ensemble.api import INDICATORS, ROLES, NamedFactor, factors, indicators, salib_problem, simulate
from multivector.model.outcomes import STATE_SUMMARY, SUMMARY, summary_definition
from multivector.scenarios import ScenarioError
from multivector.scenarios.designs import factors_of
from multivector.scenarios.loader import with_overrides

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "batches.md"
STATES = ("KAZ", "UZB", "KGZ", "TJK", "TKM")


def guide_block(containing: str) -> str:
    """The one ```python block of docs/batches.md that contains ``containing``."""
    blocks = [b for b in re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S) if containing in b]
    assert len(blocks) == 1, f"{len(blocks)} python blocks of {GUIDE.name} contain {containing!r}"
    return blocks[0]


def test_factors_are_the_scenarios_uncertainties_and_levers_under_simulates_keywords():
    from multivector.scenarios import resolve

    found = factors("baseline")
    resolved = resolve("baseline")
    designs = [(f, "uncertainty") for f in factors_of(resolved, "uncertainty")] + [(f, "lever") for f in factors_of(resolved, "lever")]
    assert [(f.path, f.role, f.low, f.high) for f in found] == [(d.name, role, d.low, d.high) for d, role in designs]
    assert sum(f.role == "uncertainty" for f in found) == 44 and [f.name for f in found if f.role == "lever"] == [
        "sanctions__secondary_cost"]
    kaz = next(f for f in found if f.path == "states.KAZ.dependence_aversion")
    assert kaz == NamedFactor("states__KAZ__dependence_aversion", "states.KAZ.dependence_aversion", "uncertainty", "real",
                              1.0, 4.0, 2.5)
    assert all(f.name.isidentifier() and f.name == f.path.replace(".", "__") for f in found)
    assert factors("baseline", "lever") == tuple(f for f in found if f.role == "lever")
    assert factors("baseline", ("lever", "uncertainty"))[0].role == "lever" and ROLES == ("uncertainty", "lever")
    # every factor's name is a keyword simulate() accepts, at either end of its range
    for f in found:
        for value in (f.low, f.high):
            assert with_overrides(resolved, {f.name: value}).name == "baseline"
    with pytest.raises(ValueError, match="unknown role"):
        factors("baseline", "constant")
    with pytest.raises(ScenarioError):
        factors("no_such_scenario")


def test_factors_as_ema_parameters_and_a_salib_problem(tmp_path):
    from ema_workbench import IntegerParameter, RealParameter

    found = factors("baseline")
    parameters = [f.to_ema() for f in found]
    assert all(type(p) is RealParameter for p in parameters)
    assert [(p.name, p.lower_bound, p.upper_bound, p.default) for p in parameters] == [(f.name, f.low, f.high, f.value) for f in found]
    problem = salib_problem(found)
    assert problem == {"num_vars": 45, "names": [f.name for f in found], "bounds": [[f.low, f.high] for f in found]}
    # an integer field given a range is an IntegerParameter, and simulate() takes its values
    lagged = tmp_path / "lagged.yaml"
    lagged.write_text('format: 1\nextends: baseline\nname: lagged\ntitle: "Baseline with an uncertain corridor lag"\n'
                      'corridors:\n  middle_corridor:\n    lag: {value: 8, assumption: "test", role: uncertainty, range: [4, 12]}\n')
    lag = next(f for f in factors(str(lagged)) if f.kind == "integer")
    assert (lag.name, lag.low, lag.high, lag.value) == ("corridors__middle_corridor__lag", 4, 12, 8)
    parameter = lag.to_ema()
    assert type(parameter) is IntegerParameter and (parameter.lower_bound, parameter.upper_bound) == (4, 12)
    assert simulate(str(lagged), seed=1, corridors__middle_corridor__lag=5) != simulate(str(lagged), seed=1)


def test_simulate_returns_each_states_indicators_under_identifier_names():
    names = indicators("baseline")
    assert names[: len(INDICATORS)] == INDICATORS == tuple(SUMMARY)
    assert names[len(INDICATORS):] == tuple(f"{name}__{code}" for name in STATE_SUMMARY for code in STATES)
    assert len(names) == 29 and all(name.isidentifier() for name in names)
    out = simulate("baseline", seed=3)
    assert tuple(out) == names and all(isinstance(v, float) for v in out.values())
    for name in ("hedging_index", "russia_security_share", "china_economy_share"):
        assert np.mean([out[f"{name}__{code}"] for code in STATES]) == pytest.approx(out[name], abs=1e-12), name
    assert all(0 < out[f"largest_share__{code}"] <= 1 for code in STATES)
    assert all(out[f"largest_share__{code}"] >= out[f"russia_security_share__{code}"] / 3 for code in STATES)
    assert summary_definition("russia_security_share__KAZ") == "Russia's security share in the state in the last quarter (KAZ)"
    assert summary_definition("cohesion") == SUMMARY["cohesion"] and summary_definition("nonsense__KAZ") == ""


def test_importing_ensemble_api_leaves_mesa_and_the_start_method_alone():
    """Mesa 3.3's batch runner forces 'spawn' on every pool when imported; ensemble.api must not import it."""
    code = ("import multiprocessing, sys\nfrom ensemble.api import factors, simulate\nfactors('baseline')\nsimulate('baseline', seed=1)\n"
            "print(sorted(m for m in sys.modules if m == 'mesa' or m.startswith('mesa.')), multiprocessing.get_start_method(allow_none=True))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]", "None"]


def test_the_guides_salib_example_runs_as_written(capsys):
    namespace: dict[str, object] = {"__name__": "__main__"}
    exec(compile(guide_block("SALib.analyze"), str(GUIDE), "exec"), namespace)
    problem, result = namespace["problem"], namespace["result"]
    ranked = sorted(problem["names"], key=lambda n: -result["mu_star"][problem["names"].index(n)])
    assert ranked[0] == "powers__RUS__standing", "Russia's standing priority moves its security share most"
    assert "powers__RUS__standing" in capsys.readouterr().out


def test_the_guides_ema_example_runs_on_two_worker_processes(tmp_path):
    """The guide's block as a script: MultiprocessingEvaluator with 2 forked workers over every factor, then PRIM."""
    report = tmp_path / "report.json"
    check = f'''
if __name__ == "__main__":
    import json, multiprocessing
    json.dump({{"method": multiprocessing.get_start_method(), "experiments": len(experiments),
               "columns": sorted(set(experiments.columns) & {{f.name for f in found}}),
               "outcomes": list(outcomes), "rows": {{k: len(v) for k, v in outcomes.items()}},
               "finite": all(bool(np.isfinite(v).all()) for v in outcomes.values()),
               "box": [float(box.inspect(style="data")[0][0]["coverage"]), list(box.inspect(style="data")[0][1].index)]}},
              open({str(report)!r}, "w"))
'''
    script = tmp_path / "ema_example.py"
    script.write_text(guide_block("MultiprocessingEvaluator") + check, encoding="utf-8")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(script)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(report.read_text())
    assert result["method"] == "fork", "the pool forks (nothing imported Mesa)"
    assert result["experiments"] == 16 and result["columns"] == sorted(f.name for f in factors("baseline"))
    assert result["outcomes"] == list(indicators("baseline")) and set(result["rows"].values()) == {16} and result["finite"]
    coverage, restricted = result["box"]
    assert 0 < coverage <= 1 and set(restricted) <= {f.name for f in factors("baseline", "uncertainty")}, "PRIM found a box"
    print(f"the guide's EMA example: {elapsed:.1f} s end to end")
