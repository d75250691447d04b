"""Store ingested documents and events: de-duplicate, detect language, attribute a country,
score and tag each passage. Each document is stored in its own transaction, so a bad one
leaves nothing half-stored and the rest of the batch goes on."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.data.errors import DataError
from forewarn.monitor import dedup, geo, ingest, riskfactors
from forewarn.monitor.language import detect
from forewarn.monitor.model import label_of
from forewarn.monitor.models import MonitorBand, MonitorDocument, MonitorEvent, MonitorPassage
from forewarn.monitor.text import sha256_text, split_passages
from forewarn.security.audit import record
from forewarn.security.urls import safe_href
from forewarn.store.countries import country_id
from forewarn.store.db import transaction

log = logging.getLogger("forewarn.monitor")
SEVERITY = ("incitement", "dehumanising", "hateful", "offensive")


@dataclass
class BatchReport:
    stored: list[int] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)  # refs of exact duplicates skipped
    near_duplicates: list[int] = field(default_factory=list)  # stored, flagged
    errors: list[str] = field(default_factory=list)
    alerts: list[int] = field(default_factory=list)  # alerts raised by this batch

    def as_dict(self) -> dict:
        return {"stored": len(self.stored), "duplicates": len(self.duplicates),
                "near_duplicates": len(self.near_duplicates), "errors": self.errors,
                "document_ids": self.stored, "alerts": self.alerts}


def _near_duplicate(session: Session, sig: list[int], bands: list[str]) -> int | None:
    if not bands:
        return None
    candidates = session.scalars(select(MonitorBand.document_id)
                                 .where(MonitorBand.band.in_(bands)).distinct()).all()
    best, best_sim = None, 0.0
    for doc_id in candidates:
        other = session.get(MonitorDocument, doc_id)
        sim = dedup.similarity(sig, other.minhash)
        if sim >= dedup.THRESHOLD and sim > best_sim:
            best, best_sim = other.near_duplicate_of or other.id, sim
    return best


def _score_passages(model, passages: list[str], language: str | None,
                    confidence: float) -> list[dict]:
    if model is None:
        rows = [{"language": language, **{s: None for s in SEVERITY}, "label": None,
                 "target_group": None} for _ in passages]
    else:
        rows = model.score(passages, [language] * len(passages), [confidence] * len(passages))
    for text, row in zip(passages, rows, strict=True):
        row["risk_tags"] = [{k: v for k, v in t.items() if k != "passage"}
                            for t in riskfactors.tag(text, row)]
    return rows


def _document_scores(scored: list[dict]) -> dict:
    """A document scores as its worst passage, score by score."""
    return {k: max((r[k] for r in scored if r.get(k) is not None), default=None)
            for k in SEVERITY}


def _passage_fields(r: dict) -> dict:
    return {"hateful": r.get("hateful"), "offensive": r.get("offensive"),
            "incitement": r.get("incitement"), "dehumanising": r.get("dehumanising"),
            "label": r.get("label"), "target_group": r.get("target_group"),
            "risk_tags": r["risk_tags"]}


def store_document(engine: Engine, doc: ingest.RawDocument, model=None,
                   report: BatchReport | None = None) -> int | None:
    """Store one document; returns its id, or None for an exact duplicate."""
    report = report or BatchReport()
    digest = sha256_text(doc.text)
    with transaction(engine) as s:
        if s.scalar(select(MonitorDocument.id).where(MonitorDocument.sha256 == digest)):
            report.duplicates.append(doc.ref or doc.source)
            return None
        found = detect(doc.text[:2000])
        where = geo.attribute(f"{doc.title}\n{doc.text}", doc.country_iso3)
        sig = dedup.signature(doc.text)
        bands = dedup.bands(sig)
        near = _near_duplicate(s, sig, bands)
        passages = split_passages(doc.text) or [doc.text.strip()]
        scored = _score_passages(model, passages, found.language, found.confidence)
        doc_scores = _document_scores(scored)
        row = MonitorDocument(
            sha256=digest, source_kind=doc.source_kind, source=doc.source[:500],
            url=safe_href(doc.url)[:1000], title=doc.title, text=doc.text, language=found.language,
            language_confidence=found.confidence,
            published_at=doc.published_at or datetime.now(UTC),
            country_id=country_id(s, where.iso3), country_method=where.method,
            countries_mentioned=sorted(where.mentions), minhash=sig, near_duplicate_of=near,
            scores=doc_scores,
            label=label_of(doc_scores) if model is not None and found.language in
            model.languages else None,
            model_version=(model.meta.get("version", "") if model is not None else ""))
        for i, (text, r) in enumerate(zip(passages, scored, strict=True)):
            row.passages.append(MonitorPassage(idx=i, text=text, **_passage_fields(r)))
        s.add(row)
        s.flush()
        s.add_all(MonitorBand(document_id=row.id, band=b) for b in bands)
        report.stored.append(row.id)
        if near is not None:
            report.near_duplicates.append(row.id)
        return row.id


def store_documents(engine: Engine, docs: Iterable[ingest.RawDocument], model=None,
                    report: BatchReport | None = None) -> BatchReport:
    report = report or BatchReport()
    for doc in docs:
        try:
            store_document(engine, doc, model, report)
        except DataError as exc:
            report.errors.append(str(exc))
    return report


def ingest_folder(engine: Engine, folder: Path, model=None) -> BatchReport:
    """Every supported file in `folder` (not recursive). A bad file is reported by name and
    skipped whole: none of its rows are stored."""
    report = BatchReport()
    for path in sorted(Path(folder).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        try:
            docs = ingest.parse_file(path)
        except DataError as exc:
            report.errors.append(str(exc))
            continue
        store_documents(engine, docs, model, report)
    return settle(engine, report)


def settle(engine: Engine, report: BatchReport, events: bool = False) -> BatchReport:
    """After a batch: recompute the signals of the days it touched and evaluate the alert
    rules there (forewarn.monitor.alerts.after_ingest), so alerts need no command. A failure
    there is logged and reported, never undoing what was stored."""
    from forewarn.monitor import alerts  # cycle: monitor.alerts imports monitor.store

    if not report.stored:
        return report
    try:
        report.alerts = alerts.after_ingest(
            engine, [] if events else report.stored, report.stored if events else [])
    except Exception as exc:  # noqa: BLE001 - the documents are stored; say what failed
        log.exception("alert evaluation after ingestion failed")
        report.errors.append(f"alert evaluation failed: {exc}")
    return report


def ingest_feed(engine: Engine, content: bytes | str, source: str, model=None,
                country_iso3: str | None = None) -> BatchReport:
    report = BatchReport()
    try:
        docs = ingest.parse_feed(content, source)
    except DataError as exc:
        report.errors.append(str(exc))
        return report
    for d in docs:
        d.country_iso3 = d.country_iso3 or country_iso3
    return settle(engine, store_documents(engine, docs, model, report))


def ingest_gdelt_events(engine: Engine, path: Path) -> BatchReport:
    """A whole GDELT events file in one transaction: a malformed row rejects the file."""
    report = BatchReport()
    try:
        events = list(ingest.parse_gdelt_events(Path(path)))
    except DataError as exc:
        report.errors.append(str(exc))
        return report
    with transaction(engine) as s:
        known = set(s.scalars(select(MonitorEvent.global_event_id).where(
            MonitorEvent.global_event_id.in_([e.global_event_id for e in events]))).all())
        for e in events:
            if e.global_event_id in known:
                report.duplicates.append(e.global_event_id)
                continue
            known.add(e.global_event_id)
            iso3 = geo.attribute(e.country_hint).iso3 or (
                e.country_hint if countries.get(e.country_hint or "") else None)
            row = MonitorEvent(global_event_id=e.global_event_id, day=e.day,
                               country_id=country_id(s, iso3), event_code=e.event_code,
                               signal=e.signal, goldstein=e.goldstein,
                               num_mentions=e.num_mentions, source_url=e.source_url[:1000],
                               source_file=e.source_file)
            s.add(row)
            s.flush()
            report.stored.append(row.id)
    return settle(engine, report, events=True)


def ingest_gdelt_mentions(engine: Engine, path: Path) -> dict:
    """Add a mentions file's counts to the stored events it refers to."""
    try:
        counts: dict[str, int] = {}
        for gid, _ in ingest.parse_gdelt_mentions(Path(path)):
            counts[gid] = counts.get(gid, 0) + 1
    except DataError as exc:
        return {"matched": 0, "unmatched": 0, "errors": [str(exc)]}
    matched = 0
    with transaction(engine) as s:
        for ev in s.scalars(select(MonitorEvent).where(
                MonitorEvent.global_event_id.in_(list(counts)))):
            ev.num_mentions += counts[ev.global_event_id]
            matched += 1
    return {"matched": matched, "unmatched": len(counts) - matched, "errors": []}


