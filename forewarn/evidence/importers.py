"""Bulk import of incidents from a CSV file or a UCDP GED event file, all or nothing.

Every row is read and validated before anything is written; the first bad value stops the
import with a DataError naming the file, the row (as counted in the file, header = row 1) and
the column, and the database is left as it was. Rows whose external reference was imported
before are skipped, so importing the same file twice adds nothing.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from forewarn.data import countries
from forewarn.data.errors import DataError
from forewarn.data.tabular import read_table
from forewarn.evidence import custody
from forewarn.evidence.access import actor_name, audit
from forewarn.evidence.catalog import vocabulary
from forewarn.evidence.incidents import IncidentError, clean_incident, country_id
from forewarn.evidence.models import Incident, IncidentSource, Source
from forewarn.evidence.sources import register
from forewarn.evidence.storage import BlobStore

CSV_REQUIRED = ["title", "date_start", "country", "harm_types"]
CSV_OPTIONAL = ["date_end", "date_precision", "summary", "place", "latitude", "longitude",
                "perpetrators", "perpetrator_kind",
                "victim_groups", "sensitivity", "external_ref", "sources", "source_locator",
                "supports"]
UCDP_SCHEMA = {"id": "int", "year": "int", "type_of_violence": "int", "conflict_name": "str",
               "dyad_name": "str", "side_a": "str", "side_b": "str", "gwnob": "int?",
               "adm_1": "str", "adm_2": "str", "latitude": "float?", "longitude": "float?",
               "country": "str", "country_id": "int", "date_start": "str", "date_end": "str",
               "deaths_civilians": "int?", "low": "int?", "best": "int?", "high": "int?",
               "source_headline": "str", "where_prec": "int?"}
UCDP_OPTIONAL = {"where_description": "str"}
UCDP_TYPES = {1: "state-based armed conflict", 2: "non-state conflict",
              3: "one-sided violence against civilians"}
# Which file column an IncidentError's field came from.
UCDP_FIELD_COLUMN = {"date_start": "date_start", "date_end": "date_end",
                     "country": "country_id", "latitude": "latitude",
                     "longitude": "longitude", "casualties.killed": "best",
                     "casualties.killed.low": "low", "casualties.killed.best": "best",
                     "casualties.killed.high": "high"}


@dataclass
class ImportResult:
    file: str
    rows: int
    created: int
    skipped: int
    source_id: int | None = None

    def __str__(self) -> str:
        return (f"{self.file}: {self.created} incidents created, {self.skipped} already "
                f"imported, from {self.rows} rows")


def _header(path: Path) -> list[str]:
    if not path.exists():
        raise DataError(path.name, "file not found")
    with open(path, newline="", encoding="utf-8-sig") as f:
        try:
            return [h.strip() for h in next(csv.reader(f))]
        except StopIteration:
            raise DataError(path.name, "empty file", row=1) from None
        except UnicodeDecodeError:
            raise DataError(path.name, "not UTF-8 text", row=1) from None


def _csv_columns(header: list[str], file: str) -> list[str]:
    v = vocabulary()
    known = set(CSV_REQUIRED + CSV_OPTIONAL) | set(v["fact_ids"])
    for cat in v["casualty_ids"]:
        known |= {cat, f"{cat}_low", f"{cat}_best", f"{cat}_high"}
    for i, col in enumerate(header, start=1):
        if col in header[:i - 1]:
            raise DataError(file, f"column '{col}' appears twice (columns "
                            f"{header.index(col) + 1} and {i})", row=1, column=col)
        if col not in known:
            raise DataError(file, f"unknown column '{col}' (column {i}); known columns: "
                            f"{', '.join(CSV_REQUIRED + CSV_OPTIONAL)}, casualty columns "
                            "such as killed_low/killed_best/killed_high, and context facts",
                            row=1, column=col)
    return header


def _check_widths(path: Path, width: int) -> None:
    """A row with more fields than the header has values no column names: refuse it rather
    than drop them silently (a stray comma shifts every value after it)."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        for line, row in enumerate(csv.reader(f), start=1):
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                raise DataError(path.name, f"row has {len(row)} fields, the header "
                                f"{width} (an unquoted comma?)", row=line)


def _field_to_column(field: str, row: dict) -> str:
    if field.startswith("casualties."):
        parts = field.split(".")
        cat = parts[1]
        if len(parts) == 3 and f"{cat}_{parts[2]}" in row:
            return f"{cat}_{parts[2]}"
        return next((c for c in (cat, f"{cat}_best", f"{cat}_low") if c in row), cat)
    if field.startswith("context."):
        return field.split(".", 1)[1]
    if field == "context":
        return "context"
    return field


def _resolve_source(session: Session, ref: str) -> Source | None:
    ref = ref.strip().lstrip("#")
    if ref.isdigit():
        return session.get(Source, int(ref))
    if len(ref) >= 12 and all(c in "0123456789abcdef" for c in ref.lower()):
        found = list(session.scalars(select(Source).where(Source.sha256.startswith(ref.lower()))
                                     .limit(2)))
        return found[0] if len(found) == 1 else None
    return None


