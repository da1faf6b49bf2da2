"""Report and report figures drawn from a real (small) results folder."""

from __future__ import annotations

import base64
import html
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from multivector.analysis.plots import alignment_triangle, sensitivity_indices, ternary_xy
from multivector.analysis.report import save_figures, write_report
from multivector.ensemble.results import ResultsFolder
from multivector.scenarios import load_registry

ROOT = Path(__file__).resolve().parents[1]
HEIGHT = np.sqrt(3) / 2


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "baseline"
    done = run_cli("run", "baseline", "--replicates", "4", "--workers", "2", "--out", str(out), "--no-figures")
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def report(results) -> str:
    path = write_report(results)
    assert path == results / "report.html"
    return path.read_text(encoding="utf-8")


def barycentric(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """(Russia, China, West) coordinates of points in the unit triangle."""
    west = y / HEIGHT
    china = x - west / 2
    return np.column_stack([1 - china - west, china, west])


# ------------------------------------------------------------------ HTML report


def test_report_is_self_contained(report):
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", report, flags=re.IGNORECASE)
    assert not remote, remote
    assert not re.search(r"url\(\s*['\"]?(?:https?:)?//", report), "style sheet loads a remote resource"
    assert "<script" not in report.lower()
    assert "<link" not in report.lower()


def test_report_embeds_at_least_six_decodable_png_figures(report):
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"', report)
    assert len(images) >= 6
    for data in images:
        assert base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")


def test_report_records_the_manifest(results, report):
    manifest = json.loads((results / "manifest.json").read_text())
    assert manifest["scenario_hash"] in report
    assert str(manifest["root_seed"]) in report
    assert "4 / 4" in report  # runs finished / planned


def test_report_tabulates_every_summary_indicator(results, report):
    summary = ResultsFolder(results).load_summary()
    assert list(summary.columns[:3]) == ["run", "seed", "point"] and list(summary["run"]) == [0, 1, 2, 3]
    for name in summary.columns.drop(["run", "seed", "point"]):
        indicator, separator, state = name.rpartition("__")
        if separator:  # per state: a row per indicator, a column per state
            assert f"<code>{indicator}__&lt;state&gt;</code>" in report and f"({state})</th>" in report
            assert f"{summary[name].median():.3g}" in report
        else:
            assert f"<code>{name}</code>" in report
    median = summary["hedging_index"].median()
    assert f"{median:.3g}" in report
    assert "<code>point</code>" not in report and "<code>seed</code>" not in report, "no row for the run's keys"


def test_report_lists_the_cited_claims_with_their_paraphrase(report):
    claim = load_registry().claims["SU23-04"]
    assert "SU23-04" in report
    assert html.escape(claim.text) in report
    assert "Sun Qi 2023" in report


def test_report_can_be_written_elsewhere(results, tmp_path):
    target = write_report(results, tmp_path / "sub" / "r.html")
    assert target == tmp_path / "sub" / "r.html" and target.stat().st_size > 50_000


def test_report_refuses_a_folder_without_runs(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_report(tmp_path)


# ------------------------------------------------------------------ figures


def test_save_figures_writes_legible_pngs(results, report):
    paths = save_figures(results)
    assert len(paths) >= 6
    names = {p.stem for p in paths}
    assert {"alignment_triangles", "summary_indicators", "russia_security_share"} <= names
    for path in paths:
        assert path.suffix == ".png" and path.parent == results / "figures"
        assert path.stat().st_size > 10_000, path


def test_alignment_triangle_draws_every_point_inside_the_triangle(results):
    frame = ResultsFolder(results).load_steps(["bloc_share"])
    ax = alignment_triangle(frame, "KAZ")
    points = [line.get_xydata() for line in ax.lines]
    points += [c.get_offsets() for c in ax.collections if len(c.get_offsets())]
    coords = barycentric(*np.concatenate(points).T)
    assert (coords > -1e-9).all() and (coords < 1 + 1e-9).all()
    runs = [c for c in ax.collections if str(c.get_gid()).startswith("runs:")]
    assert len(runs) == 3 and all(len(c.get_offsets()) == 4 for c in runs)  # 3 domains × 4 runs' last quarter
    assert {str(line.get_gid()) for line in ax.lines} >= {"median:security", "end:economy", "start:diplomacy"}
    plt.close(ax.figure)


def test_alignment_triangle_renormalises_without_the_other_bloc():
    shares = {"russia": 0.4, "china": 0.2, "west": 0.2, "other": 0.2}
    frame = pd.DataFrame([
        {"run": run, "step": step, "quarter": f"2021Q{step + 1}", "outcome": "bloc_share", "state": "KAZ",
         "domain": "security", "bloc": bloc, "value": value}
        for run in range(3) for step in range(2) for bloc, value in shares.items()
    ])
    ax = alignment_triangle(frame, "KAZ")
    end = next(line for line in ax.lines if line.get_gid() == "end:security").get_xydata()[0]
    expected = np.column_stack(ternary_xy(np.array([[0.5, 0.25, 0.25]])))[0]
    np.testing.assert_allclose(end, expected)
    np.testing.assert_allclose(barycentric(*end[:, None]), [[0.5, 0.25, 0.25]])
    assert "20%" in ax.get_title()
    plt.close(ax.figure)


def test_sensitivity_indices_orders_bars_by_total_index():
    table = pd.DataFrame({
        "parameter": ["a", "b", "c", "d"],
        "S1": [0.10, 0.02, 0.40, 0.20], "S1_conf": [0.02, 0.01, 0.05, 0.03],
        "ST": [0.15, 0.05, 0.60, 0.30], "ST_conf": [0.03, 0.01, 0.06, 0.04],
    })
    ax = sensitivity_indices(table)
    labels = [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])]
    assert labels == ["c", "d", "a", "b"]
    total = next(c for c in ax.containers if c.get_label().startswith("ST"))
    top_down = sorted(total.patches, key=lambda p: -p.get_y())
    assert [p.get_width() for p in top_down] == [0.60, 0.30, 0.15, 0.05]
    plt.close(ax.figure)


