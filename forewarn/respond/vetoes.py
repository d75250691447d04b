"""Security Council vetoes: the permanent members' record per situation, how likely a veto is
for a country, and the General Assembly's debate deadline after a veto (A/RES/76/262)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from forewarn.data.errors import DataError
from forewarn.respond.catalog import load_partners

VETO_FILE = "treaties/unsc_vetoes_1946_sept2022.csv"
MEMBER_COLUMNS = ("China", "France", "Russia", "USSR", "USA", "UK")
NAME_COLUMNS = ("member_veto1", "member_veto2", "member_veto3")
REQUIRED = ("year", "date", "draft", "agenda_item", "crisis_topic", "region", *NAME_COLUMNS,
            *MEMBER_COLUMNS)
VETO_SOURCE = ("World Politics Data Lab, vetoes-un-security-council (from the UN Dag Hammarskjöld "
               "Library veto list), 1946 to September 2022")
GA_DEBATE_WORKING_DAYS = 10  # A/RES/76/262 para 1


@dataclass(frozen=True)
class Veto:
    date: date
    draft: str
    agenda_item: str
    topic: str
    members: tuple[str, ...]   # ISO3 of the permanent members that voted no


def read_vetoes(path: Path) -> list[Veto]:
    """The veto file, strictly: every row needs a date, a topic and at least one vetoing member."""
    path = Path(path)
    code_of = {col: iso for iso, cols in load_partners().permanent_members.items() for col in cols}
    out = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
            if missing:
                raise DataError(path.name, f"missing columns: {', '.join(missing)}", row=1)
            for r in reader:
                n = reader.line_num  # the file's line, as a person counts it
                try:
                    day = datetime.strptime(r["date"].strip(), "%m/%d/%Y").date()
                except ValueError:
                    raise DataError(path.name, f"bad date '{r['date']}'", row=n,
                                    column="date") from None
                # The named columns are complete; the 0/1 dummies miss some vetoes (1966-1980).
                members = []
                for col in NAME_COLUMNS:
                    v = (r[col] or "").strip()
                    if v and v not in code_of:
                        raise DataError(path.name, f"unknown member '{v}'", row=n, column=col)
                    if v:
                        members.append(code_of[v])
                for col in MEMBER_COLUMNS:
                    v = (r[col] or "").strip()
                    if v not in ("0", "1", ""):
                        raise DataError(path.name, f"bad value '{v}'", row=n, column=col)
                    if v == "1":
                        members.append(code_of[col])
                if not members:
                    raise DataError(path.name, "no permanent member marked as vetoing", row=n)
                topic = (r["crisis_topic"] or "").strip()
                if not topic:
                    raise DataError(path.name, "missing value", row=n, column="crisis_topic")
                out.append(Veto(day, " ".join((r["draft"] or "").split()),
                                (r["agenda_item"] or "").strip(), topic,
                                tuple(sorted(set(members)))))
    except FileNotFoundError:
        raise DataError(path.name, "file not found") from None
    return out


@lru_cache
def vetoes_from(raw_dir: Path) -> tuple[Veto, ...]:
    return tuple(read_vetoes(Path(raw_dir) / VETO_FILE))


def topics_for(iso3: str) -> list[str]:
    return [t for t, codes in load_partners().topic_countries.items() if iso3 in codes]


@dataclass
class VetoRecord:
    iso3: str
    topics: list[str]
    by_member: dict[str, int]
    since_year: int
    by_member_since: dict[str, int]
    latest: dict[str, str]
    vetoes: list[dict] = field(default_factory=list)
    likely: bool = False
    reasons: list[str] = field(default_factory=list)
    source: str = VETO_SOURCE

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in (
            "iso3", "topics", "by_member", "since_year", "by_member_since", "latest", "likely",
            "reasons", "vetoes", "source")}


def veto_record(iso3: str, vetoes: list[Veto] | tuple[Veto, ...], since_year: int = 1990,
                likely_min: int = 1, recorded: list[Veto] | None = None) -> VetoRecord:
    """Each permanent member's vetoes on the situations that concern ISO3 (file + recorded)."""
    topics = topics_for(iso3)
    mine = [v for v in vetoes if v.topic in topics] + list(recorded or [])
    perm = list(load_partners().permanent_members)
    by_member = {m: sum(m in v.members for v in mine) for m in perm}
    recent = [v for v in mine if v.date.year >= since_year]
    since = {m: sum(m in v.members for v in recent) for m in perm}
    latest = {m: max(v.date for v in mine if m in v.members).isoformat()
              for m in perm if by_member[m]}
    # The draft of each member's latest veto, so the route names what was blocked.
    drafts = {m: max((v for v in mine if m in v.members), key=lambda v: v.date).draft
              for m in perm if by_member[m]}
    rec = VetoRecord(iso3=iso3, topics=topics, by_member=by_member, since_year=since_year,
                     by_member_since=since, latest=latest,
                     vetoes=[{"date": v.date.isoformat(), "draft": v.draft, "topic": v.topic,
                              "members": list(v.members)}
                             for v in sorted(mine, key=lambda v: v.date)])
    for m, n in since.items():
        if n >= likely_min:
            rec.likely = True
            draft = f", draft {drafts[m]}" if drafts[m] else ""
            rec.reasons.append(f"{m} cast {n} veto(es) on {', '.join(topics) or 'this situation'} "
                               f"since {since_year} (latest {latest[m]}{draft}).")
    if not rec.likely:
        rec.reasons.append(f"No permanent-member veto on this situation since {since_year} in the "
                           "record; the Council route is not known to be blocked.")
    return rec


def add_working_days(start: date, days: int, holidays: set[date] | frozenset = frozenset()
                     ) -> date:
    """The date `days` working days after `start` (Monday-Friday, skipping `holidays`)."""
    d, left = start, days
    while left > 0:
        d += timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            left -= 1
    return d


def ga_debate_deadline(veto_date: date, holidays: set[date] | frozenset = frozenset()) -> date:
    """Latest date for the General Assembly debate after a veto: within 10 working days
    (A/RES/76/262). UN Headquarters holidays are not built in; pass them as `holidays`."""
    return add_working_days(veto_date, GA_DEBATE_WORKING_DAYS, holidays)
