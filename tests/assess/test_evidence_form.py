"""Evidence rows of the editor: every stored entry round-trips unchanged, each kind is read
from what an analyst types, and a bad row names its problem."""

import json

from forewarn.assess.evidence_form import parse_indicator, parse_row, row_of, rows_for

STORED = [
    {"title": "Register copy", "url": None, "ref": {"kind": "source", "id": "11"}},
    {"title": "OHCHR", "url": "https://www.ohchr.org/x", "ref": None},
    {"title": "", "url": None, "ref": None, "citation": "S/2024/826, para. 12"},
    # written through the API with both a page and a register record: kept as it is
    {"title": "Both", "url": "https://example.org/a", "ref": {"kind": "incident", "id": "4"}},
]


def _form(iid, rows):
    form = {}
    for n, r in enumerate(rows):
        for key in ("kind", "value", "title", "orig"):
            form[f"ev-{iid}-{n}-{key}"] = r[key]
    return form


def test_stored_entries_round_trip_unchanged():
    entries, _, problems = parse_indicator(_form("RF1.5", rows_for(STORED)), "RF1.5")
    assert problems == []
    assert entries == STORED


def test_typed_rows_become_entries():
    assert parse_row("register", "/evidence/sources/11", "", "")[0]["ref"] == {
        "kind": "source", "id": "11"}
    assert parse_row("", "incident:4", "t", "")[0]["ref"] == {"kind": "incident", "id": "4"}
    assert parse_row("", "https://a.org", "", "")[0]["url"] == "https://a.org"
    assert parse_row("citation", "A/HRC/57/1", "", "")[0]["citation"] == "A/HRC/57/1"
    assert parse_row("url", "  ", "", "") == (None, None)  # cleared: removed


def test_bad_rows_name_the_problem():
    assert "http://" in parse_row("url", "www.x.org", "", "")[1]
    assert "register" in parse_row("register", "Amhara report", "", "")[1]
    _, rows, problems = parse_indicator(
        _form("RF7.1", [{"kind": "url", "value": "x.org", "title": "T", "orig": ""}]), "RF7.1")
    assert problems[0][0] == "ev-RF7.1-0-value" and rows[0]["value"] == "x.org"


def test_edited_row_replaces_the_stored_entry():
    row = row_of(STORED[1])
    entry, _ = parse_row("url", "https://www.ohchr.org/y", row["title"], row["orig"])
    assert entry["url"] == "https://www.ohchr.org/y"
    assert json.loads(row["orig"]) == STORED[1]
