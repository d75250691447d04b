"""The scheduler inside `forewarn serve`: periodic jobs without cron.

Each capability that has periodic work (purges, alert evaluation, feed polling) declares it
in its own `jobs.py` as `JOBS = [Job(...)]`; `discover()` collects them through
`forewarn.capability_modules("jobs")`. One background thread per process runs the jobs that
are due. With `serve --workers N`, only the process holding the data directory's lock file
runs them, so a job never runs twice at once. Jobs must be idempotent: a job that failed or
was interrupted simply runs again at its next turn.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

import forewarn
from forewarn.security import SYSTEM
from forewarn.settings import Settings

log = logging.getLogger("forewarn.scheduler")


@dataclass(frozen=True)
class Job:
    """NAME runs every EVERY seconds as RUN(session, settings); the session reads everything
    (SYSTEM) and is committed after the job returns, rolled back if it raises."""

    name: str
    every: float
    run: Callable[[Session, Settings], object]


@dataclass
class Scheduler:
    sessions: sessionmaker
    settings: Settings
    jobs: list[Job]
    last_run: dict[str, float] = field(default_factory=dict)
    last_error: dict[str, str] = field(default_factory=dict)

    def run_due(self, now: float | None = None) -> list[str]:
        """Run every job whose interval has passed; returns the names run. Tests call this
        directly; the thread calls it in a loop."""
        now = time.monotonic() if now is None else now
        ran = []
        for job in self.jobs:
            last = self.last_run.get(job.name)
            if last is not None and now - last < job.every:
                continue
            self.last_run[job.name] = now
            session = self.sessions()
            session.info["principal"] = SYSTEM
            try:
                job.run(session, self.settings)
                session.commit()
                self.last_error.pop(job.name, None)
            except Exception as exc:  # noqa: BLE001 - one failing job must not stop the others
                session.rollback()
                self.last_error[job.name] = f"{type(exc).__name__}: {exc}"
                log.exception("scheduled job %s failed", job.name)
            finally:
                session.close()
            ran.append(job.name)
        return ran


def discover() -> list[Job]:
    """Every capability's JOBS, in package order."""
    return [job for _, mod in forewarn.capability_modules("jobs") for job in mod.JOBS]


def _hold_lock(path: Path):
    """An exclusive lock on PATH held for the life of the process, or None if another process
    (another worker) holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")  # noqa: SIM115 - kept open: closing it releases the lock
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def start(app, tick: float = 5.0) -> Scheduler | None:
    """Start the scheduler thread for APP unless it is disabled (FOREWARN_SCHEDULER=false) or
    another worker runs it. Returns the scheduler (kept on app.state.scheduler)."""
    settings: Settings = app.state.settings
    if not settings.scheduler:
        return None
    lock = _hold_lock(settings.data_dir / "scheduler.lock")
    if lock is None:
        return None
    scheduler = Scheduler(app.state.sessions, settings, discover())
    app.state.scheduler = scheduler
    stopped = threading.Event()
    app.state.scheduler_stop = (stopped, lock)

    def loop():
        # The first wait lets start-up finish; set() ends the loop at the app's shutdown.
        while not stopped.wait(tick):
            scheduler.run_due()

    threading.Thread(target=loop, name="forewarn-scheduler", daemon=True).start()
    log.info("scheduler running: %s", ", ".join(j.name for j in scheduler.jobs) or "no jobs")
    return scheduler


def stop(app) -> None:
    """Stop APP's scheduler thread (if this process runs it) and release the lock, so that
    no job runs against a database the app no longer uses and another worker can take over."""
    stopped, lock = getattr(app.state, "scheduler_stop", (None, None))
    if stopped is None:
        return
    stopped.set()
    lock.close()
    app.state.scheduler_stop = (None, None)
