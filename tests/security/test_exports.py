from __future__ import annotations

import csv
import io

from forewarn.security.exports import safe_cell, write_csv


def test_formula_cells_are_defused_and_numbers_kept():
    assert safe_cell('=HYPERLINK("http://x","y")') == '\'=HYPERLINK("http://x","y")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-2+3") == "'-2+3"
    assert safe_cell(-2.5) == "-2.5" and safe_cell(7) == "7"
    assert safe_cell("ordinary text") == "ordinary text" and safe_cell(None) == ""


def test_write_csv_reads_mappings_and_sequences():
    text = write_csv([{"a": "=1+1", "b": 2}, ["x", None]], ["a", "b"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["a", "b"], ["'=1+1", "2"], ["x", ""]]


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_assessment_csv_export_is_formula_safe_and_round_trips():
    from forewarn.assess import transfer

    rec = {"iso3": "SDN", "as_of": "2026-01-01", "status": "draft", "sensitivity": "internal",
           "demo": False, "summary": '=HYPERLINK("http://evil","click")',
           "ratings": [{"indicator": "1.1", "rating": "high", "trend": None,
                        "confidence": None, "rationale": "+cmd|' /C calc'!A0",
                        "evidence": []}]}
    text = transfer.dumps([rec], "csv")
    assert not any(c.startswith(("=", "+", "@")) for c in _cells(text)), text
    back = transfer.loads(text, "csv")[0]
    assert back["summary"] == rec["summary"]
    assert back["ratings"][0]["rationale"] == rec["ratings"][0]["rationale"]


def test_public_report_text_is_defused_in_the_reports_export(engine, tmp_path):
    from sqlalchemy.orm import Session

    from forewarn.reports.config import ReportSettings
    from forewarn.reports.protection import export_csv
    from forewarn.reports.schemas import ReportIn
    from forewarn.reports.submit import prepare, store
    from forewarn.security import SYSTEM, for_role, set_principal

    with Session(engine) as s:
        set_principal(s, SYSTEM)
        store(s, tmp_path, ReportIn(what='=HYPERLINK("http://evil","Click for details")',
                                    place="@SUM(1+1)"), prepare([], ReportSettings()),
              actor="public (web form)")
        s.commit()
    with Session(engine) as s:
        set_principal(s, for_role("admin", user_id=1))
        text = export_csv(s)
    cells = _cells(text)
    assert '\'=HYPERLINK("http://evil","Click for details")' in cells
    assert "'@SUM(1+1)" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_plain_numbers_stay_numbers():
    assert safe_cell("-0.012500") == "-0.012500" and safe_cell("+3") == "+3"
    assert safe_cell("-1e-06") == "-1e-06" and safe_cell("-1+1") == "'-1+1"
