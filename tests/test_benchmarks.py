"""The benchmark runs end to end in its tiny mode; no timing is asserted."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np

from benchmarks.bench import main, replicate_scenario
from multivector import MultivectorModel
from scenarios import load_scenario


def test_tiny_benchmark_prints_every_ratio_and_writes_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["--tiny", "--profile", "3", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    ratio_lines = [line for line in printed.splitlines() if line.startswith("ratio ")]
    for expected in ("workers / 1 worker", "/ batch_run", "peak memory", "step per state×power"):
        assert any(expected in line for line in ratio_lines), f"no ratio line with {expected!r}"
    report = json.loads(out.read_text())
    assert report["mode"] == "tiny"
    assert len(report["ratios"]) == len(ratio_lines)
    assert all(np.isfinite(r["value"]) and r["value"] > 0 for r in report["ratios"])
    assert len(report["profile"]) == 3


def test_replicated_scenario_keeps_share_totals_and_runs():
    baseline = load_scenario("baseline")
    doubled = replicate_scenario(baseline, 2)
    assert (len(doubled.states), len(doubled.powers)) == (2 * len(baseline.states), 2 * len(baseline.powers))
    kaz, copy = baseline.states["KAZ"], doubled.states["KAZ~1"]
    assert np.isclose(sum(copy.trade_shares.values()), sum(kaz.trade_shares.values()))
    assert set(copy.trade_shares) <= set(doubled.powers)
    short = replace(doubled, end="2021Q4")
    outcomes = MultivectorModel(short, rng=1, collect=False).run()
    assert outcomes["alignment"].shape == (4, 10, 3, 22)
    assert np.all(np.isfinite(outcomes["alignment"]))
