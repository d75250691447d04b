"""In a real headless Chromium against a real server: the duty officer opens /duty, a burst of
documents arrives through the API (no command run), the page refreshes itself and shows the
alert, and the officer acknowledges it from there."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.orm import Session

from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.accounts import PASSWORD, make_users
from tests.conftest import _unavailable
from tests.live import private_key, serve
from tests.monitor.test_duty_web import BURST

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path):
    from forewarn.security.accounts import create_token, create_user
    from forewarn.web.app import create_app

    db = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(db)
    upgrade(engine)
    make_users(engine, ("reviewer",))
    with Session(engine) as s:
        feeder = create_user(s, "feeder", PASSWORD, "analyst")
        token = create_token(s, feeder, "wire")[1]
        s.commit()
    with private_key(tmp_path / "app") as keyed:
        app = create_app(Settings(data_dir=tmp_path / "app", database_url=db,
                                  secret_key=keyed.secret_key))
        with serve(app) as base:
            yield base, {"Authorization": f"Bearer {token}"}


@pytest.fixture
def browser():
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        _unavailable("Chromium or chromedriver not installed (Debian: chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(2)
    yield driver
    driver.quit()


def test_duty_view_shows_a_new_burst_by_itself_and_acknowledges_it(live, browser):
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    base, api = live
    r = httpx.post(f"{base}/api/monitor/rules", headers=api, timeout=60,
                   json={"name": "Intent to destroy", "signal": "RF10", "min_count": 3})
    assert r.status_code == 201, r.text

    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "username").send_keys("reviewer")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/login" not in d.current_url)
    browser.get(f"{base}/duty?refresh=2")
    assert "No new alerts." in browser.find_element(By.ID, "duty-alerts").text

    now = datetime.now(UTC).isoformat()
    for k, text in enumerate(BURST):
        r = httpx.post(f"{base}/api/documents", headers=api, timeout=120, json={
            "text": text, "title": f"Attack {k}", "country": "CAF", "published_at": now})
        assert r.status_code == 201, r.text

    # No reload, no command: duty.js fetches /duty.json and rebuilds the list.
    WebDriverWait(browser, 30).until(
        lambda d: "Central African Republic" in d.find_element(By.ID, "duty-alerts").text)
    assert browser.find_element(By.ID, "duty").get_attribute("data-refreshed")

    def acknowledge(d):
        # The list is rebuilt every 2 s: an element found may go stale before the click.
        item = d.find_element(By.CSS_SELECTOR, "#duty-alerts li[data-alert]")
        text = item.text
        assert "RF10" in text and "4 (expected" in text, text
        item.find_element(By.CSS_SELECTOR, "button.ack").click()
        return True

    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        acknowledge)
    WebDriverWait(browser, 20).until(ec.url_contains("/duty"))
    WebDriverWait(browser, 20).until(
        lambda d: "No new alerts." in d.find_element(By.ID, "duty-alerts").text)
    logs = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
            and "favicon" not in entry["message"]]
    assert logs == []

    inbox = httpx.get(f"{base}/monitor/alerts.json?status=acknowledged", headers=api,
                      timeout=60).json()
    (a,) = inbox["alerts"]
    assert a["acted_by"] == "reviewer" and a["country"] == "CAF"
