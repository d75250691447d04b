"""Export and import assessments as YAML, JSON or CSV; export → import → export is identical.

One record per assessment: iso3, as_of, status, sensitivity, demo, summary and ratings (with
trend, confidence, rationale and evidence). CSV has one row per rating (assessment fields
repeated; an assessment without ratings has one row with an empty indicator) and evidence as a
JSON list in its cell. Database ids, authors and timestamps are not exported: they belong to
the installation, and the audit log keeps who imported what.

Import is all or nothing: every record is validated before anything is written. A record for a
country and date that exists becomes a new version of it (kind `import`); others are created.
Importing drafts needs `create` (and the right to edit the assessment when it exists); records
in review or published need `review`, since the review happened elsewhere.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import yaml
from pydantic import ValidationError
from sqlalchemy import select

from forewarn.assess import service
from forewarn.assess.access import Actor, audit
from forewarn.assess.catalog import Framework
from forewarn.assess.models import Assessment
from forewarn.assess.ratings import Content, ContentError, normalise
from forewarn.security.exports import restore_cell, write_csv
from forewarn.store.base import utcnow

FORMATS = ("yaml", "json", "csv")
FIELDS = ["iso3", "as_of", "status", "sensitivity", "demo", "summary"]
CSV_COLUMNS = FIELDS + ["indicator", "rating", "trend", "confidence", "rationale", "evidence"]
LEVELS = ("public", "internal", "restricted", "confidential")


class TransferError(ValueError):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def records(session, actor: Actor, iso3: str | None = None) -> list[dict]:
    """The assessments ACTOR may read, as export records (editors get working copies)."""
    out = []
    for a in service.list_assessments(session, actor, iso3=iso3):
        number = service.readable_number(actor, a)
        if not number:
            continue
        snap = service.snapshot(a, service.version(session, a, number))
        out.append({"iso3": snap["iso3"], "as_of": snap["as_of"], "status": snap["status"],
                    "sensitivity": snap["sensitivity"], "demo": bool(a.demo),
                    "summary": snap["summary"], "ratings": snap["ratings"]})
    out.sort(key=lambda r: (r["iso3"], r["as_of"]))
    return out


def dumps(recs: list[dict], fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump({"assessments": recs}, sort_keys=False, allow_unicode=True,
                              width=100)
    if fmt == "json":
        return json.dumps({"assessments": recs}, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":  # formula-safe (forewarn.security.exports); loads() restores cells
        rows = []
        for r in recs:
            head = [r["iso3"], r["as_of"], r["status"], r["sensitivity"],
                    "true" if r["demo"] else "false", r["summary"]]
            if not r["ratings"]:
                rows.append(head + [""] * 6)
            for x in r["ratings"]:
                rows.append(head + [x["indicator"], x["rating"], x.get("trend") or "",
                                    x.get("confidence") or "", x.get("rationale") or "",
                                    json.dumps(x.get("evidence") or [], ensure_ascii=False,
                                               separators=(",", ":"))])
        return write_csv(rows, CSV_COLUMNS)
    raise TransferError([f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"])


def loads(text: str, fmt: str) -> list[dict]:
    try:
        if fmt in ("yaml", "json"):
            data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
            if not isinstance(data, dict) or not isinstance(data.get("assessments"), list):
                raise TransferError(["expected a mapping with an 'assessments' list"])
            return data["assessments"]
        if fmt == "csv":
            return _from_csv(text)
    except (yaml.YAMLError, json.JSONDecodeError) as exc:
        raise TransferError([f"not valid {fmt.upper()}: {exc}"]) from None
    raise TransferError([f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}"])


def _from_csv(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise TransferError([f"CSV lacks columns: {', '.join(missing)}"])
    recs: dict[tuple, dict] = {}
    for n, row in enumerate(reader, start=2):
        row = {k: restore_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        key = (row["iso3"], row["as_of"])
        rec = recs.setdefault(key, {"iso3": row["iso3"], "as_of": row["as_of"],
                                    "status": row["status"], "sensitivity": row["sensitivity"],
                                    "demo": row["demo"] == "true", "summary": row["summary"],
                                    "ratings": []})
        if not row["indicator"]:
            continue
        try:
            evidence = json.loads(row["evidence"] or "[]")
        except json.JSONDecodeError:
            raise TransferError([f"line {n}: evidence is not a JSON list"]) from None
        rec["ratings"].append({"indicator": row["indicator"], "rating": row["rating"],
                               "trend": row["trend"] or None,
                               "confidence": row["confidence"] or None,
                               "rationale": row["rationale"], "evidence": evidence})
    return list(recs.values())


def _validate(session, framework: Framework, recs: list[dict]) -> list[tuple[dict, Content]]:
    problems, out, seen = [], [], set()
    for n, r in enumerate(recs, start=1):
        where = f"record {n} ({r.get('iso3')} {r.get('as_of')})" if isinstance(r, dict) \
            else f"record {n}"
        if not isinstance(r, dict):
            problems.append(f"{where}: not a mapping")
            continue
        try:
            service.country_by_iso3(session, str(r.get("iso3")))
            date.fromisoformat(str(r.get("as_of")))
        except (service.NotFound, ValueError) as exc:
            problems.append(f"{where}: {exc}")
            continue
        if r.get("status") not in ("draft", "in_review", "published"):
            problems.append(f"{where}: status must be draft, in_review or published")
        if r.get("sensitivity") not in LEVELS:
            problems.append(f"{where}: sensitivity must be one of {', '.join(LEVELS)}")
        key = (str(r["iso3"]).upper(), str(r["as_of"]))
        if key in seen:
            problems.append(f"{where}: listed twice")
        seen.add(key)
        try:
            content = normalise(Content(summary=r.get("summary") or "",
                                        ratings=r.get("ratings") or []), framework)
        except ValidationError as exc:
            problems.extend(f"{where}: {'.'.join(map(str, e['loc']))}: {e['msg']}"
                            for e in exc.errors())
            continue
        except ContentError as exc:
            problems.extend(f"{where}: {p}" for p in exc.problems)
            continue
        out.append((r, content))
    if problems:
        raise TransferError(problems)
    return out


def import_records(session, actor: Actor, framework: Framework, recs: list[dict],
                   source: str = "import") -> dict:
    """Create or revise assessments from RECS in the caller's transaction; all or nothing."""
    checked = _validate(session, framework, recs)
    if any(r["status"] != "draft" for r, _ in checked) and not actor.can("review"):
        raise service.Forbidden("importing assessments in review or published needs 'review'")
    created = revised = 0
    for r, content in checked:
        country = service.country_by_iso3(session, r["iso3"])
        as_of = date.fromisoformat(str(r["as_of"]))
        a = session.scalar(select(Assessment).where(Assessment.country_id == country.id,
                                                    Assessment.as_of == as_of))
        if a is None:
            a = service.create(session, actor, framework, r["iso3"], as_of, content,
                               sensitivity=r["sensitivity"], demo=bool(r.get("demo")),
                               note=f"imported from {source}", kind="import")
            created += 1
        else:
            if a.status == "in_review":  # an import supersedes the review in progress
                a.status = "draft"
            service.save(session, actor, framework, a, content, note=f"imported from {source}",
                         kind="import")
            service.set_sensitivity(session, actor, a, r["sensitivity"])
            a.demo = bool(r.get("demo"))
            revised += 1
        if a.status != r["status"]:
            service.transition(session, actor, a, "import", r["status"],
                          f"status {r['status']} imported from {source}")
            if r["status"] == "published":
                a.published_version, a.published_at = a.current_version, utcnow()
                a.published_by_id, a.published_by_name = actor.id, actor.name
    audit(session, actor, "assessment.import", "assessment", None,
          after={"source": source, "created": created, "revised": revised})
    return {"created": created, "revised": revised, "records": len(checked)}
