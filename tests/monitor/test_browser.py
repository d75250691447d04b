"""In a real headless Chromium against a real server: the duty officer opens /duty, a burst of
documents arrives through the API (no command run), the page refreshes itself and shows the
alert, and the officer acknowledges it from there."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.accounts import PASSWORD, make_users
from tests.live import private_key, serve
from tests.monitor.test_duty_web import BURST
from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

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
def page(browser, live):  # noqa: F811
    """A laptop-sized page on the live app; console errors (CSP violations, script errors) are
    kept on `page.errors` and must stay empty."""
    base, _ = live
    context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(20_000)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(f"pageerror: {exc}"))
    pg.on("console", lambda m: m.type == "error" and "favicon" not in (m.location or {}).get(
        "url", "") and pg.errors.append(f"console: {m.text} {m.location}"))
    yield pg
    context.close()


def test_duty_view_shows_a_new_burst_by_itself_and_acknowledges_it(live, page):
    base, api = live
    r = httpx.post(f"{base}/api/monitor/rules", headers=api, timeout=60,
                   json={"name": "Intent to destroy", "signal": "RF10", "min_count": 3})
    assert r.status_code == 201, r.text

    page.goto("/login")
    page.fill("[name=username]", "reviewer")
    page.fill("[name=password]", PASSWORD)
    page.click("form [type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/duty?refresh=2")
    alerts = page.locator("#duty-alerts")
    expect(alerts).to_contain_text("No new alerts.")

    now = datetime.now(UTC).isoformat()
    for k, text in enumerate(BURST):
        r = httpx.post(f"{base}/api/documents", headers=api, timeout=120, json={
            "text": text, "title": f"Attack {k}", "country": "CAF", "published_at": now})
        assert r.status_code == 201, r.text

    # No reload, no command: duty.js fetches /duty.json and rebuilds the list.
    expect(alerts).to_contain_text("Central African Republic", timeout=30_000)
    assert page.locator("#duty").get_attribute("data-refreshed")
    item = alerts.locator("li[data-alert]").first
    expect(item).to_contain_text("RF10")
    expect(item).to_contain_text("4 (expected")
    # The list is rebuilt every 2 s; the locator finds the button afresh at each attempt.
    item.locator("button.ack").click()
    page.wait_for_url(lambda url: "/duty" in url)
    expect(alerts).to_contain_text("No new alerts.", timeout=20_000)
    assert page.errors == []

    inbox = httpx.get(f"{base}/monitor/alerts.json?status=acknowledged", headers=api,
                      timeout=60).json()
    (a,) = inbox["alerts"]
    assert a["acted_by"] == "reviewer" and a["country"] == "CAF"
