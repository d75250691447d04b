"""The review side: a submission appears in the review queue (HTML and JSON, reviewers only)
and is announced by e-mail through a real local SMTP server (aiosmtpd in its own process);
an assessment comes out as a PDF; responses are compressed."""

from __future__ import annotations

import mailbox
import subprocess
import sys
import time

import pytest

from tests.monitor.test_alerts import _free_port

from .test_web import rating

pytestmark = pytest.mark.realdata


@pytest.fixture
def smtp(tmp_path, monkeypatch):
    import socket

    port, maildir = _free_port(), tmp_path / "Maildir"
    proc = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                             "-c", "aiosmtpd.handlers.Mailbox", str(maildir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"aiosmtpd did not start: {proc.stderr.read().decode()[:300]}")
            time.sleep(0.1)
    monkeypatch.setenv("FOREWARN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FOREWARN_SMTP_PORT", str(port))
    monkeypatch.setenv("FOREWARN_SMTP_FROM", "forewarn@example.org")
    monkeypatch.setenv("FOREWARN_REVIEW_EMAIL", "desk@example.org, chief@example.org")
    yield maildir
    proc.terminate()
    proc.wait(10)


def test_submission_is_queued_and_mailed_to_reviewers(client, tokens, smtp):
    r = client.post("/api/assessments", headers=tokens["ana"], json={
        "iso3": "MLI", "as_of": "2025-05-05", "summary": "Central Mali",
        "ratings": [rating("RF1.1", "serious")]})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    r = client.post(f"/api/assessments/{aid}/submit", headers=tokens["ana"],
                    json={"note": "Mopti sources attached"})
    assert r.status_code == 200, r.text
    queue = client.get("/assessments/review.json", headers=tokens["rev"]).json()
    mine = next(w for w in queue["waiting"] if w["id"] == aid)
    assert mine["country"] == "Mali" and mine["note"] == "Mopti sources attached"
    assert queue["count"] == len(queue["waiting"]) >= 1
    assert client.get("/assessments/review.json", headers=tokens["vic"]).status_code == 403
    assert client.get("/assessments/review.json").status_code == 401
    deadline = time.monotonic() + 10
    while True:
        messages = list(mailbox.Maildir(smtp)) if smtp.exists() else []
        if len(messages) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert sorted(m["To"] for m in messages) == ["chief@example.org", "desk@example.org"]
    subject = messages[0]["Subject"]
    assert "Mali" in subject and "2025-05-05" in subject
    assert "Mopti sources attached" in messages[0].get_payload()
    assert f"/assessments/{aid}" in messages[0].get_payload()
    # Returned with a note: the author's menu says so, and the note is on the assessment.
    before = client.get("/assessments", headers=tokens["ana"]).text
    assert 'data-testid="menu-assessments-count"' not in before
    r = client.post(f"/api/assessments/{aid}/return", headers=tokens["rev"],
                    json={"note": "Add a second source for RF1.1"})
    assert r.status_code == 200, r.text
    page = client.get("/assessments", headers=tokens["ana"]).text
    assert 'data-testid="menu-assessments-count">1<' in page
    view = client.get(f"/assessments/{aid}", headers=tokens["ana"]).text
    assert "Add a second source for RF1.1" in view and 'data-testid="review-notes"' in view


def test_assessment_pdf_and_compression(client, tokens):
    listed = client.get("/api/assessments", headers=tokens["rev"]).json()
    rows = listed if isinstance(listed, list) else listed.get("assessments", [])
    aid = rows[0]["id"]
    r = client.get(f"/assessments/{aid}.pdf", headers=tokens["rev"])
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf" and r.content.startswith(b"%PDF")
    page = client.get(f"/assessments/{aid}", headers={**tokens["rev"],
                                                      "Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"
    assert f'href="/assessments/{aid}.pdf"' in page.text  # the export buttons
    assert client.get("/assessments/999999.pdf", headers=tokens["rev"]).status_code == 404
    css = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers.get("content-encoding") == "gzip"


def test_anonymous_search_finds_the_public_demonstration_assessment(client):
    """The issue's "Darfur finds nothing for anonymous users": the published, public Sudan
    demonstration assessment mentions it in its summary and rationales."""
    r = client.get("/search.json", params={"q": "Darfur"})
    found = {g["key"]: g["results"] for g in r.json()["groups"]}
    assert any("Sudan" in x["title"] for x in found["assessments"]), found
    civ = {g["key"]: g["results"] for g in client.get(
        "/search.json", params={"q": "Cote d'Ivoire"}).json()["groups"]}
    assert civ["countries"][0]["meta"]["iso3"] == "CIV"
