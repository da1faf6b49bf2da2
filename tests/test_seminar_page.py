"""The seminar page as a person uses it: served in a child process, driven in a headless browser.

A lecturer's questions, in order: does the page show the scenario asked for
after Reset and Run; are the cards apart and the text large enough at 1366×768
and 1920×1080; does the page speak Chinese; can two worlds be set side by side;
can a class of three join, predict, see the pooled answers, export them and
play a shared quarter. Also a plain ``SolaraViz`` page around ``MultivectorModel``
as a Mesa user writes one (``tests/data/solaraviz_page.py``), served and driven
the same way.

Needs the ``playwright`` Python package (in the test extra) and Chromium on the PATH
(``chromium`` or ``chromium-browser``; ``apt install chromium`` on Debian/Ubuntu). Without
either they are skipped, saying what to install; with ``MULTIVECTOR_REQUIRE_BROWSER=1``
(CI sets it) they fail instead.
Screenshots go to the folder named by ``SEMINAR_SCREENSHOTS`` (default: pytest's
temporary folder), to keep as artifacts. The seminar page's tests take minutes and are
marked slow (CI runs them once); the plain SolaraViz page, which checks Mesa's own
visualisation, runs on every interpreter.
"""

from __future__ import annotations

import contextlib
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from multivector.analysis.seminar.classroom import CODE_ENV, TOKEN_ENV
from multivector.analysis.seminar.i18n import translator
from multivector.analysis.seminar.server import CLASS_ENV, ROOT, start

PLAIN_PAGE = Path(__file__).resolve().parent / "data" / "solaraviz_page.py"
"""A plain SolaraViz page around MultivectorModel, as a Mesa user writes one."""
CHROMIUM_NAMES = ("chromium", "chromium-browser")
"""Names of Chromium's executable looked for on the PATH (Debian's package installs ``/usr/bin/chromium``)."""
REQUIRE_BROWSER = "MULTIVECTOR_REQUIRE_BROWSER"
"""Environment variable: when set (CI), a missing browser fails the tests instead of skipping them."""
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
STARTUP_S = 90
"""The server imports Mesa, Solara and the model; a loaded CI machine needs a while."""
UI_MS = 45_000
"""Longest wait for the page to answer a click (a re-render of several figures)."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the page's server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    pytest.fail(f"the page did not answer at {url} within {STARTUP_S} s:\n{log.read_text()[-3000:]}")


SERVER_LOGS: dict[str, Path] = {}
"""Server name → its log, for tests that read what the server wrote."""


@contextlib.contextmanager
def _serving(tmp_path_factory: pytest.TempPathFactory, name: str, launch) -> Iterator[str]:
    """Start a page's server with ``launch(port, stdout=…, stderr=…)``, yield its address once it answers, then stop it."""
    port = _free_port()
    log = SERVER_LOGS[name] = tmp_path_factory.mktemp(name) / "server.log"
    with log.open("w") as out:
        process = launch(port, stdout=out, stderr=subprocess.STDOUT)
    address = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(address, process, log)
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serving(tmp_path_factory, "seminar-server", start) as address:
        yield address


def _start_plain_page(port: int, **popen: object) -> subprocess.Popen:
    command = [sys.executable, "-m", "solara", "run", str(PLAIN_PAGE), "--host", "127.0.0.1", "--port", str(port),
               "--production", "--no-check-version"]
    return subprocess.Popen(command, cwd=ROOT, **popen)  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def plain_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _serving(tmp_path_factory, "plain-solaraviz-server", _start_plain_page) as address:
        yield address


