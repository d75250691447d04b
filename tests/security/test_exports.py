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
