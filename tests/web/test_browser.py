"""The watchlist, country and model pages in a real browser against the real server."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from forewarn.web.figures import pct  # the pages' own format: small risks keep 2 decimals

pytestmark = [pytest.mark.realdata, pytest.mark.browser]


def _open_home(page):
    response = page.goto("/")
    assert response.status == 200
    page.wait_for_selector("#world-map[data-ready]", timeout=15000)
    assert page.get_attribute("#world-map", "data-ready") == "true", page.inner_text("#world-map")


def test_map_renders_a_path_per_country(page, http):
    _open_home(page)
    geometries = http.get("/api/geo/countries-110m.json").json()["objects"]["countries"]
    expected = len(geometries["geometries"])
    assert expected >= 170
    assert page.locator("#world-map path.country").count() == expected
    ranked = http.get("/api/watchlist.json").json()["countries"]
    # Every ranked country that has a shape on a 1:110m map is coloured and focusable.
    shaped = {g["properties"]["iso3"] for g in geometries["geometries"]}
    coloured = page.locator("#world-map path.country.has-data")
    assert coloured.count() >= len([c for c in ranked if c["iso3"] in shaped]) >= 150
    top = page.locator("#world-map path.country.top")
    assert {top.nth(i).get_attribute("data-iso3") for i in range(top.count())} == {
        c["iso3"] for c in ranked if c["top30"] and c["iso3"] in shaped}
    assert page.errors == []


def test_hovering_a_country_shows_name_risk_and_rank(page, http):
    _open_home(page)
    sudan = next(c for c in http.get("/api/watchlist.json").json()["countries"]
                 if c["iso3"] == "SDN")
    tooltip = page.locator("#map-tooltip")
    assert tooltip.is_hidden()
    page.hover('#world-map path[data-iso3="SDN"]')
    assert tooltip.is_visible()
    text = tooltip.inner_text()
    assert "Sudan" in text and f"rank {sudan['rank']} of" in text
    assert pct(sudan["risk"]) in text
    page.mouse.move(2, 2)
    assert tooltip.is_hidden()


def test_clicking_a_country_opens_its_page(page):
    _open_home(page)
    page.click('#world-map path[data-iso3="BRA"]')
    page.wait_for_url("**/countries/BRA")
    assert page.inner_text("h1").startswith("Brazil")
    assert page.errors == []


def test_keyboard_focus_shows_tooltip_and_enter_opens_page(page):
    _open_home(page)
    first = page.locator("#world-map path.country.has-data").first
    assert first.get_attribute("tabindex") == "0"
    label = first.get_attribute("aria-label")
    assert re.search(r"rank 1 of \d+", label)
    first.focus()
    assert page.locator("#map-tooltip").is_visible()
    iso3 = first.get_attribute("data-iso3")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/countries/{iso3}")


def test_watchlist_links_work(page, http):
    _open_home(page)
    hrefs = page.eval_on_selector_all(
        "table.ranked a[href^='/countries/']",
        "els => els.map(e => [e.getAttribute('href'), e.textContent])")
    ranked = http.get("/api/watchlist.json").json()["countries"]
    assert [h for h, _ in hrefs] == [f"/countries/{c['iso3']}" for c in ranked]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda h: http.get(h[0]).status_code, hrefs))
    assert statuses == [200] * len(hrefs)
    page.click("#watchlist-top a >> nth=0")
    page.wait_for_url(f"**/countries/{ranked[0]['iso3']}")
    assert page.inner_text("h1").startswith(ranked[0]["name"])


def test_home_page_matches_its_json_twins(page, http):
    _open_home(page)
    twin = http.get("/index.json").json()
    api = http.get("/api/watchlist.json").json()
    rows = page.eval_on_selector_all("table.ranked tbody tr", """rows => rows.map(r => [
        r.dataset.iso3, r.cells[0].textContent.trim(), r.cells[2].textContent.trim(),
        r.classList.contains('top')])""")
    assert len(rows) == twin["count"] == api["count"] >= 160
    for (iso3, rank, risk, top), c, a in zip(rows, twin["countries"], api["countries"],
                                             strict=True):
        assert iso3 == c["iso3"] == a["iso3"] and int(rank) == c["rank"] == a["rank"]
        assert risk.endswith(pct(c["risk"])) and c["risk"] == a["risk"]
        assert top == c["top30"] == (c["rank"] <= 30)
    movers = page.eval_on_selector_all(".movers-list.rises a",
                                       "els => els.map(e => e.getAttribute('href'))")
    assert movers == [f"/countries/{m['iso3']}" for m in twin["movers"]["rises"]]


def test_country_page_matches_its_json_twin(page, http):
    response = page.goto("/countries/SDN")
    assert response.status == 200
    twin = http.get("/countries/SDN.json").json()
    fc = twin["forecast"]
    assert page.inner_text("#risk-value") == pct(fc["risk"])
    assert page.inner_text("#rank-value").startswith(str(fc["rank"]))
    assert len(twin["history"]) >= 25 and twin["history"][-1]["year"] == fc["year"]
    chart = page.locator("#history-title ~ figure svg.chart")
    assert chart.get_attribute("role") == "img"
    assert "Sudan" in chart.locator(":scope > title").text_content()
    assert chart.locator("g.marker").count() == len([y for y in twin["onsets"]
                                                     if y >= twin["history"][0]["year"]])
    episodes = page.locator("#episodes-title ~ table tbody tr")
    assert episodes.count() == len(twin["episodes"]) >= 3
    predictors = page.locator("table.predictors tbody tr")
    assert predictors.count() == len(twin["predictors"]["rows"]) >= 30
    for section in twin["sections"]:
        assert page.locator(f'section[data-section="{section["key"]}"] h2').inner_text() \
            == section["title"]
    assert {"framework", "evidence", "response"} <= {s["key"] for s in twin["sections"]}
    assert page.errors == []


def test_model_page_matches_its_json_twin(page, http):
    assert page.goto("/model").status == 200
    twin = http.get("/model.json").json()
    rows = page.eval_on_selector_all("table.metrics tbody tr",
                                     "rows => rows.map(r => r.cells[0].textContent.trim())")
    assert rows == [m["model"] for m in twin["metrics"]]
    ewp = next(m for m in twin["metrics"] if m["model"].startswith("EWP"))
    assert ewp["evaluated"] == 5032 and ewp["onsets"] == 39 and ewp["top30"] == 27
    assert round(ewp["auc"], 3) == 0.825
    assert page.locator("#catch-title ~ figure svg.chart").count() == 1
    assert page.locator("#calibration-title ~ figure svg.chart").count() == 1
    sources = page.inner_text("#sources-title ~ .table-scroll table")
    assert "Uppsala Conflict Data Program" in sources
    assert page.errors == []


def test_unknown_country_is_a_helpful_404_page(page, http):
    response = page.goto("/countries/XXX")
    assert response.status == 404
    assert "No country with ISO3 code 'XXX'" in page.inner_text("main")
    assert page.locator("main a[href='/']").count() >= 1
    suggestion = page.goto("/countries/Sudn")
    assert suggestion.status == 404 and "SDN (Sudan)" in page.inner_text("main")
    twin = http.get("/countries/XXX.json")
    assert twin.status_code == 404 and "XXX" in twin.json()["error"]


def test_phone_width_has_no_horizontal_scroll(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    pg = context.new_page()
    try:
        for path in ("/", "/countries/SDN", "/model"):
            pg.goto(path)
            if path == "/":
                pg.wait_for_selector("#world-map[data-ready]")
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, (path, overflow)
    finally:
        context.close()


def test_screenshots_of_home_country_and_model(browser, server, screenshots):
    """Saved under artifacts/screenshots/ for a person to look at."""
    for name, size in (("laptop", (1280, 900)), ("phone", (390, 844))):
        context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                      base_url=server)
        pg = context.new_page()
        try:
            for path, file in (("/", "home"), ("/countries/SDN", "country-SDN"),
                               ("/model", "model")):
                pg.goto(path)
                if path == "/":
                    pg.wait_for_selector("#world-map[data-ready]")
                    if name == "laptop":
                        pg.hover('#world-map path[data-iso3="SDN"]')
                out = screenshots / f"{file}-{name}.png"
                pg.screenshot(path=str(out), full_page=True)
                assert out.stat().st_size > 10_000
        finally:
            context.close()


@pytest.mark.parametrize("path,rendered", [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_api_docs_render_offline(page, server, path, rendered):
    # Anything not served by this app (a CDN, web fonts) is refused and recorded.
    outside = []

    def refuse(route):
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(server) and not url.startswith(("data:", "blob:")),
               refuse)
    assert page.goto(path).status == 200
    page.wait_for_selector(rendered, timeout=20000)
    assert page.locator(rendered).count() >= 10
    assert "/api/countries" in page.content()
    assert outside == [] and page.errors == []


def test_header_search_finds_a_country_and_a_tool(page):
    _open_home(page)
    page.fill("#site-q", "sanctions")
    page.press("#site-q", "Enter")
    page.wait_for_url("**/search?q=sanctions")
    tools = page.locator("#results-tools li a")
    assert tools.count() >= 1
    assert all(tools.nth(i).get_attribute("href").startswith("/toolbox/")
               for i in range(tools.count()))
    page.fill("#q", "Myanmar")
    page.click("form.search-form button")
    page.wait_for_url("**/search?q=Myanmar")
    page.click("#results-countries li a")
    page.wait_for_url("**/countries/MMR")
    assert page.errors == []
