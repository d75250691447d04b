"""The hash-chained audit log on both backends: intact, edited, removed, and append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from forewarn.security import SYSTEM, for_role, set_principal
from forewarn.security.audit import GENESIS, entry_hash, record, snapshot, verify
from forewarn.security.models import AuditEntry

from .probe import ProbeNote


@pytest.fixture
def log_engine(module_engine):
    """One database per backend for the module; each test starts with an empty log."""
    drop_guard(module_engine)
    with module_engine.begin() as c:
        c.execute(text("DELETE FROM audit_entry"))
    restore_guard(module_engine)
    return module_engine


def restore_guard(log_engine):
    with log_engine.begin() as c:
        if log_engine.dialect.name == "postgresql":
            c.execute(text("""CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE
                ON audit_entry FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"""))
        else:
            for verb in ("UPDATE", "DELETE"):
                c.execute(text(f"""CREATE TRIGGER audit_entry_no_{verb.lower()} BEFORE {verb}
                    ON audit_entry BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only');
                    END"""))


def fill(log_engine, n=5):
    with Session(log_engine) as s:
        set_principal(s, for_role("analyst", user_id=7))
        for i in range(n):
            record(s, None, "edit", "assessment", i, before={"title": f"old {i}"},
                   after={"title": f"new {i}", "score": 0.1 * i, "tags": ["a", "é"]})
        s.commit()


def drop_guard(log_engine):
    """What an attacker with database access does first."""
    with log_engine.begin() as c:
        if log_engine.dialect.name == "postgresql":
            c.execute(text("DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry"))
        else:
            c.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_update"))
            c.execute(text("DROP TRIGGER IF EXISTS audit_entry_no_delete"))


def test_intact_chain_verifies(log_engine):
    fill(log_engine)
    with Session(log_engine) as s:
        v = verify(s)
        first = s.scalar(select(AuditEntry).where(AuditEntry.seq == 1))
    assert v.ok and v.entries == 5 and "intact" in str(v)
    assert first.prev_hash == GENESIS and first.actor == "analyst" and first.actor_id == 7
    assert first.after["tags"] == ["a", "é"]


def test_empty_log_verifies(log_engine):
    with Session(log_engine) as s:
        assert verify(s).ok and verify(s).entries == 0


@pytest.mark.parametrize("sql", [
    "UPDATE audit_entry SET after = '{\"title\": \"forged\"}' WHERE seq = 3",
    "UPDATE audit_entry SET actor = 'someone else' WHERE seq = 3",
    "UPDATE audit_entry SET at = '2001-01-01 00:00:00' WHERE seq = 3",
])
def test_edited_row_is_named(log_engine, sql):
    fill(log_engine)
    drop_guard(log_engine)
    with log_engine.begin() as c:
        c.execute(text(sql))
    with Session(log_engine) as s:
        v = verify(s)
    assert not v.ok and v.bad_seq == 3 and "#3" in str(v)


def test_removed_row_is_named(log_engine):
    fill(log_engine)
    drop_guard(log_engine)
    with log_engine.begin() as c:
        c.execute(text("DELETE FROM audit_entry WHERE seq = 2"))
    with Session(log_engine) as s:
        v = verify(s)
    assert not v.ok and v.bad_seq == 3 and "removed" in v.reason


def test_database_refuses_updates_and_deletes(log_engine):
    fill(log_engine, 2)
    for sql in ("UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry"):
        with pytest.raises(Exception, match="append-only"), log_engine.begin() as c:
            c.execute(text(sql))


def test_orm_refuses_edits(log_engine):
    fill(log_engine, 1)
    with Session(log_engine) as s:
        e = s.scalar(select(AuditEntry))
        e.actor = "nobody"
        with pytest.raises(PermissionError):
            s.flush()


def test_snapshot_never_copies_confidential_fields(system_session):
    note = ProbeNote(title="t", witness="Jane Witness")
    system_session.add(note)
    system_session.flush()
    entry = record(system_session, SYSTEM, "create", "probe_note", note.id, after=note)
    assert "Jane" not in str(entry.after) and entry.after["witness"].startswith("[encrypted:")
    assert snapshot(note)["title"] == "t" and verify(system_session).ok


def _cli(url, *args):
    """Run `forewarn …` against the database at URL."""
    from typer.testing import CliRunner

    from forewarn.cli import app
    from forewarn.security import crypto
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for

    # The key and data dir the test configured (the audit MACs and checkpoint use them).
    configured = crypto._active.get("settings")
    env = {"FOREWARN_DATABASE_URL": url, "FOREWARN_SECRET_KEY": getattr(
        configured, "secret_key", None) or "cli-test-secret"}
    if configured is not None:
        env["FOREWARN_DATA_DIR"] = str(configured.data_dir)
    get_settings.cache_clear()
    engine_for.cache_clear()
    try:
        return CliRunner().invoke(app, list(args), env=env)
    finally:
        get_settings.cache_clear()


@pytest.fixture
def cli_engine(engine):
    """The shared conftest `engine` (fresh, migrated; SQLite and PostgreSQL)."""
    return engine


def test_cli_audit_verify_intact_then_tampered(cli_engine):
    url = cli_engine.url.render_as_string(hide_password=False)
    fill(cli_engine, 4)
    r = _cli(url, "audit", "verify")
    assert r.exit_code == 0 and "intact: 4 entries" in r.output, r.output
    drop_guard(cli_engine)
    with cli_engine.begin() as c:
        c.execute(text("UPDATE audit_entry SET target_id = '999' WHERE seq = 2"))
    r = _cli(url, "audit", "verify")
    assert r.exit_code == 1 and "#2" in r.output and "edited" in r.output, r.output


def _rewrite_from(log_engine, seq: int, keep_macs: bool):
    """Delete entry SEQ and re-hash every later one with the app's own function, as someone
    with database access but without the key would."""
    drop_guard(log_engine)
    with Session(log_engine) as s:
        set_principal(s, SYSTEM)
        later = [AuditEntry(**{c.key: getattr(e, c.key) for c in AuditEntry.__table__.c})
                 for e in s.scalars(select(AuditEntry).where(AuditEntry.seq > seq)
                                    .order_by(AuditEntry.seq))]
        prev = s.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) or GENESIS
    with log_engine.begin() as c:
        c.execute(text("DELETE FROM audit_entry WHERE seq >= :s"), {"s": seq})
        for e in later:
            e.seq, e.prev_hash = e.seq - 1, prev
            e.hash = prev = entry_hash(e)
            c.execute(AuditEntry.__table__.insert().values(
                {col.key: getattr(e, col.key) for col in AuditEntry.__table__.c
                 if col.key != "id"}))
        if not keep_macs:  # strip every signature, as if the log had never been signed
            c.execute(text("UPDATE audit_entry SET mac = NULL"))


def test_truncation_is_detected_by_the_signed_checkpoint(log_engine):
    fill(log_engine, 5)
    drop_guard(log_engine)
    with log_engine.begin() as c:
        c.execute(text("DELETE FROM audit_entry WHERE seq >= 4"))
    with Session(log_engine) as s:
        v = verify(s)
    assert not v.ok and "ends at entry #3" in v.reason and "#5" in v.reason, str(v)


@pytest.mark.parametrize("keep_macs", [True, False])
def test_rewrite_with_the_apps_hash_function_is_detected(log_engine, keep_macs):
    fill(log_engine, 5)
    _rewrite_from(log_engine, 3, keep_macs)
    with Session(log_engine) as s:
        assert s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())) == 4
        v = verify(s)
    assert not v.ok, str(v)
    if keep_macs:
        assert v.bad_seq == 3 and "signature" in v.reason
    else:
        assert "checkpoint" in v.reason


def test_checkpoint_is_signed_and_intact_log_shows_it(log_engine):
    from forewarn.security import anchor

    fill(log_engine, 3)
    with Session(log_engine) as s:
        cp = anchor.read_checkpoint(s)
        v = verify(s)
        assert cp["seq"] == 3 and anchor.head_ok(cp)
        assert v.ok and v.signed == 3 and "checkpoint #3" in str(v)
        forged = {**cp, "seq": 2}
        assert not verify(s, forged).ok and "signature" in verify(s, forged).reason


def test_cli_exports_the_checkpoint_and_verifies_against_it(cli_engine, tmp_path):
    url = cli_engine.url.render_as_string(hide_password=False)
    fill(cli_engine, 4)
    r = _cli(url, "audit", "checkpoint")
    assert r.exit_code == 0 and '"seq": 4' in r.output, r.output
    witness = tmp_path / "witness.json"
    witness.write_text(r.output)
    fill(cli_engine, 2)
    r = _cli(url, "audit", "verify")
    assert r.exit_code == 0 and "checkpoint #6" in r.output, r.output
    drop_guard(cli_engine)
    with cli_engine.begin() as c:  # cut back to before the witness's copy
        c.execute(text("DELETE FROM audit_entry WHERE seq >= 3"))
    r = _cli(url, "audit", "verify", "--against", str(witness))
    assert r.exit_code == 1 and "removed from the end" in r.output, r.output
