"""The benchmark runs end to end in its tiny mode; its parts are checked on known inputs. No timing is asserted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from multivector.benchmarks.bench import main
from multivector.benchmarks.chunk_sizes import curve_runs
from multivector.benchmarks.modes import baseline_scenario
from multivector.benchmarks.proctree import FORKSERVER_MARK, SPAWN_MARK, start_method_of
from multivector.benchmarks.profiling import kind_of, native_shares
from multivector.benchmarks.report import Report, at_least, at_most, format_report
from multivector.benchmarks.throughput import check_reference, reference_batch_run
from multivector.ensemble.batch import run_seeds


def test_tiny_benchmark_prints_every_ratio_with_a_verdict_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["--tiny", "--top", "3", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    ratio_lines = [line for line in printed.splitlines() if line.startswith("ratio ")]
    for expected in ("engine, 1 process / mesa.batch_run, 1 process", "engine, 2 workers / mesa.batch_run, 2 processes",
                     "engine 2 workers / 1 worker", "CLI run end to end", "peak memory",
                     "ABC fit runs/s / engine runs/s on the same runs"):
        assert any(expected in line for line in ratio_lines), f"no ratio line with {expected!r} in {ratio_lines}"
    assert all(line.endswith((" PASS", " MISS")) for line in ratio_lines), ratio_lines
    report = json.loads(out.read_text())
    assert report["mode"] == "tiny"
    assert len(report["ratios"]) == len(ratio_lines)
    assert all(np.isfinite(r["value"]) and r["value"] > 0 and r["verdict"] in ("PASS", "MISS") for r in report["ratios"])
    assert len(report["profile"]) == 3
    names = {f["name"] for f in report["figures"]}
    for expected in ("engine, chunks of 1", "engine, chunks of 4", "mesa.batch_run, 2 processes",
                     "pool start, forkserver, 2 workers, first pool", "CLI run end to end, 2 workers"):
        assert expected in names, f"no figure {expected!r}"
    pooled = [f for f in report["figures"] if f["name"] in ("engine, 2 workers", "mesa.batch_run, 2 processes")]
    assert all(f["start_method"] in ("fork", "forkserver", "spawn") for f in pooled), "each pooled figure names its start method"
    assert all(f["chunk_size"] == "256" for f in report["figures"] if f["name"].startswith("engine, ") and "chunks" not in f["name"])


def test_only_chosen_phases_run(capsys):
    assert main(["--tiny", "--only", "chunks"]) == 0
    printed = capsys.readouterr().out
    assert "engine, chunks of 4" in printed
    assert "mesa.batch_run" not in printed and "peak memory" not in printed
    assert not [line for line in printed.splitlines() if line.startswith("ratio ")]


def test_mesa_batch_run_agrees_with_the_engine_on_the_same_seeds():
    seeds = run_seeds(1, 2)
    rows = reference_batch_run(seeds, 1)
    check_reference(rows, seeds, baseline_scenario())
    rows[0]["hedging_index"] += 0.01
    with pytest.raises(RuntimeError, match="differs from the engine"):
        check_reference(rows, seeds, baseline_scenario())
    with pytest.raises(RuntimeError, match="one row per seed"):
        check_reference(rows[:1], seeds, baseline_scenario())


def test_ratios_pass_or_miss_by_their_target():
    assert at_least("a / b", 50.0, 50).met and not at_least("a / b", 49.9, 50).met
    assert at_most("m / n", 1.2, 1.2).met and not at_most("m / n", 1.21, 1.2).met
    report = Report("tiny", {"cores": 2, "python": "3", "mesa": "3", "numpy": "2", "commit": "abc1234", "changed_files": [],
                             "load_at_start": 0.5, "load_after": {}},
                    ratios=[at_least("a / b", 10.0, 50)])
    assert format_report(report).splitlines()[-1] == "ratio a / b: 10 (target ≥ 50) MISS"


def test_curve_times_whole_chunks_of_at_least_the_minimum():
    assert [curve_runs(size, 256) for size in (1, 4, 256, 1024)] == [256, 256, 256, 1024]
    assert curve_runs(100, 256) == 300


def test_start_method_read_from_the_workers_command_lines():
    root = "python run.py run baseline"
    assert start_method_of(root, [root, root]) == "fork"
    assert start_method_of(root, [f"python -c {FORKSERVER_MARK}; main(3, 4)", "python -c from multiprocessing.resource_tracker"]) == "forkserver"
    assert start_method_of(root, [f"python -c {SPAWN_MARK}; spawn_main(tracker_fd=5)"]) == "spawn"
    assert start_method_of(root, []) == "—"


def test_native_samples_sorted_by_the_kind_of_their_leaf_frame():
    lib = "numpy/_core/_multiarray_umath.cpython-311-x86_64-linux-gnu.so"
    raw = "\n".join([
        f"main (<string>:1);step (model/engine.py:300);DOUBLE_add_X86_V3 ({lib}) 6",
        f"main (<string>:1);step (model/engine.py:300);ufunc_generic_fastcall ({lib}) 2",
        "main (<string>:1);step (model/engine.py:300);_PyEval_EvalFrameDefault (libpython3.11.so.1.0) 2",
        f"main (<string>:1);load_scenario (scenarios/loader.py:190);DOUBLE_add ({lib}) 90",
    ])
    shares = native_shares(raw)
    assert shares == {"numpy inner loops (arithmetic, sorting)": 0.6,
                      "numpy call handling (dispatch, iterators, allocation)": 0.2, "Python interpreter": 0.2}
    assert kind_of(f"_aligned_contig_cast_bool_to_double ({lib})") == "numpy copies and casts"
    assert kind_of("_weight (model/institutions.py:161)") == "Python interpreter"
