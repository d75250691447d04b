"""The Council and court events timeline and the Security Council's membership (data folder
un/events/) in the facts registry: strict readers on small files, who sits on the Council in a
year, a country's timeline newest first with citations, on the country page and /facts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from forewarn.data.errors import DataError
from forewarn.respond import facts, facts_un
from forewarn.respond.fact import AS_OF

EVENTS_HEAD = "date,label,kind,source,source_url,note\n"
GOOD_EVENT = ("2019-11-11,The Gambia v. Myanmar filed,legal,ICJ 178,"
              "https://www.icj-cij.org/case/178,\n")
COUNCIL_HEAD = ("country_org,start_year,end_year,seat,note\n"
                "# a comment line the reader skips\n")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_events_reader_takes_a_good_row(tmp_path):
    rows = facts_un.read_events(_write(tmp_path, "e.csv", EVENTS_HEAD + GOOD_EVENT))
    assert rows == [{"date": "2019-11-11", "label": "The Gambia v. Myanmar filed",
                     "kind": "legal", "source": "ICJ 178",
                     "source_url": "https://www.icj-cij.org/case/178", "note": ""}]


@pytest.mark.parametrize("bad_row, column", [
    ("2019-13-11,Filed,legal,ICJ 178,https://www.icj-cij.org/case/178,\n", "date"),
    ("2019-11-11,Filed,rumour,ICJ 178,https://www.icj-cij.org/case/178,\n", "kind"),
    ("2019-11-11,,legal,ICJ 178,https://www.icj-cij.org/case/178,\n", "label"),
    ("2019-11-11,Filed,legal,,https://www.icj-cij.org/case/178,\n", "source"),
    ("2019-11-11,Filed,legal,ICJ 178,http://example.org,\n", "source_url"),
])
def test_a_bad_event_row_is_named_by_file_row_and_column(tmp_path, bad_row, column):
    path = _write(tmp_path, "events.csv", EVENTS_HEAD + GOOD_EVENT + bad_row)
    with pytest.raises(DataError) as err:
        facts_un.read_events(path)
    assert (err.value.file, err.value.row, err.value.column) == ("events.csv", 3, column)


def test_an_events_file_without_its_columns_is_refused(tmp_path):
    with pytest.raises(DataError, match="source_url"):
        facts_un.read_events(_write(tmp_path, "e.csv", "date,label,kind,source,note\n"))


def test_council_reader_skips_comments_and_counts_file_lines(tmp_path):
    text = COUNCIL_HEAD + "France,1992,2023,permanent,\nItaly,2017,2017,elected,split\n"
    rows = facts_un.read_council_terms(_write(tmp_path, "c.csv", text))
    assert [(r["country_org"], r["start_year"], r["end_year"], r["seat"], r["row"])
            for r in rows] == [("France", 1992, 2023, "permanent", 3),
                               ("Italy", 2017, 2017, "elected", 4)]


@pytest.mark.parametrize("bad_row, column", [
    ("Japan,2023,2025,elected,\n", "end_year"),
    ("Japan,2023,2022,elected,\n", "end_year"),
    ("Japan,2023,24,elected,\n", "end_year"),
    ("Japan,2023,2024,observer,\n", "seat"),
    (",2023,2024,elected,\n", "country_org"),
])
def test_a_bad_council_term_is_named_by_file_row_and_column(tmp_path, bad_row, column):
    path = _write(tmp_path, "terms.csv", COUNCIL_HEAD + "Malta,2023,2024,elected,\n" + bad_row)
    with pytest.raises(DataError) as err:
        facts_un.read_council_terms(path)
    assert (err.value.file, err.value.row, err.value.column) == ("terms.csv", 4, column)


def test_a_member_name_the_registry_does_not_know_is_an_error(tmp_path):
    folder = tmp_path / "un" / "events"
    folder.mkdir(parents=True)
    _write(folder, "unsc_membership_terms_1991_2024.csv",
           COUNCIL_HEAD + "Malta,2023,2024,elected,\nRuritania,2023,2024,elected,\n")
    with pytest.raises(DataError) as err:
        facts_un.council_terms(tmp_path)
    assert (err.value.row, err.value.column) == (4, "country_org")
    assert "Ruritania" in str(err.value)


def test_later_terms_from_the_catalogue_complete_a_year_the_file_does_not_cover(tmp_path):
    folder = tmp_path / "un" / "events"
    folder.mkdir(parents=True)
    _write(folder, "unsc_membership_terms_1991_2024.csv",
           COUNCIL_HEAD + "Malta,2023,2024,elected,\nRepublic Of Korea,2013,2014,elected,\n")
    in_2024 = facts.council(2024, raw_dir=tmp_path)
    assert {m["iso3"] for m in in_2024["elected"]} == {"MLT", "DZA", "GUY", "KOR", "SLE", "SVN"}
    assert not in_2024["complete"]   # the fixture leaves out four of the 2023-2024 intake
    assert {m["iso3"] for m in in_2024["permanent"]} == {"CHN", "FRA", "GBR", "RUS", "USA"}


@pytest.mark.realdata
def test_every_year_since_1992_has_fifteen_members_with_sources(raw_dir):
    from forewarn.respond.facts_shipped import reference_data

    # Up to the last year whose two intakes the shipped data name (later years are flagged
    # as incomplete on the page until someone adds the terms).
    last = max(t["start_year"] for t in reference_data()["council_terms"])
    for year in range(1992, last + 1):
        seated = facts.council(year, raw_dir=raw_dir)
        assert seated["complete"] and len(seated["elected"]) == 10, year
        assert len(seated["permanent"]) == 5
        for m in seated["elected"]:
            assert m["citation"].strip() and AS_OF.fullmatch(m["as_of"]), (year, m)
            first, last = map(int, m["term"].split("-"))
            assert first <= year <= last


@pytest.mark.realdata
def test_council_in_2026_and_a_countrys_own_seat(raw_dir):
    seated = {m["iso3"]: m["term"] for m in facts.council(2026, raw_dir=raw_dir)["elected"]}
    assert seated == {"DNK": "2025-2026", "GRC": "2025-2026", "PAK": "2025-2026",
                      "PAN": "2025-2026", "SOM": "2025-2026", "BHR": "2026-2027",
                      "COL": "2026-2027", "COD": "2026-2027", "LVA": "2026-2027",
                      "LBR": "2026-2027"}
    assert facts.planner_facts(None, "SOM", raw_dir).council_seat(2026)["term"] == "2025-2026"
    assert facts.planner_facts(None, "CHE", raw_dir).council_seat(2024)["term"] == "2023-2024"
    assert facts.planner_facts(None, "CHE", raw_dir).council_seat(2026) is None
    assert facts.planner_facts(None, "RUS", raw_dir).council_seat(2026)["seat"] == "permanent"
    # The split term of 2017-2018 is two one-year terms.
    assert facts.planner_facts(None, "ITA", raw_dir).council_seat(2018) is None
    assert facts.planner_facts(None, "NLD", raw_dir).council_seat(2018)["term"] == "2018-2018"


@pytest.mark.realdata
def test_a_countrys_timeline_is_newest_first_with_citations(raw_dir):
    mmr = facts.timeline(None, "MMR", raw_dir)
    dates = [e["date"] for e in mmr]
    assert dates == sorted(dates, reverse=True)
    filed = [e for e in mmr if e["kind"] == "council_event" and "ICJ 178" in e["subject"]]
    assert {e["date"] for e in filed} == {"2019-11-11", "2020-01-23"}
    assert all("https://www.icj-cij.org/case/178" in e["citation"] for e in filed)
    sdn = facts.timeline(None, "SDN", raw_dir)
    assert sdn[0]["kind"] == "veto" and sdn[0]["date"] == "2024-11-18"
    assert any(e["kind"] == "council_event" and "S/RES/1593" in e["citation"] for e in sdn)
    for e in mmr + sdn:
        assert e["citation"].strip() and e["as_of"], e
    # An event about no one country is the UN's, not any country's.
    rome = [f for f in facts.facts_for(None, kind="council_event", raw_dir=raw_dir)
            if "A/CONF.183/9" in f.subject]
    assert [(f.iso3, f.organisation) for f in rome] == [("", "UN")]


@pytest.mark.realdata
def test_vetoes_since_2023_are_in_the_registry_with_official_sources(raw_dir):
    vetoes = {f.date: f for f in facts.facts_for(None, "PSE", "veto", raw_dir=raw_dir)}
    for day in ("2025-06-04", "2025-09-18", "2024-04-18"):
        assert vetoes[day].members == ("USA",), day
    assert "un.org/unispal" in vetoes["2025-09-18"].citation
    assert "SC/15519" in vetoes["2023-12-08"].citation
    (syria,) = facts.facts_for(None, "SYR", "veto", raw_dir=raw_dir)
    assert (syria.date, syria.members) == ("2023-07-11", ("RUS",))
    assert "SC/15558" in syria.citation


@pytest.mark.realdata
def test_the_country_page_and_facts_page_show_the_timeline_and_the_council(app_on, raw_dir):
    with TestClient(app_on(raw_dir), base_url="https://testserver") as client:
        page = client.get("/countries/MMR.json").json()
        section = next(s for s in page["sections"] if s["key"] == "facts")["data"]
        assert [e["date"] for e in section["timeline"]] == [
            e["date"] for e in facts.timeline(None, "MMR", raw_dir)]
        assert not any(f["kind"] == "council_event" for f in section["facts"])
        html = client.get("/countries/MMR").text
        assert "Timeline" in html and "https://www.icj-cij.org/case/178" in html
        registry = client.get("/facts.json", params={"iso3": "MMR", "year": 2025}).json()
        assert registry["timeline"] == section["timeline"]
        assert registry["council"]["year"] == 2025 and registry["council"]["complete"]
        assert "DNK" in {m["iso3"] for m in registry["council"]["elected"]}
        html = client.get("/facts", params={"iso3": "SDN"}).text
        this_year = facts.council(session=None, raw_dir=raw_dir)
        assert f"Security Council in {this_year['year']}" in html
        for m in this_year["elected"]:
            assert m["name"] in html
        assert html.index("2024-11-18") < html.index("2005-03-31")   # newest first
        assert client.get("/facts.json", params={"year": 1900}).status_code == 422


def test_the_registered_sources_name_both_files():
    from forewarn.data.sources import source

    for name in (facts_un.EVENTS, facts_un.COUNCIL):
        entry = source(name)
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256) and "MIT" in entry.licence
        assert entry.origin_url.startswith("https://raw.githubusercontent.com/fmadore/")


@pytest.mark.realdata
def test_the_planner_page_says_who_sits_on_the_council(app_on, raw_dir):
    this_year = facts.council(raw_dir=raw_dir)
    with TestClient(app_on(raw_dir), base_url="https://testserver") as client:
        if not this_year["elected"]:   # a year the shipped data do not reach: said so
            assert "elected members not in the shipped data" in client.get(
                "/countries/SDN/options").text
            return
        seated = this_year["elected"][0]
        body = client.get(f"/countries/{seated['iso3']}/options.json").json()
        assert body["council"]["elected"] == this_year["elected"]
        assert body["council_seat"]["term"] == seated["term"]
        html = client.get(f"/countries/{seated['iso3']}/options").text
        assert "sits on the Council" in html and "Art. 27(3)" in html
        assert f"Security Council in {this_year['year']}" in html
        outside = next(c for c in ("CHE", "NOR", "BRA", "ZAF") if c not in
                       {m["iso3"] for m in this_year["elected"]})
        body = client.get(f"/countries/{outside}/options.json").json()
        assert body["council_seat"] is None
        assert "sits on the Council" not in client.get(f"/countries/{outside}/options").text


@pytest.mark.realdata
def test_the_command_line_lists_the_council_and_a_timeline(monkeypatch, raw_dir):
    import json

    from typer.testing import CliRunner

    from forewarn.respond import cli as respond_cli
    from forewarn.respond.cli import app as cli

    monkeypatch.setattr(respond_cli, "_operator_session", lambda: None)
    monkeypatch.setattr(facts, "_raw_dir", lambda session, given: given or raw_dir)
    runner = CliRunner()
    out = runner.invoke(cli, ["facts", "council", "--year", "2025", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == facts.council(2025, raw_dir=raw_dir)
    out = runner.invoke(cli, ["facts", "timeline", "mmr", "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output) == facts.timeline(None, "MMR", raw_dir)


@pytest.mark.realdata
def test_the_dossier_and_search_read_the_same_timeline(raw_dir, monkeypatch):
    dossier = facts.dossier_facts(None, "SDN", raw_dir)
    assert dossier["timeline"] == facts.timeline(None, "SDN", raw_dir)
    assert dossier["council_seat"] == facts.planner_facts(None, "SDN", raw_dir).council_seat()
    from forewarn.respond.search import search_facts

    monkeypatch.setattr(facts, "_raw_dir", lambda session, given: given or raw_dir)
    found = search_facts(None, "Srebrenica", 20)
    assert any("BIH" in r["url"] and "un.org" in r["snippet"] for r in found), found


SANCTIONS_XML = """<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2024-09-26T00:00:07.514Z"><INDIVIDUALS>
<INDIVIDUAL><DATAID>1</DATAID><UN_LIST_TYPE>DRC</UN_LIST_TYPE><LISTED_ON>2005-11-01</LISTED_ON></INDIVIDUAL>
<INDIVIDUAL><DATAID>2</DATAID><UN_LIST_TYPE>DRC</UN_LIST_TYPE><LISTED_ON>2015-03-27-04:00</LISTED_ON></INDIVIDUAL>
<INDIVIDUAL><DATAID>3</DATAID><UN_LIST_TYPE>Al-Qaida</UN_LIST_TYPE><LISTED_ON>2001-01-25</LISTED_ON></INDIVIDUAL>
</INDIVIDUALS><ENTITIES>
<ENTITY><DATAID>4</DATAID><UN_LIST_TYPE>DRC</UN_LIST_TYPE><LISTED_ON>{entity_day}</LISTED_ON></ENTITY>
</ENTITIES></CONSOLIDATED_LIST>"""


def _sanctions_dir(tmp_path, entity_day):
    from forewarn.respond.facts_shipped import SANCTIONS_LIST

    path = tmp_path / SANCTIONS_LIST
    path.parent.mkdir(parents=True)
    path.write_text(SANCTIONS_XML.format(entity_day=entity_day), encoding="utf-8")
    return tmp_path


def test_sanctions_regimes_count_listings_with_the_latest_date(tmp_path):
    from forewarn.respond.facts_shipped import sanctions_facts

    (drc,) = sanctions_facts(_sanctions_dir(tmp_path, "2010-12-01"))
    assert (drc.iso3, drc.as_of) == ("COD", "2024-09-26")
    assert drc.status == "in force, 3 listed individuals and entities (latest listing 2015-03-27)"
    assert "2005-11-01" in drc.summary


def test_a_bad_listing_date_is_named(tmp_path):
    from forewarn.respond.facts_shipped import sanctions_facts

    with pytest.raises(DataError) as err:
        sanctions_facts(_sanctions_dir(tmp_path, "1 December 2010"))
    assert err.value.column == "LISTED_ON" and "ENTITY 4" in str(err.value)


def test_peace_operations_say_when_their_mandate_came_under_chapter_vii(tmp_path):
    from forewarn.respond.facts_shipped import PKO_LIST, TAMM, peace_operation_facts

    def folder(name, tamm_rows):
        raw = tmp_path / name
        (raw / PKO_LIST).parent.mkdir(parents=True)
        (raw / PKO_LIST).write_text(pko, encoding="utf-8")
        (raw / TAMM).write_text("mission,yearmon,month,year,unsc_resolution,prociv,ch7\n"
                                + tamm_rows, encoding="utf-8")
        return raw

    pko = ("id,mission_acronym,mission_name,lead_department,mission_isactive,start_date,"
           "end_date,mission_location,mission_longitude,mission_latitude,last_update\n"
           "1,UNMISS,United Nations Mission in South Sudan,DPO,Yes,2011-07-08,,Juba,"
           "\"31,6\",\"4,8\",2024-02-19\n")
    good = folder("good", "UNMISS,2011-07,7,2011,1996,1,0\nUNMISS,2014-05,5,2014,2155,1,1\n")
    (mission,) = [f for f in peace_operation_facts(good) if f.iso3 == "SSD"]
    assert "protection-of-civilians task in its mandate from 2011-07 (S/RES/1996" in mission.summary
    assert "Chapter VII mandate from 2014-05 (S/RES/2155" in mission.summary
    with pytest.raises(DataError) as err:
        peace_operation_facts(folder("bad", "UNMISS,2011-07,7,2011,1996,1,yes\n"))
    assert (err.value.row, err.value.column) == (2, "ch7")


@pytest.mark.realdata
def test_an_editor_adds_a_later_council_term_with_its_source(app_on, raw_dir, engine):
    from tests.accounts import login

    from .recording import audit_entries, post_json

    app = app_on(raw_dir)
    with TestClient(app, base_url="https://testserver") as admin, \
            TestClient(app, base_url="https://testserver") as analyst:
        assert login(admin, "admin").status_code == 303
        assert login(analyst, "analyst").status_code == 303
        year = dt.date.today().year + 1
        before = admin.get("/facts.json", params={"year": year}).json()["council"]
        term = {"kind": "council_member", "iso3": "IRL", "source": "corrected",
                "subject": f"elected member {year}-{year + 1}",
                "status": f"elected member, term {year}-{year + 1}",
                "citation": "General Assembly election of June (test citation)"}
        assert post_json(analyst, "/api/respond/facts", term).status_code == 403
        bad = post_json(admin, "/api/respond/facts", {**term, "subject": "member for a while"})
        assert bad.status_code == 422 and "elected member YYYY-YYYY" in bad.text
        assert post_json(admin, "/api/respond/facts", term).status_code == 201
        after = admin.get("/facts.json", params={"year": year}).json()["council"]
        added = [m for m in after["elected"] if m["iso3"] == "IRL"]
        assert [(m["term"], m["source"]) for m in added] == [(f"{year}-{year + 1}",
                                                              "corrected")]
        assert len(after["elected"]) == len(before["elected"]) + 1
        assert "test citation" in admin.get("/facts", params={"year": year}).text
    assert ("admin", "correct", "respond_fact") in [e[:3] for e in audit_entries(engine)]


def test_a_council_term_spread_over_two_lines_is_refused(tmp_path):
    path = _write(tmp_path, "c.csv",
                  COUNCIL_HEAD + 'Malta,2023,2024,elected,"a note\nover two lines"\n')
    with pytest.raises(DataError, match="more than one line"):
        facts_un.read_council_terms(path)
