"""Analysts' corrections of the classifier: a document marked as a false positive, as
counter-speech (quoting or condemning hate, so not hateful), as in the wrong language, or as
missed hate. Corrections are kept (with the model version and label they correct), exported
(CSV/JSON) and used by the next `forewarn monitor train`:

- false_positive, counter_speech → a non-hateful training example (hate = 0);
- missed → a hateful training example (hate = 1);
- wrong_language → not a label (we do not know whether it is hateful); exported so the
  language detector's mistakes can be reviewed, and the text is never trained on in the
  language it was wrongly given.

Training adds each example to the training split (never the test split) of the language's
binary hate set named in `CORRECTION_SETS` (train.fit), so held-out figures stay comparable.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from sqlalchemy import Engine, select

from forewarn.data.errors import DataError
from forewarn.monitor.models import MonitorCorrection, MonitorDocument
from forewarn.security.audit import record
from forewarn.security.exports import safe_cell
from forewarn.store.db import transaction
from forewarn.store.models import Country

KINDS = ("false_positive", "counter_speech", "wrong_language", "missed")
HATE_LABEL = {"false_positive": 0, "counter_speech": 0, "missed": 1}
EXPORT_FIELDS = ("id", "document_id", "kind", "language", "correct_language", "label_was",
                 "model_version", "country", "note", "created_by", "created_at", "text")


class CorrectionError(ValueError):
    pass


def add(engine: Engine, document_id: int, kind: str, by: str = "",
        correct_language: str | None = None, note: str = "") -> int:
    if kind not in KINDS:
        raise CorrectionError(f"kind must be one of {', '.join(KINDS)}")
    lang = (correct_language or "").strip().lower() or None
    if kind == "wrong_language" and (lang is None or not lang.isalpha() or len(lang) > 3):
        raise CorrectionError("wrong_language needs the correct ISO 639-1 language code")
    with transaction(engine) as s:
        doc = s.get(MonitorDocument, document_id)
        if doc is None:
            raise LookupError(f"no document {document_id}")
        row = MonitorCorrection(document_id=doc.id, kind=kind, correct_language=lang,
                                note=note.strip()[:4000], model_version=doc.model_version,
                                label_was=doc.label, created_by=by)
        s.add(row)
        s.flush()
        record(s, by or "system", "monitor.correction.create", "monitor_correction", row.id,
               after=row)
        return row.id


def rows(engine: Engine) -> list[dict]:
    with transaction(engine) as s:
        q = (select(MonitorCorrection, MonitorDocument, Country.iso3)
             .join(MonitorDocument, MonitorDocument.id == MonitorCorrection.document_id)
             .outerjoin(Country, Country.id == MonitorDocument.country_id)
             .order_by(MonitorCorrection.id))
        return [{"id": c.id, "document_id": d.id, "kind": c.kind, "language": d.language,
                 "correct_language": c.correct_language, "label_was": c.label_was,
                 "model_version": c.model_version, "country": iso3, "note": c.note,
                 "created_by": c.created_by,
                 "created_at": c.created_at.isoformat() if isinstance(c.created_at, datetime)
                 else c.created_at, "text": d.text}
                for c, d, iso3 in s.execute(q).all()]


def to_csv(items: list[dict]) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(EXPORT_FIELDS)
    for r in items:
        w.writerow([safe_cell(r.get(k)) for k in EXPORT_FIELDS])
    return out.getvalue()


def training_examples(items: list[dict]) -> dict[str, list[tuple[str, int]]]:
    """{language: [(text, hate 0/1)]} from corrections (the latest verdict per document)."""
    latest = {r["document_id"]: r for r in items}
    out: dict[str, list[tuple[str, int]]] = {}
    for r in latest.values():
        if r["kind"] in HATE_LABEL and r.get("language"):
            out.setdefault(r["language"], []).append((r["text"], HATE_LABEL[r["kind"]]))
    return out


def read_export(path) -> list[dict]:
    """Corrections from an exported CSV (e.g. from another installation)."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        missing = [c for c in ("document_id", "kind", "language", "text")
                   if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(str(path), f"missing columns {missing}")
        items = []
        for n, r in enumerate(reader, start=2):
            if r["kind"] not in KINDS:
                raise DataError(str(path), f"unknown kind {r['kind']!r}", row=n, column="kind")
            items.append(r)
        return items
