"""The seminar page as a person uses it: served in a child process, driven in a headless browser.

Also a plain ``SolaraViz`` page around ``MultivectorModel`` as a Mesa user writes
one (``tests/data/solaraviz_page.py``), served and driven the same way.

Needs the ``playwright`` Python package (in the test extra) and Chromium on the PATH
(``chromium`` or ``chromium-browser``; ``apt install chromium`` on Debian/Ubuntu). Without
either they are skipped, saying what to install; with ``MULTIVECTOR_REQUIRE_BROWSER=1``
(CI sets it) they fail instead.
Screenshots go to the folder named by ``SEMINAR_SCREENSHOTS`` (default: pytest's
temporary folder), to keep as artifacts.
"""

from __future__ import annotations

import contextlib
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

from multivector.analysis.seminar.server import ROOT, start

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


@contextlib.contextmanager
def _serving(tmp_path_factory: pytest.TempPathFactory, name: str, launch) -> Iterator[str]:
    """Start a page's server with ``launch(port, stdout=…, stderr=…)``, yield its address once it answers, then stop it."""
    port = _free_port()
    log = tmp_path_factory.mktemp(name) / "server.log"
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


@pytest.fixture
def page(browser, url):
    """A fresh session on the page, once its controls and first figures are drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(UI_MS)
    tab.goto(url)
    tab.get_by_text("Controls", exact=True).first.wait_for()
    tab.wait_for_function("document.querySelectorAll('img').length >= 4")
    yield tab
    context.close()


def _quarter(page) -> str:
    return page.locator(".seminar-quarter").inner_text()


def _image_sources(page) -> list[str]:
    return page.eval_on_selector_all("img", "els => els.map(e => e.src)")


def test_explore_tab_renders_the_views(page, shots):
    for title in ("Alignment by bloc", "Headline outcomes", "Corridors", "Formats", "Event log", "Model Parameters"):
        assert page.get_by_text(title, exact=True).first.is_visible(), title
    assert page.get_by_text("sanctions.secondary_cost").first.is_visible()
    assert _quarter(page) == "nothing yet"
    page.screenshot(path=shots / "01-explore-start.png", full_page=True)


def test_step_advances_a_quarter_and_redraws(page, shots):
    before = _image_sources(page)
    page.get_by_role("button", name="Step").click()
    page.locator(".seminar-quarter", has_text="2021Q1").wait_for()
    page.wait_for_function("before => document.querySelector('img') && [...document.querySelectorAll('img')]"
                           ".some((e, i) => e.src !== before[i])", arg=before)
    page.get_by_role("button", name="Run to the end").click()
    page.locator(".seminar-quarter", has_text="2030Q4").wait_for()
    log = page.get_by_text("sanctions package on Russia (intensity 0.7)").first
    log.wait_for()
    assert page.get_by_text("unrest in Kazakhstan (severity 0.9)").first.is_visible()
    page.screenshot(path=shots / "02-explore-run-to-end.png", full_page=True)


def test_switching_scenario_rebuilds_model_and_sliders(page, shots):
    page.locator(".v-select").filter(has_text="Scenario").first.click()
    page.get_by_role("option", name="sanctions_escalation").click()
    page.get_by_text("Sanctions escalation", exact=False).first.wait_for()
    page.get_by_text("Controls", exact=True).first.wait_for()
    assert _quarter(page) == "nothing yet"
    page.get_by_role("button", name="Step").click()
    page.locator(".seminar-quarter", has_text="2021Q1").wait_for()
    page.screenshot(path=shots / "03-scenario-switched.png", full_page=True)


def test_predict_then_run_shows_the_distribution(page, shots):
    page.get_by_role("tab", name="Predict, then run").click()
    prediction = page.get_by_label("Your prediction")
    prediction.fill("0.4")
    prediction.press("Enter")
    page.get_by_role("button", name="Run 20 seeds").click()
    verdict = page.locator(".seminar-verdict")
    verdict.wait_for()
    assert "of 20 runs lie above your prediction 0.4" in verdict.inner_text()
    page.screenshot(path=shots / "04-predict-then-run.png", full_page=True)


def test_play_mode_moves_one_quarter_against_the_model(page, shots):
    page.get_by_role("tab", name="Play a state").click()
    page.get_by_role("button", name="Start a new game").click()
    page.locator(".v-select").filter(has_text="security: this quarter").first.click()
    page.get_by_role("option", name="lean to the West").click()
    page.get_by_role("button", name="Play one quarter").click()
    score = page.locator(".seminar-play", has_text="Played through 2021Q1")
    score.wait_for()
    assert "the model's rule" in score.inner_text()
    page.screenshot(path=shots / "05-play-one-quarter.png", full_page=True)


def test_model_card_tab(page, shots):
    page.get_by_role("tab", name="Model card").click()
    page.get_by_text("Multivector", exact=False).last.wait_for()
    page.screenshot(path=shots / "06-model-card.png", full_page=True)


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
        tab.screenshot(path=shots / "07-plain-solaraviz-four-steps.png", full_page=True)
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


def test_predict_then_run_over_a_posterior(browser, posterior_url, shots):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(UI_MS)
    page.goto(posterior_url)
    page.get_by_role("tab", name="Predict, then run").click()
    page.get_by_text("Draw what we do not know from the calibration", exact=False).wait_for()
    page.get_by_role("button", name="Run 20 posterior draws").click()
    verdict = page.locator(".seminar-verdict")
    verdict.wait_for()
    assert "The runs are posterior draws, each on its own seed." in verdict.inner_text()
    page.screenshot(path=shots / "04b-predict-over-the-posterior.png", full_page=True)
    context.close()
