"""The form and the API over HTTP: languages, no-JS challenge, PoW, rate limit, upload limits,
OpenAPI, and who may see the triage pages."""

import hashlib
import re

from forewarn.reports import challenge

from .conftest import csrf, gps_jpeg, login, make_users


def _answer(html: str) -> tuple[str, str]:
    token = re.search(r'name="challenge_token" id="challenge_token" value="([^"]+)"', html)[1]
    a, b = re.search(r'for="challenge_answer">\D*(\d+)\D+(\d+)', html).groups()
    return token, str(int(a) + int(b))


def _form(client, lang="en", **extra):
    page = client.get(f"/report?lang={lang}")
    token, answer = _answer(page.text)
    data = {"csrf_token": csrf(client), "language": lang, "challenge_token": token,
            "challenge_answer": answer, "what": "Armed men attacked the market at dawn",
            "place": "Tawila", "contact": "+249 555 0101", "contact_consent": "1"} | extra
    return data


def test_form_in_four_languages_and_rtl(client):
    for lang, word, direction in (("en", "What happened?", "ltr"),
                                  ("fr", "Que s'est-il passé ?", "ltr"),
                                  ("es", "¿Qué ocurrió?", "ltr"), ("ar", "ماذا حدث؟", "rtl")):
        html = client.get(f"/report?lang={lang}").text
        assert word in html.replace("&#39;", "'") and f'dir="{direction}"' in html
    html = client.get("/report", headers={"Accept-Language": "es-MX,es;q=0.9"}).text
    assert 'lang="es"' in html and "<script>" not in html


def test_no_js_form_submission_with_photo(client, engine):
    data = _form(client, "fr")
    r = client.post("/report?lang=fr", data=data,
                    files={"attachments": ("photo.jpg", gps_jpeg(), "image/jpeg")})
    assert r.status_code == 201, r.text[:500]
    assert "Merci" in r.text and re.search(r"R-[A-Z0-9]{8}", r.text)
    # The receipt: the sha256 the server computed of the photo it received.
    assert hashlib.sha256(gps_jpeg()).hexdigest() in r.text
    wrong = _form(client) | {"challenge_answer": "99"}
    r = client.post("/report", data=wrong)
    assert r.status_code == 400 and "security question is wrong" in r.text


def test_api_submission_with_proof_of_work_and_openapi(client):
    spec = client.get("/openapi.json").json()
    assert "post" in spec["paths"]["/api/reports"]
    form = client.get("/report.json").json()
    token, bits = form["challenge"]["token"], form["challenge"]["bits"]
    data = {"what": "Checkpoint guards detained young men", "latitude": "13.6",
            "longitude": "25.3", "challenge_token": token,
            "pow_counter": str(challenge.solve(token, bits))}
    headers = {"X-CSRF-Token": csrf(client)}
    r = client.post("/api/reports", data=data, headers=headers,
                    files={"attachments": ("a.jpg", gps_jpeg(), "image/jpeg")})
    assert r.status_code == 201, r.text
    assert r.json()["reference"].startswith("R-") and r.json()["attachments"] == 1
    assert r.json()["files"] == [{"sha256": hashlib.sha256(gps_jpeg()).hexdigest(),
                                  "size": len(gps_jpeg()), "kind": "image"}]
    again = client.post("/api/reports", data=data, headers=headers)
    assert again.status_code == 400 and "already used" in again.json()["error"]


def test_upload_limits_over_http(client, monkeypatch):
    from forewarn.reports import pages
    from forewarn.reports.config import ReportSettings

    small = ReportSettings(max_file_bytes=2000, max_total_bytes=50_000, max_files=2, pow_bits=4)
    monkeypatch.setattr(pages, "get_report_settings", lambda: small)
    r = client.post("/report", data=_form(client),
                    files={"attachments": ("p.jpg", gps_jpeg((400, 400)), "image/jpeg")})
    assert r.status_code == 413 and "the limit is 2 KB per file" in r.text
    r = client.post("/report?lang=es", data=_form(client, "es"),
                    files={"attachments": ("x.exe", b"MZ" + bytes(100), "image/jpeg")})
    assert r.status_code == 400 and "este tipo de archivo no se acepta" in r.text


def test_rate_limit(client):
    codes = []
    for _ in range(7):
        codes.append(client.post("/report", data=_form(client)).status_code)
    assert codes[:5] == [201] * 5 and codes[5:] == [429, 429]


def test_anonymous_cannot_see_reports_reviewer_can(client, engine):
    assert client.post("/report", data=_form(client)).status_code == 201
    for path in ("/reports", "/reports.json", "/reports/1", "/reports/1.json",
                 "/reports/export.csv"):
        assert client.get(path, headers={"Accept": "application/json"}).status_code == 401
    make_users(engine, ("viewer", "reviewer"))
    login(client, "viewer")
    assert client.get("/reports/1.json").status_code == 404
    assert client.get("/reports.json").json()["count"] == 0
    client.cookies.clear()
    login(client, "reviewer")
    body = client.get("/reports/1.json").json()
    assert body["report"]["contact"] == "+249 555 0101" and body["can_review"]
    r = client.post("/reports/1/triage", data={"csrf_token": csrf(client), "action": "note",
                                               "note": "called back"}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/reports/1.json").json()["notes"][0]["body"] == "called back"


def test_service_worker_may_control_the_form(client):
    r = client.get("/report/sw.js")
    assert r.status_code == 200 and r.headers["service-worker-allowed"] == "/report"
    assert r.headers["content-type"].startswith("text/javascript")
    assert "forewarn-report-v1" in r.text
    html = client.get("/report").text
    assert '<script src="/static/reports/offline.js" defer></script>' in html
    assert 'id="offline-queue"' in html
