"""Import/export round-trips exactly in every format; the consistency report's flags."""

from datetime import date

import pytest

from forewarn.assess import consistency, service, transfer
from forewarn.assess.ratings import Content
from forewarn.store import models as m

from .conftest import make_actor, open_session

EV = [{"title": "Report", "url": "https://example.org/r"},
      {"title": "Incident 7", "ref": {"kind": "incident", "id": "7"}}]


def rated(**ratings) -> Content:
    return Content(summary="Line one\nline two, with \"quotes\"", ratings=[
        {"indicator": k.replace("_", "."), "rating": v, "trend": "stable", "confidence": "medium",
         "rationale": f"why {k}; é ✓", "evidence": EV} for k, v in ratings.items()])


def publish(db, framework, analyst, reviewer, iso3, as_of, **ratings):
    with open_session(db, analyst) as s, s.begin():
        a = service.create(s, analyst, framework, iso3, as_of, rated(**ratings))
        service.submit(s, analyst, a)
        aid = a.id
    with open_session(db, reviewer) as s, s.begin():
        service.publish(s, reviewer, service.get(s, aid))
    return aid


def _wipe(db):
    from sqlalchemy import delete

    from forewarn.assess.models import Assessment, AssessmentVersion

    with open_session(db) as s, s.begin():
        s.execute(delete(AssessmentVersion))
        s.execute(delete(Assessment))


def test_export_import_export_is_identical(db, framework, analyst, reviewer):
    publish(db, framework, analyst, reviewer, "SDN", date(2024, 5, 1), RF1_1="serious",
            RF9_1="present")
    with open_session(db, analyst) as s, s.begin():
        a = service.create(s, analyst, framework, "MMR", date(2023, 1, 2), rated(RF2_1="absent"))
        service.set_sensitivity(s, analyst, a, "restricted")
        service.create(s, analyst, framework, "SSD", date(2022, 1, 1))  # no ratings at all
    admin = make_actor("admin", 50, "admin")
    with open_session(db, admin) as s:
        exported = {fmt: transfer.dumps(transfer.records(s, admin), fmt)
                    for fmt in transfer.FORMATS}
    assert "restricted" in exported["csv"] and "Incident 7" in exported["yaml"]
    for fmt, first in exported.items():
        _wipe(db)
        with open_session(db, admin) as s, s.begin():
            result = transfer.import_records(s, admin, framework, transfer.loads(first, fmt))
        assert result == {"created": 3, "revised": 0, "records": 3}, fmt
        with open_session(db, admin) as s:
            assert transfer.dumps(transfer.records(s, admin), fmt) == first, fmt
            assert service.published(s)[0]["iso3"] == "SDN"
    with open_session(db, admin) as s, s.begin():  # importing again changes nothing
        assert transfer.import_records(s, admin, framework, transfer.loads(first, fmt))[
            "revised"] == 3
    with open_session(db, admin) as s:
        assert transfer.dumps(transfer.records(s, admin), fmt) == first
        assert {a.current_version for a in service.list_assessments(s, admin)} == {1, 2}


def test_import_is_all_or_nothing(db, framework):
    admin = make_actor("admin", 50, "admin")
    good = {"iso3": "SDN", "as_of": "2024-01-01", "status": "draft", "sensitivity": "internal",
            "demo": False, "summary": "", "ratings": []}
    bad = [good, {**good, "iso3": "XXX"}, {**good, "as_of": "2024-02-01", "ratings": [
        {"indicator": "RF1.99", "rating": "present"}]}, {**good, "status": "final"}]
    with open_session(db, admin) as s, s.begin(), pytest.raises(transfer.TransferError) as err:
        transfer.import_records(s, admin, framework, bad)
    text = str(err.value)
    assert "XXX" in text and "RF1.99" in text and "status must be" in text
    with open_session(db, admin) as s:
        assert service.list_assessments(s, admin) == []
    analyst = make_actor("analyst", 1, "ana")
    with open_session(db, analyst) as s, s.begin(), pytest.raises(service.Forbidden):
        transfer.import_records(s, analyst, framework, [{**good, "status": "published"}])


def _panel(db, deaths: dict[str, float], year=2023):
    """UCDP-shaped rows for a few countries (state-based deaths only)."""
    from sqlalchemy import select

    with open_session(db) as s, s.begin():
        batch = m.ImportBatch(table_name="violence_country_year", source_file="test.csv",
                              sha256="0" * 64, rows=len(deaths))
        s.add(batch)
        s.flush()
        ids = dict(s.execute(select(m.Country.iso3, m.Country.id)).all())
        for iso3, d in deaths.items():
            s.add(m.ViolenceCountryYear(country_id=ids[iso3], import_id=batch.id, year=year,
                                        state_based_deaths=d, non_state_deaths=0,
                                        one_sided_deaths=0, one_sided_govt_deaths=0,
                                        one_sided_nonstate_deaths=0))


def test_consistency_flags_pairs_and_stale(db, framework, analyst, reviewer):
    _panel(db, {"SDN": 5000, "MMR": 3000, "COL": 40, "UKR": 20000})
    # Full-year 2024 figures, published in June 2025: a September 2024 report must not use them.
    _panel(db, {"SDN": 10, "MMR": 10, "COL": 10}, year=2024)
    publish(db, framework, analyst, reviewer, "SDN", date(2024, 9, 15), RF1_1="serious")
    publish(db, framework, analyst, reviewer, "MMR", date(2024, 9, 15), RF1_1="absent")
    publish(db, framework, analyst, reviewer, "COL", date(2024, 9, 15), RF1_1="present")
    publish(db, framework, analyst, reviewer, "UKR", date(2020, 3, 1), RF1_1="serious")
    with open_session(db, reviewer) as s:
        rep = consistency.report(s, framework, "RF1.1", max_age_days=365,
                                 today=date(2024, 10, 1))
        by = {r["iso3"]: r for r in rep["rows"]}
        assert by["SDN"]["data_signal"] == "serious" and by["COL"]["data_signal"] == "present"
        assert by["UKR"]["data_signal"] is None  # no data up to 2020 in this panel
        ev = next(e for e in by["SDN"]["data"] if e["rule"] == "ucdp-state-based-deaths")
        assert (ev["value"], ev["year"], ev["source"]) == (5000, 2023, "ucdp")
        assert [sorted(p["countries"]) for p in rep["inconsistent_pairs"]] == [["MMR", "SDN"]]
        assert rep["stale"] == ["UKR"]
        factor = consistency.report(s, framework, "RF1", today=date(2024, 10, 1))
        assert {r["iso3"]: r["rating"] for r in factor["rows"]}["COL"] == "present"
        assert len(factor["inconsistent_pairs"]) == 1
        loose = consistency.report(s, framework, "RF1.1", tolerance=1,
                                   today=date(2024, 10, 1))
        assert len(loose["inconsistent_pairs"]) == 1  # COL is present-rated: 1 level from both
        with pytest.raises(service.NotFound):
            consistency.report(s, framework, "RF99")


def test_only_data_published_by_the_assessment_date():
    from forewarn.assess.suggest import published_year

    meta = {"data_release": {"ucdp": "06-30"}}
    assert published_year(meta, "ucdp", date(2024, 9, 15)) == 2023
    assert published_year(meta, "ucdp", date(2024, 3, 1)) == 2022  # 2023 not out until June
    assert published_year(meta, "monitor.hate_speech", date(2024, 3, 1)) == 2023
