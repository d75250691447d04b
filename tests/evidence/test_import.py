"""Bulk import of incidents from CSV and UCDP GED files: all or nothing, errors naming file,
row and column."""

from __future__ import annotations

import csv
import shutil

import pytest
from sqlalchemy import func, select

from forewarn.data.errors import DataError
from forewarn.evidence import sources
from forewarn.evidence.importers import import_csv, import_ucdp
from forewarn.evidence.models import Incident, IncidentSource, Source

HEADER = ("title,date_start,date_end,place,country,harm_types,perpetrators,victim_groups,"
          "killed_low,killed_best,killed_high,armed_conflict,civilian_victims,sources,"
          "external_ref\n")


def _count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def _write(path, rows: list[str]):
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_csv_import_creates_incidents_with_ranges_and_links(session_as, store, tmp_path):
    s = session_as("analyst", "ana")
    src = sources.register_text(s, store, "field report", title="Field report",
                                actor="ana").source
    s.commit()
    path = _write(tmp_path / "incidents.csv", [
        f"Shelling of market,2022-05-01,,Market square,SDN,killing;injury,RSF,"
        f"Masalit:ethnical,12,15,20,non-international,true,#{src.id},ext-1",
        f"Detentions,2022-05-02,2022-05-09,Police station,SDN,detention,,,,,,,,"
        f"{src.sha256[:16]},ext-2"])
    result = import_csv(s, path, "ana")
    s.commit()
    assert (result.rows, result.created, result.skipped) == (2, 2, 0)
    first = s.scalar(select(Incident).where(Incident.external_ref == "ext-1"))
    assert first.casualties == {"killed": {"low": 12, "best": 15, "high": 20}}
    assert first.context == {"armed_conflict": "non-international", "civilian_victims": True}
    assert first.victim_groups[0]["characteristics"] == ["ethnical"]
    assert first.country.iso3 == "SDN" and first.date_end == first.date_start
    assert _count(s, IncidentSource) == 2
    again = import_csv(s, path, "ana")
    assert (again.created, again.skipped) == (0, 2)


@pytest.mark.parametrize("row, column, message", [
    ("Bad harm,2022-05-01,,x,SDN,killing;looting,,,,,,,,,", "harm_types", "unknown harm type"),
    ("Bad date,2022-13-01,,x,SDN,killing,,,,,,,,,", "date_start", "not a date"),
    ("Bad country,2022-05-01,,x,XYZ,killing,,,,,,,,,", "country", "unknown ISO3"),
    ("Bad range,2022-05-01,,x,SDN,killing,,,30,20,10,,,,", "killed_best", "low ≤ best ≤ high"),
    ("Bad conflict,2022-05-01,,x,SDN,killing,,,,,,sort of,,,", "armed_conflict", "not one of"),
    ("Bad source,2022-05-01,,x,SDN,killing,,,,,,,,#999,", "sources", "no registered source"),
])
def test_a_bad_row_names_file_row_and_column_and_nothing_is_written(session_as, tmp_path,
                                                                    row, column, message):
    s = session_as("analyst", "ana")
    good = [f"Good {n},2022-05-01,,x,SDN,killing,,,,,,,,," for n in range(3)]
    path = _write(tmp_path / "batch.csv", [*good, row, *good])
    with pytest.raises(DataError) as err:
        import_csv(s, path, "ana")
    s.rollback()
    e = err.value
    assert (e.file, e.row, e.column) == ("batch.csv", 5, column), str(e)
    assert message in str(e) and str(e).startswith("batch.csv, row 5, column")
    assert _count(s, Incident) == 0


def test_unknown_or_missing_columns_are_named(session_as, tmp_path):
    s = session_as("analyst", "ana")
    (tmp_path / "a.csv").write_text("title,date_start,country,harm_type\nx,2020-01-01,SDN,k\n")
    with pytest.raises(DataError, match="unknown column 'harm_type'"):
        import_csv(s, tmp_path / "a.csv", "ana")
    (tmp_path / "b.csv").write_text("title,date_start,country\nx,2020-01-01,SDN\n")
    with pytest.raises(DataError, match="missing column.*harm_types"):
        import_csv(s, tmp_path / "b.csv", "ana")


@pytest.mark.realdata
def test_ucdp_ged_sample_imports_every_event_citing_the_file(session_as, store, raw_dir):
    s = session_as("analyst", "ana")
    path = raw_dir / "ucdp" / "ucdpged_sample_1000.csv"
    result = import_ucdp(s, store, path, "ana")
    s.commit()
    assert (result.rows, result.created) == (1000, 1000)
    src = s.get(Source, result.source_id)
    assert src.size == path.stat().st_size and src.sensitivity == "public"
    with open(path, newline="") as f:
        first = next(csv.DictReader(f))
    inc = s.scalar(select(Incident).where(
        Incident.external_ref == f"ucdp-ged:{int(float(first['id']))}"))
    assert inc.country.iso3 == "SYR" and inc.harm_types == ["killing"]
    assert inc.context["armed_conflict"] == "non-international"
    assert inc.links[0].source_id == src.id and inc.links[0].locator.startswith("row 2,")
    assert _count(s, Incident) == 1000
    assert import_ucdp(s, store, path, "ana").skipped == 1000  # idempotent


@pytest.mark.realdata
def test_ucdp_file_with_a_bad_row_changes_nothing(session_as, store, raw_dir, tmp_path):
    s = session_as("analyst", "ana")
    bad = tmp_path / "ged_bad.csv"
    shutil.copy(raw_dir / "ucdp" / "ucdp_ged191_syria_2016_2019.csv", bad)
    lines = bad.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[700]]))
    row[header.index("date_start")] = "2016-02-30"
    from io import StringIO

    buf = StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    lines[700] = buf.getvalue()
    bad.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as err:
        import_ucdp(s, store, bad, "ana")
    s.rollback()
    assert (err.value.file, err.value.row, err.value.column) == ("ged_bad.csv", 701,
                                                                 "date_start")
    assert _count(s, Incident) == 0 and _count(s, Source) == 0
