"""Registering sources (file upload, URL, pasted text), grading them, working copies, and every
access, export, transfer and change, each written to the source's custody log."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import custody
from forewarn.evidence.access import SYSTEM, Principal, actor_name, audit, check_level
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.fetch import FetchError, FetchResult, fetch_url
from forewarn.evidence.models import Source
from forewarn.evidence.storage import BlobStore, sha256_bytes
from forewarn.security import originals

KINDS = ("upload", "url", "text")
MAX_BYTES = 100 * 1024 * 1024
EDITABLE = ("title", "description", "citation", "sensitivity", "confidential_notes")
_MAGIC = [(b"%PDF-", "application/pdf"), (b"\x89PNG\r\n\x1a\n", "image/png"),
          (b"\xff\xd8\xff", "image/jpeg"), (b"GIF87a", "image/gif"), (b"GIF89a", "image/gif"),
          (b"PK\x03\x04", "application/zip"), (b"\x1f\x8b", "application/gzip"),
          (b"RIFF", "application/octet-stream"), (b"\x00\x00\x00\x18ftyp", "video/mp4"),
          (b"\x00\x00\x00\x20ftyp", "video/mp4"), (b"ID3", "audio/mpeg"),
          (b"OggS", "audio/ogg")]


class IntakeError(ValueError):
    """The item cannot be registered as given (the message says why)."""


class IntegrityError(RuntimeError):
    """Stored bytes no longer match their registered sha256."""


@dataclass
class Intake:
    source: Source
    duplicate: bool
    visible: bool = True   # False: a duplicate of a source above the caller's clearance


def sniff_media_type(data: bytes, filename: str = "", declared: str | None = None) -> str:
    """The media type from the bytes' signature, else the file name, else what the sender
    declared (never trusted over the bytes)."""
    for magic, kind in _MAGIC:
        if data.startswith(magic) and kind != "application/octet-stream":
            return kind
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "text/html"
    guessed = mimetypes.guess_type(filename)[0] if filename else None
    if guessed:
        return guessed
    if declared and "/" in declared:
        return declared.split(";")[0].strip()[:120]
    try:
        data[:4096].decode("utf-8")
        return "text/plain"
    except UnicodeDecodeError:
        return "application/octet-stream"


def _utc(value: datetime | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def check_grades(reliability: str | None, credibility: str | None) -> tuple[str | None,
                                                                            str | None]:
    v = vocabulary()
    r = (reliability or "").strip().upper() or None
    c = (str(credibility).strip() if credibility not in (None, "") else None)
    if r is not None and r not in v["reliability"]:
        raise IntakeError(f"reliability must be one of {', '.join(v['reliability'])} (got {r!r})")
    if c is not None and c not in v["credibility"]:
        raise IntakeError(f"credibility must be one of {', '.join(v['credibility'])} (got {c!r})")
    return r, c


def find_evidentiary(session: Session, sha: str) -> Source | None:
    return session.scalar(select(Source).where(Source.evidentiary_sha == sha))


def _duplicate_above_clearance(session: Session, sha: str) -> Source | None:
    """The evidentiary copy of SHA when it exists but the session's principal may not read it
    (a plain table query is not filtered). Loaded as SYSTEM only to extend its custody log,
    then detached so the caller's session never shows it."""
    table = Source.__table__
    sid = session.execute(select(table.c.id).where(table.c.evidentiary_sha == sha)).scalar()
    if sid is None:
        return None
    previous = session.info.get("principal")
    session.info["principal"] = SYSTEM
    try:
        return session.get(Source, sid, populate_existing=True)
    finally:
        session.info["principal"] = previous


