"""The country page's "Forecast in context" section in Chromium: it renders without CSP or
script errors, its figures match the JSON twin, and the headline change is the chart's last
step (one trend everywhere)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.realdata


def test_forecast_context_renders_and_matches_its_twin(page, http, screenshots):
    response = page.goto("/countries/SDN")
    assert response.status == 200
    twin = http.get("/countries/SDN.json").json()
    data = next(s for s in twin["sections"] if s["key"] == "forecast-context")["data"]
    table = page.locator("#forecast-vs-ewp")
    assert f"{data['ewp']['risk'] * 100:.1f}%" in table.inner_text()
    assert f"{data['ewp']['rank']} of {data['ewp']['countries_ranked']}" in table.inner_text()
    assert page.inner_text("#forecast-window") == data["window"]["text"]
    assert page.locator("#forecast-window ~ figure svg.chart").get_attribute("role") == "img"
    history = twin["history"]
    step = history[-1]["risk"] - history[-2]["risk"]
    assert twin["forecast"]["change"] == pytest.approx(step)
    assert data["change"]["change"] == pytest.approx(step)
    page.locator("#forecast-vs-ewp").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "country_forecast_context.png"), full_page=True)
    assert page.errors == []
