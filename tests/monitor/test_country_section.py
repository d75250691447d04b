"""The country page's monitoring section: signal chart, totals and latest alerts for readers
with internal access; nothing at all for anonymous readers."""

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from forewarn.monitor.models import MonitorAlert, MonitorAlertRule, MonitorSignal
from forewarn.settings import Settings
from forewarn.store.db import session_factory
from forewarn.store.models import Country
from tests.accounts import login, make_users
from tests.live import private_key
from tests.web.conftest import _copy_sqlite

pytestmark = pytest.mark.realdata


@pytest.fixture
def app_settings(imported_engine, raw_dir, tmp_path):
    data = tmp_path / "app"
    data.mkdir()
    (data / "raw").symlink_to(raw_dir, target_is_directory=True)
    url = _copy_sqlite(str(imported_engine.url), data / "forewarn.db")
    with private_key(data):
        yield Settings(data_dir=data, database_url=url)


def _seed(url: str) -> None:
    from forewarn.store.db import make_engine

    engine = make_engine(url)
    make_users(engine, ("analyst",))
    last = date(2026, 3, 31)
    with session_factory(engine)() as s, s.begin():
        cid = s.scalar(select(Country.id).where(Country.iso3 == "SDN"))
        for i in range(30):
            day = last - timedelta(days=29 - i)
            s.add(MonitorSignal(country_id=cid, day=day, signal="incitement",
                                count=2 + (i == 29) * 14, total=40, rate=0.05))
        rule = MonitorAlertRule(name="Sudan incitement spike", signal="incitement",
                                countries=["SDN"])
        s.add(rule)
        s.flush()
        s.add(MonitorAlert(rule_id=rule.id, country_id=cid, day=last, signal="incitement",
                           count=16, expected=2.0, p_value=1e-6))
    engine.dispose()


def test_signals_chart_and_alerts_for_analysts_only(app_settings):
    from forewarn.web.app import create_app

    _seed(app_settings.database_url)
    with TestClient(create_app(app_settings), base_url="https://testserver") as c:
        anonymous = c.get("/countries/SDN.json").json()
        assert "monitor" not in {s["key"] for s in anonymous["sections"]}
        assert "Monitoring signals" not in c.get("/countries/SDN").text
        assert login(c, "analyst").status_code == 303
        body = c.get("/countries/SDN.json").json()
        html = c.get("/countries/SDN").text
    section = next(s for s in body["sections"] if s["key"] == "monitor")
    assert section["status"] == "ready"
    assert section["data"]["totals"] == {"incitement": 29 * 2 + 16}
    assert section["data"]["alerts"][0]["count"] == 16
    assert section["data"]["last"] == "2026-03-31"
    assert "<svg" in section["data"]["chart"] and "incitement: 74 in total" in html
    assert "Sudan incitement spike" in html and "/monitor?country=SDN" in html