def rescore(engine: Engine, model, progress=None) -> int:
    """Score the documents stored while no model was trained (model_version ""), passage by
    passage as at ingestion, one document per transaction; returns how many were scored."""
    with Session(engine) as s:
        ids = s.scalars(select(MonitorDocument.id).where(MonitorDocument.model_version == "")
                        .order_by(MonitorDocument.id)).all()
    for n, doc_id in enumerate(ids, start=1):
        with transaction(engine) as s:
            row = s.get(MonitorDocument, doc_id)
            passages = sorted(row.passages, key=lambda p: p.idx)
            scored = _score_passages(model, [p.text for p in passages], row.language,
                                     row.language_confidence or 0.0)
            for p, r in zip(passages, scored, strict=True):
                for name, value in _passage_fields(r).items():
                    setattr(p, name, value)
            row.scores = _document_scores(scored)
            row.label = label_of(row.scores) if row.language in model.languages else None
            row.model_version = model.meta.get("version", "") or "unversioned"
        if progress is not None:
            progress(n, len(ids))
    return len(ids)


def update_audited(engine: Engine, model, row_id: int, fields: tuple[str, ...], changes: dict,
                   by: str, action: str, what: str, check=None):
    """Set CHANGES (already validated, keys among FIELDS) on MODEL's row ROW_ID in one
    transaction, run CHECK(row) before committing, audit ACTION with before and after; returns
    the row. LookupError names WHAT when there is no such row. (Rules and feeds share it.)"""
    with transaction(engine) as s:
        row = s.get(model, row_id)
        if row is None:
            raise LookupError(f"no {what} {row_id}")
        before = {k: getattr(row, k) for k in fields}
        for k, v in changes.items():
            setattr(row, k, v)
        if check is not None:
            check(row)
        record(s, by or "system", action, model.__tablename__, row.id, before=before,
               after=row)
        return row

