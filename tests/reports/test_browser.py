"""A real headless Chromium on a phone-sized screen: a report with a photo in two languages,
a reviewer who opens (and, with the evidence register, verifies) it, and an anonymous visitor
who cannot see it."""

import shutil

import pytest

from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.conftest import _unavailable
from tests.live import serve

from .conftest import build_app, gps_jpeg, make_users

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path, test_key):
    db = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(db)
    upgrade(engine)
    make_users(engine, ("reviewer",))
    app = build_app(Settings(data_dir=tmp_path / "app", database_url=db))
    with serve(app) as base:
        yield base


@pytest.fixture
def browser():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        _unavailable("Chromium or chromedriver not installed (Debian: chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--window-size=390,844"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    # A phone's screen (headless windows cannot be narrower than 500 px).
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": False})
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def _submit(driver, base, lang, photo, what):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{base}/report?lang={lang}")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    driver.find_element(By.ID, "what").send_keys(what)
    driver.find_element(By.ID, "place").send_keys("Tawila")
    driver.find_element(By.ID, "contact").send_keys("+249 555 0101")
    driver.find_element(By.ID, "attachments").send_keys(str(photo))
    # pow.js solves the challenge and hides the arithmetic question.
    WebDriverWait(driver, 20).until(
        lambda d: d.find_element(By.ID, "pow_counter").get_attribute("value"))
    assert not driver.find_element(By.ID, "challenge-question").is_displayed()
    width, viewport = driver.execute_script(
        "return [document.getElementById('report-form').getBoundingClientRect().width,"
        " window.innerWidth]")
    assert viewport <= 400 and width <= viewport, "the form must fit a phone screen"
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 20).until(ec.presence_of_element_located((By.ID, "reference")))
    return driver.find_element(By.ID, "reference").text, driver.page_source


def test_phone_report_in_two_languages_reviewed_and_hidden_from_public(live, browser,
                                                                        tmp_path):
    from selenium.webdriver.common.by import By

    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg())
    ref_fr, page = _submit(browser, live, "fr", photo, "Des hommes armés ont incendié le marché")
    assert "Merci" in page and ref_fr.startswith("R-")
    ref_ar, page = _submit(browser, live, "ar", photo, "رجال مسلحون أحرقوا السوق في الفجر")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"

    # An anonymous visitor sees neither the queue nor the report.
    browser.get(f"{live}/reports/1")
    assert ref_fr not in browser.page_source and "Sign in" in browser.page_source
    browser.get(f"{live}/reports.json")
    assert ref_fr not in browser.page_source

    # A reviewer signs in, finds both reports, opens the stripped photo.
    browser.get(f"{live}/login")
    browser.find_element(By.NAME, "username").send_keys("reviewer")
    browser.find_element(By.NAME, "password").send_keys("correct horse battery staple")
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(lambda d: "/login" not in d.current_url)
    browser.get(f"{live}/reports")
    assert ref_fr in browser.page_source and ref_ar in browser.page_source, \
        browser.find_element(By.TAG_NAME, "main").text
    browser.get(f"{live}/reports/1")
    assert "+249 555 0101" not in browser.page_source  # no consent given: admins only
    link = browser.find_element(By.CSS_SELECTOR, "a[href='/reports/1/files/1']")
    assert "image" in link.text

    browser.find_element(By.ID, "incident_title").clear()
    browser.find_element(By.ID, "incident_title").send_keys("Tawila market arson")
    browser.find_element(By.ID, "verify-country").send_keys("SDN")
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support import expected_conditions as ec

    form = browser.find_element(By.ID, "verify-form")
    browser.find_element(By.CSS_SELECTOR, "#verify-form button").click()
    # The verify POST redirects back to the report: wait for the new page, not the old one.
    WebDriverWait(browser, 20).until(ec.staleness_of(form))
    WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "verified" in d.find_element(By.ID, "status").text)
    assert browser.find_element(By.ID, "incident").text.startswith("incident")
    # Verified but not published: still invisible to the public.
    browser.delete_all_cookies()
    browser.get(f"{live}/reports/1")
    assert "Des hommes armés" not in browser.page_source
