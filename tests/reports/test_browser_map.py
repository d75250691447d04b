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
from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

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


@pytest.fixture
def page(browser, live_map):  # noqa: F811
    """A phone-sized page (390 x 844 CSS pixels) on the live app; console errors (CSP
    violations, script errors) are kept on `page.errors`."""
    base, _ = live_map
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2)
    context.set_default_timeout(20_000)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda m: m.type == "error" and "favicon" not in (m.location or {}).get(
        "url", "") and pg.errors.append(f"console: {m.text} {m.location}"))
    yield pg
    context.close()


def test_public_map_for_an_anonymous_visitor(live_map, page):
    _, (published, unpublished) = live_map
    page.goto("/reports/map")
    box = page.locator("#reports-map")
    page.wait_for_selector("#reports-map[data-shown='1']")
    assert box.is_visible()
    point = page.locator("#reports-map circle.report-point")
    assert point.count() == 1 and point.get_attribute("data-reference") == published
    # Coarsened: the point is drawn at 25.3 E, 13.6 N (x = lon + 180, y = 90 - lat).
    assert float(point.get_attribute("cx")) == pytest.approx(205.3)
    assert float(point.get_attribute("cy")) == pytest.approx(76.4)
    land = page.locator("#reports-map path.land").first
    assert len(land.get_attribute("d")) > 10000  # the world's outlines were drawn
    html = page.content()
    assert published in html and unpublished not in html and "555 0101" not in html
    page.click("#reports-map .zoom-in")
    assert box.get_attribute("data-zoom") == "2.00"
    page.click("#reports-map .zoom-reset")
    assert box.get_attribute("data-zoom") == "1.00"
    assert not page.errors, page.errors  # no CSP violation, no script error


def test_location_picker_precision_follows_the_zoom(page):
    page.goto("/report")
    box = page.locator("#map-picker")
    box.wait_for(state="visible")
    svg = page.locator("#map-picker svg")
    svg.scroll_into_view_if_needed()
    svg.click()  # at the centre of the map
    lat = page.input_value("#latitude")
    lon = page.input_value("#longitude")
    assert lat and lon and "." not in lat + lon, (lat, lon)  # whole degrees on the world
    assert abs(float(lat)) <= 2 and abs(float(lon)) <= 2  # the centre of the world
    for _ in range(6):  # 64 times closer
        page.click("#map-picker .zoom-in")
    assert box.get_attribute("data-zoom") == "64.00"
    svg.click()
    lat = page.input_value("#latitude")
    decimals = len(lat.split(".")[1]) if "." in lat else 0
    assert 1 <= decimals <= 3, lat
    precision = page.locator("#map-precision")
    assert precision.is_visible() and "km" in precision.text_content()
    assert not page.errors, page.errors


def test_reviewer_map_follows_the_queue_filters(live_map, page):
    _, (published, unpublished) = live_map
    page.goto("/login")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/reports/queue")
    page.wait_for_selector("#reports-map[data-shown='2']")
    exact = page.locator("#reports-map circle.report-point")
    assert sorted(float(c.get_attribute("cx")) for c in exact.all()) == pytest.approx(
        [204.66, 205.34567])  # reviewers see the exact points
    # Words typed in the filter narrow the list and the map alike.
    page.fill("#q", "under review")
    with page.expect_navigation():
        page.click("#queue-filters button[type=submit]")
    assert "q=under+review" in page.url
    page.wait_for_selector("#reports-map[data-shown='1']")
    (point,) = page.locator("#reports-map circle.report-point").all()
    assert point.get_attribute("data-reference") == unpublished
    assert point.locator("xpath=..").get_attribute("href").endswith("/reports/2")
    assert not page.errors, page.errors
