"""One CSV exporter for everything users download: cells that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return at the start) are prefixed with an apostrophe, as
OWASP's CSV-injection guidance recommends, so exported text can never run in Excel or Calc."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?")


def safe_cell(value) -> str:
    """VALUE as CSV text, defused if a spreadsheet would take it for a formula. Numbers stay
    numbers (a negative figure is not text a reader typed)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def restore_cell(text: str) -> str:
    """The value safe_cell defused, for importers that read our own exports back."""
    if text.startswith("'") and text[1:].startswith(_FORMULA_START):
        return text[1:]
    return text


def write_csv(rows: Iterable[Mapping | Sequence], columns: Sequence[str],
              out: io.TextIOBase | None = None) -> str:
    """ROWS (mappings read by COLUMNS, or sequences in that order) as formula-safe CSV with a
    header; written to OUT when given, and returned as text."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        values = [row.get(c) for c in columns] if isinstance(row, Mapping) else list(row)
        writer.writerow([safe_cell(v) for v in values])
    text = buf.getvalue()
    if out is not None:
        out.write(text)
    return text
