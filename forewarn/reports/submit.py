"""Taking in a report: validate uploads, keep originals as evidence, strip the working copies,
store the report as `restricted` and audit it. Used by the form, the API and the CSV import."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from forewarn.evidence import service as evidence
from forewarn.reports import similar
from forewarn.reports.config import ReportSettings
from forewarn.reports.media import FileType, check_batch, check_upload
from forewarn.reports.models import Report, ReportAttachment
from forewarn.reports.schemas import ReportIn
from forewarn.reports.storage import sha256, working_store
from forewarn.reports.strip import Stripped, strip_metadata
from forewarn.security import SYSTEM, Principal, Sensitivity, set_principal
from forewarn.security.audit import record
from forewarn.store.countries import country_id

_REF_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Prepared:
    upload: Upload
    kind: FileType
    working: Stripped


def new_reference() -> str:
    return "R-" + "".join(secrets.choice(_REF_ALPHABET) for _ in range(8))


def prepare(uploads: list[Upload], limits: ReportSettings) -> list[Prepared]:
    """Check every upload and make its working copy; raises UploadRejected on the first fault
    (before anything is stored)."""
    uploads = [u for u in uploads if u.filename or u.data]
    check_batch([len(u.data) for u in uploads], limits)
    kinds = [check_upload(u.filename, u.data, limits) for u in uploads]
    return [Prepared(u, k, strip_metadata(u.filename, u.data, k))
            for u, k in zip(uploads, kinds, strict=True)]


def store(session: Session, data_dir: Path, report_in: ReportIn, prepared: list[Prepared], *,
          actor: Principal | str, channel: str = "web", import_file: str = "") -> Report:
    """Add the report and its attachments to SESSION (flushed, not committed). SESSION must be
    allowed to write `restricted` records (a reviewer's, or SYSTEM for public submissions)."""
    data = report_in.model_dump()
    iso3 = data.pop("country")
    for folded in ("occurred_month", "occurred_time"):  # into occurred_at and its precision
        data.pop(folded)
    report = Report(reference=new_reference(), channel=channel, import_file=import_file,
                    country_id=country_id(session, iso3), sensitivity=Sensitivity.restricted,
                    **{k: (v or None) if k in ("reporter_name", "contact") else v
                       for k, v in data.items()})
    session.add(report)
    session.flush()
    working = working_store(data_dir)
    for n, p in enumerate(prepared, start=1):
        digest = sha256(p.upload.data)
        source_id = evidence.keep_original(
            session, data_dir, p.upload.data, p.kind.mime,
            title=f"Report {report.reference}, attachment {n} ({p.kind.kind})",
            received_via=f"report {report.reference} ({channel})")
        report.attachments.append(ReportAttachment(
            original_name=p.upload.filename[:200] or None, kind=p.kind.kind, mime=p.kind.mime,
            ext=p.kind.ext, size=len(p.upload.data), sha256=digest,
            working_sha256=working.put(p.working.data), working_size=len(p.working.data),
            metadata_stripped=p.working.stripped, strip_note=p.working.note[:300],
            phash=similar.image_hash(p.working.data) if p.kind.kind == "image" else None,
            source_id=source_id, sensitivity=Sensitivity.restricted))
    session.flush()
    record(session, actor, "report.create", "report", report.id, after=report,
           note=f"{channel}; {len(prepared)} attachment(s)")
    return report


async def read_uploads(files, limit: int) -> list[Upload]:
    """The uploaded FILES (form or multipart parts) as Uploads, each read to at most LIMIT + 1
    bytes (so an oversized one is refused by `prepare`, not cut); empty parts are skipped."""
    out = []
    for f in files:
        if not getattr(f, "filename", None) and not getattr(f, "size", None):
            continue
        out.append(Upload(f.filename or "attachment", await f.read(limit + 1)))
    return out


def save(sessions, data_dir: Path, report_in: ReportIn, uploads: list[Upload],
         limits: ReportSettings, channel: str, actor) -> tuple[str, list[dict]]:
    """Prepare and store a submitted report in a transaction of its own; returns its reference
    and a receipt per file (the sha256 the server computed of what it received, so the
    reporter can check nothing was altered)."""
    prepared = prepare(uploads, limits)
    with sessions() as session, session.begin():
        # The reporter may not read `restricted` records; the write runs as the system, the
        # audit entry names the real actor.
        set_principal(session, SYSTEM)
        report = store(session, data_dir, report_in, prepared, actor=actor, channel=channel)
        return report.reference, [{"sha256": a.sha256, "size": a.size, "kind": a.kind}
                                  for a in report.attachments]
