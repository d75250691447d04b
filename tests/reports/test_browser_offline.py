"""Real headless Chromium, offline: the service worker serves the cached form with the network
switched off (Playwright's
`context.set_offline`), a report with a photo waits in the browser's queue,
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
from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

from .conftest import build_app, gps_jpeg

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path, test_key):
    """The app on loopback, and the paths of the requests that reached it."""
    db = f"sqlite:///{tmp_path / 'offline.db'}"
    engine = make_engine(db)
    upgrade(engine)
    app = build_app(Settings(data_dir=test_key.data_dir, database_url=db))
    seen: list[str] = []

    async def recording(scope, receive, send):
        if scope["type"] == "http":
            seen.append(f"{scope['method']} {scope['path']}")
        await app(scope, receive, send)

    with serve(recording) as base:
        yield base, engine, seen


@pytest.fixture
def phone(browser, live):  # noqa: F811
    """A phone-sized page on the live app; console errors are kept on `page.errors`."""
    base = live[0]
    context = browser.new_context(base_url=base, viewport={"width": 390, "height": 844},
                                  device_scale_factor=2)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    yield pg
    context.close()


def _reports(engine):
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        return [{"reference": r.reference, "language": r.language, "note": r.occurred_note,
                 "precision": r.occurred_precision, "channel": r.channel,
                 "files": [(a.sha256, a.metadata_stripped) for a in r.attachments]}
                for r in s.scalars(select(Report))]


def test_offline_report_with_photo_is_queued_then_sent(live, phone, tmp_path):
    _, engine, seen = live
    page = phone
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(gps_jpeg())
    page.goto("/report?lang=fr")
    page.wait_for_function(  # a function, not an expression: the CSP forbids eval
        "() => document.documentElement.getAttribute('data-offline-ready') === '1'"
        " && !!navigator.serviceWorker.controller")

    page.context.set_offline(True)
    before = len(seen)
    assert "GET /report" in seen  # the recording sees the browser's requests
    response = page.reload()  # served by the service worker from its cache
    assert response is not None and response.ok and response.from_service_worker
    assert seen[before:] == [], seen[before:]  # nothing reached the server
    page.wait_for_selector("#what")
    assert page.evaluate("() => navigator.onLine") is False
    assert "Que s'est-il passé" in page.content().replace("&#39;", "'")
    page.fill("#what", "Des hommes armés ont incendié le marché")
    page.fill("#place", "Tawila")
    page.fill("#occurred_note", "hier soir")
    page.set_input_files("#attachments", str(photo))
    page.click("#submit")
    page.wait_for_selector("#offline-queue[data-queued='1']")
    assert page.is_visible("#offline-queue")
    queued = page.text_content("#queued-reports li")
    assert "Des hommes armés" in queued and "1" in queued
    assert page.is_visible("#offline-status")
    assert _reports(engine) == []  # nothing left the device
    assert not [r for r in seen[before:] if r.startswith("POST")]

    page.context.set_offline(False)
    page.wait_for_selector("#offline-queue[data-sent='1']", timeout=60_000)
    assert page.get_attribute("#offline-queue", "data-queued") == "0"
    reference = page.text_content("#sent-reports .reference")
    shown = page.text_content("#sent-reports .sha256")
    assert shown == hashlib.sha256(photo.read_bytes()).hexdigest()
    (report,) = _reports(engine)
    assert report["reference"] == reference and report["language"] == "fr"
    assert report["note"] == "hier soir" and report["precision"] == "approximate"
    assert report["files"] == [(shown, True)]
    assert [r for r in seen[before:] if r.startswith("POST")], seen[before:]

    # The receipt stays on the device after a reload, until the reporter removes it.
    page.reload()
    page.wait_for_selector("#offline-queue[data-sent='1']")
    page.click("#forget-receipts")
    page.wait_for_selector("#offline-queue[data-sent='0']", state="attached")
    assert not page.is_visible("#offline-queue")
    assert not page.errors, page.errors