def test_sensitivity_indices_takes_morris_tables_and_rejects_others():
    table = pd.DataFrame({"parameter": ["a", "b"], "mu_star": [0.1, 0.3], "mu_star_conf": [0.01, 0.02], "sigma": [0.2, 0.1]})
    ax = sensitivity_indices(table)
    assert [t.get_text() for t in sorted(ax.get_yticklabels(), key=lambda t: -t.get_position()[1])] == ["b", "a"]
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="Sobol"):
        sensitivity_indices(pd.DataFrame({"parameter": ["a"], "x": [1.0]}))


def test_key_figures_keep_year_labels_apart_and_legends_off_the_data(results):
    from multivector.analysis.report import _FIGURES, KEY_OUTCOMES, names_of
    from multivector.analysis.style import STYLE

    folder = ResultsFolder(results)
    frame = folder.load_steps(KEY_OUTCOMES)
    with matplotlib.rc_context(STYLE):
        for name, draw in _FIGURES.items():
            figure = draw(frame, names_of(folder.manifest()))
            renderer = figure.canvas.get_renderer()
            boxes = [ax.get_window_extent(renderer) for ax in figure.axes]
            for ax in figure.axes:
                shown = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text() and t.get_visible()]
                shown.sort(key=lambda box: box.x0)
                assert all(a.x1 + 2 <= b.x0 for a, b in itertools.pairwise(shown)), f"{name}: tick labels touch"
                legend = ax.get_legend()
                if legend is not None:
                    drawn = legend.get_window_extent(renderer)
                    assert not any(drawn.overlaps(box) for box in boxes), f"{name}: the legend covers an axes"
                    assert not any(text.get_text() in ("KAZ", "middle_corridor") for text in legend.get_texts())
            plt.close(figure)


@pytest.fixture(scope="module")
def sobol_results(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "sobol"
    done = run_cli("run", "baseline", "--design", "sobol", "--samples", "4", "--replicates", "1", "--workers", "2",
                   "--out", str(out), "--no-figures")
    assert done.returncode == 0, done.stderr
    return out


def test_a_sobol_report_summarises_the_design_and_has_a_sensitivity_section_that_warns_of_a_small_n(sobol_results):
    report = write_report(sobol_results).read_text(encoding="utf-8")
    manifest = json.loads((sobol_results / "manifest.json").read_text())
    factors = len(manifest["design"]["factors"])
    record = report[report.index('<section id="run-record">'):report.index('<section id="summary-indicators">')]
    assert len(record) < 20_000, "the design is summarised, not dumped point by point"
    assert f"Sobol sample over {factors} uncertainties, N = 4: {4 * (factors + 2)} points × 1 replicate = " in record
    assert f"{factors} factors and their ranges" in record and "<code>states.KAZ.dependence_aversion</code>" in record
    assert f"{manifest['runs']} / {manifest['runs']}" in record, "runs finished / planned counts every point's runs"
    section = report[report.index('<section id="sensitivity">'):report.index('<section id="figures">')]
    assert "S1 (first order)" in section and "ST (total)" in section and "Most influential factors" in section
    assert 'class="caution">⚠ N = 4 is too small for these Sobol indices' in section
    assert section.count("data:image/png;base64,") == 1
    assert "<code>point</code>" not in report


def test_plot_warns_in_one_line_when_sobol_indices_come_from_too_small_an_n(sobol_results):
    done = run_cli("plot", str(sobol_results))
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"warning: N = 4 is too small for these Sobol indices: .*; read them as rough at best and run "
                        r"again with a larger --samples \(e.g. 16\)\n", done.stderr), done.stderr
    table = pd.read_csv(sobol_results / "figures" / "sensitivity_russia_security_share.csv")
    assert {"parameter", "label", "S1", "ST"} <= set(table.columns) and (table["label"] == "Russia: standing").any()