def register(session: Session, store: BlobStore, data: bytes, *, kind: str, title: str,
             actor, collector: str | None = None, original_location: str = "",
             filename: str = "", media_type: str | None = None,
             captured_at: datetime | None = None, fetched: FetchResult | None = None,
             description: str = "", citation: str = "", sensitivity: str | None = None,
             confidential_notes: str | None = None, reliability: str | None = None,
             credibility: str | None = None, witness_media: bool = False) -> Intake:
    """Hash and store DATA and register it as an evidentiary copy. The same bytes registered
    again return the existing source, with the new capture added to its custody log.
    WITNESS_MEDIA (a field report's upload): sealed at rest, opened only by a custodian."""
    if kind not in KINDS:
        raise IntakeError(f"kind must be one of {', '.join(KINDS)} (got {kind!r})")
    if not data:
        raise IntakeError("nothing to register: the content is empty")
    if len(data) > MAX_BYTES:
        raise IntakeError(f"too large: {len(data)} bytes (limit {MAX_BYTES})")
    title = (title or filename or original_location or "").strip()[:300]
    if not title:
        raise IntakeError("a title is needed")
    try:
        level = check_level(sensitivity)
    except ValueError as exc:
        raise IntakeError(str(exc)) from None
    reliability, credibility = check_grades(reliability, credibility)
    who = actor_name(actor)
    collector = (collector or who).strip()[:120]
    sha = sha256_bytes(data)
    captured = _utc(fetched.fetched_at if fetched else captured_at)
    capture = {"kind": kind, "collector": collector, "original_location": original_location,
               "filename": filename, "captured_at": captured.isoformat()}
    existing = find_evidentiary(session, sha)
    if existing is not None:
        custody.append(session, existing, who, "duplicate-intake", capture)
        return Intake(existing, True)
    hidden = _duplicate_above_clearance(session, sha)
    if hidden is not None:
        custody.append(session, hidden, who, "duplicate-intake", capture)
        session.expunge(hidden)
        return Intake(hidden, True, visible=False)
    store.put(data, seal=witness_media)
    src = Source(
        title=title, kind=kind, copy="evidentiary", sha256=sha, evidentiary_sha=sha,
        size=len(data), media_type=sniff_media_type(
            data, filename, fetched.media_type if fetched else media_type),
        filename=filename[:300], original_location=original_location or (
            "pasted text" if kind == "text" else filename),
        captured_at=captured, registered_at=datetime.now(UTC), collector=collector,
        custodian=collector, description=description, citation=citation,
        sensitivity=level, confidential_notes=confidential_notes or None, created_by=who,
        witness_media=witness_media)
    if fetched is not None:
        src.fetched_by_server, src.fetched_at = True, _utc(fetched.fetched_at)
        src.http_status, src.http_headers = fetched.status, fetched.headers
        src.original_location = fetched.url
    if reliability or credibility:
        src.reliability, src.credibility = reliability, credibility
        src.graded_by, src.graded_at = who, datetime.now(UTC)
    session.add(src)
    session.flush()
    custody.append(session, src, who, "intake", {
        **capture, "sha256": sha, "size": len(data), "media_type": src.media_type,
        "original_location": src.original_location,
        "fetched_by_server": src.fetched_by_server,
        "http_status": src.http_status, "reliability": reliability, "credibility": credibility})
    audit(session, actor, "create", "evidence_source", src.id,
          after={"title": src.title, "sha256": sha, "kind": kind, "sensitivity": level})
    return Intake(src, False)


def register_text(session: Session, store: BlobStore, text: str, **kw) -> Intake:
    return register(session, store, text.encode("utf-8"), kind="text",
                    media_type="text/plain; charset=utf-8", **kw)


def register_url(session: Session, store: BlobStore, url: str, *, data: bytes | None = None,
                 fetch: bool = False, allow_private: bool = False, **kw) -> Intake:
    """A URL with the copy the user supplies (DATA), or the copy the server fetches now."""

    if data is None and not fetch:
        raise IntakeError("give the captured copy of the page, or ask the server to fetch it")
    if data is None:
        try:
            result = fetch_url(url, allow_private=allow_private)
        except FetchError as exc:
            raise IntakeError(str(exc)) from None
        return register(session, store, result.data, kind="url", original_location=url,
                        fetched=result, **kw)
    return register(session, store, data, kind="url", original_location=url, **kw)


def grade(session: Session, source: Source, reliability: str | None, credibility: str | None,
          actor) -> Source:
    r, c = check_grades(reliability, credibility)
    before = {"reliability": source.reliability, "credibility": source.credibility}
    source.reliability, source.credibility = r, c
    source.graded_by, source.graded_at = actor_name(actor), datetime.now(UTC)
    after = {"reliability": r, "credibility": c}
    custody.append(session, source, actor_name(actor), "grade", {"before": before,
                                                                 "after": after})
    audit(session, actor, "edit", "evidence_source", source.id, before=before, after=after)
    return source


