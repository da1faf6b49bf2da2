"""The seminar page's Vega-Lite charts: what each spec says, and that they render offline in a browser.

The specs are checked as data (every chart from a model a few quarters in and at
the end, names in words, both groups of the histogram, both scenarios side by
side, every text through the translator, fonts of at least 14 px). The browser
test serves ``tests/data/charts_page.py`` with ``python -m solara run`` and opens
it in headless Chromium with every request to another host aborted: each chart
must draw, and no request may fail. It needs the ``playwright`` Python package
and Chromium on the PATH, and is skipped without them unless
``MULTIVECTOR_REQUIRE_BROWSER=1`` is set; its screenshot goes to the folder named
by ``SEMINAR_SCREENSHOTS``, when set.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pytest

from multivector.analysis.seminar import charts
from multivector.analysis.seminar.assets import ALIASES, KATEX, KATEX_FILES, make_offline_folder, newest_bundled
from multivector.analysis.seminar.play import SeminarModel
from multivector.analysis.seminar.predict import Verdict

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests" / "data" / "charts_page.py"
"""The Solara page showing every chart."""
CHROMIUM_NAMES = ("chromium", "chromium-browser")
REQUIRE_BROWSER = "MULTIVECTOR_REQUIRE_BROWSER"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
STARTUP_S = 90
"""The server imports Mesa, Solara and the model and runs a small batch; a loaded machine needs a while."""
DRAW_MS = 60_000
"""Longest wait for a chart to draw."""
STATE_NAMES = ("Kazakhstan", "Uzbekistan", "Kyrgyzstan", "Tajikistan", "Turkmenistan")
CODES = ("KAZ", "UZB", "KGZ", "TJK", "TKM", "RUS", "CHN", "USA", "GBR", "TUR", "IND", "JPN", "IRN", "KOR")
"""State and power codes, which no chart may show."""


def _run(scenario: str, quarters: int | None, seed: int = 1) -> SeminarModel:
    """A model run ``quarters`` quarters (``None``: to the end)."""
    model = SeminarModel(scenario, seed=seed)
    while model.running and (quarters is None or model.t < quarters):
        model.step()
    return model


@pytest.fixture(scope="module")
def models() -> dict[str, SeminarModel]:
    return {"fresh": _run("baseline", 0), "early": _run("baseline", 3), "end": _run("baseline", None),
            "escalation": _run("sanctions_escalation", None)}


def _verdict(values: np.ndarray, prediction: float, unit: str = "share") -> Verdict:
    return Verdict("alignment[state=TJK,domain=security,power=RUS]@2026", unit, prediction, values,
                   float(np.mean(values > prediction)), float(np.mean(values < prediction)))


def _text(chart: Any) -> str:
    """The chart's whole spec as the browser gets it (JSON text, inline data included)."""
    return json.dumps(chart.to_dict(), ensure_ascii=False)


def _walk(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair in a spec, depth first."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, v
            yield from _walk(v, k)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, key)


