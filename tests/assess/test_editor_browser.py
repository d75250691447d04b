"""In a real browser, the sequence that used to lose a rating (issue 23): link a register source
as evidence on RF1, save, rate an RF7 indicator and save, re-save RF1 unchanged — every rating
survives and each entry round-trips unchanged. A failed save keeps every input, with the
problem marked on its field; a refused submit keeps its note; the review queue lists it."""

import re
from datetime import UTC, datetime

import pytest

from .conftest import _system
from .test_browser import sign_in

pytestmark = [pytest.mark.realdata, pytest.mark.browser]


@pytest.fixture(scope="module")
def register_source(web_settings):
    """One record of the evidence register (as its own capability stores it)."""
    from forewarn.evidence.models import Source
    from forewarn.store.db import make_engine, transaction

    eng = make_engine(web_settings.database_url)
    with transaction(eng) as s:
        s.info["principal"] = _system()
        src = Source(title="Mission report on Amhara (register copy)", kind="text",
                     sha256="ab" * 32, evidentiary_sha="ab" * 32, size=10,
                     media_type="text/plain", captured_at=datetime(2025, 3, 1, tzinfo=UTC),
                     collector="ana", custodian="ana", created_by="ana",
                     sensitivity="internal")
        s.add(src)
        s.flush()
        source_id = src.id
    eng.dispose()
    return source_id


def _versions(page) -> int:
    return page.locator("table.compact tbody tr").count()


def test_register_source_then_rf7_rating_survives(browser, server, register_source,
                                                  screenshots):
    ana = sign_in(browser, server, "ana")
    ana.goto("/assessments")
    ana.select_option("#iso3", "ETH")  # the country picker: a name, not 3 letters
    assert "Ethiopia" in ana.locator("#iso3 option:checked").inner_text()
    ana.fill("#as_of", "2024-09-15")
    ana.click("text=Start assessment")
    ana.wait_for_url(re.compile(r"/assessments/\d+/edit$"))
    view_url = ana.url.removesuffix("/edit")

    # 1. RF1: a register source as evidence, chosen in the picker's list (no hidden syntax).
    ana.goto(view_url + "/edit?factor=RF1")
    assert ana.locator(f"#register-records option[value='source:{register_source}']").count() == 1
    ana.select_option('[name="r-RF1.5"]', "present")
    ana.select_option('[name="c-RF1.5"]', "medium")
    ana.fill('[name="why-RF1.5"]', "Security forces deployed in Amhara")
    ana.select_option('[name="ev-RF1.5-0-kind"]', "register")
    ana.fill('[name="ev-RF1.5-0-value"]', f"source:{register_source}")
    ana.fill('[name="cm-RF1.5"]', "Second source pending")
    ana.click("button[value=continue]")
    ana.wait_for_url(re.compile(r"edit\?factor=RF1$"))
    assert ana.locator('[name="ev-RF1.5-0-value"]').input_value() == f"source:{register_source}"

    # 2. RF7: another indicator with a free citation; RF1's rating must not get in the way.
    ana.goto(view_url + "/edit?factor=RF7")
    ana.select_option('[name="r-RF7.1"]', "serious")
    ana.select_option('[name="c-RF7.1"]', "high")
    ana.fill('[name="why-RF7.1"]', "Lists of targeted people circulated")
    ana.select_option('[name="ev-RF7.1-0-kind"]', "citation")
    ana.fill('[name="ev-RF7.1-0-value"]', "S/2024/826, para. 12")
    ana.click("button[value=view]")
    ana.wait_for_url(view_url)
    rows = ana.locator("[data-testid=ratings] tbody tr")
    assert rows.count() == 2
    assert ana.locator("[data-indicator='RF7.1'] td.lvl").inner_text().lower() == "serious"
    assert ana.locator(f"[data-indicator='RF1.5'] a[href='/evidence/sources/{register_source}']"
                       ).count() == 1
    assert "S/2024/826, para. 12" in ana.locator("[data-indicator='RF7.1']").inner_text()
    assert "Second source pending" in ana.locator("[data-testid=comments]").inner_text()
    versions = _versions(ana)

    # 3. RF1 again, saved unchanged: accepted, and nothing changed so no new version.
    ana.goto(view_url + "/edit?factor=RF1")
    assert ana.locator('[name="ev-RF1.5-0-value"]').input_value() == f"source:{register_source}"
    ana.click("button[value=view]")
    ana.wait_for_url(view_url)
    assert _versions(ana) == versions
    assert ana.locator("[data-indicator='RF7.1']").count() == 1

    # 4. A failed save keeps every input with the problem marked on its own field.
    ana.goto(view_url + "/edit?factor=RF7")
    ana.select_option('[name="r-RF7.2"]', "present")
    ana.fill('[name="why-RF7.2"]', "Speeches calling a group vermin")
    ana.select_option('[name="ev-RF7.2-0-kind"]', "url")
    ana.fill('[name="ev-RF7.2-0-value"]', "www.example.org/speech")
    ana.fill('[name="why-RF7.1"]', "Lists circulated in two towns")
    ana.fill("#note", "RF7 update")
    ana.click("button[value=view]")
    ana.wait_for_load_state()
    assert "/edit" in ana.url
    assert "http://" in ana.locator("[data-testid=errors]").inner_text()
    bad = ana.locator('[name="ev-RF7.2-0-value"]')
    assert bad.input_value() == "www.example.org/speech"
    assert bad.get_attribute("aria-invalid") == "true"
    assert ana.locator('[name="r-RF7.2"]').input_value() == "present"
    assert ana.locator('[name="why-RF7.2"]').input_value() == "Speeches calling a group vermin"
    assert ana.locator('[name="why-RF7.1"]').input_value() == "Lists circulated in two towns"
    assert ana.locator("#note").input_value() == "RF7 update"
    ana.locator("[data-indicator='RF7.2']").screenshot(path=screenshots / "editor-error.png")
    assert all("422" in e for e in ana.errors)  # the refused save itself, nothing else
    ana.errors.clear()
    ana.fill('[name="ev-RF7.2-0-value"]', "https://www.example.org/speech")
    ana.click("button[value=view]")
    ana.wait_for_url(view_url)
    assert ana.locator("[data-testid=ratings] tbody tr").count() == 3
    assert "two towns" in ana.locator("[data-indicator='RF7.1']").inner_text()
    assert ana.errors == []

    # 5. A refused submit (RF7.2 has no confidence) says why and keeps the note.
    ana.fill("#submit-note", "Please check the RF7 sources")
    ana.click("text=Submit for review")
    ana.wait_for_load_state()
    assert "RF7.2: give a confidence" in ana.locator("[data-testid=refused]").inner_text()
    assert ana.locator("#submit-note").input_value() == "Please check the RF7 sources"
    ana.errors.clear()  # the refused submit's 409
    ana.goto(view_url + "/edit?factor=RF7")
    ana.select_option('[name="c-RF7.2"]', "low")
    ana.click("button[value=view]")
    ana.wait_for_url(view_url)
    ana.fill("#submit-note", "Please check the RF7 sources")
    ana.click("text=Submit for review")
    ana.wait_for_url(view_url)
    assert ana.locator("[data-testid=status]").inner_text() == "in review"
    ana.context.close()

    # 6. The reviewer sees it in the queue, with the count in the menu, and the note.
    rev = sign_in(browser, server, "rev")
    assert int(rev.locator("[data-testid=menu-assessments-review-count]").inner_text()) >= 1
    rev.goto("/assessments/review")
    rev.screenshot(path=screenshots / "review-queue.png")
    queue = rev.locator("[data-testid=queue]").inner_text()
    assert "Ethiopia" in queue and "Please check the RF7 sources" in queue
    rev.context.close()