def update(session: Session, source: Source, actor, **changes) -> Source:
    """Change descriptive fields (never the bytes); each change is in the custody log."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise IntakeError(f"cannot change {', '.join(sorted(unknown))} of a source")
    if "sensitivity" in changes:
        changes["sensitivity"] = check_level(changes["sensitivity"])
    before, after = {}, {}
    for key, value in changes.items():
        old = getattr(source, key)
        old = old.value if hasattr(old, "value") else old
        if old == value:
            continue
        secret = key == "confidential_notes"
        before[key] = "[confidential]" if secret else old
        after[key] = "[confidential]" if secret else value
        setattr(source, key, value)
    if after:
        custody.append(session, source, actor_name(actor), "change",
                       {"before": before, "after": after})
        audit(session, actor, "edit", "evidence_source", source.id, before=before, after=after)
    return source


def read_bytes(session: Session, store: BlobStore, source: Source, actor,
               purpose: str = "view", action: str = "access", **detail) -> bytes:
    """The stored bytes, re-hashed before they are handed out; logged as ACTION. An original
    goes only to whom forewarn.security.originals allows (AccessDenied otherwise)."""
    if isinstance(actor, Principal):
        originals.check(actor, source)
    data = store.read(source.sha256)
    if sha256_bytes(data) != source.sha256:
        raise IntegrityError(f"source #{source.id}: stored bytes no longer match their sha256")
    custody.append(session, source, actor_name(actor), action, {"purpose": purpose, **detail})
    if action == "export":
        audit(session, actor, "export", "evidence_source", source.id,
              after={"purpose": purpose, **detail})
    return data


def export(session: Session, store: BlobStore, source: Source, actor, recipient: str,
           purpose: str) -> bytes:
    return read_bytes(session, store, source, actor, purpose, "export", recipient=recipient)


def transfer(session: Session, source: Source, to: str, actor, reason: str = "") -> Source:
    to = (to or "").strip()[:120]
    if not to:
        raise IntakeError("transfer to whom?")
    custody.append(session, source, actor_name(actor), "transfer",
                   {"from": source.custodian, "to": to, "reason": reason})
    audit(session, actor, "transfer", "evidence_source", source.id,
          before={"custodian": source.custodian}, after={"custodian": to})
    source.custodian = to
    return source


def working_copy(session: Session, store: BlobStore, source: Source, actor,
                 data: bytes | None = None, note: str = "", filename: str = "") -> Source:
    """A working copy derived from an evidentiary copy (the original stays untouched). DATA is
    the processed version (redacted, transcoded, annotated) or, if None, the same bytes."""
    if source.copy != "evidentiary":
        raise IntakeError("working copies are made from the evidentiary copy")
    who = actor_name(actor)
    if data is None:
        if isinstance(actor, Principal):  # the same bytes: a copy of the original itself
            originals.check(actor, source)
        data = store.read(source.sha256)
        if sha256_bytes(data) != source.sha256:
            raise IntegrityError(f"source #{source.id}: stored bytes no longer match")
    sha, _ = store.put(data)
    wc = Source(title=f"{source.title} (working copy)"[:300], kind=source.kind,
                copy="working", derived_from_id=source.id, sha256=sha, evidentiary_sha=None,
                size=len(data), media_type=sniff_media_type(data, filename or source.filename,
                                                            source.media_type),
                filename=filename or source.filename,
                original_location=source.original_location, captured_at=datetime.now(UTC),
                registered_at=datetime.now(UTC), collector=who, custodian=who,
                description=note, citation=source.citation, sensitivity=source.sensitivity,
                reliability=source.reliability, credibility=source.credibility,
                graded_by=source.graded_by, graded_at=source.graded_at, created_by=who)
    session.add(wc)
    session.flush()
    custody.append(session, source, who, "derive", {"working_copy": wc.id, "note": note,
                                                     "sha256": sha})
    custody.append(session, wc, who, "intake", {
        "kind": "working-copy", "derived_from": source.id, "sha256": sha, "size": len(data),
        "note": note, "identical_to_original": sha == source.sha256})
    audit(session, actor, "create", "evidence_source", wc.id,
          after={"working_copy_of": source.id, "sha256": sha})
    return wc
