"""In a real browser: an analyst rates three indicators for one country with evidence links, a
reviewer publishes, and the country page shows the new profile. Plain forms, no JavaScript."""

import re

import pytest

from .conftest import PASSWORD

pytestmark = [pytest.mark.realdata, pytest.mark.browser]

RATINGS = {
    "RF1.1": ("serious", "Fighting between the army and armed groups",
              "https://undocs.org/S/2024/432 Secretary-General report on the mission"),
    "RF11.1": ("present", "Attacks on displacement camps",
               "https://www.ohchr.org/en/countries/cafrica OHCHR country page"),
    "RF9.4": ("present", "Clashes between communities over land",
              "https://undocs.org/A/HRC/57/1 Human Rights Council report"),
}


def sign_in(browser, server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    pg = context.new_page()
    pg.errors = []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("console", lambda m: m.type == "error"
          and "favicon" not in (m.location or {}).get("url", "")
          and pg.errors.append(f"{m.text} {m.location}"))
    pg.goto("/login")
    pg.fill("#username", username)
    pg.fill("#password", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_load_state()
    assert "/login" not in pg.url, pg.content()[:500]
    return pg


def test_analyst_rates_reviewer_publishes_country_page_shows_profile(browser, server):
    analyst = sign_in(browser, server, "ana")
    analyst.goto("/countries/CAF/framework")
    analyst.fill("#as_of", "2025-04-01")
    analyst.click("text=Start assessment")
    analyst.wait_for_url(re.compile(r"/assessments/\d+/edit$"))
    edit_url = analyst.url
    for iid, (level, why, evidence) in RATINGS.items():
        analyst.select_option(f'[name="r-{iid}"]', level)
        analyst.select_option(f'[name="t-{iid}"]', "worsening")
        analyst.select_option(f'[name="c-{iid}"]', "medium")
        analyst.fill(f'[name="why-{iid}"]', why)
        url, _, title = evidence.partition(" ")
        analyst.select_option(f'[name="ev-{iid}-0-kind"]', "url")
        analyst.fill(f'[name="ev-{iid}-0-value"]', url)
        analyst.fill(f'[name="ev-{iid}-0-title"]', title)
    analyst.fill("#summary", "Rising violence in the north-west")
    analyst.click("button[value=view]")
    analyst.wait_for_url(re.compile(r"/assessments/\d+$"))
    assessment_url = analyst.url
    assert assessment_url == edit_url.removesuffix("/edit")
    rows = analyst.locator("[data-testid=ratings] tbody tr")
    assert rows.count() == 3
    assert analyst.locator("a[href='https://undocs.org/S/2024/432']").count() == 1
    analyst.click("text=Submit for review")
    analyst.wait_for_load_state()
    assert analyst.locator("[data-testid=status]").inner_text() == "in review"
    assert analyst.locator("text=Publish").count() == 0  # analysts cannot publish
    assert analyst.errors == []
    analyst.context.close()

    reviewer = sign_in(browser, server, "rev")
    reviewer.goto(assessment_url)
    reviewer.fill("#publish-note", "Checked the three sources")
    reviewer.click("button:has-text('Publish')")
    reviewer.wait_for_load_state()
    assert reviewer.locator("[data-testid=status]").inner_text() == "published"
    reviewer.goto("/countries/CAF")
    section = reviewer.locator("[data-section=framework]")
    section.scroll_into_view_if_needed()
    # Three factors of 14 assessed: below the minimum coverage, so no overall label, and the
    # coverage lists only the factors assessed.
    assert section.locator("[data-testid=overall-level]").inner_text() == "too little assessed"
    assert section.locator("[data-testid=coverage]").first.inner_text() == (
        "3 of 14 factors assessed (RF1, RF9, RF11)")
    strip = section.locator("[data-testid=heat-strip]")
    assert "2025-04-01" in strip.inner_text()
    cells = strip.locator("tbody tr").last.locator("td")
    assert cells.nth(0).inner_text().startswith("S")   # RF1 serious
    assert cells.nth(8).inner_text().startswith("P")   # RF9 present
    assert cells.nth(10).inner_text().startswith("P")  # RF11 present
    assert "lvl-serious" in (cells.nth(0).get_attribute("class") or "")
    assert reviewer.errors == []
    reviewer.context.close()
