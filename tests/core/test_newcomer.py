"""A newcomer who follows only the README reaches a signed-in admin page.

The test reads the README's "First run, step by step" block and runs its lines in order on a
fresh data directory: `export` lines set the environment, `forewarn …` lines run the real
command line (`serve` as a real process on a free port, since 8000 may be taken), then it signs
in as the first admin with the password the README tells the newcomer to export and opens the
accounts page. The virtualenv lines are what this environment already did. `setup`'s two long
first-run trainings (the forecast backtest and the monitor classifier, ~30 min on 2 cores)
have their own tests and are left out here; every other setup step runs."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT, _mirror

pytestmark = pytest.mark.realdata


def readme_steps() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"<!-- newcomer-steps.*?-->\s*```sh\n(.*?)```", text, re.S)
    assert block, "README.md lost its newcomer-steps block"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines()
            if line.strip() and not line.startswith("#")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str]) -> int:
    from forewarn.cli import app

    try:
        app(args, prog_name="forewarn")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


def test_readme_steps_reach_a_signed_in_admin_page(tmp_path, monkeypatch, raw_dir):
    import httpx

    from forewarn import cli
    from forewarn.settings import get_settings

    steps = readme_steps()
    assert any(s.startswith("export FOREWARN_ADMIN_PASSWORD=") for s in steps)
    assert steps[-1].startswith("forewarn serve")
    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("FOREWARN_DATABASE_URL", raising=False)
    monkeypatch.delenv("FOREWARN_SECRET_KEY", raising=False)
    monkeypatch.setattr(cli, "SETUP_ORDER", [n for n in cli.SETUP_ORDER
                                             if n not in ("forecast", "monitor")])
    env: dict[str, str] = {}
    server = None
    get_settings.cache_clear()
    try:
        for step in steps:
            words = shlex.split(step)
            if words[0] in ("python3", "pip", ".", "source") or step.startswith("python3 -m"):
                continue  # the virtualenv: this test runs inside an installed one
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                env[name] = value
                monkeypatch.setenv(name, value)
                continue
            assert words[0] == "forewarn", step
            args = words[1:]
            if args[:2] == ["data", "fetch"] and "--from" in args:
                args[args.index("--from") + 1] = str(_mirror() or raw_dir)
            if args[0] == "serve":
                port = _free_port()
                args[args.index("--port") + 1] = str(port)
                server = subprocess.Popen(
                    [sys.executable, "-c", "from forewarn.cli import app; app()", *args],
                    env={**os.environ, **env}, cwd=tmp_path,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                continue
            get_settings.cache_clear()
            assert _run(args) == 0, step
        assert server is not None
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        with httpx.Client(base_url=base, timeout=30, follow_redirects=False) as web:
            while True:
                try:
                    if web.get("/login").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, "forewarn serve exited"
                assert time.monotonic() < deadline, "forewarn serve did not answer"
                time.sleep(0.5)
            csrf = web.cookies.get("forewarn_csrf")
            r = web.post("/login", data={"username": "admin", "csrf_token": csrf,
                                         "password": env["FOREWARN_ADMIN_PASSWORD"],
                                         "next": "/admin/users"})
            assert r.status_code == 303, r.text[:300]
            page = web.get("/admin/users")
            assert page.status_code == 200
            assert "admin" in page.text and "Sign out" in page.text
    finally:
        if server is not None:
            server.terminate()
            server.wait(15)
        get_settings.cache_clear()
