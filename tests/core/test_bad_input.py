"""Bad input: a clear error naming file, row and column; and nothing already stored changes."""

import shutil

import openpyxl
import pytest
from sqlalchemy import func, select

from forewarn.data import readers
from forewarn.data.errors import DataError
from forewarn.data.importer import import_all
from forewarn.store import models as m


def _copy_raw(raw_dir, tmp_path):
    """A private raw dir: links to the real files, so a test may replace one of them."""
    target = tmp_path / "raw"
    for group in ("ewp", "ucdp", "displacement"):
        (target / group).mkdir(parents=True)
        for f in (raw_dir / group).iterdir():
            (target / group / f.name).symlink_to(f)
    return target


def _rewrite(path, edit):
    lines = path.read_text().splitlines(keepends=True)
    path.unlink()
    path.write_text("".join(edit(lines)))


def _edit_field(line: str, index: int, value: str) -> str:
    cells = line.rstrip("\n").split(",")
    cells[index] = value
    return ",".join(cells) + "\n"


@pytest.fixture
def private_raw(raw_dir, tmp_path):
    return _copy_raw(raw_dir, tmp_path)


def _ewp_col(raw, name):
    header = (raw / readers.EWP_PREDICTORS).read_text().splitlines()[0].split(",")
    return header.index(name)


def test_truncated_csv_names_the_row(private_raw):
    path = private_raw / readers.EWP_PREDICTORS
    _rewrite(path, lambda ls: ls[:500] + [ls[500][:40]])
    with pytest.raises(DataError) as err:
        readers.read_ewp_predictors(path)
    assert err.value.file == path.name and err.value.row == 501
    assert "truncated" in str(err.value)


def test_wrong_type_names_row_and_column(private_raw):
    path = private_raw / readers.EWP_PREDICTORS
    col = _ewp_col(private_raw, "gdppcgrowth")
    _rewrite(path, lambda ls: ls[:10] + [_edit_field(ls[10], col, "lots")] + ls[11:])
    with pytest.raises(DataError) as err:
        readers.read_ewp_predictors(path)
    assert (err.value.row, err.value.column) == (11, "gdppcgrowth")
    assert "'lots'" in str(err.value)


def test_unknown_country_code(private_raw):
    path = private_raw / readers.EWP_PREDICTORS
    col = _ewp_col(private_raw, "ccode")
    _rewrite(path, lambda ls: ls[:3] + [_edit_field(ls[3], col, "9999")] + ls[4:])
    with pytest.raises(DataError, match="unknown country code 9999") as err:
        readers.read_ewp_predictors(path)
    assert (err.value.row, err.value.column) == (4, "ccode")


def test_duplicated_country_year(private_raw):
    path = private_raw / readers.UCDP_CY
    _rewrite(path, lambda ls: ls + [ls[5]])
    with pytest.raises(DataError, match="duplicated iso3=AFG, year=1993") as err:
        readers.read_ucdp_country_year(path)
    assert err.value.row == len(path.read_text().splitlines())
    assert "first seen at row 6" in str(err.value)


def test_missing_column(private_raw):
    path = private_raw / readers.UCDP_CY
    _rewrite(path, lambda ls: [ls[0].replace("year_cy", "yr")] + ls[1:])
    with pytest.raises(DataError, match="missing column") as err:
        readers.read_ucdp_country_year(path)
    assert err.value.column == "year_cy" and err.value.row == 1


def test_damaged_xlsx(private_raw):
    path = private_raw / readers.EWP_EPISODES
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match="not a readable xlsx"):
        readers.read_ewp_episodes(path)


def test_xlsx_wrong_type_names_excel_row(private_raw, tmp_path):
    path = private_raw / readers.EWP_EPISODES
    wb = openpyxl.load_workbook(path)
    ws = wb["mk_events"]
    col = [c.value for c in ws[1]].index("startyear") + 1
    ws.cell(row=7, column=col, value="sometime")
    path.unlink()
    wb.save(path)
    with pytest.raises(DataError) as err:
        readers.read_ewp_episodes(path)
    assert (err.value.row, err.value.column) == (7, "startyear")


def _counts(engine):
    with engine.connect() as c:
        return {t.__tablename__: c.scalar(select(func.count()).select_from(t))
                for t in (m.EwpCountryYear, m.ViolenceCountryYear, m.DisplacementCountryYear,
                          m.MassKillingEpisode, m.ImportBatch)}


@pytest.mark.realdata
def test_import_is_all_or_nothing(engine, private_raw):
    first = import_all(engine, private_raw)
    assert {r.table: r.rows for r in first}["ewp_country_year"] == 9463
    before = _counts(engine)
    with engine.connect() as c:
        sample = c.execute(select(m.ViolenceCountryYear.state_based_deaths)
                           .order_by(m.ViolenceCountryYear.id).limit(50)).scalars().all()
    # The last file read is bad: every earlier panel must stay as it was.
    path = private_raw / readers.EWP_EPISODES
    shutil.copyfile(path, path.with_suffix(".tmp"))
    path.unlink()
    path.write_bytes(b"not a workbook")
    with pytest.raises(DataError):
        import_all(engine, private_raw)
    assert _counts(engine) == before
    with engine.connect() as c:
        again = c.execute(select(m.ViolenceCountryYear.state_based_deaths)
                          .order_by(m.ViolenceCountryYear.id).limit(50)).scalars().all()
    assert again == sample


@pytest.mark.realdata
def test_reimport_replaces_and_records_provenance(engine, raw_dir):
    import_all(engine, raw_dir)
    import_all(engine, raw_dir)
    counts = _counts(engine)
    assert counts["ewp_country_year"] == 9463 and counts["mass_killing_episode"] == 157
    with engine.connect() as c:
        batches = c.execute(select(m.ImportBatch.source_file, m.ImportBatch.sha256)).all()
    assert len(batches) == 10  # five files, imported twice
    assert all(len(sha) == 64 for _, sha in batches)


def test_armed_conflict_bad_episode_date_names_the_row(private_raw):
    path = private_raw / readers.UCDP_ACD
    header = path.read_text().splitlines()[0].split(",")
    col = header.index("start_date2")
    _rewrite(path, lambda ls: ls[:7] + [_edit_field(ls[7], col, "2012-xx-15")] + ls[8:])
    with pytest.raises(DataError) as err:
        readers.read_armed_conflicts(path)
    assert (err.value.file, err.value.row, err.value.column) == (path.name, 8, "start_date2")
    assert "2012-xx-15" in str(err.value)
