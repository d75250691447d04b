"""`forewarn serve --workers 2` (separate processes) shares one rate limit through the
database, on SQLite and PostgreSQL: anonymous report submissions beyond the limit are refused
whichever worker answers them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from .conftest import TEST_SECRET


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rate_limit_holds_across_worker_processes(module_engine, tmp_path):
    port = _free_port()
    env = {**os.environ, "FOREWARN_DATABASE_URL":
           module_engine.url.render_as_string(hide_password=False),
           "FOREWARN_DATA_DIR": str(tmp_path / "data"), "FOREWARN_SECRET_KEY": TEST_SECRET,
           "PYTHONPATH": os.getcwd(), "FOREWARN_REPORTS_RATE_LIMIT": "3",
           "FOREWARN_REPORTS_POW_BITS": "2"}
    proc = subprocess.Popen([sys.executable, "-c", "from forewarn.cli import app; app()",
                             "serve", "--port",
                             str(port), "--workers", "2"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, \
                proc.stderr.read().decode()[-2000:] if proc.poll() is not None else "no start"
            time.sleep(0.5)
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
    finally:
        proc.terminate()
        proc.wait(timeout=30)
