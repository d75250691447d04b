"""The scheduler inside `serve`: jobs run when due, failures are isolated, one process runs them."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from forewarn.settings import Settings
from forewarn.store.db import session_factory
from forewarn.web import scheduler as sched
from forewarn.web.app import create_app


def test_jobs_run_when_due_and_a_failure_does_not_stop_the_others(engine, tmp_path):
    calls = []

    def ok(session, settings):
        calls.append("ok")

    def boom(session, settings):
        raise RuntimeError("broken job")

    s = sched.Scheduler(session_factory(engine), Settings(data_dir=tmp_path),
                        [sched.Job("boom", 60, boom), sched.Job("ok", 60, ok)])
    assert s.run_due(now=1000.0) == ["boom", "ok"]
    assert calls == ["ok"] and "broken job" in s.last_error["boom"]
    assert s.run_due(now=1030.0) == []  # not due yet
    assert s.run_due(now=1061.0) == ["boom", "ok"]
    assert calls == ["ok", "ok"]


def test_only_one_process_holds_the_lock(tmp_path):
    first = sched._hold_lock(tmp_path / "scheduler.lock")
    assert first is not None
    # flock locks belong to the open file description: a second open is refused like a second
    # worker process would be.
    assert sched._hold_lock(tmp_path / "scheduler.lock") is None
    first.close()
    again = sched._hold_lock(tmp_path / "scheduler.lock")
    assert again is not None
    again.close()


def test_the_reports_purge_is_a_discovered_job_and_purges(engine, tmp_path):
    from forewarn.reports.models import Report
    from forewarn.security import SYSTEM

    jobs = {j.name: j for j in sched.discover()}
    assert "reports.purge-contacts" in jobs
    sessions = session_factory(engine)
    with sessions() as session:
        session.info["principal"] = SYSTEM
        old = Report(reference="R-OLD-1", what="an old report", contact="+000 witness",
                     created_at=datetime.now(UTC) - timedelta(days=400))
        session.add(old)
        session.commit()
        report_id = old.id
    s = sched.Scheduler(sessions, Settings(data_dir=tmp_path),
                        [jobs["reports.purge-contacts"]])
    s.run_due(now=0.0)
    assert not s.last_error
    with sessions() as session:
        session.info["principal"] = SYSTEM
        purged = session.get(Report, report_id)
        assert purged.contact is None and purged.contact_purged_at is not None


def test_the_app_stops_its_scheduler_at_shutdown(tmp_path):
    # Without this, a stopped app's thread went on running jobs against a database that was
    # gone, and kept the lock another worker needed.
    app = create_app(Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'f.db'}",
                              scheduler=True))
    # Other tests' apps may have left their own scheduler threads: watch only this app's.
    before = set(threading.enumerate())
    with TestClient(app):
        assert app.state.scheduler is not None
        assert sched._hold_lock(tmp_path / "scheduler.lock") is None  # held by the app
        threads = [t for t in set(threading.enumerate()) - before
                   if t.name == "forewarn-scheduler"]
    assert len(threads) == 1
    for t in threads:
        t.join(timeout=10)
    assert not any(t.is_alive() for t in threads)
    lock = sched._hold_lock(tmp_path / "scheduler.lock")
    assert lock is not None  # released: another worker can take over
    lock.close()
