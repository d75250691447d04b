"""One CSV exporter for everything users download: cells that a spreadsheet would read as a
formula (=, +, -, @, tab, carriage return at the start) are prefixed with an apostrophe, as
OWASP's CSV-injection guidance recommends, so exported text can never run in Excel or Calc."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
    return "'" + text if text.startswith(_FORMULA_START) else text


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
