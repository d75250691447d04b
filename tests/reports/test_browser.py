"""A real headless Chromium on a phone-sized screen: a report with a photo in two languages,
a reviewer who opens (and, with the evidence register, verifies) it, and an anonymous visitor
who cannot see it."""

import pytest

from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.live import serve
from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

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
def phone(browser, live):  # noqa: F811
    """A phone-sized page (390 × 844 CSS pixels) on the live app."""
    context = browser.new_context(base_url=live, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2)
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _submit(page, lang, photo, what):
    page.goto(f"/report?lang={lang}")
    assert page.get_attribute("html", "lang") == lang
    page.fill("#what", what)
    page.fill("#place", "Tawila")
    page.fill("#contact", "+249 555 0101")
    page.set_input_files("#attachments", str(photo))
    # pow.js solves the challenge and hides the arithmetic question.
    page.wait_for_function("document.getElementById('pow_counter').value !== ''")
    assert not page.is_visible("#challenge-question")
    width, viewport = page.evaluate(
        "[document.getElementById('report-form').getBoundingClientRect().width,"
        " window.innerWidth]")
    assert viewport <= 400 and width <= viewport, "the form must fit a phone screen"
    page.click("#submit")
    page.wait_for_selector("#reference")
    return page.text_content("#reference"), page.content()


def test_phone_report_in_two_languages_reviewed_and_hidden_from_public(phone, tmp_path):
    page = phone
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(gps_jpeg())
    ref_fr, html = _submit(page, "fr", photo, "Des hommes armés ont incendié le marché")
    assert "Merci" in html and ref_fr.startswith("R-")
    ref_ar, html = _submit(page, "ar", photo, "رجال مسلحون أحرقوا السوق في الفجر")
    assert page.get_attribute("html", "dir") == "rtl"

    # An anonymous visitor sees neither the queue nor the report.
    page.goto("/reports/1")
    assert ref_fr not in page.content() and "Sign in" in page.content()
    page.goto("/reports.json")
    assert ref_fr not in page.content()

    # A reviewer signs in, finds both reports, opens the stripped photo.
    page.goto("/login")
    page.fill("input[name=username]", "reviewer")
    page.fill("input[name=password]", "correct horse battery staple")
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/reports")
    assert ref_fr in page.content() and ref_ar in page.content(), page.text_content("main")
    page.goto("/reports/1")
    assert "+249 555 0101" not in page.content()  # no consent given: admins only
    assert "image" in page.text_content("a[href='/reports/1/files/1']")

    page.fill("#incident_title", "Tawila market arson")
    page.fill("#verify-country", "SDN")
    # The verify POST redirects back to the report: wait for the new page, not the old one.
    with page.expect_navigation():
        page.click("#verify-form button")
    page.wait_for_function("document.getElementById('status').textContent"
                           ".includes('verified')")
    assert page.text_content("#incident").strip().startswith("incident")
    # Verified but not published: still invisible to the public.
    page.context.clear_cookies()
    page.goto("/reports/1")
    assert "Des hommes armés" not in page.content()
