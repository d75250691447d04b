"""An analyst in a real headless Chromium: upload a document, record an incident from it,
accept a legal proposal, generate the dossier and download its PDF."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy.orm import Session

from forewarn.settings import Settings
from forewarn.store.db import make_engine, upgrade
from tests.live import serve
from tests.web.conftest import browser  # noqa: F401  (the web suite's Chromium fixture)

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery staple"
DOCUMENT = (b"Statement recorded 2 May 2021. Since March the army has closed every road into "
            b"the old town. No food or medicine has entered for five months.\n")


@pytest.fixture
def live(tmp_path, evidence_key):
    from forewarn.security.accounts import create_user
    from forewarn.web.app import create_app

    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as s:
        create_user(s, "analyst", PASSWORD, "analyst")
        s.commit()
    app = create_app(Settings(data_dir=tmp_path / "app", database_url=url))
    with serve(app) as base:
        yield base
    engine.dispose()


def test_upload_incident_accept_proposal_dossier_pdf(browser, live, tmp_path):  # noqa: F811
    doc = tmp_path / "statement.txt"
    doc.write_bytes(DOCUMENT)
    context = browser.new_context(base_url=live, accept_downloads=True,
                                  viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and "favicon" not in (
        m.location or {}).get("url", "") and errors.append(f"{m.text} {m.location}"))
    try:
        page.goto("/login")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("form [type=submit]")

        # 1. Upload a document.
        page.goto("/evidence/sources/new")
        page.set_input_files("#file", str(doc))
        page.fill("#title", "Statement of a resident")
        page.select_option("#reliability", "B")
        page.select_option("#sensitivity", "public")
        page.click("#register-source")
        page.wait_for_url(re.compile(r"/evidence/sources/\d+$"))
        assert page.inner_text("#sha256") == hashlib.sha256(DOCUMENT).hexdigest()
        assert "intake" in page.inner_text("main")

        # 2. Create an incident from it.
        page.click("#create-incident")
        page.wait_for_url(re.compile(r"/evidence/incidents/new\?source=\d+"))
        page.fill("#title", "Siege of the old town")
        page.fill("#date_start", "2021-03-01")
        page.fill("#date_end", "2021-07-31")
        page.fill("#place", "Old town")
        page.fill("#country", "SYR")
        page.check("input[name=harm_types][value=siege_starvation]")
        page.fill("#perpetrators", "Army")
        page.fill("#victim_name", "Religious minority X")
        page.check("input[name=characteristics][value=religious]")
        page.select_option("#armed_conflict", "non-international")
        for fact in ("civilian_victims", "targeted_as_such", "manifest_pattern",
                     "calculated_to_destroy"):
            page.check(f"input[name=facts][value={fact}]")
        page.select_option("#sensitivity", "public")
        assert page.is_checked("input[name=source_ids]")
        page.click("#save-incident")
        page.wait_for_url(re.compile(r"/evidence/incidents/\d+$"))
        assert "Statement of a resident" in page.inner_text("main")

        # 3. Accept a legal proposal.
        page.click("#view-proposals")
        page.wait_for_url(re.compile(r"/proposals$"))
        card = page.locator("#GC-II-c")
        assert "RS-6-c-E3" in card.inner_text() and "missing" in card.inner_text()
        page.fill("#reason-GC-II-c", "Candidate; intent not yet shown")
        page.click("#accept-GC-II-c")
        page.wait_for_url(re.compile(r"/proposals(#GC-II-c)?$"))
        assert "Decision: accepted" in page.locator("#GC-II-c").inner_text()

        # 4. Generate the dossier.
        page.go_back()
        page.go_back()
        page.wait_for_url(re.compile(r"/evidence/incidents/\d+$"))
        page.click("#generate-dossier")
        page.wait_for_url(re.compile(r"/situations/\d+$"))
        main = page.inner_text("main")
        assert "1. Findings of fact" in main and "Deliberately inflicting" in main
        assert "Statement of a resident" in main

        # 5. Download the PDF.
        with page.expect_download() as info:
            page.click("#download-pdf")
        pdf = (tmp_path / "dossier.pdf")
        info.value.save_as(pdf)
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert errors == []
    finally:
        context.close()
