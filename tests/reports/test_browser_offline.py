"""Real headless Chromium, offline: the service worker serves the cached form with the network
switched off (DevTools network emulation), a report with a photo waits in the browser's queue,
and when the network returns it is sent; the receipt shows the server's sha256 of the photo."""

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.reports.models import Report
from forewarn.security import SYSTEM, set_principal
from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.live import serve

from .conftest import build_app, gps_jpeg

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path, test_key):
    db = f"sqlite:///{tmp_path / 'offline.db'}"
    engine = make_engine(db)
    upgrade(engine)
    with serve(build_app(Settings(data_dir=test_key.data_dir, database_url=db))) as base:
        yield base, engine


def _network(driver, online: bool):
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", {
        "offline": not online, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": -1})


def _reports(engine):
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        return [{"reference": r.reference, "language": r.language, "note": r.occurred_note,
                 "precision": r.occurred_precision, "channel": r.channel,
                 "files": [(a.sha256, a.metadata_stripped) for a in r.attachments]}
                for r in s.scalars(select(Report))]


def test_offline_report_with_photo_is_queued_then_sent(live, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, engine = live
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(gps_jpeg())
    browser.get(f"{base}/report?lang=fr")
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return document.documentElement.getAttribute('data-offline-ready') === '1'"
        " && !!navigator.serviceWorker.controller"))

    _network(browser, online=False)
    browser.refresh()  # served by the service worker from its cache
    WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "what"))
    assert browser.execute_script("return navigator.onLine") is False
    assert "Que s'est-il passé" in browser.page_source.replace("&#39;", "'")
    browser.find_element(By.ID, "what").send_keys("Des hommes armés ont incendié le marché")
    browser.find_element(By.ID, "place").send_keys("Tawila")
    browser.find_element(By.ID, "occurred_note").send_keys("hier soir")
    browser.find_element(By.ID, "attachments").send_keys(str(photo))
    browser.find_element(By.ID, "submit").click()
    panel = browser.find_element(By.ID, "offline-queue")
    WebDriverWait(browser, 20).until(lambda d: panel.get_attribute("data-queued") == "1")
    assert panel.is_displayed()
    queued = browser.find_element(By.CSS_SELECTOR, "#queued-reports li").text
    assert "Des hommes armés" in queued and "1" in queued
    assert browser.find_element(By.ID, "offline-status").is_displayed()
    assert _reports(engine) == []  # nothing left the device

    _network(browser, online=True)
    WebDriverWait(browser, 60).until(lambda d: panel.get_attribute("data-sent") == "1")
    assert panel.get_attribute("data-queued") == "0"
    reference = browser.find_element(By.CSS_SELECTOR, "#sent-reports .reference").text
    shown = browser.find_element(By.CSS_SELECTOR, "#sent-reports .sha256").text
    assert shown == hashlib.sha256(photo.read_bytes()).hexdigest()
    (report,) = _reports(engine)
    assert report["reference"] == reference and report["language"] == "fr"
    assert report["note"] == "hier soir" and report["precision"] == "approximate"
    assert report["files"] == [(shown, True)]

    # The receipt stays on the device after a reload, until the reporter removes it.
    browser.refresh()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "offline-queue").get_attribute("data-sent") == "1")
    browser.find_element(By.ID, "forget-receipts").click()
    WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "offline-queue").get_attribute("data-sent") == "0")
    assert not browser.find_element(By.ID, "offline-queue").is_displayed()