def find_chromium() -> str | None:
    """Chromium's executable on the PATH, or ``None``."""
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _without_browser(reason: str) -> None:
    """Skip the test saying what is missing; fail instead when the environment requires the browser tests."""
    if os.environ.get(REQUIRE_BROWSER):
        pytest.fail(f"{reason} ({REQUIRE_BROWSER} is set)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _without_browser("browser test skipped: the 'playwright' Python package is missing (pip install -e '.[test]')")
    executable = find_chromium()
    if executable is None:
        _without_browser("browser test skipped: no Chromium found on the PATH (looked for chromium, chromium-browser); "
                         "install it with 'apt install chromium' on Debian/Ubuntu")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("SEMINAR_SCREENSHOTS") or tmp_path_factory.mktemp("seminar-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


CLASS_CODE = "K7M3QX"
"""The join code the class-mode server is started with (as ``run.py viz --class`` would make one)."""
CLASS_TOKEN = "lecturer-secret-for-the-browser-test"
"""Its lecturer token."""


@pytest.fixture(scope="module")
def class_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page served in class mode, as ``run.py viz --class`` serves it (here on this machine only)."""

    def launch(port: int, **popen: Any) -> subprocess.Popen:
        environment = {**os.environ, CLASS_ENV: f"http://127.0.0.1:{port}/", CODE_ENV: CLASS_CODE, TOKEN_ENV: CLASS_TOKEN}
        return start(port, env=environment, **popen)

    with _serving(tmp_path_factory, "class-server", launch) as address:
        yield address


def _open(browser, url: str, width: int = 1366, height: int = 768):
    """A new browser context and its page at ``url``, once the controls are drawn."""
    context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(UI_MS)
    tab.goto(url)
    tab.get_by_role("button", name="Step one quarter").wait_for()
    return context, tab


@pytest.fixture
def page(browser, url):
    """A fresh session on the page at a projector's 1366×768, once its controls and first charts are drawn."""
    context, tab = _open(browser, url)
    _charts_drawn(tab)
    yield tab
    context.close()


def _charts_drawn(tab, at_least: int = 4) -> None:
    """Wait until Vega-Lite has drawn at least this many charts (each an SVG or a canvas inside its embed)."""
    tab.wait_for_function("n => document.querySelectorAll('.vega-embed svg, .vega-embed canvas').length >= n", arg=at_least)


def _run_card_quarter(tab) -> str:
    return tab.locator(".seminar-quarter").first.inner_text()


def _headline(tab) -> str:
    return tab.locator(".seminar-headline").first.inner_text()


def _click_when_single(tab, name: str) -> None:
    """Click the one button named ``name`` once the page has settled (a redraw may show the old button beside the new one)."""
    buttons = tab.get_by_role("button", name=name)
    buttons.first.wait_for()
    tab.wait_for_function("name => [...document.querySelectorAll('button')].filter(b => b.innerText.trim() === name).length === 1",
                          arg=name)
    buttons.click()


def _choose(tab, label: str, option: str) -> None:
    """Pick an option of the Vuetify select labelled ``label``."""
    tab.locator(".v-select").filter(has_text=label).first.click()
    tab.get_by_role("option", name=option).first.click()


@pytest.mark.slow
def test_explore_shows_plain_words_and_no_mesa_internals(page, shots):
    for title in ("Alignment by bloc", "Headline outcomes", "Event log", "Transport corridors", "Cooperation formats", "Levers"):
        assert page.get_by_text(title, exact=True).first.is_visible(), title
    body = page.inner_text("body")
    for internal in ("Play Interval", "Render Interval", "Use Threads", "PAGE 0", "Model Parameters", "sanctions.secondary_cost",
                     "powers.RUS", "This website runs on"):
        assert internal not in body, internal
    assert page.get_by_text("Sanctions — secondary cost").first.is_visible()
    assert page.get_by_text("Russia — capacity growth").first.is_visible()
    assert "-2 %/yr" in body, "a lever shows its value with its unit"
    assert "Kazakhstan" in body and "KAZ" not in body, "states by name, not code"
    page.screenshot(path=shots / "01-explore-start-1366.png")


@pytest.mark.slow
def test_every_view_redraws_on_every_step(page, shots):
    page.get_by_role("button", name="Step one quarter").click()
    page.locator(".seminar-quarter", has_text="2021Q1").wait_for()
    assert "simulated through 2021Q1" in _headline(page)
    page.get_by_text("The region in 2021Q1").wait_for()
    page.get_by_role("button", name="Run to the end").click()
    page.locator(".seminar-quarter", has_text="2030Q4").wait_for()
    assert "simulated through 2030Q4" in _headline(page)
    page.get_by_text("The region in 2030Q4").wait_for()
    entry = page.locator(".seminar-log li", has_text="sanctions package on Russia (intensity 0.7)").first
    entry.wait_for()
    entry.locator("summary").first.click()
    assert re.search(r"why: [A-Z]{2}\d{2}-\d{2}", entry.inner_text()), "each event names the claims behind it"
    page.screenshot(path=shots / "02-explore-run-to-end-1366.png", full_page=True)


@pytest.mark.slow
def test_reset_keeps_the_scenario_seed_and_levers(page, shots):
    title = "Sanctions escalation: fuller packages and harder secondary enforcement from 2025"
    _choose(page, "Scenario", title)
    page.locator(".seminar-headline", has_text=title).wait_for()
    assert page.get_by_text("Sanctions package on Russia — intensity, from 2025Q1").first.is_visible(), "the scenario's own levers"
    seed = page.get_by_label("Seed (chance: unrest, format upgrades, designations)")
    seed.fill("5")
    seed.press("Enter")
    page.locator(".seminar-headline", has_text="Seed 5").wait_for()
    page.get_by_role("button", name="Run a year").click()
    page.locator(".seminar-quarter", has_text="2021Q4").wait_for()
    page.get_by_role("button", name="Reset").click()
    page.locator(".seminar-quarter", has_text="the start").wait_for()
    assert title in _headline(page) and "Seed 5" in _headline(page), "Reset keeps the scenario and the seed"
    page.get_by_role("button", name="Run to the end").click()
    page.locator(".seminar-quarter", has_text="2030Q4").wait_for()
    assert title in _headline(page), "a run after Reset is the chosen scenario's"
    assert page.get_by_text("Sanctions package on Russia — intensity, from 2025Q1").first.is_visible()
    page.get_by_text("sanctions package on Russia (intensity 0.95)").first.wait_for()
    page.screenshot(path=shots / "03-reset-keeps-the-scenario.png", full_page=True)


OVERLAP_JS = """() => {
  const boxes = [...document.querySelectorAll('.seminar-card')].map(e => e.getBoundingClientRect())
    .filter(b => b.width > 0 && b.height > 0);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (w > 1 && h > 1) hits.push([i, j, Math.round(w), Math.round(h)]);
  }
  return {count: boxes.length, hits};
}"""
"""Every pair of visible cards whose boxes overlap by more than a pixel each way."""

SMALL_TEXT_JS = """() => [...document.querySelectorAll('.seminar-page *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) && e.getClientRects().length)
  .filter(e => parseFloat(getComputedStyle(e).fontSize) < 14)
  .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40) + ' (' + getComputedStyle(e).fontSize + ')')"""
"""Visible page text (outside the charts, which Vega draws) set in less than 14 px."""


@pytest.mark.slow
@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1920, 1080)], ids=["projector-1366x768", "full-hd-1920x1080"])
def test_cards_never_overlap_and_text_is_at_least_14_px(browser, url, shots, width, height):
    context, tab = _open(browser, url, width, height)
    try:
        tab.get_by_role("button", name="Run to the end").click()
        tab.locator(".seminar-quarter", has_text="2030Q4").wait_for()
        _charts_drawn(tab)
        layout = tab.evaluate(OVERLAP_JS)
        assert layout["count"] >= 9, layout
        assert not layout["hits"], f"overlapping cards at {width}×{height}: {layout['hits']}"
        assert not tab.evaluate(SMALL_TEXT_JS), tab.evaluate(SMALL_TEXT_JS)[:10]
        tab.get_by_text("Presentation mode (larger type)").click()
        tab.wait_for_function("parseFloat(getComputedStyle(document.querySelector('.seminar-page')).fontSize) >= 20")
        assert not tab.evaluate(OVERLAP_JS)["hits"], "presentation mode keeps the cards apart"
        tab.screenshot(path=shots / f"04-layout-{width}x{height}-presentation.png")
        tab.get_by_role("button", name="Dark").click()
        tab.wait_for_function("getComputedStyle(document.querySelector('.seminar-page')).backgroundColor === 'rgb(18, 18, 18)'")
        tab.screenshot(path=shots / f"05-layout-{width}x{height}-dark.png")
    finally:
        context.close()


