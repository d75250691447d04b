"""Shared by the tests that record measures and vetoes through the real app (API and forms;
the app and clients are fixtures in conftest.py): sample input, what the tables and the audit
log hold, posting with the CSRF token."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forewarn.respond.models import RespondMeasure, RespondOutcome, RespondSituation, RespondVeto
from forewarn.security import SYSTEM, set_principal
from forewarn.security.models import AuditEntry
from tests.accounts import csrf

SECRET = "forewarn-respond-test-secret"
MEASURE = {"iso3": "SLE", "tool_id": "peacekeeping_poc", "date": "1999-10-22",
           "actor": "UN Security Council", "decision_ref": "S/RES/1270 (1999)",
           "decision_url": "https://undocs.org/S/RES/1270(1999)"}
VETO = {"iso3": "SYR", "date": "2022-07-08", "members": ["RUS"], "draft": "S/2022/538"}
TABLES = (RespondSituation, RespondMeasure, RespondOutcome, RespondVeto)
# The keys /respond/record.json has always listed per measure (none may go or change).
RECORD_MEASURE_KEYS = {"id", "iso3", "situation", "date", "actor", "tool_id", "decision_ref",
                       "decision_url", "outcomes"}


def counts(engine) -> dict[str, int]:
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        out = {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}
        out["audit"] = s.scalar(select(func.count()).select_from(AuditEntry))
    return out


def audit_entries(engine) -> list[tuple]:
    with Session(engine) as s:
        return [(e.actor, e.action, e.target_type, e.target_id, e.after) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.target_type.startswith("respond_"))
            .order_by(AuditEntry.seq))]


def post_json(client, path: str, body: dict):
    return client.post(path, json=body, headers={"X-CSRF-Token": csrf(client)})


def post_form(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf(client), **data}, follow_redirects=False)
