"""Reports in the database, on SQLite and PostgreSQL: evidence-preserving storage, redaction
by role, triage, retention, export, single-use challenges and the CSV import."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from forewarn.data.errors import DataError
from forewarn.reports import challenge, protection, triage
from forewarn.reports.config import ReportSettings
from forewarn.reports.importer import ImportFailed, import_csv, parse
from forewarn.reports.models import Report
from forewarn.reports.schemas import ReportIn
from forewarn.reports.storage import sha256, working_store
from forewarn.reports.submit import Upload, prepare, store
from forewarn.security import ANONYMOUS, REDACTED, AccessDenied, for_role, set_principal

from .conftest import gps_jpeg, make_users

LIMITS = ReportSettings()


def _report(system, data_dir, consent=True, photo=None, **extra) -> Report:
    fields = {"what": "Soldiers burned houses in the village at night", "place": "Tawila",
              "occurred_at": "2026-03-01", "reporter_name": "Amina", "contact": "+249 555 0101",
              "contact_consent": consent} | extra
    uploads = [Upload("IMG_amina.jpg", photo)] if photo else []
    report = store(system, data_dir, ReportIn(**fields), prepare(uploads, LIMITS),
                   actor="public (web form)")
    system.commit()
    return report


def _as(engine, role, user_id=None) -> Session:
    s = Session(engine)
    set_principal(s, ANONYMOUS if role == "anonymous" else for_role(role, user_id=user_id))
    return s


def test_original_kept_byte_for_byte_and_working_copy_stripped(engine, system, tmp_path):
    photo = gps_jpeg()
    report = _report(system, tmp_path, photo=photo)
    att = report.attachments[0]
    assert att.sha256 == sha256(photo)
    # The original is an evidentiary source with a custody log.
    from forewarn.evidence.models import CustodyEvent, Source
    from forewarn.evidence.storage import BlobStore

    source = system.get(Source, att.source_id)
    assert source.sha256 == att.sha256 and source.copy == "evidentiary"
    blobs = BlobStore(tmp_path / "evidence")  # sealed at rest: only the key opens it
    assert blobs.read(att.sha256) == photo != blobs.path_for(att.sha256).read_bytes()
    events = system.scalars(select(CustodyEvent.action).where(
        CustodyEvent.source_id == source.id)).all()
    assert "intake" in events
    work = working_store(tmp_path).get(att.working_sha256)
    assert att.working_sha256 == sha256(work) != att.sha256
    with Image.open(io.BytesIO(work)) as im:
        assert not im.getexif()
    # Confidential values are encrypted at rest: not in the database in clear.
    with engine.connect() as c:
        raw = c.execute(text("SELECT contact, reporter_name FROM report")).one()
        name = c.execute(text("SELECT original_name FROM report_attachment")).scalar()
    assert "555" not in raw[0] and "Amina" not in raw[1] and "amina" not in name


ROLE_VIEW = [("anonymous", False, None), ("viewer", False, None), ("analyst", True, REDACTED),
             ("reviewer", True, "+249 555 0101"), ("admin", True, "+249 555 0101")]


def test_visibility_and_redaction_by_role(engine, system, tmp_path):
    _report(system, tmp_path)
    for role, sees, contact in ROLE_VIEW:
        with _as(engine, role) as s:
            found = s.scalars(select(Report)).all()
            assert bool(found) == sees, role
            if sees:
                out = protection.summary(found[0], for_role(role))
                assert out["contact"] == contact, role
                assert out["reporter_name"] == (REDACTED if contact == REDACTED else "Amina")


def test_without_consent_only_admins_see_the_contact(engine, system, tmp_path):
    _report(system, tmp_path, consent=False)
    for role, expected in (("reviewer", REDACTED), ("admin", "+249 555 0101")):
        with _as(engine, role) as s:
            out = protection.summary(s.scalars(select(Report)).one(), for_role(role))
            assert out["contact"] == expected


def test_triage_verified_duplicate_notes_assignment_audited(engine, system, tmp_path):
    ids = make_users(engine, ("reviewer", "analyst"))
    first = _report(system, tmp_path)
    second = _report(system, tmp_path, what="Houses were burned in Tawila village by soldiers")
    with _as(engine, "reviewer", ids["reviewer"]) as s:
        r2 = triage.get(s, second.id)
        found = triage.suggestions(s, r2)
        assert [o.id for o, _ in found] == [first.id]
        triage.assign(s, r2, ids["reviewer"])
        with pytest.raises(triage.TriageError):
            triage.assign(s, r2, ids["analyst"])
        triage.set_status(s, r2, "duplicate", "same event", duplicate_of=first.id)
        triage.set_status(s, triage.get(s, first.id), "needs_info")
        s.commit()
        assert r2.status == "duplicate" and r2.duplicate_of_id == first.id
        assert [n.body for n in r2.notes] == ["same event"]
    with _as(engine, "analyst", ids["analyst"]) as s:
        with pytest.raises(AccessDenied):
            triage.set_status(s, triage.get(s, first.id), "rejected")
    actions = system.scalars(text("SELECT action FROM audit_entry ORDER BY seq")).all()
    assert {"report.create", "report.assign", "report.duplicate", "report.note"} <= set(actions)


def test_only_verified_reports_can_be_published(engine, system, tmp_path):
    report = _report(system, tmp_path)
    with _as(engine, "reviewer") as s:
        with pytest.raises(triage.TriageError, match="only verified"):
            triage.publish(s, triage.get(s, report.id), "public")


def test_retention_deletes_contact_details(engine, system, tmp_path):
    old = _report(system, tmp_path, photo=gps_jpeg())
    new = _report(system, tmp_path)
    old.created_at = datetime.now(UTC) - timedelta(days=200)
    system.commit()
    assert protection.purge_contacts(system, 180) == 1
    system.commit()
    with _as(engine, "admin") as s:
        gone, kept = s.get(Report, old.id), s.get(Report, new.id)
        assert gone.contact is None and gone.reporter_name is None
        assert gone.attachments[0].original_name is None and gone.contact_purged_at
        assert protection.summary(gone, for_role("admin"))["contact_purged"]
        assert kept.contact == "+249 555 0101"
    assert protection.purge_contacts(system, 180) == 0


def test_export_strips_personal_data_unless_allowed(engine, system, tmp_path):
    _report(system, tmp_path)
    with _as(engine, "analyst") as s:
        body = protection.export_csv(s, include_personal=True)
        assert "Tawila" in body and "555" not in body and "Amina" not in body
    with _as(engine, "reviewer") as s:
        assert "555" not in protection.export_csv(s)
        assert "+249 555 0101" in protection.export_csv(s, include_personal=True)
    with _as(engine, "viewer") as s, pytest.raises(AccessDenied):
        protection.export_csv(s)


def test_challenge_is_single_use(engine, system):
    ch = challenge.issue(b"s" * 32, 4, 60)
    challenge.spend(system, "nonce-1", ch.expires_at)
    system.commit()
    with pytest.raises(challenge.ChallengeFailed, match="already used"):
        challenge.spend(system, "nonce-1", ch.expires_at)


def _csv(tmp_path, body: str):
    path = tmp_path / "field.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_csv_import_all_rows(engine, system, tmp_path):
    path = _csv(tmp_path, "what,place,occurred_at,contact,contact_consent\n"
                "Militia looted the clinic and threatened staff,Kutum,2026-02-03,,no\n"
                "Families fled after shelling of the camp,,2026-02-04,+1 555,yes\n"
                .replace(",,2026-02-04", ",Zamzam camp,2026-02-04"))
    assert import_csv(system, tmp_path, path, "test") == 2
    system.commit()
    rows = system.scalars(select(Report).order_by(Report.id)).all()
    assert [r.channel for r in rows] == ["import", "import"] and rows[1].contact == "+1 555"


CSV_ERRORS = [
    ("what,place\nshort,Kutum\n", 2, "what", "at least 10 characters"),
    ("what,place,latitude,longitude\nA long enough description,,95,10\n", 2, "latitude", "90"),
    ("what,place,occurred_at\nA long enough description,Kutum,3000-01-01\n", 2, "occurred_at",
     "future"),
    ("what,place\nA long enough description,\n", 2, "place", "where it happened"),
    ("what,place,contact_consent\nA long enough description,Kutum,maybe\n", 2,
     "contact_consent", "yes or no"),
    ("what,place,colour\nA long enough description,Kutum,red\n", 1, "colour", "unknown column"),
    ("what\nA long enough description\n", 1, "place", "needs a 'place' column"),
    ("what,place\nA long enough description\n", 2, None, "expected 2"),
    ("what,place,affected_count\nA long enough description,Kutum,many\n", 2, "affected_count",
     "integer"),
]


@pytest.mark.parametrize("body,row,column,message", CSV_ERRORS)
def test_csv_import_errors_name_file_row_column(tmp_path, body, row, column, message):
    with pytest.raises(DataError) as info:
        parse(_csv(tmp_path, body))
    first = getattr(info.value, "errors", [info.value])[0]
    assert (first.file, first.row, first.column) == ("field.csv", row, column), str(info.value)
    assert message in str(first), str(first)


def test_csv_import_unknown_country(engine, system, tmp_path):
    path = _csv(tmp_path, "what,place,country\nA long enough description,Kutum,XXX\n")
    with pytest.raises(ImportFailed) as info:
        import_csv(system, tmp_path, path, "test")
    assert (info.value.errors[0].row, info.value.errors[0].column) == (2, "country")


def test_csv_import_is_all_or_nothing(engine, system, tmp_path):
    path = _csv(tmp_path, "what,place\nA valid long description,Kutum\nbad,Kutum\n"
                "Another valid description,Tine\nno,\n")
    with pytest.raises(ImportFailed) as info:
        import_csv(system, tmp_path, path, "test")
    assert [(e.row, e.column) for e in info.value.errors] == [(3, "what"), (5, "what")]
    assert "nothing imported" in str(info.value)
    system.rollback()
    assert system.scalars(select(Report)).all() == []


def test_links_to_the_evidence_register_are_enforced_by_the_database(engine, system, tmp_path):
    from sqlalchemy.exc import IntegrityError

    report = _report(system, tmp_path, photo=gps_jpeg())
    att = report.attachments[0]
    kept = (report.incident_id, att.source_id)
    report.incident_id = 999_999  # no such incident
    with pytest.raises(IntegrityError):
        system.commit()
    system.rollback()
    att = system.get(type(att), att.id)
    att.source_id = 999_999  # no such evidence source
    with pytest.raises(IntegrityError):
        system.commit()
    system.rollback()
    report = system.get(Report, report.id)
    assert (report.incident_id, report.attachments[0].source_id) == kept  # nothing half-written