@pytest.mark.slow
def test_the_language_switch_turns_the_page_chinese(page, shots):
    zh = translator("zh")
    _choose(page, "Language", "中文")
    page.get_by_role("tab", name=zh("Explore")).wait_for()
    for message in ("Side by side", "Predict, then run", "Step one quarter", "Event log"):
        assert page.get_by_text(zh(message)).first.is_visible(), message
    assert zh("Kazakhstan") in page.inner_text("body")
    page.get_by_role("button", name=zh("Step one quarter")).click()
    page.locator(".seminar-quarter", has_text="2021Q1").wait_for()
    _charts_drawn(page)
    page.screenshot(path=shots / "06-chinese-explore.png")
    page.get_by_role("tab", name=zh("Model card")).click()
    page.get_by_role("heading", name=re.compile("模型卡")).first.wait_for()
    page.wait_for_timeout(1000)  # the tab's slide-in animation
    page.screenshot(path=shots / "06b-chinese-model-card.png")


@pytest.mark.slow
def test_side_by_side_draws_two_worlds_on_the_same_axes(page, shots):
    page.get_by_role("tab", name="Side by side").click()
    page.get_by_text("Other scenario").first.wait_for()
    _charts_drawn(page, 5)
    svg_text = page.eval_on_selector_all(".vega-embed svg", "els => els.map(e => e.textContent).join(' ')")
    assert "Baseline 2021–2030" in svg_text and "De-Russification" in svg_text, "the legend names both scenarios"
    page.get_by_role("button", name="Against this scenario with a claim switched off").click()
    page.get_by_text("Claim switched off").first.wait_for()
    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed svg')].some(e => e.textContent.includes(', without '))")
    page.screenshot(path=shots / "07-side-by-side.png", full_page=True)


