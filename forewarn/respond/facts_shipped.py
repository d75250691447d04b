"""The shipped reference facts: read from the catalogue (reference_facts.yaml, treaty party
lists, court orders, organisations) and from the sources in the data folder (human-rights
treaty status, ICJ case names, the Council's consolidated sanctions list). Each row becomes a
forewarn.respond.facts.Fact with its citation and as-of date; a bad row raises CatalogError
naming the file, the row and the field."""

from __future__ import annotations

import csv
import re
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path

from forewarn.catalog.validation import fail, validate
from forewarn.data.errors import DataError
from forewarn.respond.catalog import (
    catalog_path,
    load_court_orders,
    load_partners,
    load_treaty_parties,
    read_yaml,
)
from forewarn.respond.catalog_shapes import ReferenceFactsIn
from forewarn.respond.fact import KINDS, Fact
from forewarn.respond.treaties import HR_DIR, HR_NAMES, HR_SOURCE, hr_status

REFERENCE_FILE = "reference_facts.yaml"
ICJ_CASES = "un/courts/icj_case_names_1_190_cdicj.csv"
ICJ_CASES_AS_OF = "2023-10-22"   # the file's last change ("add cases up to 190")
SANCTIONS_LIST = "un/sanctions/un_sc_consolidated_list_2024-09-26.xml"
HR_AS_OF = "2022-08"             # "as of about August 2022" (World Politics Data Lab)
PKO_LIST = "un/peace_operations/dppa_un_peacekeeping_missions_2024-02-19.csv"
TAMM = "un/peace_operations/tamm_v2.1_mission_month_1948_2015.csv"
TREATY_LISTS = ("genocide", "rome_statute", "geneva_conventions")


FACT_LABELS = {"facts": "fact", "council_terms": "council term"}


def reference_shape(data: dict, file: str = REFERENCE_FILE) -> ReferenceFactsIn:
    """reference_facts.yaml checked whole (facts, council terms, the code lists)."""
    return validate(ReferenceFactsIn, data, file, labels=FACT_LABELS)


def parse_reference_facts(data: dict, file: str = REFERENCE_FILE) -> tuple[Fact, ...]:
    """The curated rows; every one needs kind, iso3 or organisation, subject, date, status,
    citation and as_of."""
    shape = reference_shape(data, file)
    out = []
    for n, row in enumerate(shape.facts, start=1):
        if row.kind not in KINDS:
            fail(file, f"fact #{n}", "kind", f"must be one of {', '.join(KINDS)} "
                                             f"(got {row.kind!r})")
        if row.kind == "veto":
            perm = set(load_partners().permanent_members)
            if not row.members or any(m not in perm for m in row.members):
                fail(file, f"fact #{n}", "members",
                     f"a veto names the permanent members ({', '.join(perm)})")
        fact = Fact(kind=row.kind, iso3=row.iso3 or "", organisation=row.organisation or "",
                    subject=row.subject, date=row.date, status=row.status,
                    citation=row.citation, as_of=row.as_of, source="shipped",
                    summary=row.summary or "", members=tuple(row.members))
        out.append(fact)
        for code in row.supporters:
            out.append(Fact(kind=row.kind, iso3=code, subject=fact.subject, date=fact.date,
                            status=f"listed as a supporter on {row.supporters_as_of}",
                            citation=fact.citation, as_of=fact.as_of, source="shipped"))
    return tuple(out)


@lru_cache
def reference_data(path: Path | None = None) -> dict:
    return read_yaml(path or catalog_path(REFERENCE_FILE))


@lru_cache
def reference_model() -> ReferenceFactsIn:
    """The shipped reference_facts.yaml, checked once."""
    return reference_shape(reference_data())


@lru_cache
def catalogue_facts(path: Path | None = None) -> tuple[Fact, ...]:
    path = path or catalog_path(REFERENCE_FILE)
    return parse_reference_facts(reference_data(path), Path(path).name)


def treaty_list_facts(iso3: str) -> list[Fact]:
    """Party status of ISO3 in the catalogue's three party lists, with Art. 12(3) declarations
    and withdrawals."""
    t = load_treaty_parties()
    out = []
    for tid in TREATY_LISTS:
        spec = t[tid]
        withdrawn = (spec.get("withdrawn") or {}).get(iso3)
        pending = (spec.get("pending_withdrawal") or {}).get(iso3)
        if iso3 in spec["parties"]:
            status, date = "party", None
        elif withdrawn:
            status, date = "withdrawn", withdrawn
        elif iso3 in spec.get("signatories_only", []):
            status, date = "signatory", None
        else:
            status, date = "not party", None
        summary = f"withdrawal effective {pending} (Art. 127)" if pending else ""
        if tid == "genocide" and iso3 in spec.get("art_ix_reservations", []):
            summary = "reservation to Art. IX (ICJ jurisdiction)"
        out.append(Fact(kind="treaty_party", iso3=iso3, subject=tid, date=date, status=status,
                        citation=spec["source"], as_of=str(spec["as_of"]), source="shipped",
                        summary=summary))
    declared = (t["rome_statute"].get("article_12_3") or {}).get(iso3)
    if declared:
        out.append(Fact(kind="icc_declaration", iso3=iso3, subject="article_12_3",
                        date=declared, status=f"accepted jurisdiction (lodged {declared})",
                        citation=t["rome_statute"]["source"],
                        as_of=str(t["rome_statute"]["as_of"]), source="shipped"))
    return out


