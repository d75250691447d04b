"""`forewarn serve --workers 4` (separate processes) shares one rate limit through the
database, on SQLite and PostgreSQL: anonymous report submissions beyond the limit are refused
whichever worker answers them."""

from __future__ import annotations

import httpx

from tests.live import serve_workers

from .conftest import TEST_SECRET


def test_rate_limit_holds_across_worker_processes(module_engine, tmp_path):
    env = {"FOREWARN_DATABASE_URL": module_engine.url.render_as_string(hide_password=False),
           "FOREWARN_DATA_DIR": str(tmp_path / "data"), "FOREWARN_SECRET_KEY": TEST_SECRET,
           "FOREWARN_REPORTS_RATE_LIMIT": "3", "FOREWARN_REPORTS_POW_BITS": "2"}
    with serve_workers(env, 4) as base:
        from forewarn.reports import challenge

        codes = []
        for i in range(5):
            with httpx.Client(base_url=base, timeout=60) as c:  # a new connection each time
                form = c.get("/report.json")
                token, bits = (form.json()["challenge"][k] for k in ("token", "bits"))
                r = c.post("/api/reports", headers={
                    "X-CSRF-Token": form.cookies["forewarn_csrf"]}, data={
                    "what": f"Armed men attacked the market, account {i}", "place": "Tawila",
                    "challenge_token": token, "pow_counter": str(challenge.solve(token, bits))})
                codes.append(r.status_code)
        assert codes == [201, 201, 201, 429, 429], (codes, r.text[:300])
