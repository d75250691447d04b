"""An analyst in a real headless Chromium: open a situation, record its incidents, read the
derived profile, override one value with a reason, open the options and the brief's PDF."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

from .test_browser import PASSWORD, live  # noqa: F401  (the app, one analyst)

pytestmark = pytest.mark.browser

INCIDENTS = [("Clearance operations, Maungdaw", "2017-08-25", "killing", "Myanmar military"),
             ("Deportation to Bangladesh", "2017-09-01", "forced_displacement",
              "Myanmar security forces")]


def test_situation_profile_override_options_brief(browser, live):  # noqa: F811
    from pypdf import PdfReader

    context = browser.new_context(base_url=live, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto("/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("form [type=submit]")

        # 1. Open a situation.
        page.goto("/situations")
        page.fill("#sit-title", "Rohingya, Rakhine State 2017")
        page.fill("#sit-country", "MMR")
        page.fill("#sit-start", "2017-08-01")
        page.fill("#sit-groups", "Rohingya")
        page.click("#create-situation")
        page.wait_for_url(re.compile(r"/situations/\d+/profile$"))
        profile_url = page.url

        # 2. Record its incidents from the situation's page.
        for title, day, harm, perpetrator in INCIDENTS:
            page.click("#add-incident")
            page.wait_for_url(re.compile(r"/evidence/incidents/new\?situation=\d+"))
            assert page.input_value("#country") == "MMR"
            page.fill("#title", title)
            page.fill("#date_start", day)
            page.select_option("#date_precision", "month")
            page.check(f"input[name=harm_types][value={harm}]")
            page.fill("#perpetrators", perpetrator)
            page.fill("#victim_name", "Rohingya")
            page.check("input[name=characteristics][value=ethnical]")
            page.fill("input[name=killed_low]", "1000")
            page.check("input[name=killed_at_least]")
            page.click("#save-incident")
            page.wait_for_url(profile_url)

        # 3. The derived profile, with what it rests on; the period covers the incidents.
        assert "2017-08-01 to 2017-09-30" in page.inner_text("main")
        incidents = page.inner_text("#incidents")
        assert "August 2017" in incidents and "at least 1,000 killed" in incidents
        role = page.inner_text("#profile-state_role")
        assert "state perpetrator" in role and "2 of 2 incidents" in role

        # 4. Override the phase, with a reason.
        page.select_option("#ov-key", "phase")
        page.select_option("#ov-value", "aftermath")
        page.fill("#ov-reason", "Clearance operations ended; displacement persists")
        page.click("#save-override")
        page.wait_for_url(profile_url)
        phase = page.inner_text("#profile-phase")
        assert "aftermath" in phase and "set by analyst" in phase
        assert "Clearance operations ended" in phase

        # 5. The options, all pillars at once, for this profile.
        page.click("#open-options")
        page.wait_for_url(re.compile(r"/situations/\d+/options$"))
        main = page.inner_text("main")
        assert "Options, all pillars at once" in main and "ladder" not in main.lower()
        assert "Autonomous targeted sanctions" in main and "aftermath" in main

        # 6. The brief and its PDF.
        page.click("#open-brief")
        page.wait_for_url(re.compile(r"/situations/\d+/brief$"))
        assert "Key judgements" in page.inner_text("main")
        pdf = context.request.get(page.get_attribute("#brief-pdf", "href"))
        assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
        import io

        assert 1 <= len(PdfReader(io.BytesIO(pdf.body())).pages) <= 3
        assert errors == []
    finally:
        context.close()