@pytest.mark.slow
def test_predict_then_run_labels_a_typed_metric_as_typed(page, shots):
    page.get_by_role("tab", name="Predict, then run").click()
    prediction = page.get_by_label("Your prediction")
    prediction.fill("0.4")
    prediction.press("Enter")
    page.get_by_role("button", name="Run the model 100 times").click()
    verdict = page.locator(".seminar-verdict")
    verdict.wait_for()
    assert "of 100 runs lie above your prediction 0.4" in verdict.inner_text()
    metric = page.get_by_label("Metric (the model's syntax; edit it to ask something else)")
    metric.fill("influence[power=GBR]@2026")
    metric.press("Enter")
    page.get_by_role("button", name="Run the model 100 times").click()
    page.wait_for_function("() => [...document.querySelectorAll('.vega-embed svg')].some(e => e.textContent.includes('influence[power=GBR]@2026'))")
    svg_text = page.eval_on_selector_all(".vega-embed svg", "els => els.map(e => e.textContent).join(' ')")
    assert "Russia's security share in Tajikistan" not in svg_text, "a typed metric is not shown under the menu's label"
    page.screenshot(path=shots / "08-predict-then-run.png", full_page=True)


@pytest.mark.slow
def test_play_mode_ends_in_a_scorecard_not_the_models_utility(page, shots):
    page.get_by_role("tab", name="Play a state").click()
    page.get_by_role("button", name="Start a new game").click()
    _choose(page, "Security this quarter", "lean to the West")
    page.get_by_role("button", name="Play one year").click()
    page.locator(".seminar-play", has_text="played through 2021Q4").wait_for()
    table = page.locator(".seminar-table").first
    table.wait_for()
    text = table.inner_text()
    for row in ("Autonomy", "Regime security", "Growth", "Sanctions exposure", "Goodwill"):
        assert row in text, row
    assert "utility" not in page.locator(".seminar-play").inner_text().lower()
    page.screenshot(path=shots / "09-play-scorecard.png", full_page=True)