def _data_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every inline data row of a spec (the charts hand their rows over as JSON strings, which altair may move to ``datasets``)."""
    rows: list[dict[str, Any]] = []
    for key, value in _walk(spec):
        if key == "data" and isinstance(value, dict) and isinstance(value.get("values"), str):
            rows += json.loads(value["values"])
    for value in spec.get("datasets", {}).values():
        rows += json.loads(value) if isinstance(value, str) else value
    return rows


def _layer_rows(spec: dict[str, Any], layer: int) -> list[dict[str, Any]]:
    """The data rows of one layer of a layered spec."""
    data = spec["layer"][layer]["data"]
    return json.loads(data["values"] if "values" in data else spec["datasets"][data["name"]])


EXPLORE: dict[str, Callable[..., Any]] = {
    "alignment": charts.alignment_chart, "headline": charts.headline_chart,
    "corridors": charts.corridor_chart, "formats": charts.formats_chart,
}


@pytest.mark.parametrize("when", ["fresh", "early", "end"])
@pytest.mark.parametrize("name", list(EXPLORE))
def test_each_explore_chart_builds_at_any_quarter_and_names_states_and_powers_in_words(models, name, when):
    model = models[when]
    spec = EXPLORE[name](model).to_dict()
    text = json.dumps(spec, ensure_ascii=False)
    assert spec["$schema"] == charts.VEGA_LITE_SCHEMA
    found = [code for code in CODES if re.search(rf"\b{code}\b", text)]
    assert not found, f"{name} shows codes {found}"
    rows = _data_rows(spec)
    quarters = {row["quarter"] for row in rows if row.get("quarter", "").startswith("20")}
    assert quarters == set(model.quarters[: model.t]), "one value per quarter run, no more"
    if name == "alignment":
        assert {row["state"] for row in rows} == set(STATE_NAMES)
        assert {row["bloc"] for row in rows} == {"Russia", "China", "the West", "others"}
    if name == "corridors" and model.t:
        assert "Middle Corridor (Trans-Caspian)" in {row["series"] for row in rows}


def test_alignment_starts_from_the_2021_ties_and_its_shares_sum_to_one(models):
    model = models["early"]
    rows = _data_rows(charts.alignment_chart(model, domain="economy").to_dict())
    totals: dict[tuple[str, str], float] = {}
    for row in rows:
        totals[row["state"], row["quarter"]] = totals.get((row["state"], row["quarter"]), 0.0) + row["share"]
    assert {quarter for _state, quarter in totals} == {"starting ties", *model.quarters[: model.t]}
    assert np.allclose(list(totals.values()), 1.0, atol=0.005)
    with pytest.raises(ValueError, match="unknown domain"):
        charts.alignment_chart(model, domain="culture")


def test_headline_values_are_the_models_outcomes(models):
    model = models["end"]
    rows = _data_rows(charts.headline_chart(model).to_dict())
    cohesion = [row["value"] for row in rows if row.get("series") == "Regional cohesion, 0–1" and "value" in row]
    assert np.allclose(cohesion, model.outcomes["cohesion"], atol=5e-4)
    exports = [row["value"] for row in rows if row.get("series") == "Re-exports to Russia, US$ bn/yr" and "value" in row]
    assert np.allclose(exports, model.outcomes["circumvention"].sum(axis=1), atol=5e-4)


@pytest.mark.parametrize("name", list(EXPLORE))
def test_side_by_side_draws_both_scenarios_and_names_them(models, name):
    spec = EXPLORE[name](models["end"], models["escalation"]).to_dict()
    scenarios = {row["scenario"] for row in _data_rows(spec) if "scenario" in row}
    assert scenarios == {"Baseline 2021–2030", "Sanctions escalation"}
    dashes = [v for k, v in _walk(spec) if k == "strokeDash" and isinstance(v, dict) and v.get("field") == "scenario"]
    assert dashes and dashes[0]["scale"]["domain"] == ["Baseline 2021–2030", "Sanctions escalation"], "a legend names both"
    named = EXPLORE[name](models["end"], models["escalation"], names=("as things stand", "harder sanctions")).to_dict()
    assert {row["scenario"] for row in _data_rows(named) if "scenario" in row} == {"as things stand", "harder sanctions"}


def test_two_runs_of_one_scenario_are_told_apart_by_seed(models):
    other = _run("baseline", 3, seed=2)
    assert charts.scenario_names(models["early"], other) == ("Baseline 2021–2030, seed 1", "Baseline 2021–2030, seed 2")
    assert charts.scenario_names(models["early"], _run("baseline", 1)) == ("Baseline 2021–2030, seed 1 (A)", "Baseline 2021–2030, seed 1 (B)")
    with pytest.raises(ValueError, match="two scenario names"):
        charts.formats_chart(models["early"], other, names=("only one",))


def test_histogram_shows_the_models_runs_the_students_and_the_marked_prediction():
    values = np.random.default_rng(3).normal(0.5, 0.05, 100)
    label = "Russia's security share in Tajikistan, 2026"
    spec = charts.prediction_histogram(_verdict(values, 0.45), label, [0.3, 0.5, 0.5, 0.9]).to_dict()
    assert spec["title"]["text"] == label
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "bar", "rule"]
    runs, students, marked = (_layer_rows(spec, k) for k in range(3))
    assert sum(row["n"] for row in runs) == 100 and {row["series"] for row in runs} == {"model runs"}
    assert sum(row["n"] for row in students) == 4 and {row["series"] for row in students} == {"students' predictions"}
    assert marked == [{"value": 0.45, "series": "your prediction: 0.45"}]
    assert np.isclose(sum(row["share"] for row in runs), 1.0) and np.isclose(sum(row["share"] for row in students), 1.0)
    assert min(row["lo"] for row in students) <= 0.3 and max(row["hi"] for row in students) >= 0.9, "the x axis covers every student"
    axis_titles = [v["title"] for k, v in _walk(spec) if k == "x" and isinstance(v, dict) and "title" in v]
    assert "value (share)" in axis_titles, "the unit is on the axis"
    alone = charts.prediction_histogram(_verdict(values, 0.45), label).to_dict()
    assert [layer["mark"]["type"] for layer in alone["layer"]] == ["bar", "rule"]
    assert "students' predictions" not in json.dumps(alone)


def test_histogram_bins_cover_the_predictions_and_a_batch_of_equal_values():
    values = np.linspace(0.4, 0.6, 20)
    edges = charts.histogram_bins(values, [0.1, 0.95])
    assert edges[0] <= 0.1 and edges[-1] >= 0.95
    assert np.allclose(np.diff(edges), np.diff(edges)[0]), "bins of one width"
    assert len(charts.histogram_bins(values, [1e6])) == 41, "a wild prediction caps the bins rather than making millions"
    same = charts.histogram_bins(np.full(20, 3.0))
    assert same[0] < 3.0 < same[-1]
    spec = charts.prediction_histogram(_verdict(np.full(20, 3.0), 2.0, "US$ bn/yr"), "Re-exports").to_dict()
    assert _layer_rows(spec, 0)[0]["n"] == 20
    with pytest.raises(ValueError, match="no finite value"):
        charts.prediction_histogram(_verdict(np.array([np.nan]), 1.0), "nothing")


def _all_charts(models: dict[str, SeminarModel], **options: Any) -> list[Any]:
    verdict = _verdict(np.linspace(0.2, 0.8, 30), 0.5)
    return [*charts.explore_charts(models["early"], **options), *charts.explore_charts(models["end"], models["escalation"], **options),
            charts.prediction_histogram(verdict, "Regional cohesion, 2030", [0.3, 0.6], **options)]


def test_every_text_goes_through_the_translator(models):
    def tr(text: str) -> str:
        return f"«{text}»"

    for chart in _all_charts(models, tr=tr):
        spec = chart.to_dict()
        shown = [v for k, v in _walk(spec) if k in ("title", "text", "subtitle") and isinstance(v, str)]
        shown += [line for k, v in _walk(spec) if k == "subtitle" and isinstance(v, list) for line in v]
        shown += [row[key] for row in _data_rows(spec) for key in ("state", "bloc", "series", "scenario") if isinstance(row.get(key), str)]
        untranslated = sorted({text for text in shown if not text.startswith("«")})
        assert not untranslated, f"shown without the translator: {untranslated}"


def test_fonts_are_at_least_14_px_and_the_themes_differ(models):
    for chart in _all_charts(models):
        sizes = [v for k, v in _walk(chart.to_dict()) if k.lower().endswith("fontsize")]
        assert sizes and min(sizes) >= charts.FONT_PX >= 14
    light, dark = charts.theme_config("light"), charts.theme_config("dark")
    assert light["axis"]["labelColor"] != dark["axis"]["labelColor"]
    assert dark["title"]["color"] == charts.THEMES["dark"]["text"]
    config = charts.formats_chart(models["early"], theme="dark").to_dict()["config"]
    themed = ("axis", "legend", "title", "background")
    assert {key: config[key] for key in themed} == {key: dark[key] for key in themed}
    with pytest.raises(ValueError, match="unknown theme"):
        charts.formats_chart(models["early"], theme="sepia")


def test_width_is_the_containers_or_given(models):
    assert charts.corridor_chart(models["early"]).to_dict()["width"] == "container"
    assert charts.corridor_chart(models["early"], width=420).to_dict()["width"] == 420
    wide, narrow = (charts.alignment_chart(models["early"], width=w).to_dict()["spec"]["width"] for w in (700, 500))
    assert wide - narrow == 200


# ------------------------------------------------------------------ offline assets


def test_offline_folder_serves_the_vega_major_versions_and_the_katex_stand_in(tmp_path):
    bundled = tmp_path / "bundled"
    for name in ("vega@5.2.0", "vega@5.21.0", "vega-lite@5.2.0", "vega-embed@6.20.2", "requirejs@2.3.6"):
        (bundled / name / "build").mkdir(parents=True)
        (bundled / name / "build" / "file.js").write_text(name)
    assert newest_bundled(bundled, "vega@5") == bundled / "vega@5.21.0", "5.21 is newer than 5.2"
    assert newest_bundled(bundled, "vega@6") is None
    served = make_offline_folder(bundled, tmp_path / "served")
    for alias in ALIASES:
        assert (served / alias / "build" / "file.js").read_text() == newest_bundled(bundled, alias).name
    assert (served / "requirejs@2.3.6" / "build" / "file.js").read_text() == "requirejs@2.3.6", "every bundled entry is served too"
    for name, text in KATEX_FILES.items():
        assert (served / KATEX / name).read_text() == text


def test_install_points_solara_at_the_offline_folder_once_per_process():
    code = ("import solara.server.settings as s\n"
            "from multivector.analysis.seminar.assets import install_offline_assets, bundled_folder\n"
            "before = s.assets.proxy_cache_dir\n"
            "first, second = install_offline_assets(), install_offline_assets()\n"
            "assert first == second == s.assets.proxy_cache_dir != before, (first, second, before)\n"
            "assert bundled_folder() == before\n"
            "for path in ('vega@5/build/vega.min.js', 'vega-lite@5/build/vega-lite.min.js', 'vega-embed@6/build/vega-embed.min.js',\n"
            "             'katex@0.16.9/dist/contrib/auto-render.min.js', 'requirejs@2.3.6/require.js'):\n"
            "    assert (first / path).is_file(), path\n"
            "print(first)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert not Path(done.stdout.strip()).exists(), "the folder goes when the process ends"


# ------------------------------------------------------------------ in a browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _without_browser(reason: str) -> None:
    """Skip, saying what is missing; fail instead when the environment requires the browser tests."""
    if os.environ.get(REQUIRE_BROWSER):
        pytest.fail(f"{reason} ({REQUIRE_BROWSER} is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _without_browser("browser test skipped: the 'playwright' Python package is missing (pip install -e '.[test]')")
    executable = next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)
    if executable is None:
        _without_browser("browser test skipped: no Chromium found on the PATH (looked for chromium, chromium-browser); "
                         "install it with 'apt install chromium' on Debian/Ubuntu")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def charts_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The charts page served by ``python -m solara run``, as the seminar page is, until the module's tests are done."""
    port = _free_port()
    log = tmp_path_factory.mktemp("charts-server") / "server.log"
    command = [sys.executable, "-m", "solara", "run", str(PAGE), "--host", "127.0.0.1", "--port", str(port),
               "--production", "--no-check-version"]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"the charts page's server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(address, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the charts page did not answer at {address} within {STARTUP_S} s:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
