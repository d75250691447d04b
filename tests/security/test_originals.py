"""Originals of witness media (item 1): sealed at rest, opened only by a custodian, each
opening in the custody log; and records derived from a report follow it when it is raised."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence.models import CustodyEvent, Source
from forewarn.evidence.storage import BlobStore
from forewarn.reports.config import ReportSettings
from forewarn.reports.models import Report, ReportAttachment
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import Upload, prepare, store
from forewarn.security import SYSTEM, for_role, set_principal
from tests.accounts import bearer_tokens
from tests.reports.conftest import gps_jpeg

ROLES = ["analyst", "reviewer", "custodian", "admin"]


@pytest.fixture(scope="module")
def tokens(module_engine):
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        out = bearer_tokens(s, ROLES)
        s.commit()
    return out


def _world(engine, app_for, tokens):
    app = app_for(engine)
    data_dir = app.state.settings.data_dir
    photo = gps_jpeg()
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        report = store(s, data_dir, ReportIn(what="Houses burned at night", place="Tawila"),
                       prepare([Upload("IMG_amina.jpg", photo)], ReportSettings()),
                       actor="public (web form)")
        s.commit()
        att = report.attachments[0]
        ids = {"report": report.id, "attachment": att.id, "source": att.source_id}
    return app, tokens, photo, ids


def test_witness_original_is_sealed_and_only_a_custodian_opens_it(module_engine, app_for, tokens):
    app, tokens, photo, ids = _world(module_engine, app_for, tokens)
    blobs = BlobStore.for_settings(app.state.settings)
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        src = s.get(Source, ids["source"])
        assert src.witness_media and src.copy == "evidentiary"
        raw = blobs.path_for(src.sha256).read_bytes()
        assert raw != photo and b"PhoneMaker" not in raw and b"SERIAL-12345" not in raw
        assert blobs.read(src.sha256) == photo and blobs.check(src.sha256) is None
    url = f"/api/evidence/sources/{ids['source']}/content"
    with TestClient(app, base_url="https://testserver") as c:
        codes = {role: c.get(url, headers=tokens[role]).status_code for role in ROLES}
        assert codes == {"analyst": 403, "reviewer": 403, "custodian": 200, "admin": 200}
        assert c.get(url, headers=tokens["custodian"]).content == photo
        wc = c.post(f"/api/evidence/sources/{ids['source']}/working-copy",
                    headers=tokens["analyst"])
        assert wc.status_code == 403  # a same-bytes working copy is the original again
        wc = c.post(f"/api/evidence/sources/{ids['source']}/working-copy",
                    headers=tokens["custodian"])
        assert wc.status_code == 201 and wc.json()["copy"] == "working"
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        log = s.execute(select(CustodyEvent.actor, CustodyEvent.action).where(
            CustodyEvent.source_id == ids["source"]).order_by(CustodyEvent.seq)).all()
    assert [a for _, a in log] == ["intake", "access", "access", "access", "derive"]
    assert [who for who, a in log if a == "access"] == ["custodian", "admin", "custodian"]


def test_raising_a_report_raises_its_attachments_and_originals(module_engine, app_for, tokens):
    app, tokens, _photo, ids = _world(module_engine, app_for, tokens)
    with Session(module_engine) as s:
        set_principal(s, for_role("reviewer", user_id=1))
        report = s.get(Report, ids["report"])
        report.sensitivity = "confidential"
        s.commit()
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        assert s.get(ReportAttachment, ids["attachment"]).sensitivity == "confidential"
        assert s.get(Source, ids["source"]).sensitivity == "confidential"
    with TestClient(app, base_url="https://testserver") as c:
        analyst = tokens["analyst"]
        assert c.get(f"/api/evidence/sources/{ids['source']}", headers=analyst
                     ).status_code == 404
        assert c.get(f"/api/evidence/sources/{ids['source']}/content", headers=analyst
                     ).status_code == 404
        listing = c.get("/api/evidence/sources", headers=analyst).text
        assert "Report R-" not in listing
        assert c.get(f"/api/evidence/sources/{ids['source']}", headers=tokens["admin"]
                     ).status_code == 200


def test_working_copies_follow_their_original(module_engine, app_for):
    from forewarn.evidence import sources

    app = app_for(module_engine)
    blobs = BlobStore.for_settings(app.state.settings)
    with Session(module_engine) as s:
        set_principal(s, for_role("admin", user_id=1))
        src = sources.register_text(s, blobs, "statement", title="Statement", actor="admin",
                                    sensitivity="internal").source
        wc = sources.working_copy(s, blobs, src, for_role("admin", user_id=1),
                                  data=b"redacted")
        s.commit()
        src.sensitivity = "restricted"
        s.commit()
        wc_id = wc.id
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        assert s.get(Source, wc_id).sensitivity == "restricted"


def test_originals_kept_before_sealing_are_sealed_by_the_cli(module_engine, tmp_path,
                                                             monkeypatch):
    from typer.testing import CliRunner

    from forewarn.cli import app as cli
    from forewarn.evidence import sources
    from forewarn.security import crypto
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for
    from tests.security.conftest import TEST_SECRET

    data_dir = tmp_path / "cli-data"
    url = module_engine.url.render_as_string(hide_password=False)
    for key, value in {"FOREWARN_DATABASE_URL": url, "FOREWARN_DATA_DIR": str(data_dir),
                       "FOREWARN_SECRET_KEY": TEST_SECRET}.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    crypto.configure(get_settings())
    blobs = BlobStore(data_dir / "evidence")
    photo = gps_jpeg((20, 20))
    with Session(module_engine) as s:
        set_principal(s, SYSTEM)
        src = sources.register(s, blobs, photo, kind="upload", title="old original",
                               actor="report R-OLD (web)").source
        src.witness_media = True  # as the migration marks uploads kept from reports
        s.commit()
        sha = src.sha256
    assert blobs.path_for(sha).read_bytes() == photo  # kept plain, as before sealing existed
    try:
        out = CliRunner().invoke(cli, ["evidence", "seal-originals"])
        assert out.exit_code == 0 and "Sealed 1 original" in out.output, out.output
        again = CliRunner().invoke(cli, ["evidence", "seal-originals"])
        assert "Sealed 0 original" in again.output
    finally:
        get_settings.cache_clear()
        engine_for.cache_clear()
    assert blobs.path_for(sha).read_bytes() != photo
    assert blobs.read(sha) == photo and blobs.check(sha) is None
