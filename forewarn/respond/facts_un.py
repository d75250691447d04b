"""Two sources in the data folder's un/events/: the sourced timeline of genocide-related
Council and court events (each row with its document symbol and official address) and the
Security Council's membership by term. Read strictly (a bad row raises DataError naming the
file, the row and the column) into reference facts of kind `council_event` and
`council_member`, each with its citation and as-of date; the catalogue (reference_facts.yaml)
says which countries each event concerns, the registry spelling of the file's member names
and the elected terms after the file ends (each with its source)."""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from forewarn.data import countries
from forewarn.data.errors import DataError
from forewarn.respond.catalog import load_partners
from forewarn.respond.fact import Fact
from forewarn.respond.facts_shipped import reference_data, reference_model

EVENTS = "un/events/genocide_unsc_key_events_1992_2023.csv"
COUNCIL = "un/events/unsc_membership_terms_1991_2024.csv"
EVENT_COLUMNS = ("date", "label", "kind", "source", "source_url", "note")
EVENT_KINDS = ("legal", "council", "atrocity", "conflict", "institutional", "contested")
COUNCIL_COLUMNS = ("country_org", "start_year", "end_year", "seat", "note")
EVENTS_AS_OF = "2023-12-29"      # the timeline's last event
EVENTS_CITATION = ("timeline from F. Madore, 'Genocide at the Security Council' "
                   "(config/events.csv, MIT)")
# The file's header says its terms were checked against the Council's records for 1992-2023.
COUNCIL_AS_OF = "2023-12-31"
COUNCIL_CITATION = ("Security Council membership by term, F. Madore, 'Genocide at the "
                    "Security Council' (config/council_membership.csv, MIT), terms checked "
                    "against the Council's records 1992-2023")
PERMANENT_CITATION = "Charter of the United Nations, Art. 23(1)"
_URL = re.compile(r"https://[^\s,]+")


def _header(path: Path, found: list[str] | None, wanted: tuple[str, ...]) -> None:
    missing = [c for c in wanted if c not in (found or [])]
    if missing:
        raise DataError(path.name, f"missing column(s) {', '.join(missing)}", row=1)


def _date(path: Path, value: str, row: int, column: str) -> str:
    try:
        return dt.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise DataError(path.name, f"'{value}' is not a date (YYYY-MM-DD)", row=row,
                        column=column) from None


