"""Shared test plumbing: a real uvicorn server on loopback, and a private encryption key."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from forewarn.security import crypto
from forewarn.settings import Settings


@contextmanager
def serve(app, lifespan: str = "auto") -> Iterator[str]:
    """Serve APP with uvicorn on 127.0.0.1 (a port the OS picks); yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan=lifespan))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@contextmanager
def serve_workers(env: dict[str, str], workers: int) -> Iterator[str]:
    """`forewarn serve --workers WORKERS` as a separate process, with ENV added to this one's
    (FOREWARN_DATABASE_URL, FOREWARN_DATA_DIR, FOREWARN_SECRET_KEY, …); yields its base URL."""
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The log goes to a file: a pipe nobody reads would fill and stall the workers.
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-c", "from forewarn.cli import app; app()", "serve", "--port",
         str(port), "--workers", str(workers)],
        env={**os.environ, "PYTHONPATH": os.getcwd(), **env},
        stdout=subprocess.DEVNULL, stderr=log)

    def tail() -> str:
        log.seek(0)
        return log.read().decode(errors="replace")[-3000:]

    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(base + "/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise AssertionError(tail())
            assert time.monotonic() < deadline, f"serve --workers {workers} did not start"
            time.sleep(0.5)
        try:
            yield base
        except Exception as exc:
            raise AssertionError(f"{exc!r}; the server's log ends:\n{tail()}") from exc
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@contextmanager
def private_key(data_dir: Path, secret: str | None = None) -> Iterator[Settings]:
    """Encrypt with SECRET, or a key file in DATA_DIR, never the user's key; forget it after."""
    settings = Settings(data_dir=data_dir, secret_key=secret)
    crypto.configure(settings)
    try:
        yield settings
    finally:
        crypto._active.clear()
        crypto._secrets.cache_clear()
        crypto._fernet.cache_clear()
