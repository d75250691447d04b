"""Strict reading of CSV and spreadsheet files into typed DataFrames.

Every problem is raised as a DataError naming the file, the row as a person would count it in
the file (the header is row 1) and the column: a truncated row, a value of the wrong type, a
missing column. Nothing is silently filled in.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from forewarn.data.errors import DataError

NA = {"", "NA", "NaN", "nan", "N/A", "NULL", "None"}

# kind: "int" | "float" | "str", with a trailing "?" when missing values are allowed.
Schema = dict[str, str]


def _rows(path: Path, sheet: str | None,
          delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl  # heavy: openpyxl

        try:
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise DataError(path.name, f"not a readable xlsx workbook ({exc})") from exc
        if sheet is not None and sheet not in wb.sheetnames:
            raise DataError(path.name, f"no sheet '{sheet}' (sheets: {', '.join(wb.sheetnames)})")
        ws = wb[sheet] if sheet else wb.worksheets[0]
        for i, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield i, ["" if v is None else _cell_text(v) for v in values]
        wb.close()
        return
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter=delimiter)
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise DataError(path.name, f"malformed CSV ({exc})", row=reader.line_num) from exc
        except UnicodeDecodeError as exc:
            raise DataError(path.name, "not UTF-8 text", row=reader.line_num + 1) from exc


def _cell_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _convert(value: str, kind: str) -> object:
    optional = kind.endswith("?")
    base = kind.rstrip("?")
    if value.strip() in NA:
        if optional or base == "str":
            return None if base != "str" else ""
        raise ValueError("missing value")
    if base == "int":
        f = float(value)
        if not f.is_integer():
            raise ValueError(f"'{value}' is not a whole number")
        return int(f)
    if base == "float":
        f = float(value)
        if math.isinf(f):
            raise ValueError(f"'{value}' is infinite")
        return f
    return value


def read_table(path: Path, schema: Schema, sheet: str | None = None,
               rename: dict[str, str] | None = None, delimiter: str = ",") -> pd.DataFrame:
    """Read `path`, keep the columns in `schema`, convert each value; raise DataError on any fault.
    Text files are comma-separated unless `delimiter` says otherwise (e.g. "\\t").

    The returned frame has a `_row` column with each record's row number in the file.
    """
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "file not found")
    rows = _rows(path, sheet, delimiter)
    try:
        _, header = next(rows)
    except StopIteration:
        raise DataError(path.name, "empty file", row=1) from None
    header = [h.strip() for h in header]
    rename = rename or {}
    header = [rename.get(h, h) for h in header]
    missing = [c for c in schema if c not in header]
    if missing:
        raise DataError(path.name, f"missing column(s): {', '.join(missing)}", row=1,
                        column=missing[0])
    index = {c: header.index(c) for c in schema}
    records: list[dict] = []
    width = len(header)
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width and (path.suffix.lower() == ".csv" or delimiter != ","):
            raise DataError(path.name, f"row has {len(row)} fields, expected {width} "
                            "(truncated or malformed)", row=line)
        rec = {"_row": line}
        for col, kind in schema.items():
            raw = row[index[col]] if index[col] < len(row) else ""
            try:
                rec[col] = _convert(raw, kind)
            except ValueError as exc:
                raise DataError(path.name, f"bad value '{raw}': {exc}" if "missing" not in str(exc)
                                else "missing value", row=line, column=col) from None
        records.append(rec)
    if not records:
        raise DataError(path.name, "no data rows", row=2)
    frame = pd.DataFrame.from_records(records)
    for col, kind in schema.items():
        if kind.rstrip("?") == "float" or kind == "int?":
            frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    return frame


def check_unique(frame: pd.DataFrame, keys: list[str], file: str) -> None:
    """Raise on the first duplicated key, naming both rows."""
    dup = frame.duplicated(subset=keys, keep="first")
    if dup.any():
        bad = frame[dup].iloc[0]
        first = frame[(frame[keys] == bad[keys]).all(axis=1)].iloc[0]
        what = ", ".join(f"{k}={bad[k]}" for k in keys)
        raise DataError(file, f"duplicated {what} (first seen at row {first['_row']})",
                        row=int(bad["_row"]), column=keys[-1])
