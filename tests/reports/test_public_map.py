"""The public map of published reports (anonymous 200, summaries, coarsened points) and the
reviewers' queue with its filters, over HTTP."""

from forewarn.reports import triage
from forewarn.reports.config import ReportSettings
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import prepare, store
from forewarn.security import for_role, set_principal

from .conftest import login, make_users


def _report(system, data_dir, **fields):
    data = {"what": "Armed men burned the market " + "and the houses around it " * 20,
            "place": "Tawila", "latitude": 13.61234, "longitude": 25.34567,
            "reporter_name": "Amina", "contact": "+249 555 0101", "contact_consent": True,
            "occurred_note": "last night"} | fields
    report = store(system, data_dir, ReportIn(**data), prepare([], ReportSettings()),
                   actor="public (web form)")
    system.commit()
    return report


def _publish(engine, report_id, level="public"):
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        set_principal(s, for_role("reviewer"))
        report = triage.get(s, report_id)
        triage.verify(s, report, new_incident_title="Market burned", country="SDN")
        triage.publish(s, report, level)
        s.commit()


def test_anonymous_visitors_see_published_summaries_with_coarse_points(client, engine,
                                                                        system, settings):
    data_dir = settings.data_dir
    public = _report(system, data_dir)
    internal = _report(system, data_dir, what="Internal only: the convoy was stopped")
    hidden = _report(system, data_dir, what="Not yet verified: a new report from Kutum")
    _publish(engine, public.id)
    _publish(engine, internal.id, "internal")

    r = client.get("/reports/map.json")
    assert r.status_code == 200
    body = r.json()
    assert [x["reference"] for x in body["reports"]] == [public.reference]
    shown = body["reports"][0]
    assert (shown["latitude"], shown["longitude"]) == (13.6, 25.3)
    assert len(shown["summary"]) <= 280 and shown["summary"].endswith("…")
    assert shown["occurred_note"] == "last night" and shown["country"] == "SDN"
    text = r.text
    for secret in ("Amina", "555 0101", "13.61234", internal.reference, hidden.reference):
        assert secret not in text
    page = client.get("/reports/map")
    assert page.status_code == 200 and public.reference in page.text
    assert 'data-points="/reports/map.json"' in page.text and "<script>" not in page.text
    assert client.get("/reports/map.json?country=TCD").json()["count"] == 0

    # Signed in, the public map still shows only what is public.
    make_users(engine, ("reviewer",))
    login(client, "reviewer")
    assert client.get("/reports/map.json").json()["count"] == 1


def test_reviewer_queue_filters_and_map_data(client, engine, system, settings):
    ids = make_users(engine, ("reviewer",))
    from forewarn.evidence.incidents import country_id

    country_id(system, "SDN")
    a = _report(system, settings.data_dir, what="Checkpoint shooting near the bridge",
                country="SDN", occurred_at="2026-01-05")
    b = _report(system, settings.data_dir, what="Looting of the clinic", occurred_at="2026-02-10")
    assert client.get("/reports/queue.json", headers={"Accept": "application/json"}) \
        .status_code == 401
    login(client, "reviewer")
    body = client.get("/reports/queue.json").json()
    assert body["count"] == 2 and body["reports"][0]["url"].startswith("/reports/")
    assert {r["latitude"] for r in body["reports"]} == {13.61234}  # reviewers: exact
    assert [r["id"] for r in client.get("/reports/queue.json?q=clinic").json()["reports"]] \
        == [b.id]
    assert [r["id"] for r in client.get(
        "/reports/queue.json?since=2026-01-01&until=2026-01-31").json()["reports"]] == [a.id]
    assert client.get("/reports/queue.json?country=SDN").json()["count"] == 1
    assert client.get("/reports/queue.json?mine=true").json()["count"] == 0
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        set_principal(s, for_role("reviewer", user_id=ids["reviewer"]))
        triage.assign(s, triage.get(s, a.id), ids["reviewer"])
        s.commit()
    mine = client.get("/reports/queue.json?mine=true").json()
    assert [r["id"] for r in mine["reports"]] == [a.id]
    assert mine["points_url"] == "/reports/queue.json?mine=True"
    page = client.get("/reports/queue?country=SDN")
    assert page.status_code == 200 and 'id="reports-map"' in page.text
    assert client.get("/reports/queue.json?since=yesterday").status_code == 400
    assert client.get("/reports.json").json()["count"] == 2  # the old path stays
