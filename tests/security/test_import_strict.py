"""The incident CSV import refuses what it would otherwise misread silently: a duplicate
column header, and rows with more fields than the header (values no column names)."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from forewarn.data.errors import DataError
from forewarn.evidence.importers import import_csv
from forewarn.security import for_role, set_principal

HEADER = "title,date_start,date_end,place,country,harm_types\n"


@pytest.fixture
def session(engine):
    with Session(engine) as s:
        set_principal(s, for_role("analyst", "ana"))
        yield s


def test_duplicate_header_is_named(session, tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("title,date_start,country,harm_types,title\nx,2022-01-01,SDN,killing,y\n")
    with pytest.raises(DataError, match="column 'title' appears twice") as err:
        import_csv(session, path, "ana")
    assert err.value.row == 1


def test_row_with_extra_fields_is_refused_and_nothing_written(session, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(HEADER + "Fine,2022-01-01,,Town,SDN,killing\n"
                    "Shifted,2022-01-02,,Town, North,SDN,killing\n")
    with pytest.raises(DataError, match="row has 7 fields, the header 6") as err:
        import_csv(session, path, "ana")
    assert (err.value.file, err.value.row) == ("extra.csv", 3)
    session.rollback()
    from sqlalchemy import func, select

    from forewarn.evidence.models import Incident

    assert session.scalar(select(func.count()).select_from(Incident)) == 0