def read_incident_csv(session: Session, path: Path) -> list[tuple[int, dict, list]]:
    """Validated (row, cleaned fields, [(source, supports, locator)]) for every row."""
    path = Path(path)
    header = _csv_columns(_header(path), path.name)
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        raise DataError(path.name, f"missing column(s): {', '.join(missing)}", row=1,
                        column=missing[0])
    _check_widths(path, len(header))
    frame = read_table(path, {c: "str" for c in header})
    v = vocabulary()
    out, refs = [], {}
    for rec in frame.to_dict("records"):
        row = int(rec.pop("_row"))
        data = {k: rec.get(k) for k in CSV_REQUIRED + CSV_OPTIONAL if k in rec}
        data["casualties"] = {}
        for cat in v["casualty_ids"]:
            if rec.get(cat):
                data["casualties"][cat] = rec[cat]
            fig = {k: rec.get(f"{cat}_{k}") for k in ("low", "best", "high")
                   if rec.get(f"{cat}_{k}")}
            if fig:
                data["casualties"][cat] = fig
        data["context"] = {f: rec[f] for f in v["fact_ids"] if rec.get(f)}
        try:
            cleaned = clean_incident(data)
        except IncidentError as exc:
            col = _field_to_column(exc.field, rec)
            raise DataError(path.name, str(exc).split(": ", 1)[-1], row=row,
                            column=col) from None
        ref = cleaned["external_ref"]
        if ref and ref in refs:
            raise DataError(path.name, f"external_ref '{ref}' repeats row {refs[ref]}",
                            row=row, column="external_ref")
        refs[ref] = row
        links = []
        for sref in (rec.get("sources") or "").split(";"):
            if not sref.strip():
                continue
            source = _resolve_source(session, sref)
            if source is None:
                raise DataError(path.name, f"no registered source '{sref.strip()}' (give its "
                                "id as #12 or its sha256, at least 12 characters)", row=row,
                                column="sources")
            supports = [s for s in (rec.get("supports") or "conduct").split(";") if s.strip()]
            bad = [s for s in supports if s not in ["conduct", *v["fact_ids"]]]
            if bad:
                raise DataError(path.name, f"unknown fact '{bad[0]}'", row=row,
                                column="supports")
            links.append((source, supports, rec.get("source_locator") or ""))
        out.append((row, cleaned, links))
    return out


def _write(session: Session, rows: list[tuple[int, dict, list]], actor,
           file: str) -> tuple[int, int]:
    """Insert the validated rows in bulk; return (created, skipped)."""
    refs = [c["external_ref"] for _, c, _ in rows if c["external_ref"]]
    existing = set()
    for i in range(0, len(refs), 1000):
        existing |= set(session.scalars(select(Incident.external_ref).where(
            Incident.external_ref.in_(refs[i:i + 1000]))))
    todo = [(r, c, links) for r, c, links in rows if c["external_ref"] not in existing]
    ids = {iso3: country_id(session, iso3) for iso3 in {c["country"] for _, c, _ in todo}}
    who = actor_name(actor)
    values = []
    for _, c, _ in todo:
        fields = {k: v for k, v in c.items() if k != "country"}
        values.append({**fields, "country_id": ids[c["country"]], "created_by": who})
    new_ids: list[int] = []
    for i in range(0, len(values), 2000):
        stmt = insert(Incident).returning(Incident.id, sort_by_parameter_order=True)
        new_ids += list(session.scalars(stmt, values[i:i + 2000]))
    link_rows, used = [], {}
    for inc_id, (_, _, links) in zip(new_ids, todo, strict=True):
        for source, supports, locator in links:
            link_rows.append({"incident_id": inc_id, "source_id": source.id,
                              "supports": supports, "locator": locator[:300], "note": ""})
            used.setdefault(source.id, (source, []))[1].append(inc_id)
    for i in range(0, len(link_rows), 5000):
        session.execute(insert(IncidentSource), link_rows[i:i + 5000])
    for source, incident_ids in used.values():
        custody.append(session, source, who, "link",
                       {"import": file, "incidents": len(incident_ids),
                        "first_incident": min(incident_ids), "last_incident": max(incident_ids)})
    audit(session, actor, "import", "evidence_incident", None,
          after={"file": file, "created": len(new_ids), "skipped": len(rows) - len(todo)})
    return len(new_ids), len(rows) - len(todo)


def import_csv(session: Session, path: Path, actor) -> ImportResult:
    """Incidents from an incident CSV (see docs/evidence.md for the columns). The caller's
    transaction makes it all or nothing."""
    path = Path(path)
    rows = read_incident_csv(session, path)
    created, skipped = _write(session, rows, actor, path.name)
    return ImportResult(path.name, len(rows), created, skipped)


