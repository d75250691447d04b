import re

import pytest
from fastapi.testclient import TestClient

from forewarn.settings import Settings
from forewarn.web.app import create_app

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def client(imported_engine, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("web"),
                        database_url=str(imported_engine.url))
    with TestClient(create_app(settings)) as c:
        yield c


def test_countries_api_lists_registry(client):
    body = client.get("/api/countries").json()
    with_ewp = [c for c in body["countries"] if c["latest_ewp_year"]]
    assert body["count"] == len(body["countries"]) >= 160
    assert len(with_ewp) >= 160
    assert {"SDN", "SSD", "MMR", "XKX"} <= {c["iso3"] for c in body["countries"]}


def test_country_detail_has_panel_and_provenance(client):
    body = client.get("/api/countries/mmr").json()
    assert body["country"]["name"] == "Myanmar"
    years = [r["year"] for r in body["ewp"]]
    assert years == sorted(years) and years[-1] == 2024
    assert any(r["values"]["one_sided_deaths"] > 0 for r in body["violence"])
    assert any(e["start_year"] == 2016 or e["start_year"] == 2017 for e in body["episodes"])
    assert {p["table"] for p in body["provenance"]} >= {"ewp_country_year",
                                                        "violence_country_year"}


def test_unknown_country_is_a_helpful_404(client):
    r = client.get("/api/countries/XXX")
    assert r.status_code == 404 and "XXX" in r.json()["error"]


def test_home_page_and_json_twin_agree(client):
    html = client.get("/")
    assert html.status_code == 200 and "text/html" in html.headers["content-type"]
    twin = client.get("/index.json").json()
    assert twin["count"] >= 160
    assert all(f'/countries/{c["iso3"]}' in html.text for c in twin["countries"][:20])


def test_sources_page_shows_licences_and_citations(client):
    rows = client.get("/sources.json").json()
    page = client.get("/sources").text
    assert len(rows) >= 50
    assert rows[0]["licence"] in page and "Uppsala Conflict Data Program" in page


def test_health_docs_and_static(client):
    assert client.get("/health").json()["status"] == "ok"
    for page in ("/docs", "/redoc"):
        html = client.get(page)
        assert html.status_code == 200
        # Offline: every script and stylesheet comes from this server, none from a CDN.
        assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
        assert assets and all(a.startswith("/") for a in assets), assets
        for asset in assets:
            assert client.get(asset).status_code == 200, asset
        assert "http" not in html.headers["content-security-policy"]
    assert "/api/countries" in client.get("/openapi.json").json()["paths"]
    assert client.get("/static/style.css").status_code == 200