def hr_treaty_facts(iso3: str, raw_dir: Path | None) -> list[Fact]:
    """The human-rights treaty status files (UN Treaty Collection, about August 2022)."""
    if raw_dir is None or not (Path(raw_dir) / HR_DIR).is_dir():
        return []
    out = []
    for tid, rows in hr_status(Path(raw_dir)).items():
        row = rows.get(iso3)
        if row is None:
            continue
        status = "party" if row["party"] else "signatory" if row["signatory"] else "not party"
        out.append(Fact(kind="treaty_party", iso3=iso3, subject=tid,
                        date=f"{row['year']}" if row["year"] else None, status=status,
                        citation=f"{HR_NAMES.get(tid, tid)}: {HR_SOURCE}", as_of=HR_AS_OF,
                        source="shipped"))
    return out


def _case_number(text: str) -> str | None:
    found = re.search(r"icj-cij\.org/case/(\d+)", text)
    return found.group(1) if found else None


def court_facts() -> list[Fact]:
    """Court orders (with compliance) and the ICJ cases they belong to."""
    return list(_court_facts())


@lru_cache(maxsize=1)  # a packaged file: read once (every facts_for call needs it)
def _court_facts() -> tuple[Fact, ...]:
    as_of = str(read_yaml(catalog_path("court_orders.yaml")).get("as_of", ""))
    out = []
    for o in load_court_orders():
        out.append(Fact(kind="court_order", iso3=o["respondent"], subject=o["id"],
                        date=o["date"], status=o["compliance"].replace("_", " "),
                        citation=o["source"], as_of=as_of, source="shipped",
                        summary=f"{o['court']} {o['kind'].replace('_', ' ')}: {o['case']}. "
                                f"{o['compliance_note']}"))
        number = _case_number(o["source"]) if o["court"] == "ICJ" else None
        if number:
            for code, role in ((o["respondent"], "respondent"), (o.get("applicant"), "applicant")):
                if code:
                    out.append(Fact(kind="icj_case", iso3=code,
                                    subject=f"ICJ General List {number}", date=None,
                                    status=f"pending, {role}", citation=o["source"],
                                    as_of=as_of, source="shipped", summary=o["case"]))
    return tuple(out)


@lru_cache
def _icj_file(path: str, _mtime: float) -> tuple[Fact, ...]:
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            short, full, number = r.get("casename_short") or "", r.get("casename_full"), r["caseno"]
            parts = short.split("_")
            if short in ("", "NA") or len(parts) < 3:
                continue
            if not number.isdigit():
                raise DataError(Path(path).name, f"bad case number '{number}'", row=n,
                                column="caseno")
            for code, role in ((parts[-1], "respondent"), (parts[-2], "applicant")):
                if re.fullmatch(r"[A-Z]{3}", code) and code not in ("UNGA", "UNSC"):
                    out.append(Fact(kind="icj_case", iso3=code,
                                    subject=f"ICJ General List {number}", date=None,
                                    status=f"case before the Court, {role}",
                                    citation=f"ICJ General List no. {number}, {full} "
                                             f"(https://www.icj-cij.org/case/{number}); case "
                                             "names from CD-ICJ (Fobbe)",
                                    as_of=ICJ_CASES_AS_OF, source="shipped", summary=full))
    return tuple(out)


def icj_case_facts(raw_dir: Path | None) -> list[Fact]:
    path = Path(raw_dir) / ICJ_CASES if raw_dir else None
    if path is None or not path.exists():
        return []
    return list(_icj_file(str(path), path.stat().st_mtime))