@pytest.mark.slow
def test_a_class_of_three_joins_predicts_exports_and_plays_a_quarter(browser, class_url, shots, tmp_path):
    lecturer_context, lecturer = _open(browser, f"{class_url}?lecturer={CLASS_TOKEN}", 1366, 768)
    students = [_open(browser, class_url, 1000, 800) for _ in range(3)]
    try:
        lecturer.get_by_role("tab", name="Class").click()
        lecturer.locator(".seminar-joincode", has_text=CLASS_CODE).wait_for()
        for k, (_context, tab) in enumerate(students):
            tab.get_by_role("tab", name="Class").click()
            assert tab.locator(".seminar-joincode").count() == 0, "a student never sees the join code panel"
            assert tab.get_by_role("button", name="Open the question to the class").count() == 0, "no lecturer controls"
            tab.get_by_label("Your name").fill(f"Student {k + 1}")
            tab.get_by_label("Join code").fill(CLASS_CODE.lower())
            tab.get_by_role("button", name="Join", exact=True).click()
            tab.get_by_text(f"Class: you are Student {k + 1}").wait_for()
        lecturer.get_by_text("3 joined").wait_for()
        lecturer.get_by_role("button", name="Open the question to the class").click()
        for k, (_context, tab) in enumerate(students):
            tab.get_by_role("button", name="Send my prediction").wait_for()
            answer = tab.get_by_label("Your prediction")
            answer.fill(str(0.2 + 0.2 * k))
            answer.press("Enter")
            tab.get_by_role("button", name="Send my prediction").click()
            tab.locator(".seminar-sent").wait_for()
        lecturer.get_by_text("3 answers so far").wait_for()
        lecturer.get_by_role("button", name="Close and run the model").click()
        lecturer.locator(".seminar-verdict", has_text="3 answers").wait_for()
        _charts_drawn(lecturer, 1)
        for _context, tab in students:
            tab.locator(".seminar-verdict").wait_for()
        with lecturer.expect_download() as download:
            lecturer.get_by_text("Export the answers (CSV)").click()
        exported = tmp_path / "predictions.csv"
        download.value.save_as(exported)
        rows = list(csv.DictReader(exported.open(encoding="utf-8")))
        assert sorted(row["student"] for row in rows) == ["Student 1", "Student 2", "Student 3"], rows[:1]
        lecturer.screenshot(path=shots / "10-class-lecturer-round.png", full_page=True)
        for state, (_context, tab) in zip(("Kazakhstan", "Uzbekistan", "Kyrgyzstan"), students, strict=True):
            _click_when_single(tab, f"Play {state}")
            tab.get_by_text(f"You govern {state}.").wait_for()
        seconds = lecturer.get_by_label("Seconds per quarter")
        seconds.fill("0")
        seconds.press("Enter")
        lecturer.get_by_role("button", name="Start the game").click()
        lecturer.locator(".seminar-game", has_text="Playing 2021Q1: 0 of 3").wait_for()
        for _context, tab in students:
            _click_when_single(tab, "Send my moves for 2021Q1")
        lecturer.locator(".seminar-game", has_text="Playing 2021Q2").wait_for()
        for _context, tab in students:
            tab.locator(".seminar-game", has_text="Playing 2021Q2").wait_for()
        students[0][1].screenshot(path=shots / "11-class-student-game.png", full_page=True)
        lecturer.screenshot(path=shots / "12-class-lecturer-game.png", full_page=True)
        students.pop()[0].close()  # a student leaves; the room goes on and the server keeps a clean log
        lecturer.get_by_role("button", name="Resolve this quarter now").click()
        lecturer.locator(".seminar-game", has_text="Playing 2021Q3").wait_for()
        assert "Traceback" not in SERVER_LOGS["class-server"].read_text(), SERVER_LOGS["class-server"].read_text()[-3000:]
    finally:
        for context, _tab in students:
            context.close()
        lecturer_context.close()


@pytest.mark.slow
def test_model_card_tab(page, shots):
    page.get_by_role("tab", name="Model card").click()
    page.get_by_text("Multivector", exact=False).last.wait_for()
    page.screenshot(path=shots / "13-model-card.png", full_page=True)




