"""The scheduler inside `serve`: jobs run when due, failures are isolated, one process runs them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from forewarn.settings import Settings
from forewarn.store.db import session_factory
from forewarn.web import scheduler as sched


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
