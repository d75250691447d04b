"""Alerts that need no command: first bursts (pooled baselines), evaluation on ingestion and
by the scheduler, the inbox actions (assign, annotate, reopen; audited), rules and feeds
(list, edit, disable, delete), analysts' corrections, and the CLI showing country codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from forewarn.monitor import alerts, corrections, feeds, signals, store
from forewarn.monitor.ingest import RawDocument
from forewarn.monitor.models import MonitorAlert, MonitorDocument
from forewarn.monitor.notify import SmtpSettings
from forewarn.security.audit import AuditEntry
from forewarn.store.db import transaction
from tests.monitor.test_alerts import _documents

DAY = date(2024, 3, 31)
NO_MAIL = SmtpSettings(host=None)
# Cue-bearing text: tagged RF10 by the cue matcher, with or without a trained classifier.
VIOLENT = ["Militias torched the villages near Bangui and razed the church overnight.",
           "Armed men torched the market of Bossangoa; the mosque was razed by noon.",
           "In Bria, fighters torched houses and razed the school after the vote count.",
           "Witnesses in Kaga-Bandoro say the camp was torched and razed to the ground."]


def test_first_burst_in_a_country_without_history_alerts(engine):
    """17 incitement documents in one day in CAF, a country never seen before: alerted, with
    the regional baseline (SDN's steady 1 a day for 40 days), not skipped for lack of history."""
    _documents(engine, {DAY - timedelta(d): 1 for d in range(1, 41)}, iso3="SDN")
    signals.compute(engine, DAY - timedelta(41), DAY)
    rule = alerts.create_rule(engine, "Incitement", "incitement", mode="spike", threshold=0.01)
    _documents(engine, {DAY: 17}, iso3="CAF")
    signals.compute(engine, DAY, DAY)
    (alert_id,) = alerts.evaluate(engine, DAY, NO_MAIL)
    (a,) = alerts.inbox(engine)
    assert (a.id, a.rule_id, a.count, a.baseline) == (alert_id, rule, 17, "regional")
    assert 0.9 < a.expected < 1.1 and a.p_value < 1e-6


def test_a_burst_no_larger_than_other_countries_usual_days_does_not_alert(engine):
    _documents(engine, {DAY - timedelta(d): 20 for d in range(1, 30)}, iso3="SDN")
    _documents(engine, {DAY: 17}, iso3="CAF")
    signals.compute(engine, DAY - timedelta(30), DAY)
    alerts.create_rule(engine, "Incitement", "incitement", ["CAF"], mode="spike")
    assert alerts.evaluate(engine, DAY, NO_MAIL) == []


def test_with_nothing_else_monitored_the_floor_baseline_applies(engine):
    _documents(engine, {DAY: 4}, iso3="MMR")
    signals.compute(engine, DAY, DAY)
    alerts.create_rule(engine, "Incitement", "incitement", mode="spike")
    alerts.evaluate(engine, DAY, NO_MAIL)
    (a,) = alerts.inbox(engine)
    assert a.baseline == "floor" and a.count == 4


def test_ingestion_evaluates_the_rules_of_the_days_it_touched(engine):
    """A batch of stored documents (any ingestion path calls `settle`) raises the alert."""
    alerts.create_rule(engine, "Intent to destroy", "RF10", mode="threshold", threshold=3,
                       min_count=3)
    today = datetime.now(UTC).replace(hour=9)
    docs = [RawDocument(text=text, source_kind="api", source="wire", title=f"Attack {k}",
                        published_at=today, country_iso3="CAF")
            for k, text in enumerate(VIOLENT)]
    report = store.settle(engine, store.store_documents(engine, docs, None))
    assert len(report.stored) == 4 and len(report.alerts) == 1
    (a,) = alerts.inbox(engine)
    assert a.signal == "rf:RF10" and a.count == 4 and a.rule_name == "Intent to destroy"
    with transaction(engine) as s:
        docs = alerts.documents_of(s, s.get(MonitorAlert, a.id))
        assert sorted(d.title for d in docs) == [f"Attack {k}" for k in range(4)]


def test_the_scheduler_job_reevaluates_today(engine, tmp_path):
    from sqlalchemy.orm import sessionmaker

    from forewarn.monitor import jobs
    from forewarn.settings import Settings
    from forewarn.web.scheduler import Scheduler, discover

    assert {"monitor.poll-feeds", "monitor.evaluate-alerts"} <= {j.name for j in discover()}
    today = datetime.now(UTC).date()
    _documents(engine, {today: 5}, iso3="ETH")
    signals.compute(engine, today, today)
    # A rule created after the documents arrived: the scheduler's next turn catches up.
    alerts.create_rule(engine, "any", "incitement", mode="threshold", threshold=5)
    sched = Scheduler(sessionmaker(engine), Settings(data_dir=tmp_path), jobs.JOBS)
    assert "monitor.evaluate-alerts" in sched.run_due()
    assert sched.last_error == {}
    assert [a.count for a in alerts.inbox(engine)] == [5]


def test_alert_actions_are_kept_and_audited(engine):
    _documents(engine, {DAY: 5}, iso3="MMR")
    signals.compute(engine, DAY, DAY)
    alerts.create_rule(engine, "r", "incitement", mode="threshold", threshold=5)
    (aid,) = alerts.evaluate(engine, DAY, NO_MAIL)
    alerts.act(engine, aid, "assign", "lead", "ana")
    alerts.act(engine, aid, "annotate", "ana", "Checked with the field office.")
    alerts.act(engine, aid, "acknowledge", "ana")
    a = alerts.act(engine, aid, "reopen", "lead")
    assert (a.status, a.assigned_to) == ("new", "ana")
    assert [n["text"] for n in a.notes] == ["Checked with the field office."]
    with pytest.raises(ValueError, match="empty"):
        alerts.act(engine, aid, "annotate", "ana", "  ")
    with pytest.raises(ValueError, match="action"):
        alerts.act(engine, aid, "escalate", "ana")
    with transaction(engine) as s:
        actions = s.scalars(select(AuditEntry.action).where(
            AuditEntry.target_type == "monitor_alert")).all()
    assert actions == ["monitor.alert.assign", "monitor.alert.annotate",
                       "monitor.alert.acknowledge", "monitor.alert.reopen"]


def test_rules_refuse_unknown_signals_and_can_be_edited_disabled_deleted(engine):
    with pytest.raises(alerts.RuleError, match="unknown signal"):
        alerts.create_rule(engine, "x", "hatefull")
    rid = alerts.create_rule(engine, "rf", "rf10", ["caf"], mode="threshold", threshold=2)
    (r,) = alerts.rules(engine)
    assert (r.signal, r.countries) == ("rf:RF10", ["CAF"])
    alerts.update_rule(engine, rid, "lead", active=False, threshold=3)
    (r,) = alerts.rules(engine)
    assert (r.active, r.threshold) == (False, 3)
    with pytest.raises(alerts.RuleError, match="p-value"):
        alerts.update_rule(engine, rid, "lead", mode="spike")
    _documents(engine, {DAY: 5}, iso3="MMR")
    signals.compute(engine, DAY, DAY)
    assert alerts.evaluate(engine, DAY, NO_MAIL) == []  # disabled
    other = alerts.create_rule(engine, "inc", "incitement", mode="threshold", threshold=5)
    alerts.evaluate(engine, DAY, NO_MAIL)
    alerts.delete_rule(engine, other, "lead")
    (a,) = alerts.inbox(engine)  # the alert outlives its rule, with the rule's name
    assert (a.rule_id, a.rule_name) == (None, "inc")
    with pytest.raises(LookupError):
        alerts.delete_rule(engine, other)


def test_feeds_listed_edited_disabled_deleted(engine):
    fid = feeds.add_feed(engine, "https://example.org/rss", "wire", 30, "sdn")
    with pytest.raises(ValueError, match="already"):
        feeds.add_feed(engine, "https://example.org/rss")
    with pytest.raises(ValueError, match="unknown country"):
        feeds.update_feed(engine, fid, country_iso3="XXX")
    feeds.update_feed(engine, fid, "lead", active=False, interval_minutes=15)
    (f,) = feeds.list_feeds(engine)
    assert (f.country_iso3, f.active, f.interval_minutes) == ("SDN", False, 15)
    assert feeds.due_feeds(engine) == []  # a disabled feed is not polled
    feeds.delete_feed(engine, fid, "lead")
    assert feeds.list_feeds(engine) == []


def test_corrections_are_kept_exported_and_become_training_examples(engine):
    _documents(engine, {DAY: 3}, iso3="FRA")
    with transaction(engine) as s:
        ids = s.scalars(select(MonitorDocument.id).order_by(MonitorDocument.id)).all()
    corrections.add(engine, ids[0], "counter_speech", "ana", note="quotes the slur to condemn")
    corrections.add(engine, ids[1], "missed", "ana")
    corrections.add(engine, ids[2], "wrong_language", "ana", correct_language="fr")
    with pytest.raises(corrections.CorrectionError):
        corrections.add(engine, ids[2], "wrong_language", "ana")
    with pytest.raises(corrections.CorrectionError):
        corrections.add(engine, ids[2], "rude", "ana")
    items = corrections.rows(engine)
    assert [r["kind"] for r in items] == ["counter_speech", "missed", "wrong_language"]
    csv_text = corrections.to_csv(items)
    assert csv_text.splitlines()[0].startswith("id,document_id,kind")
    assert csv_text.count("\n") == 4
    examples = corrections.training_examples(items)
    assert sorted(y for _, y in examples["en"]) == [0, 1]  # wrong_language gives no label


def test_cli_lists_alerts_with_country_codes_and_refuses_unknown_signals(engine, tmp_path,
                                                                         monkeypatch):
    from forewarn.cli import app
    from forewarn.settings import get_settings

    monkeypatch.setenv("FOREWARN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FOREWARN_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        bad = runner.invoke(app, ["monitor", "rule-add", "x", "hatefull"])
        assert bad.exit_code == 1 and "unknown signal" in bad.output
        ok = runner.invoke(app, ["monitor", "rule-add", "Intent", "RF10", "--mode",
                                 "threshold", "--threshold", "2", "--min-count", "2"])
        assert ok.exit_code == 0, ok.output
        _documents(engine, {DAY: 2}, iso3="CAF")
        alerts.create_rule(engine, "inc", "incitement", mode="threshold", threshold=2,
                           min_count=2)
        out = runner.invoke(app, ["monitor", "alerts", "--day", DAY.isoformat()])
        assert out.exit_code == 0, out.output
        assert "CAF (Central African Republic)" in out.output and "country 1" not in out.output
        rules = runner.invoke(app, ["monitor", "rules"])
        assert "RF10 " in rules.output and "Intent" in rules.output
        assert runner.invoke(app, ["monitor", "rule-edit", "1", "--disable"]).exit_code == 0
        assert "[disabled]" in runner.invoke(app, ["monitor", "rules"]).output
        assert runner.invoke(app, ["monitor", "rule-delete", "1"]).exit_code == 0
    finally:
        get_settings.cache_clear()


def test_the_starter_rules_alert_a_first_burst_with_nobody_writing_a_rule(engine):
    """A fresh database with only the catalogue's starter rules: four documents with an intent
    to destroy, stored into a country never seen before, raise an alert as they are stored.
    Every starter rule names a known signal and real Framework indicators."""
    from importlib import resources

    import yaml

    from forewarn.monitor.catalog_shapes import starter_alert_rules

    framework = yaml.safe_load(resources.files("forewarn.catalog").joinpath(
        "framework_of_analysis.yaml").read_text("utf-8"))
    known = {i["id"] for rf in framework["risk_factors"] for i in rf["indicators"]}
    for r in starter_alert_rules()["rules"]:
        assert alerts.normalise_signal(r["signal"]) in alerts.known_signals(), r["name"]
        assert set(r["indicators"]) <= known, r["name"]
    assert len(alerts.install_starter_rules(engine)) == len(starter_alert_rules()["rules"])
    today = datetime.now(UTC).replace(hour=9)
    docs = [RawDocument(text=text, source_kind="api", source="wire", title=f"Attack {k}",
                        published_at=today, country_iso3="CAF")
            for k, text in enumerate(VIOLENT)]
    report = store.settle(engine, store.store_documents(engine, docs, None))
    assert len(report.alerts) >= 1
    fired = {a.rule_name for a in alerts.inbox(engine)}
    assert "Expressions of intent to destroy (RF10)" in fired
