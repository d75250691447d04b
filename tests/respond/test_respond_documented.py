"""Incidents documented in the evidence register around a measure, on /respond/record: exact
date windows, killed (best estimates) summed, and only what the reader may read."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import Incident
from forewarn.security import SYSTEM, set_principal
from forewarn.store.models import Country

from .recording import post_json

MEASURE = {"iso3": "SDN", "tool_id": "peacekeeping_poc", "date": "2024-03-15",
           "actor": "UN Security Council"}
# (date, sensitivity, killed best); the measure is on 2024-03-15.
INCIDENTS = [(date(2024, 1, 10), "public", 12), (date(2024, 2, 1), "internal", 5),
             (date(2024, 5, 1), "public", 3), (date(2023, 9, 14), "public", 40),
             (date(2021, 1, 1), "public", 99)]


def _add_incidents(engine) -> None:
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        sdn = s.scalar(select(Country.id).where(Country.iso3 == "SDN"))
        for day, level, killed in INCIDENTS:
            s.add(Incident(title=f"Attack on {day}", sensitivity=level, date_start=day,
                           date_end=day, country_id=sdn, harm_types=["killing"],
                           perpetrators=[], victim_groups=[], context={}, created_by="test",
                           casualties={"killed": {"low": killed, "best": killed}}))
        s.commit()


def _windows(client) -> dict[int, tuple]:
    (m,) = client.get("/respond/record.json").json()["measures"]
    return {d["horizon_months"]: (d["incidents_before"], d["incidents_after"],
                                  d["killed_before"], d["killed_after"]) for d in m["documented"]}


def test_documented_incidents_follow_the_windows_and_the_readers_clearance(clients, engine):
    analyst = clients("analyst")
    assert post_json(analyst, "/api/respond/measures", MEASURE).status_code == 201
    _add_incidents(engine)
    # 6 months: 2023-09-15 .. 2024-09-15, so the 2023-09-14 attack only counts at 12 months.
    assert _windows(clients("anonymous")) == {6: (1, 1, 12, 3), 12: (2, 1, 52, 3),
                                              24: (2, 1, 52, 3)}
    assert _windows(analyst) == {6: (2, 1, 17, 3), 12: (3, 1, 57, 3), 24: (3, 1, 57, 3)}
    page = analyst.get("/respond/record")
    assert page.status_code == 200 and "incidents 2 → 1, killed 17 → 3" in page.text