@lru_cache
def _sanctions_file(path: str, _mtime: float) -> tuple[Fact, ...]:
    types = reference_data().get("sanctions_list_types") or {}
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise DataError(Path(path).name, f"not valid XML ({exc})") from None
    generated = (root.get("dateGenerated") or "")[:10]
    listed: dict[str, list[str]] = {}   # regime -> LISTED_ON dates of its designations
    for tag in ("INDIVIDUAL", "ENTITY"):
        for e in root.iter(tag):
            name = (e.findtext("UN_LIST_TYPE") or "").strip()
            if name not in types:
                continue
            on = (e.findtext("LISTED_ON") or "").strip()
            # xs:date, which may carry a time zone (2015-03-27-04:00)
            day = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?", on)
            if day is None:
                raise DataError(Path(path).name, f"{tag} {e.findtext('DATAID')}: listing date "
                                f"'{on}' is not a date", column="LISTED_ON")
            listed.setdefault(name, []).append(day.group(1))
    return tuple(Fact(kind="sanctions_regime", iso3=types[name], subject=f"UN list: {name}",
                      date=None, status=f"in force, {len(days)} listed individuals and "
                                             f"entities (latest listing {max(days)})",
                      citation=f"UN Security Council Consolidated List (scsanctions.un.org), "
                               f"generated {generated}", as_of=generated, source="shipped",
                      summary=f"first listing on the list {min(days)} (the list gives "
                              "designations, not the regime's measures or start)")
                 for name, days in sorted(listed.items()))


def sanctions_facts(raw_dir: Path | None) -> list[Fact]:
    path = Path(raw_dir) / SANCTIONS_LIST if raw_dir else None
    if path is None or not path.exists():
        return []
    return list(_sanctions_file(str(path), path.stat().st_mtime))


def membership_facts() -> list[Fact]:
    """Memberships, suspensions and withdrawals: organisations.yaml, the one source the
    partners page, the planner and the country pages all read."""
    out = []
    for o in load_partners().organisations:
        for code in o.members:
            since = o.suspended.get(code)
            out.append(Fact(kind="membership", iso3=code, organisation=o.id, subject=o.id,
                            date=since, status=f"suspended since {since}" if since else "member",
                            citation=o.source, as_of=o.as_of, source="shipped", summary=o.name))
        for code, since in o.withdrawn.items():
            out.append(Fact(kind="membership", iso3=code, organisation=o.id, subject=o.id,
                            date=since, status=f"withdrawn {since}", citation=o.source,
                            as_of=o.as_of, source="shipped", summary=o.name))
    return out


@lru_cache
def _mandate_tasks(path: str, _mtime: float) -> dict[str, dict[str, tuple[str, str]]]:
    """Task (prociv: protection of civilians, ch7: Chapter VII) -> mission -> (first month
    the mandate has it, its resolution), from TAMM."""
    first: dict[str, dict[str, tuple[str, str]]] = {"prociv": {}, "ch7": {}}
    with open(path, newline="", encoding="utf-8") as f:
        for n, r in enumerate(csv.DictReader(f), start=2):
            for task, seen in first.items():
                if r.get(task) not in ("0", "1"):
                    raise DataError(Path(path).name, f"bad value '{r.get(task)}'", row=n,
                                    column=task)
                if r[task] == "1":
                    month = f"{int(r['year']):04d}-{int(r['month']):02d}"
                    if r["mission"] not in seen or month < seen[r["mission"]][0]:
                        seen[r["mission"]] = (month, r["unsc_resolution"])
    return first


@lru_cache
def _pko_file(path: str, _mtime: float, tamm: tuple[str, float] | None) -> tuple[Fact, ...]:
    where = reference_data().get("peace_operation_countries") or {}
    tasks = _mandate_tasks(*tamm) if tamm else {"prociv": {}, "ch7": {}}
    poc, ch7 = tasks["prociv"], tasks["ch7"]
    out = []
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            acronym = r["mission_acronym"].strip()
            active = r["mission_isactive"].strip().casefold() == "yes"
            status = "active" if active else f"ended {r['end_date'] or '(date not given)'}"
            summary = r["mission_name"].strip()
            if acronym in poc:
                month, res = poc[acronym]
                summary += (f"; protection-of-civilians task in its mandate from {month} "
                            f"(S/RES/{res}; TAMM v2.1, Lloyd 2021)")
            if acronym in ch7:
                month, res = ch7[acronym]
                summary += (f"; Chapter VII mandate from {month} (S/RES/{res}; TAMM v2.1)")
            for code in where.get(acronym, []):
                out.append(Fact(kind="peace_operation", iso3=code, subject=acronym,
                                date=r["start_date"] or None, status=status,
                                citation="UN Peace and Security Data Hub, peacekeeping "
                                         "operations (DPPADPOSS-PKO), updated 2024-02-19",
                                as_of="2024-02-19", source="shipped", summary=summary))
    return tuple(out)


def peace_operation_facts(raw_dir: Path | None) -> list[Fact]:
    path = Path(raw_dir) / PKO_LIST if raw_dir else None
    if path is None or not path.exists():
        return []
    tamm = Path(raw_dir) / TAMM
    key = (str(tamm), tamm.stat().st_mtime) if tamm.exists() else None
    return list(_pko_file(str(path), path.stat().st_mtime, key))
