"""Load benchmark of the analyst's web app: requests/s and latency under concurrent clients.

Starts the app with uvicorn on 127.0.0.1 (a free port; loopback only) over the configured
database and data directory (`make data` first; FOREWARN_* settings apply), then, for each
endpoint and for each kind of caller (anonymous, and signed in with an analyst's API token made
for the run), runs CLIENTS closed-loop clients on keep-alive connections until REQUESTS
requests or SECONDS seconds, whichever comes first, and prints requests/s and p50/p95/p99/max
latency against the aims (p95 < 100 ms for JSON, < 250 ms for HTML pages, on a 2-core machine).

The client is a minimal asyncio HTTP/1.1 client, so that the load generator takes as little of
the machine's CPU away from the server as possible.

    python benchmarks/web_load.py [--clients 20] [--requests 1000] [--seconds 20]
                                  [--workers 2] [--url http://127.0.0.1:8000]
                                  [--token fw_…]   (else one is made in the configured DB)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

ENDPOINTS = [("/", "html", 0.250), ("/countries/SDN", "html", 0.250),
             ("/api/watchlist.json", "json", 0.100), ("/search?q=sudan", "html", 0.250)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(workers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "uvicorn", "--factory", "forewarn.web.app:create_app",
           "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--log-level", "warning", "--no-access-log"]
    proc = subprocess.Popen(cmd, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"uvicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("uvicorn did not start within 60 s")


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:]
                                                            if ln)}
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding") == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


def analyst_token() -> str:
    """An API token of a benchmark analyst in the configured database (made once)."""
    from sqlalchemy import select

    from forewarn.security import SYSTEM, accounts, crypto, set_principal
    from forewarn.security.models import User
    from forewarn.settings import get_settings
    from forewarn.store.db import engine_for, session_factory

    settings = get_settings()
    crypto.configure(settings)
    with session_factory(engine_for(settings.db_url))() as s:
        set_principal(s, SYSTEM)
        user = s.scalar(select(User).where(User.username == "bench-analyst"))
        if user is None:
            user = accounts.create_user(s, "bench-analyst", accounts.generate_password(),
                                        "analyst")
        _, plain = accounts.create_token(s, user, "web_load benchmark")
        s.commit()
    return plain


async def client(host: str, port: int, path: str, budget: dict, latencies: list, errors: list,
                 token: str | None = None):
    reader, writer = await asyncio.open_connection(host, port)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: */*\r\n{auth}"
               "Connection: keep-alive\r\n\r\n").encode()
    try:
        while budget["left"] > 0 and time.perf_counter() < budget["until"]:
            budget["left"] -= 1
            start = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - start)
            if status != 200:
                errors.append(status)
    finally:
        writer.close()


async def load(url: str, path: str, clients: int, requests: int, seconds: float,
               warmup: float = 2.0, token: str | None = None) -> dict:
    parts = urlsplit(url)
    if parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("this benchmark only targets loopback addresses")
    latencies: list[float] = []
    errors: list[int] = []
    # Warm-up, not measured: every worker process fills its caches for this endpoint.
    warm = {"left": requests, "until": time.perf_counter() + min(warmup, seconds)}
    await asyncio.gather(*(client(parts.hostname, parts.port, path, warm, [], [], token)
                           for _ in range(clients)))
    budget = {"left": requests, "until": time.perf_counter() + seconds}
    start = time.perf_counter()
    await asyncio.gather(*(client(parts.hostname, parts.port, path, budget, latencies, errors,
                                  token) for _ in range(clients)))
    elapsed = time.perf_counter() - start
    lat = sorted(latencies)
    return {"requests": len(lat), "seconds": elapsed, "rps": len(lat) / elapsed,
            "p50": statistics.median(lat), "p95": lat[int(0.95 * (len(lat) - 1))],
            "p99": lat[int(0.99 * (len(lat) - 1))], "max": lat[-1], "errors": len(errors)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--requests", type=int, default=1000, help="per endpoint (upper bound)")
    ap.add_argument("--seconds", type=float, default=20.0, help="per endpoint (upper bound)")
    ap.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    ap.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds per endpoint")
    ap.add_argument("--settle", type=float, default=10.0,
                    help="seconds to let a started server finish loading its caches")
    ap.add_argument("--url", help="benchmark a server already running on loopback instead")
    ap.add_argument("--token", help="an API token for the signed-in runs (default: one made "
                    "for a 'bench-analyst' account in the configured database)")
    args = ap.parse_args()
    token = args.token or analyst_token()
    proc = None
    url = args.url
    if url is None:
        proc, url = start_server(args.workers)
        time.sleep(args.settle)
    try:
        print(f"Forewarn web load: {args.clients} concurrent clients, up to {args.requests} "
              f"requests or {args.seconds:g} s per endpoint, {url} "
              f"({'external server' if proc is None else f'{args.workers} uvicorn worker(s)'}, "
              f"{os.cpu_count()} CPUs)")
        print(f"{'endpoint':<22}{'caller':<10}{'kind':<6}{'requests':>9}{'req/s':>9}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'aim p95':>9}  result")
        for path, kind, aim in ENDPOINTS:
            for caller, key in (("anonymous", None), ("signed-in", token)):
                r = asyncio.run(load(url, path, args.clients, args.requests, args.seconds,
                                     args.warmup, key))
                ok = r["p95"] < aim and r["errors"] == 0
                note = f" ({r['errors']} errors)" if r["errors"] else ""
                print(f"{path:<22}{caller:<10}{kind:<6}{r['requests']:>9}{r['rps']:>9.1f}"
                      f"{r['p50'] * 1e3:>9.1f}{r['p95'] * 1e3:>9.1f}{r['p99'] * 1e3:>9.1f}"
                      f"{r['max'] * 1e3:>9.1f}{aim * 1e3:>9.0f}  "
                      f"{'met' if ok else 'MISSED'}{note}")
        return 0
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    sys.exit(main())
