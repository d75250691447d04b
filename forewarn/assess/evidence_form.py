"""Evidence entries in the editor's form: one row per entry with a kind (register record, web
link or citation), a value and a title, so nothing has to be typed in a hidden syntax.

Rows round-trip unchanged: each stored entry travels with a hidden copy of itself (JSON), and
a row whose visible fields were not touched is stored back exactly as it was, whatever the
reader's clearance or the register's resolver says about it. A row that cannot be read is
reported against its own field, with every other input kept."""

from __future__ import annotations

import json
import re

from pydantic import ValidationError
from sqlalchemy import select

from forewarn.assess.ratings import EvidenceLink
from forewarn.evidence.models import Incident, Source

KINDS = ("register", "url", "citation")
KIND_LABELS = {"register": "Evidence register record", "url": "Web link",
               "citation": "Citation (document, paragraph)"}
REGISTER_KINDS = ("source", "incident")
_REF = re.compile(r"^\s*(source|incident)s?\s*[:#\s]\s*(\d+)\b", re.I)
_PAGE = re.compile(r"/evidence/(source|incident)s/(\d+)\b")
BLANK_ROWS = 2  # empty rows offered under each indicator for new entries


def row_of(link: dict) -> dict:
    """The form row for a stored entry."""
    ref = link.get("ref")
    if ref:
        kind, value = "register", f"{ref['kind']}:{ref['id']}"
    elif link.get("url"):
        kind, value = "url", link["url"]
    else:
        kind, value = "citation", link.get("citation") or ""
    return {"kind": kind, "value": value, "title": link.get("title") or "",
            "orig": json.dumps(link, sort_keys=True, ensure_ascii=False), "error": None}


def rows_for(links: list[dict]) -> list[dict]:
    return [row_of(e) for e in links] + [
        {"kind": "", "value": "", "title": "", "orig": "", "error": None}
        for _ in range(BLANK_ROWS)]


def _as_ref(value: str) -> dict | None:
    m = _REF.match(value) or _PAGE.search(value)
    return {"kind": m.group(1).lower(), "id": m.group(2)} if m else None


def _guess_kind(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return "url"
    return "register" if _as_ref(value) else "citation"


def parse_row(kind: str, value: str, title: str, orig: str) -> tuple[dict | None, str | None]:
    """(entry, None), (None, None) for an empty row, or (None, problem)."""
    value, title = value.strip(), title.strip()
    if not value:
        return None, None  # an emptied row removes the entry
    if orig:
        try:
            stored = json.loads(orig)
        except ValueError:
            stored = None
        if isinstance(stored, dict) and (
                row_of(stored)["kind"], row_of(stored)["value"], row_of(stored)["title"]
        ) == (kind, value, title):
            return stored, None
    kind = kind if kind in KINDS else _guess_kind(value)
    if kind == "register":
        ref = _as_ref(value)
        if ref is None:
            return None, ("pick a record of the evidence register from the list "
                          "(for example source:11 or incident:4)")
        entry = {"title": title, "url": None, "ref": ref}
    elif kind == "url":
        if _PAGE.search(value) and not value.startswith(("http://", "https://")):
            entry = {"title": title, "url": None, "ref": _as_ref(value)}
        elif not value.startswith(("http://", "https://")):
            return None, "a web link must start with http:// or https://"
        else:
            entry = {"title": title, "url": value, "ref": None}
    else:
        entry = {"title": title, "url": None, "ref": None, "citation": value}
    try:
        return EvidenceLink(**entry).model_dump(mode="json"), None
    except ValidationError as exc:
        return None, "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())


def parse_indicator(form: dict[str, str], iid: str) -> tuple[list[dict], list[dict], list]:
    """Entries, the rows as entered (for re-display) and [(field id, problem)] for IID."""
    entries, rows, problems = [], [], []
    n = 0
    while f"ev-{iid}-{n}-value" in form:
        kind = form.get(f"ev-{iid}-{n}-kind", "")
        value = form.get(f"ev-{iid}-{n}-value", "")
        title = form.get(f"ev-{iid}-{n}-title", "")
        orig = form.get(f"ev-{iid}-{n}-orig", "")
        entry, problem = parse_row(kind, value, title, orig)
        if entry is not None:
            entries.append(entry)
        if problem:
            problems.append((f"ev-{iid}-{n}-value", f"{iid} evidence {n + 1}: {problem}"))
        if value.strip() or problem:
            rows.append({"kind": kind, "value": value, "title": title, "orig": orig,
                         "error": problem})
        n += 1
    rows += [{"kind": "", "value": "", "title": "", "orig": "", "error": None}
             for _ in range(BLANK_ROWS)]
    return entries, rows, problems


def register_choices(session, limit: int = 500) -> list[dict]:
    """Register records the editor may cite (through their session, so filtered), newest
    first, for the picker's list."""
    out = []
    for kind, model in (("source", Source), ("incident", Incident)):
        for rec in session.scalars(select(model).order_by(model.id.desc()).limit(limit)):
            out.append({"value": f"{kind}:{rec.id}", "label": f"{kind} {rec.id}: {rec.title}"})
    return out
