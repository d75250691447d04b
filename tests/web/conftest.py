"""The analyst's web app end to end: a real uvicorn server on loopback over the real data, and
headless Chromium (Debian's `chromium`) driven by Playwright.

A machine without Chromium or Playwright skips the browser tests with a plain message; under CI
(CI=true) that is a failure, as for every missing service (tests/conftest.py `_unavailable`).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import ROOT, _unavailable
from tests.live import serve

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("FOREWARN_CHROMIUM"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _copy_sqlite(src_url: str, dest: Path) -> str:
    """A private copy of the shared imported database (its WAL included), so storing forecasts
    here never changes what other tests see."""
    src = sqlite3.connect(src_url.removeprefix("sqlite:///"))
    dst = sqlite3.connect(dest)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{dest}"


# A quick but complete run of the forecasting pipeline: the elastic net (the EWP's model
# family), hyperparameters chosen once, no bootstrap or plot files. The pages read whatever the
# stored runs hold, so the default model's slower runs need no different handling.
BACKTEST = ["backtest", "--model", "enet", "--retune-every", "31", "--bootstrap", "0",
            "--no-plots", "--country-plots", "none"]
FORECAST = ["forecast", "--model", "enet"]


def _store_forecasts(settings) -> str:
    """Run the forecasting sub-package's CLI (backtest, then forecast) into the database, so
    the pages show Forewarn's own forecast. Returns which."""
    from typer.testing import CliRunner

    from forewarn.forecast.cli import app as forecast_cli
    from forewarn.settings import get_settings
    from forewarn.web.forecast_source import FOREWARN

    env = {"FOREWARN_DATA_DIR": str(settings.data_dir),
           "FOREWARN_DATABASE_URL": settings.database_url}
    runner = CliRunner()
    get_settings.cache_clear()
    try:
        for command in (BACKTEST, FORECAST):
            result = runner.invoke(forecast_cli, command, env=env)
            assert result.exit_code == 0, (command, result.output, result.exception)
    finally:
        get_settings.cache_clear()
    return FOREWARN


@pytest.fixture(scope="session")
def web_settings(raw_dir, imported_engine, tmp_path_factory):
    """Settings for the served app: the real data and a private copy of the imported DB."""
    from forewarn.settings import Settings

    data = tmp_path_factory.mktemp("webapp")
    (data / "raw").symlink_to(raw_dir, target_is_directory=True)
    url = _copy_sqlite(str(imported_engine.url), data / "forewarn.db")
    return Settings(data_dir=data, database_url=url)


@pytest.fixture(scope="session")
def forecast_source(web_settings) -> str:
    """Which forecast the pages show: Forewarn's own (stored by its CLI) or the EWP's."""
    return _store_forecasts(web_settings)


@pytest.fixture(scope="session")
def server(web_settings, forecast_source):
    """`create_app` served by uvicorn on 127.0.0.1 (a free port the OS picked)."""
    from forewarn.web.app import create_app
    from forewarn.web.forecast_source import clear_cache

    clear_cache()
    with serve(create_app(web_settings), lifespan="on") as base:
        yield base


@pytest.fixture(scope="session")
def http(server):
    import httpx

    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for one test module: Playwright allows one sync driver per thread at a
    time, so each module (here and in other packages' browser tests) closes its own."""
    path = chromium_path()
    if path is None:
        _unavailable("Chromium not found (apt-get install chromium, or set FOREWARN_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh laptop-sized page; console errors (CSP violations, script errors) are kept on
    `page.errors` and must stay empty."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda m: m.type == "error" and "favicon" not in (m.location or {}).get(
        "url", "") and pg.errors.append(f"console: {m.text} {m.location}"))
    yield pg
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