def _width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_arabic_report_form_fits_a_phone_with_a_translated_menu(browser, server, screenshots):
    context = browser.new_context(viewport={"width": 400, "height": 800}, base_url=server)
    page = context.new_page()
    page.goto("/report?lang=ar")
    assert page.get_attribute("html", "dir") == "rtl"
    scroll, inner = _width(page)
    assert scroll <= inner, f"the page is {scroll}px wide on a {inner}px screen"
    menu = page.locator("nav.main-menu").inner_text()
    assert "الإبلاغ عن حادث" in menu and "Report an incident" not in menu
    page.screenshot(path=screenshots / "report-ar-400.png")
    page.keyboard.press("Tab")  # the skip link appears inside the screen when focused
    box = page.locator("a.skip").bounding_box()
    assert box and 0 <= box["x"] and box["x"] + box["width"] <= inner
    assert page.locator("a.skip").inner_text() == "انتقل إلى المحتوى"
    page.goto("/report?lang=fr")
    assert "Signaler un incident" in page.locator("nav.main-menu").inner_text()
    context.close()


MENU = {  # role → links the menu must show (and anonymous readers must not see the others)
    None: ["/", "/model", "/framework", "/assessments", "/facts", "/toolbox", "/reports/map",
           "/report", "/sources"],
    "ana": ["/evidence", "/situations", "/monitor", "/monitor/alerts", "/duty",
            "/respond/record"],
    "rev": ["/assessments/review", "/reports/queue"],
}


def test_every_capability_is_in_the_menu_by_role(browser, server):
    context = browser.new_context(base_url=server)
    anon = context.new_page()
    anon.goto("/")
    links = set(anon.locator("nav.main-menu a").evaluate_all("els => els.map(e => "
                                                             "e.getAttribute('href'))"))
    assert set(MENU[None]) <= links
    assert not links & set(MENU["ana"] + MENU["rev"])
    context.close()
    ana = sign_in(browser, server, "ana")
    links = set(ana.locator("nav.main-menu a").evaluate_all("els => els.map(e => "
                                                            "e.getAttribute('href'))"))
    assert set(MENU[None] + MENU["ana"]) <= links and "/assessments/review" not in links
    ana.context.close()
    rev = sign_in(browser, server, "rev")
    links = set(rev.locator("nav.main-menu a").evaluate_all("els => els.map(e => "
                                                            "e.getAttribute('href'))"))
    assert set(MENU[None] + MENU["ana"] + MENU["rev"]) <= links
    rev.context.close()
