"""Real headless Chromium: the public map of published reports for an anonymous visitor, and
the zoomable location picker whose coordinates are only as precise as the zoom."""

import shutil

import pytest
from sqlalchemy.orm import Session

from forewarn.reports import triage
from forewarn.reports.config import ReportSettings
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import prepare, store
from forewarn.security import SYSTEM, for_role, set_principal
from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.conftest import _mirror, _unavailable
from tests.live import serve

from .conftest import PASSWORD, build_app, make_users

pytestmark = pytest.mark.browser
TOPOLOGY = "geo/world-atlas_countries-110m.json"


@pytest.fixture
def live_map(tmp_path, test_key):
    """An app whose data directory holds the world-atlas outlines (from the data mirror) and
    one published report."""
    mirror = _mirror()
    if mirror is None or not (mirror / TOPOLOGY).exists():
        _unavailable("world-atlas TopoJSON not in the data mirror (FOREWARN_MIRROR)")
    # The data directory of the test key, so the app decrypts what the fixture stored.
    settings = Settings(data_dir=test_key.data_dir, database_url=f"sqlite:///{tmp_path}/m.db")
    (settings.raw_dir / "geo").mkdir(parents=True)
    shutil.copy(mirror / TOPOLOGY, settings.raw_dir / TOPOLOGY)
    engine = make_engine(settings.database_url)
    upgrade(engine)
    make_users(engine, ("reviewer",))
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        published = store(s, settings.data_dir, ReportIn(
            what="Armed men burned the market and the houses around it", place="Tawila",
            latitude=13.61234, longitude=25.34567, contact="+249 555 0101"),
            prepare([], ReportSettings()), actor="public (web form)")
        unpublished = store(s, settings.data_dir, ReportIn(
            what="A report still under review", place="Kutum", latitude=14.2,
            longitude=24.66), prepare([], ReportSettings()), actor="public (web form)")
        s.commit()
        refs = (published.reference, unpublished.reference)
        set_principal(s, for_role("reviewer"))
        report = triage.get(s, published.id)
        triage.verify(s, report, new_incident_title="Market burned", country="SDN")
        triage.publish(s, report, "public")
        s.commit()
    with serve(build_app(settings)) as base:
        yield base, refs


def test_public_map_for_an_anonymous_visitor(live_map, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, (published, unpublished) = live_map
    browser.get(f"{base}/reports/map")
    box = browser.find_element(By.ID, "reports-map")
    WebDriverWait(browser, 20).until(lambda d: box.get_attribute("data-shown") == "1")
    assert box.is_displayed()
    point = browser.find_element(By.CSS_SELECTOR, "#reports-map circle.report-point")
    assert point.get_attribute("data-reference") == published
    # Coarsened: the point is drawn at 25.3 E, 13.6 N (x = lon + 180, y = 90 - lat).
    assert float(point.get_attribute("cx")) == pytest.approx(205.3)
    assert float(point.get_attribute("cy")) == pytest.approx(76.4)
    land = browser.find_element(By.CSS_SELECTOR, "#reports-map path.land")
    assert len(land.get_attribute("d")) > 10000  # the world's outlines were drawn
    page = browser.page_source
    assert published in page and unpublished not in page and "555 0101" not in page
    browser.find_element(By.CSS_SELECTOR, "#reports-map .zoom-in").click()
    assert box.get_attribute("data-zoom") == "2.00"
    browser.find_element(By.CSS_SELECTOR, "#reports-map .zoom-reset").click()
    assert box.get_attribute("data-zoom") == "1.00"
    logs = [e for e in browser.get_log("browser")
            if e["level"] == "SEVERE" and "favicon.ico" not in e["message"]]
    assert not logs, logs  # no CSP violation, no script error


def test_location_picker_precision_follows_the_zoom(live_map, browser):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, _ = live_map
    browser.get(f"{base}/report")
    box = browser.find_element(By.ID, "map-picker")
    WebDriverWait(browser, 20).until(lambda d: box.is_displayed())
    svg = browser.find_element(By.CSS_SELECTOR, "#map-picker svg")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    ActionChains(browser).move_to_element(svg).click().perform()
    lat = browser.find_element(By.ID, "latitude").get_attribute("value")
    lon = browser.find_element(By.ID, "longitude").get_attribute("value")
    assert lat and lon and "." not in lat + lon, (lat, lon)  # whole degrees on the world
    assert abs(float(lat)) <= 2 and abs(float(lon)) <= 2  # the centre of the world
    for _ in range(6):  # 64 times closer
        browser.find_element(By.CSS_SELECTOR, "#map-picker .zoom-in").click()
    assert box.get_attribute("data-zoom") == "64.00"
    ActionChains(browser).move_to_element(svg).click().perform()
    lat = browser.find_element(By.ID, "latitude").get_attribute("value")
    decimals = len(lat.split(".")[1]) if "." in lat else 0
    assert 1 <= decimals <= 3, lat
    precision = browser.find_element(By.ID, "map-precision")
    assert precision.is_displayed() and "km" in precision.text


def test_reviewer_map_follows_the_queue_filters(live_map, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    base, (published, unpublished) = live_map
    browser.get(f"{base}/login")
    browser.find_element(By.NAME, "username").send_keys("reviewer")
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "form [type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "/login" not in d.current_url)

    browser.get(f"{base}/reports/queue")
    box = browser.find_element(By.ID, "reports-map")
    WebDriverWait(browser, 20).until(lambda d: box.get_attribute("data-shown") == "2")
    exact = browser.find_elements(By.CSS_SELECTOR, "#reports-map circle.report-point")
    assert sorted(float(c.get_attribute("cx")) for c in exact) == pytest.approx(
        [204.66, 205.34567])  # reviewers see the exact points
    # Words typed in the filter narrow the list and the map alike.
    browser.find_element(By.ID, "q").send_keys("under review")
    browser.find_element(By.CSS_SELECTOR, "#queue-filters button[type=submit]").click()
    box = WebDriverWait(browser, 20).until(
        lambda d: d.find_element(By.ID, "reports-map")
        if "q=under+review" in d.current_url else None)
    WebDriverWait(browser, 20).until(lambda d: box.get_attribute("data-shown") == "1")
    (point,) = browser.find_elements(By.CSS_SELECTOR, "#reports-map circle.report-point")
    assert point.get_attribute("data-reference") == unpublished
    link = point.find_element(By.XPATH, "..").get_dom_attribute("href")
    assert link.endswith("/reports/2")