def test_charts_render_offline_with_no_failed_request(browser, charts_url):
    """Every request off this machine is aborted; every chart draws, no request fails, no console error, dollars stay."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    off_machine: list[str] = []
    failed: list[str] = []
    errors: list[str] = []

    def route(request_route: Any) -> None:
        if urlparse(request_route.request.url).hostname in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            off_machine.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("requestfailed", lambda request: failed.append(f"{request.url}: {request.failure}"))
    page.on("response", lambda response: failed.append(f"{response.url}: {response.status}") if response.status >= 400 else None)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(charts_url)
        for name in ("alignment", "headline", "corridors", "formats", "histogram", "compare", "dark"):
            page.locator(f".chart-{name}").locator("svg, canvas").first.wait_for(timeout=DRAW_MS)
        page.locator(".markdown-check").wait_for()
        assert "US$ bn a year; a fine of US$ 2 m" in page.locator(".solara-markdown").first.inner_text(), "no formula between the dollars"
        for text in ("Alignment by bloc: security", "Kazakhstan", "Headline outcomes", "students' predictions", "Sanctions escalation"):
            assert page.locator("svg text", has_text=text).count(), f"no {text!r} drawn"
        page.wait_for_timeout(1000)  # late requests (fonts, KaTeX) have come in
        folder = os.environ.get("SEMINAR_SCREENSHOTS")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=Path(folder) / "charts-1366x768.png")
            page.set_viewport_size({"width": 1366, "height": 3400})  # the whole column: Solara scrolls inside the page
            page.wait_for_timeout(500)
            page.screenshot(path=Path(folder) / "charts-whole-column.png")
    finally:
        context.close()
    assert not off_machine, f"the page asked the network for {off_machine}"
    assert not failed, f"failed requests: {failed}"
    assert not errors, f"console errors: {errors}"
