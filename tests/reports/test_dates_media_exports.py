"""Dates with their precision kept through to incidents, duplicate suggestions from the same
or a near-identical photo, queue filters, and the CSV, HXL and GeoJSON exports (on SQLite and
PostgreSQL)."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.reports import dates, exports, similar, triage
from forewarn.reports.config import ReportSettings
from forewarn.reports.models import Report
from forewarn.reports.schemas import ReportIn
from forewarn.reports.submit import Upload, prepare, store
from forewarn.security import for_role, set_principal

from .conftest import make_users

LIMITS = ReportSettings()


def _store(system, data_dir, photos=(), **fields):
    data = {"what": "Armed men burned the market", "place": "Tawila"} | fields
    uploads = [Upload(f"p{n}.jpg", p) for n, p in enumerate(photos)]
    report = store(system, data_dir, ReportIn(**data), prepare(uploads, LIMITS),
                   actor="public (web form)")
    system.commit()
    return report


def _reviewer(engine, user_id=None) -> Session:
    s = Session(engine)
    set_principal(s, for_role("reviewer", user_id=user_id))
    return s


def _photo(seed: int, size=(320, 240), quality=90) -> bytes:
    """A picture with structure (gradients and blocks) so its hash means something."""
    im = Image.new("RGB", size)
    px = im.load()
    for x in range(size[0]):
        for y in range(size[1]):
            px[x, y] = ((x * seed) % 256, (y * 3 + seed * 40) % 256,
                        ((x // 40 + y // 30) * 60 * seed) % 256)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=quality)
    return out.getvalue()


@pytest.mark.parametrize("fields, start, end, precision", [
    ({"occurred_at": "2026-03-01T22:15"}, date(2026, 3, 1), date(2026, 3, 1), "exact"),
    ({"occurred_at": "2026-03-01", "occurred_time": "22:15"}, date(2026, 3, 1),
     date(2026, 3, 1), "exact"),
    ({"occurred_at": "2026-03-01"}, date(2026, 3, 1), date(2026, 3, 1), "day"),
    ({"occurred_month": "2026-02"}, date(2026, 2, 1), date(2026, 2, 28), "month"),
    ({"occurred_at": "2026-03-01", "occurred_end": "2026-03-04"}, date(2026, 3, 1),
     date(2026, 3, 4), "range"),
])
def test_precision_inferred_and_turned_into_a_span(fields, start, end, precision):
    report_in = ReportIn(what="Shooting near the well", place="Kutum", **fields)
    assert report_in.occurred_precision == precision

    class Row:  # what span() reads of a stored report
        created_at = datetime(2026, 3, 10, tzinfo=UTC)
        occurred_at, occurred_end = report_in.occurred_at, report_in.occurred_end
        occurred_precision, occurred_note = report_in.occurred_precision, ""

    got = dates.span(Row)
    assert (got.start, got.end, got.exact) == (start, end, start == end)


def test_words_are_read_relative_to_the_submission_day():
    submitted = date(2026, 3, 10)
    assert dates.read_note("Last night, around 2 am", submitted)[:2] == (date(2026, 3, 9),
                                                                        submitted)
    assert dates.read_note("hier soir vers 20h", submitted)[:2] == (date(2026, 3, 9),
                                                                   submitted)
    assert dates.read_note("la semana pasada", submitted)[:2] == (date(2026, 2, 24),
                                                                  date(2026, 3, 3))
    start, end, phrase = dates.read_note("when the rains came", submitted)
    assert phrase is None and start < end == submitted
    with pytest.raises(ValueError, match="ends before it starts"):
        ReportIn(what="Shooting near the well", place="Kutum", occurred_at="2026-03-04",
                 occurred_end="2026-03-01")


def test_verifying_last_night_keeps_the_span_and_the_note(engine, system, tmp_path):
    from forewarn.evidence.models import Incident
    from forewarn.evidence.views import incident_dict

    report = _store(system, tmp_path, occurred_note="last night")
    assert report.occurred_precision == "approximate"
    submitted = report.created_at.date()
    with _reviewer(engine) as s:
        incident_id = triage.verify(s, triage.get(s, report.id),
                                    new_incident_title="Market burned", country="SDN")
        s.commit()
        incident = s.get(Incident, incident_id)
        shown = incident_dict(incident, for_role("reviewer"))
    assert shown["exact_date"] is False
    assert (incident.date_start, incident.date_end) == (submitted - timedelta(days=1),
                                                        submitted)
    assert "last night" in incident.summary and "precision: approximate" in incident.summary

    dated = _store(system, tmp_path, occurred_month="2026-01")
    with _reviewer(engine) as s:
        incident = s.get(Incident, triage.verify(s, triage.get(s, dated.id),
                                                 new_incident_title="January", country="SDN"))
        assert (incident.date_start, incident.date_end) == (date(2026, 1, 1), date(2026, 1, 31))


def test_image_hash_is_stable_under_reencoding_and_differs_between_pictures():
    a, b = _photo(1), _photo(3)
    smaller = io.BytesIO()
    Image.open(io.BytesIO(a)).resize((160, 120)).save(smaller, "JPEG", quality=60)
    ha, hb, hs = (similar.image_hash(x) for x in (a, b, smaller.getvalue()))
    assert similar.distance(ha, hs) <= similar.NEAR_BITS < similar.distance(ha, hb)
    assert similar.image_hash(b"not an image") is None


def test_same_or_near_identical_photo_suggested_even_far_apart(engine, system, tmp_path):
    photo = _photo(1)
    resaved = io.BytesIO()
    Image.open(io.BytesIO(photo)).resize((300, 225)).save(resaved, "JPEG", quality=55)
    # Different words, 3 km apart, weeks apart: only the media link them.
    first = _store(system, tmp_path, [photo], what="Fire at the grain store, many injured",
                   latitude=13.60, longitude=25.30, occurred_at="2026-01-05")
    same = _store(system, tmp_path, [photo], what="Smoke seen over the eastern quarter today",
                  latitude=13.627, longitude=25.30, occurred_at="2026-02-20")
    near = _store(system, tmp_path, [resaved.getvalue()], what="Picture forwarded to me",
                  place="Elsewhere", occurred_at="2025-11-01")
    other = _store(system, tmp_path, [_photo(3)], what="Unrelated picture of cattle",
                   place="Nowhere", occurred_at="2025-10-01")
    with _reviewer(engine) as s:
        found = {o.id: sg for o, sg in triage.suggestions(s, triage.get(s, first.id))}
    assert set(found) == {same.id, near.id}, found
    assert "same file (sha256)" in found[same.id].reasons
    assert any(r.startswith("near-identical image") for r in found[near.id].reasons)
    assert other.id not in found


def test_queue_filters_country_dates_text_and_mine(engine, system, tmp_path):
    ids = make_users(engine, ("reviewer",))
    from forewarn.evidence.incidents import country_id

    country_id(system, "SDN")
    country_id(system, "TCD")
    system.commit()
    a = _store(system, tmp_path, country="SDN", occurred_at="2026-01-05",
               what="Checkpoint shooting near the bridge")
    b = _store(system, tmp_path, country="TCD", occurred_at="2026-02-10",
               what="Looting of the clinic")
    c = _store(system, tmp_path, country="SDN", what="Threats broadcast on local radio")
    with _reviewer(engine, ids["reviewer"]) as s:
        def ids_of(**kw):
            return {r.id for r in triage.queue(s, **kw)}

        assert ids_of(country="sdn") == {a.id, c.id}
        assert ids_of(since=date(2026, 2, 1), until=date(2026, 2, 28)) == {b.id}
        assert ids_of(until=date(2026, 1, 31)) == {a.id}
        assert ids_of(text="CLINIC") == {b.id}
        assert ids_of(text="Tawila") == {a.id, b.id, c.id}  # the place matches too
        triage.assign(s, triage.get(s, b.id), ids["reviewer"])
        s.commit()
        assert ids_of(assigned_to=ids["reviewer"]) == {b.id}


def test_exports_csv_hxl_geojson_formula_safe_with_new_columns(engine, system, tmp_path):
    first = _store(system, tmp_path, what="=HYPERLINK(\"http://x\") market burned",
                   latitude=13.6123, longitude=25.3456, language="fr", categories=["arson"])
    second = _store(system, tmp_path, what="Second account of the market fire")
    with _reviewer(engine) as s:
        triage.set_status(s, triage.get(s, second.id), "duplicate", duplicate_of=first.id)
        s.commit()
        body = exports.export_csv(s)
        hxl = exports.export_hxl(s)
        geo = exports.export_geojson(s)
        s.commit()
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(body))}
    assert rows[first.reference]["what"].startswith("'=HYPERLINK")
    assert rows[first.reference]["language"] == "fr"
    assert rows[first.reference]["channel"] == "web"
    assert rows[first.reference]["categories"] == "arson"
    assert rows[second.reference]["duplicate_of"] == first.reference
    assert "contact" not in rows[first.reference]
    lines = list(csv.reader(io.StringIO(hxl)))
    assert lines[0][:2] == ["reference", "status"] and lines[1][:2] == ["#meta+id", "#status"]
    assert lines[1][lines[0].index("latitude")] == "#geo+lat" and len(lines) == 4
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 1
    feature = geo["features"][0]
    assert feature["geometry"]["coordinates"] == [25.3456, 13.6123]  # longitude first
    assert feature["properties"]["reference"] == first.reference
    json.dumps(geo)  # plain JSON, dates as text


def test_csv_import_takes_date_precision_and_categories(engine, system, tmp_path):
    from forewarn.reports.importer import ImportFailed, import_csv

    path = tmp_path / "field.csv"
    path.write_text("what,place,occurred_month,occurred_at,occurred_end,categories\n"
                    "Village burned by armed riders,Kutum,2026-01,,,killing;destruction\n"
                    "Detentions at the checkpoint,Tawila,,2026-02-01,2026-02-03,detention\n",
                    encoding="utf-8")
    assert import_csv(system, tmp_path, path, "test import") == 2
    system.commit()
    rows = {r.place: r for r in system.scalars(select(Report))}
    assert rows["Kutum"].occurred_precision == "month"
    assert rows["Kutum"].categories == ["killing", "destruction"]
    assert rows["Tawila"].occurred_precision == "range"
    assert rows["Tawila"].occurred_end.day == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("what,place,categories\nSomething happened here,Kutum,looting\n",
                   encoding="utf-8")
    with pytest.raises(ImportFailed) as exc:
        import_csv(system, tmp_path, bad, "test import")
    assert exc.value.errors[0].column == "categories" and exc.value.errors[0].row == 2