def read_events(path: Path) -> list[dict]:
    """The timeline's rows, checked: a real date, a known kind, a label, the source's
    symbol and an https address."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        _header(path, reader.fieldnames, EVENT_COLUMNS)
        out = []
        for n, r in enumerate(reader, start=2):
            row = {k: (r.get(k) or "").strip() for k in EVENT_COLUMNS}
            row["date"] = _date(path, row["date"], n, "date")
            if row["kind"] not in EVENT_KINDS:
                raise DataError(path.name, f"kind '{row['kind']}' is not one of "
                                f"{', '.join(EVENT_KINDS)}", row=n, column="kind")
            for col in ("label", "source"):
                if not row[col]:
                    raise DataError(path.name, "empty", row=n, column=col)
            if not _URL.fullmatch(row["source_url"]):
                raise DataError(path.name, f"'{row['source_url']}' is not an https address",
                                row=n, column="source_url")
            out.append(row)
    return out


def read_council_terms(path: Path) -> list[dict]:
    """The membership terms (lines starting with '#' are the file's comments): country,
    first and last year, seat permanent | elected. An elected term is two calendar years
    (one for each half of a split term)."""
    path = Path(path)
    with open(path, newline="", encoding="utf-8") as f:
        lines = [(n, line) for n, line in enumerate(f, start=1)
                 if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(line for _, line in lines)
    _header(path, reader.fieldnames, COUNCIL_COLUMNS)
    rows = list(reader)
    if len(rows) != len(lines) - 1:   # row numbers are file lines: one record a line
        raise DataError(path.name, "a quoted field runs over more than one line")
    out = []
    for (n, _), r in zip(lines[1:], rows, strict=True):
        row = {k: (r.get(k) or "").strip() for k in COUNCIL_COLUMNS}
        if not row["country_org"]:
            raise DataError(path.name, "empty", row=n, column="country_org")
        for col in ("start_year", "end_year"):
            if not re.fullmatch(r"(19|20)\d\d", row[col]):
                raise DataError(path.name, f"'{row[col]}' is not a year", row=n, column=col)
            row[col] = int(row[col])
        if row["seat"] not in ("permanent", "elected"):
            raise DataError(path.name, f"seat '{row['seat']}' is not permanent or elected",
                            row=n, column="seat")
        # An elected term is two years, or one of a split term (Italy 2017, Netherlands 2018).
        if row["end_year"] < row["start_year"] or (
                row["seat"] == "elected" and row["end_year"] - row["start_year"] > 1):
            raise DataError(path.name, f"term {row['start_year']}-{row['end_year']} is "
                            "longer than an elected term (two years)"
                            if row["end_year"] >= row["start_year"] else
                            "ends before it begins", row=n, column="end_year")
        row["row"] = n
        out.append(row)
    return out


def _catalogue() -> dict:
    return reference_data()


def _event_countries() -> dict[str, list[str]]:
    return dict(reference_model().council_event_countries)


@lru_cache
def _events_file(path: str, _mtime: float) -> tuple[Fact, ...]:
    where = _event_countries()
    out = []
    for r in read_events(Path(path)):
        citation = f"{r['source']} ({r['source_url']}); {EVENTS_CITATION}"
        summary = r["label"] + (f". {r['note']}" if r["note"] else "")
        status = f"{r['kind']} event"
        subject = f"{r['date']} {r['source']}"
        codes = where.get(r["date"], [])
        for code in codes:
            out.append(Fact(kind="council_event", iso3=code, subject=subject, date=r["date"],
                            status=status, citation=citation, as_of=EVENTS_AS_OF,
                            source="shipped", summary=summary))
        if not codes:   # an event about no one country (Rome Statute, World Summit ...)
            out.append(Fact(kind="council_event", organisation="UN", subject=subject,
                            date=r["date"], status=status, citation=citation,
                            as_of=EVENTS_AS_OF, source="shipped", summary=summary))
    return tuple(out)


def event_facts(raw_dir: Path | None) -> list[Fact]:
    path = Path(raw_dir) / EVENTS if raw_dir else None
    if path is None or not path.exists():
        return []
    return list(_events_file(str(path), path.stat().st_mtime))


def _name_index(aliases: dict) -> dict[str, str]:
    out = {str(k).casefold(): v for k, v in aliases.items()}
    for c in countries.all_countries():
        for n in (c.name, c.ewp_name, c.ucdp_name):
            if n:
                out.setdefault(n.casefold(), c.iso3)
    return out


def _curated_terms() -> list[dict]:
    """Elected terms after the file ends, from the catalogue, each with its source."""
    return [{"iso3": code, "start_year": t.start_year, "end_year": t.end_year,
             "seat": "elected", "citation": t.citation, "as_of": t.as_of, "note": ""}
            for t in reference_model().council_terms for code in t.members]


@lru_cache
def _council_file(path: str, _mtime: float) -> tuple[dict, ...]:
    data = _catalogue()
    names = _name_index(data.get("council_name_aliases") or {})
    out = []
    for r in read_council_terms(Path(path)):
        iso3 = names.get(r["country_org"].casefold())
        if iso3 is None:
            raise DataError(Path(path).name, f"'{r['country_org']}' is not a country in the "
                            "registry (add it to council_name_aliases in reference_facts.yaml)",
                            row=r["row"], column="country_org")
        out.append({**r, "iso3": iso3, "citation": COUNCIL_CITATION, "as_of": COUNCIL_AS_OF})
    covered = {(t["iso3"], t["start_year"]) for t in out}
    out += [t for t in _curated_terms() if (t["iso3"], t["start_year"]) not in covered]
    return tuple(out)


def council_terms(raw_dir: Path | None) -> list[dict]:
    """Every term: the file's, then the catalogue's terms after it."""
    path = Path(raw_dir) / COUNCIL if raw_dir else None
    if path is None or not path.exists():
        return _curated_terms()
    return list(_council_file(str(path), path.stat().st_mtime))


def _permanent() -> list[str]:
    """The permanent members as organisations.yaml lists them (the planner's one source)."""
    return sorted(load_partners().permanent_members)


def council_member_facts(raw_dir: Path | None) -> list[Fact]:
    """One fact per elected term, and one per permanent member (Charter Art. 23)."""
    out = []
    for t in council_terms(raw_dir):
        if t["seat"] == "permanent":
            continue
        out.append(Fact(kind="council_member", iso3=t["iso3"],
                        subject=f"elected member {t['start_year']}-{t['end_year']}",
                        date=f"{t['start_year']}-01-01",
                        status=f"elected member, term {t['start_year']}-{t['end_year']}",
                        citation=t["citation"], as_of=str(t["as_of"]), source="shipped"))
    for code in _permanent():
        out.append(Fact(kind="council_member", iso3=code, subject="permanent member",
                        date="1945-10-24", status="permanent member",
                        citation=PERMANENT_CITATION, as_of=COUNCIL_AS_OF, source="shipped"))
    return out


def council_in(year: int, raw_dir: Path | None) -> dict:
    """Who sits on the Council in YEAR: permanent and elected members (with their terms and
    sources); `complete` says whether all ten elected seats are known for that year."""
    terms = council_terms(raw_dir)
    permanent = _permanent()
    elected = sorted((t for t in terms if t["seat"] == "elected"
                      and t["start_year"] <= year <= t["end_year"]), key=lambda t: t["iso3"])
    name = {c.iso3: c.name for c in countries.all_countries()}
    return {"year": year,
            "permanent": [{"iso3": c, "name": name.get(c, c), "citation": PERMANENT_CITATION}
                          for c in permanent],
            "elected": [{"iso3": t["iso3"], "name": name.get(t["iso3"], t["iso3"]),
                         "term": f"{t['start_year']}-{t['end_year']}",
                         "citation": t["citation"], "as_of": str(t["as_of"])}
                        for t in elected],
            "complete": len(elected) == 10}