def _plot_source(page) -> str:
    return page.eval_on_selector_all("img", "els => els.map(e => e.src).join()")


def _mesa_counter(tab, steps: int):
    """SolaraViz's own step counter: "Step: 4" in Mesa 3.3, "Time: 4.0" in Mesa 3.5."""
    return tab.get_by_text(re.compile(rf"^(Step: {steps}|Time: {steps}(\.0)?)$")).first


def test_a_plain_solaraviz_page_around_the_model_renders_and_steps(browser, plain_url, shots):
    """``SolaraViz(MultivectorModel(), components=[...], model_params={...})`` as in Mesa's own examples."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(UI_MS)
    try:
        tab.goto(plain_url)
        tab.get_by_text("Controls", exact=True).first.wait_for()
        tab.wait_for_function("document.querySelectorAll('img').length >= 1")
        for text in ("Multivector in plain SolaraViz", "Model Parameters", "Seed", "sanctions.secondary_cost"):
            assert tab.get_by_text(text, exact=True).first.is_visible(), text
        assert _mesa_counter(tab, 0).is_visible()
        assert tab.locator(".plain-quarter").inner_text() == "nothing yet"
        assert "Missing required model parameter" not in tab.inner_text("body")
        for quarter in ("2021Q1", "2021Q2", "2021Q3", "2021Q4"):
            before = _plot_source(tab)
            tab.get_by_role("button", name="Step").click()
            tab.locator(".plain-quarter", has_text=quarter).wait_for()
            tab.wait_for_function("before => [...document.querySelectorAll('img')].map(e => e.src).join() !== before", arg=before)
        assert _mesa_counter(tab, 4).is_visible()
        tab.screenshot(path=shots / "14-plain-solaraviz-four-steps.png", full_page=True)
        tab.get_by_role("button", name="Reset").click()  # Mesa rebuilds the model from model_params: MultivectorModel(**params)
        _mesa_counter(tab, 0).wait_for()
        tab.locator(".plain-quarter", has_text="nothing yet").wait_for()
        tab.get_by_role("button", name="Step").click()
        tab.locator(".plain-quarter", has_text="2021Q1").wait_for()
        assert "error" not in tab.inner_text("body").lower()
    finally:
        context.close()


@pytest.fixture(scope="module")
def posterior_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page served as 'run.py viz --posterior FILE' serves it, with a posterior over the baseline's uncertainties."""
    import numpy as np

    from multivector.analysis.seminar.predict import POSTERIOR_ENV
    from multivector.calibration.posterior import Parameter, Posterior, write_posterior
    from multivector.scenarios import resolve
    from multivector.scenarios.designs import factors_of

    factors = factors_of(resolve("baseline"), "uncertainty")
    unit = np.random.default_rng(0).random((50, len(factors)))
    particles = np.array([[f.low + u * (f.high - f.low) for f, u in zip(factors, row, strict=True)] for row in unit])
    posterior = Posterior("baseline", tuple(Parameter(f.name, f.low, f.high) for f in factors), particles, np.full(50, 1 / 50),
                          (), (), {"name": "pyabc", "version": "test"}, 0)
    folder = tmp_path_factory.mktemp("posterior")
    path, _ = write_posterior(posterior, folder)
    def launch(port: int, **popen: Any) -> subprocess.Popen:
        return start(port, env={**os.environ, POSTERIOR_ENV: str(path)}, **popen)

    with _serving(tmp_path_factory, "posterior-server", launch) as address:
        yield address


@pytest.mark.slow
def test_predict_then_run_over_a_posterior(browser, posterior_url, shots):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(UI_MS)
    page.goto(posterior_url)
    page.get_by_role("tab", name="Predict, then run").click()
    page.get_by_text("Draw what we do not know from the calibration", exact=False).wait_for()
    page.get_by_role("button", name="Run the model 100 times").click()
    verdict = page.locator(".seminar-verdict")
    verdict.wait_for()
    assert "The runs are posterior draws, each on its own seed." in verdict.inner_text()
    page.screenshot(path=shots / "08b-predict-over-the-posterior.png", full_page=True)
    context.close()