def _ucdp_incident(rec: dict) -> dict:
    tov = rec["type_of_violence"]
    iso = countries.from_gw(rec["country_id"], rec["year"])
    place = (rec.get("where_description") or ", ".join(
        p for p in (rec["adm_2"], rec["adm_1"]) if p) or rec["country"]).strip()
    deaths = {k: rec[k] for k in ("low", "best", "high") if rec[k] is not None}
    figures = [deaths[k] for k in ("low", "best", "high") if k in deaths]
    as_published = ""
    if figures != sorted(figures):  # GED has a few events whose best lies outside low-high
        as_published = (f" UCDP published low {rec['low']}, best {rec['best']}, high "
                        f"{rec['high']}; the range is stored as {min(figures)}-{max(figures)}.")
        deaths["low"], deaths["high"] = min(figures), max(figures)
    context: dict = {}
    if tov == 1:
        context["armed_conflict"] = ("international" if rec.get("gwnob") is not None
                                     else "non-international")
    elif tov == 2:
        context["armed_conflict"] = "non-international"
    else:
        context["civilian_victims"] = True
    victims = ([{"name": rec["side_b"] or "civilians", "characteristics": [],
                 "civilian": True}] if tov == 3 else
               [{"name": "civilians", "characteristics": [], "civilian": True}]
               if (rec["deaths_civilians"] or 0) > 0 else [])
    headline = (rec["source_headline"] or "").strip()
    summary = (f"UCDP GED event {rec['id']} ({UCDP_TYPES.get(tov, 'violence')}, "
               f"{rec['dyad_name'] or rec['conflict_name']}): best estimate {rec['best']} "
               f"deaths (low {rec['low']}, high {rec['high']}), of whom "
               f"{rec['deaths_civilians'] or 0} civilians."
               + as_published + (f" Source headline: {headline[:300]}" if headline else ""))
    return {
        "title": f"{rec['dyad_name'] or rec['conflict_name']}: {place}"[:300],
        "summary": summary, "date_start": rec["date_start"], "date_end": rec["date_end"],
        "place": place, "country": iso.iso3 if iso else f"GW{rec['country_id']}",
        "latitude": rec["latitude"], "longitude": rec["longitude"],
        "harm_types": ["killing", "attack_on_civilians"] if tov == 3 else ["killing"],
        "perpetrators": [rec["side_a"]] if tov == 3 else [rec["side_a"], rec["side_b"]],
        "victim_groups": victims, "casualties": {"killed": deaths} if deaths else {},
        "context": context, "sensitivity": "public", "external_ref": f"ucdp-ged:{rec['id']}",
    }


def read_ucdp(path: Path) -> list[tuple[int, dict]]:
    path = Path(path)
    header = _header(path)
    schema = {**UCDP_SCHEMA, **{k: v for k, v in UCDP_OPTIONAL.items() if k in header}}
    frame = read_table(path, schema)
    out, seen = [], {}
    for rec in frame.to_dict("records"):
        row = int(rec.pop("_row"))
        rec = {k: (None if isinstance(v, float) and v != v else v) for k, v in rec.items()}
        for k in ("low", "best", "high", "deaths_civilians", "gwnob"):
            if rec.get(k) is not None:
                rec[k] = int(rec[k])
        if rec["id"] in seen:
            raise DataError(path.name, f"event id {rec['id']} repeats row {seen[rec['id']]}",
                            row=row, column="id")
        seen[rec["id"]] = row
        if rec["type_of_violence"] not in UCDP_TYPES:
            raise DataError(path.name, f"type_of_violence {rec['type_of_violence']} is not "
                            "1, 2 or 3", row=row, column="type_of_violence")
        try:
            cleaned = clean_incident(_ucdp_incident(rec))
        except IncidentError as exc:
            col = UCDP_FIELD_COLUMN.get(exc.field, exc.field)
            raise DataError(path.name, str(exc).split(": ", 1)[-1], row=row,
                            column=col) from None
        out.append((row, cleaned))
    return out


def import_ucdp(session: Session, store: BlobStore, path: Path, actor,
                citation: str = "") -> ImportResult:
    """Incidents from a UCDP GED event file. The file itself is registered as a source (its
    sha256 is the provenance) and every incident cites it by row and event id."""
    path = Path(path)
    rows = read_ucdp(path)
    intake = register(session, store, path.read_bytes(), kind="upload", actor=actor,
                      title=f"UCDP Georeferenced Event Dataset: {path.name}",
                      filename=path.name, original_location=str(path.name),
                      media_type="text/csv", citation=citation or UCDP_CITATION,
                      sensitivity="public", reliability="B", credibility="2")
    source = intake.source
    linked = [(row, c, [(source, ["conduct", *(["armed_conflict"] if "armed_conflict" in
                                                c["context"] else [])],
                         f"row {row}, {c['external_ref']}")]) for row, c in rows]
    created, skipped = _write(session, linked, actor, path.name)
    return ImportResult(path.name, len(rows), created, skipped, source.id)


UCDP_CITATION = ("Sundberg, Ralph and Erik Melander (2013), Introducing the UCDP Georeferenced "
                 "Event Dataset, Journal of Peace Research 50(4); Uppsala Conflict Data "
                 "Program (ucdp.uu.se), CC BY 4.0.")
