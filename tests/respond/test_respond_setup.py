"""`forewarn setup`'s respond step: the Security Council vetoes of the real file go into the
record (once), and the planner does not count them twice."""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console
from sqlalchemy import func, select

from forewarn.data.importer import sync_countries
from forewarn.respond import cli, store
from forewarn.respond.models import RespondVeto
from forewarn.security import SYSTEM, set_principal
from forewarn.settings import Settings
from forewarn.store.db import session_factory, transaction

pytestmark = pytest.mark.realdata


def _count(engine) -> int:
    with session_factory(engine)() as s:
        return s.scalar(select(func.count()).select_from(RespondVeto))


def test_setup_imports_the_vetoes_once(engine, raw_dir, monkeypatch):
    from forewarn.respond.profile import profile_for_country

    with transaction(engine) as s:
        set_principal(s, SYSTEM)
        sync_countries(s)
        store.add_veto(s, "SYR", date(2024, 1, 10), ["RUS"], "S/2024/1")   # an analyst's
        before = profile_for_country(s, "SYR", raw_dir=raw_dir)
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(data_dir=raw_dir.parent))
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    console = Console(record=True, width=200)
    cli.setup(console)
    added = _count(engine) - 1
    assert added > 100
    cli.setup(console)                                      # running again adds nothing
    assert _count(engine) - 1 == added
    out = console.export_text()
    assert f"{added} added" in out and ": 0 added" in out

    with set_principal(session_factory(engine)(), SYSTEM) as s:
        syr = store.vetoes(s, "SYR")
        # Russia's veto of 8 July 2022 on Syria (S/2022/538) is in the file.
        jul = [v for v in syr if v.date == date(2022, 7, 8)]
        assert jul and jul[0].members == "RUS" and store.is_imported(jul[0])
        assert {v.country.iso3 for v in store.vetoes(s) if "(Israel-Lebanon:" in v.note} \
            == {"ISR", "LBN"}
        # The planner reads the file itself: imported rows are not counted again, and only
        # the analyst's veto counts as one just cast.
        assert [v.draft for v in store.vetoes_for_country(s, "SYR")] == ["S/2024/1"]
        after = profile_for_country(s, "SYR", raw_dir=raw_dir)
        assert after.veto_reasons == before.veto_reasons and after.veto_cast
        # Without the file, the imported history still tells the planner a veto is likely.
        no_file = profile_for_country(s, "SYR", raw_dir=raw_dir.parent / "nowhere")
        assert no_file.veto_likely and any("RUS" in r for r in no_file.veto_reasons)


def test_record_json_shows_imported_vetoes(engine, raw_dir, monkeypatch, tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from forewarn.respond.web import router

    with transaction(engine) as s:
        set_principal(s, SYSTEM)
        sync_countries(s)
    monkeypatch.setattr(cli, "get_settings", lambda: Settings(data_dir=raw_dir.parent))
    monkeypatch.setattr(cli, "_engine", lambda: engine)
    cli.setup(Console(record=True))
    app = FastAPI()
    app.state.settings = Settings(data_dir=tmp_path)
    app.state.engine, app.state.sessions = engine, session_factory(engine)
    app.include_router(router)
    with TestClient(app) as c:
        body = c.get("/respond/record.json").json()
        html = c.get("/respond/record").text
    vetoes = body["vetoes"]
    assert len(vetoes) > 100 and all(v["imported"] for v in vetoes)
    by_key = {(v["iso3"], v["date"]): v for v in vetoes}
    # A/RES/76/262 applies from 26 April 2022: China and Russia's veto on North Korea of 26 May
    # 2022 has a debate deadline; Russia's on Ukraine of 25 February 2022 and older ones none.
    assert by_key[("PRK", "2022-05-26")]["ga_deadline"] == "2022-06-09"
    assert by_key[("PRK", "2022-05-26")]["members"] == ["CHN", "RUS"]
    assert by_key[("UKR", "2022-02-25")]["ga_deadline"] is None
    assert all(v["ga_deadline"] is None for v in vetoes if v["date"] < "2022-04-26")
    assert "2022-06-09" in html and "S/2022/155" in html
