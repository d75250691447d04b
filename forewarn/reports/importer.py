"""CSV import of reports collected offline (field monitors, partner hotlines): all or nothing.

Columns (header row, UTF-8): `what` and at least one of `place` or `latitude`+`longitude`
are required; optional: occurred_at, occurred_end, occurred_month (YYYY-MM),
occurred_precision, occurred_note, country, affected, affected_count, reporter_name, contact,
contact_consent (yes/no), language, categories (ids of the deployment's form, separated by
`;`). Every row is checked before anything
is written; any fault raises ImportFailed listing each (file, row, column, reason) and nothing
is imported.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.orm import Session

from forewarn.data.errors import DataError
from forewarn.data.tabular import read_table
from forewarn.reports import custom_form
from forewarn.reports.custom_form import FormConfig, SubmissionError
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import store
from forewarn.security import Principal
from forewarn.store.countries import country_id

COLUMNS = ["what", "occurred_at", "occurred_end", "occurred_month", "occurred_precision",
           "occurred_note", "place", "country", "latitude", "longitude", "affected",
           "affected_count", "reporter_name", "contact", "contact_consent", "language",
           "categories"]
REQUIRED = ["what"]
YES = {"yes", "y", "true", "1", "oui", "sí", "si", "نعم"}
NO = {"", "no", "n", "false", "0", "non", "لا"}


class ImportFailed(DataError):
    """Several row-level errors at once; `errors` holds each as a DataError."""

    def __init__(self, file: str, errors: list[DataError]):
        self.errors = errors
        super().__init__(file, f"{len(errors)} error(s), nothing imported:\n" +
                         "\n".join(f"  {e}" for e in errors))


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            return [h.strip() for h in next(csv.reader(f), [])]
    except UnicodeDecodeError:
        raise DataError(path.name, "not UTF-8 text", row=1) from None


def parse(path: Path, session: Session | None = None,
          form: FormConfig | None = None) -> list[tuple[int, ReportIn]]:
    """Every row as a validated ReportIn, or ImportFailed with every fault. Categories are
    checked against FORM (the deployment's) when given."""
    path = Path(path)
    if not path.exists():
        raise DataError(path.name, "file not found")
    header = _header(path)
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise DataError(path.name, f"unknown column(s): {', '.join(unknown)} (expected some of "
                        f"{', '.join(COLUMNS)})", row=1, column=unknown[0])
    if "place" not in header and not {"latitude", "longitude"} <= set(header):
        raise DataError(path.name, "needs a 'place' column or 'latitude' and 'longitude'",
                        row=1, column="place")
    frame = read_table(path, {c: "str" for c in COLUMNS if c in header or c in REQUIRED})
    errors: list[DataError] = []
    rows: list[tuple[int, ReportIn]] = []
    for rec in frame.to_dict("records"):
        line = int(rec.pop("_row"))
        consent = str(rec.get("contact_consent", "")).strip().casefold()
        if consent not in YES | NO:
            errors.append(DataError(path.name, f"'{consent}' is not yes or no", row=line,
                                    column="contact_consent"))
            continue
        rec["contact_consent"] = consent in YES
        rec["language"] = rec.get("language") or "en"
        rec["categories"] = [c.strip() for c in str(rec.get("categories") or "").split(";")
                             if c.strip()]
        if form is not None:
            try:
                form.clean(rec["categories"], {})
            except SubmissionError as exc:
                if exc.field == "categories":
                    errors.append(DataError(path.name, str(exc).partition(": ")[2], row=line,
                                            column="categories"))
                    continue
        try:
            report = ReportIn.model_validate(rec)
        except ValidationError as exc:
            for e in exc.errors():
                column = str(e["loc"][0]) if e["loc"] else ("place" if "where" in e["msg"]
                                                            else None)
                errors.append(DataError(path.name, e["msg"].removeprefix("Value error, "),
                                        row=line, column=column))
            continue
        if report.country and session is not None and country_id(session,
                                                                 report.country) is None:
            errors.append(DataError(path.name, f"unknown country code '{report.country}'",
                                    row=line, column="country"))
            continue
        rows.append((line, report))
    if errors:
        raise ImportFailed(path.name, errors)
    return rows


def import_csv(session: Session, data_dir: Path, path: Path, actor: Principal | str) -> int:
    """Validate every row, then add them all in SESSION (the caller commits). Returns count."""
    rows = parse(path, session, custom_form.load(data_dir))
    for _line, report in rows:
        store(session, data_dir, report, [], actor=actor, channel="import",
              import_file=Path(path).name)
    return len(rows)
