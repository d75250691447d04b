"""The shared sensitivity filter on both backends: queries, joins, counts, relationship loads,
ORM updates/deletes, the declassification guard and confidential-field redaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session, selectinload

from forewarn.security import (
    ANONYMOUS,
    REDACTED,
    SYSTEM,
    AccessDenied,
    Sensitivity,
    for_role,
    set_principal,
)

from .probe import ProbeFolder, ProbeNote

LEVELS = list(Sensitivity)


@pytest.fixture
def seeded(system_session):
    folder = ProbeFolder(name="f")
    system_session.add(folder)
    for level in LEVELS:
        system_session.add(ProbeNote(title=f"note-{level.value}", sensitivity=level,
                                     witness=f"witness-{level.value}", folder=folder))
    system_session.commit()
    return folder.id


def titles(session) -> set[str]:
    return {n.title for n in session.scalars(select(ProbeNote))}


def test_levels_are_ordered():
    assert Sensitivity.public < Sensitivity.internal < Sensitivity.restricted
    assert Sensitivity.restricted < Sensitivity.confidential
    assert max(LEVELS) == Sensitivity.confidential and sorted(LEVELS, reverse=True)[-1] == "public"


@pytest.mark.parametrize("role,visible", [
    (None, {"public"}), ("viewer", {"public", "internal"}),
    ("analyst", {"public", "internal", "restricted"}),
    ("reviewer", set(s.value for s in Sensitivity)), ("admin", set(s.value for s in Sensitivity)),
])
def test_each_role_sees_exactly_its_levels(probe_engine, seeded, role, visible):
    with Session(probe_engine) as s:
        if role:
            set_principal(s, for_role(role))
        assert titles(s) == {f"note-{v}" for v in visible}
        assert s.scalar(select(func.count(ProbeNote.id))) == len(visible)
        assert s.scalar(select(func.count()).select_from(ProbeNote)) == len(visible)
        folder = s.scalars(select(ProbeFolder).options(selectinload(ProbeFolder.notes))).one()
        assert {n.title for n in folder.notes} == {f"note-{v}" for v in visible}
        joined = s.scalars(select(ProbeFolder.name).join(ProbeFolder.notes)).all()
        assert len(joined) == len(visible)
        hidden = s.scalar(select(ProbeNote).where(ProbeNote.title == "note-confidential"))
        assert (hidden is not None) == ("confidential" in visible)


def test_principal_change_is_not_cached_between_sessions(probe_engine, seeded):
    for principal, n in [(for_role("reviewer"), 4), (ANONYMOUS, 1), (for_role("viewer"), 2),
                         (SYSTEM, 4), (for_role("analyst"), 3)]:
        with Session(probe_engine) as s:
            set_principal(s, principal)
            assert len(titles(s)) == n, principal.role


def test_lazy_relationship_loads_are_filtered(probe_engine, seeded):
    with Session(probe_engine) as s:
        set_principal(s, for_role("viewer"))
        folder = s.get(ProbeFolder, seeded)
        assert {n.title for n in folder.notes} == {"note-public", "note-internal"}


def test_orm_update_and_delete_cannot_touch_hidden_rows(probe_engine, seeded):
    with Session(probe_engine) as s:
        set_principal(s, for_role("viewer"))
        s.execute(update(ProbeNote).values(title="overwritten"))
        s.commit()
    with Session(probe_engine) as s:
        set_principal(s, SYSTEM)
        assert titles(s) == {"overwritten", "note-restricted", "note-confidential"}


def test_raw_sql_is_not_filtered_so_sensitive_code_must_not_use_it(probe_engine, seeded):
    with Session(probe_engine) as s:
        assert s.scalar(text("SELECT count(*) FROM probe_note")) == 4


def test_lowering_sensitivity_needs_publish(probe_engine, seeded):
    with Session(probe_engine) as s:
        set_principal(s, for_role("analyst"))
        note = s.scalar(select(ProbeNote).where(ProbeNote.title == "note-restricted"))
        note.sensitivity = Sensitivity.public
        with pytest.raises(AccessDenied):
            s.flush()
        s.rollback()
        note = s.scalar(select(ProbeNote).where(ProbeNote.title == "note-internal"))
        note.sensitivity = Sensitivity.restricted  # raising is always allowed
        s.commit()
    with Session(probe_engine) as s:
        set_principal(s, for_role("reviewer"))
        note = s.scalar(select(ProbeNote).where(ProbeNote.title == "note-confidential"))
        note.sensitivity = Sensitivity.public
        s.commit()
    with Session(probe_engine) as s:
        assert titles(s) == {"note-public", "note-confidential"}


def test_confidential_fields_are_encrypted_at_rest_and_redacted(probe_engine, seeded):
    with Session(probe_engine) as s:
        stored = s.scalars(text("SELECT witness FROM probe_note")).all()
    assert all("witness" not in v for v in stored) and len(set(stored)) == 4
    with Session(probe_engine) as s:
        set_principal(s, for_role("analyst"))
        notes = s.scalars(select(ProbeNote)).all()
        assert {n.witness for n in notes} == {REDACTED}
        notes[0].title = "edited by analyst"  # editing other fields keeps the secret intact
        s.commit()
    with Session(probe_engine) as s:
        set_principal(s, for_role("reviewer"))
        assert {n.witness for n in s.scalars(select(ProbeNote))} == {
            f"witness-{level.value}" for level in LEVELS}
        note = s.scalars(select(ProbeNote)).first()
        note.witness = REDACTED
        with pytest.raises(Exception, match="redaction placeholder"):
            s.flush()


def test_wrong_key_cannot_decrypt(probe_engine, seeded, tmp_path):
    from forewarn.security import crypto
    from forewarn.settings import Settings

    crypto.configure(Settings(data_dir=tmp_path / "other", secret_key="another key"))
    with Session(probe_engine) as s, pytest.raises(Exception, match="cannot decrypt"):
        set_principal(s, SYSTEM)
        s.scalars(select(ProbeNote)).all()


def test_key_file_is_private_and_stable(tmp_path):
    from forewarn.security import crypto
    from forewarn.settings import Settings

    crypto.configure(Settings(data_dir=tmp_path / "d", secret_key=None))
    token = crypto.encrypt("x")
    mode = (tmp_path / "d" / "secret.key").stat().st_mode & 0o777
    assert mode == 0o600
    crypto.configure(Settings(data_dir=tmp_path / "d", secret_key=None))  # a later start
    assert crypto.decrypt(token) == "x"
