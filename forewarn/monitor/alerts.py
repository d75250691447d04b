"""Alert rules, their evaluation over daily signals, notifications, and the alerts inbox.

A rule names a signal (one of `known_signals()`: `hateful`, `offensive`, `incitement`,
`dehumanising`, `rf:RF1`…`rf:RF14`, `gdelt:<signal>` of the CAMEO catalogue), a set of
countries (ISO3; empty = every country), a mode and a minimum count:
- mode "spike": alert when the day's count is improbably high (p < threshold, e.g. 0.01);
- mode "threshold": alert when the day's count >= threshold.
Each (rule, country, day) alerts at most once; each new alert is delivered to the rule's webhook
and e-mail recipients and the outcome of every delivery is kept on the alert.

Baselines. A country with at least MIN_HISTORY days since its first monitored document or
event is compared with its own previous 28 days (forewarn.monitor.spike). A country with less
history (a first burst) is compared with the pooled rate of the other countries of its region
over the last 28 days (count per country-day), else of every country, else with the spike
module's floor of half an event per 28 days; the alert records which ("baseline").

Evaluation runs by itself: ingestion (`after_ingest`) recomputes the signals of the days it
touched and evaluates the rules there, and the scheduler re-evaluates today and yesterday
(forewarn/monitor/jobs.py), so no command is needed.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from scipy import stats
from sqlalchemy import Engine, func, select

from forewarn.data import countries
from forewarn.monitor import notify, spike
from forewarn.monitor.catalog_shapes import cameo_signal_file, starter_alert_rules
from forewarn.monitor.models import (
    MonitorAlert,
    MonitorAlertRule,
    MonitorDocument,
    MonitorEvent,
    MonitorSignal,
)
from forewarn.monitor.signals import SCORE_SIGNALS, compute, series
from forewarn.monitor.store import update_audited
from forewarn.security.audit import AuditEntry, record
from forewarn.security.outbound import OutboundRefused, check_url
from forewarn.settings import get_settings
from forewarn.store.db import transaction
from forewarn.store.models import Country

MODES = ("spike", "threshold")
STATUSES = ("new", "acknowledged", "dismissed")
MIN_HISTORY = 14
BASELINE_DAYS = 28
RULE_FIELDS = ("name", "signal", "countries", "mode", "threshold", "min_count", "webhook_url",
               "email_to", "active")


class RuleError(ValueError):
    pass


@lru_cache(maxsize=1)
def _gdelt_signals() -> tuple[str, ...]:
    return tuple(f"gdelt:{k}" for k in cameo_signal_file()["signals"])


def known_signals() -> tuple[str, ...]:
    return (*SCORE_SIGNALS, *(f"rf:RF{n}" for n in range(1, 15)), *_gdelt_signals())


def normalise_signal(signal: str) -> str:
    """'RF10', 'rf:rf10' → 'rf:RF10'; 'Incitement' → 'incitement'; else unchanged."""
    signal = signal.strip()
    m = re.fullmatch(r"(?i)(?:rf:)?rf(\d{1,2})", signal)
    return f"rf:RF{int(m.group(1))}" if m else signal.lower()


def _validate(fields: dict) -> dict:
    out = dict(fields)
    if "signal" in out:
        out["signal"] = normalise_signal(str(out["signal"]))
        if out["signal"] not in known_signals():
            raise RuleError(f"unknown signal '{fields['signal']}'; one of "
                            f"{', '.join(known_signals())}")
    if "name" in out and not str(out["name"]).strip():
        raise RuleError("a rule needs a name")
    if "mode" in out and out["mode"] not in MODES:
        raise RuleError(f"mode must be one of {MODES}")
    if "countries" in out:
        codes = [c.strip().upper() for c in out["countries"] or [] if c.strip()]
        unknown = [c for c in codes if countries.get(c) is None]
        if unknown:
            raise RuleError(f"unknown country codes: {', '.join(unknown)}")
        out["countries"] = [countries.get(c).iso3 for c in codes]
    if "threshold" in out:
        out["threshold"] = float(out["threshold"])
    if "min_count" in out:
        out["min_count"] = int(out["min_count"])
        if out["min_count"] < 1:
            raise RuleError("min_count must be at least 1")
    if out.get("webhook_url"):
        try:  # checked again when each alert is sent (DNS may change)
            check_url(out["webhook_url"])
        except OutboundRefused as exc:
            raise RuleError(f"webhook_url: {exc}") from None
    return out


def _check_threshold(rule: MonitorAlertRule) -> None:
    if rule.mode == "spike" and not 0 < rule.threshold < 1:
        raise RuleError("a spike rule's threshold is a p-value between 0 and 1")
    if rule.mode == "threshold" and rule.threshold < 1:
        raise RuleError("a threshold rule's threshold is a count of at least 1")


def create_rule(engine: Engine, name: str, signal: str, countries_: list[str] | None = None,
                mode: str = "spike", threshold: float = 0.01, min_count: int = 3,
                webhook_url: str = "", email_to: str = "", created_by: str = "") -> int:
    fields = _validate({"name": name, "signal": signal, "countries": countries_ or [],
                        "mode": mode, "threshold": threshold, "min_count": min_count,
                        "webhook_url": webhook_url, "email_to": email_to})
    with transaction(engine) as s:
        rule = MonitorAlertRule(**fields, created_by=created_by)
        _check_threshold(rule)
        s.add(rule)
        s.flush()
        record(s, created_by or "system", "monitor.rule.create", "monitor_alert_rule", rule.id,
               after=rule)
        return rule.id


def install_starter_rules(engine: Engine) -> list[int]:
    """The catalogue's starter rules (forewarn/catalog/monitor_alert_rules.yaml), created once
    per database: nothing is created where any rule was ever created (the audit log says), so
    rules an admin changed or deleted are never brought back. Returns the new rules' ids."""
    with transaction(engine) as s:
        if s.scalar(select(AuditEntry.id).where(AuditEntry.action == "monitor.rule.create")
                    .limit(1)) is not None:
            return []
    return [create_rule(engine, r["name"], r["signal"], mode=r["mode"],
                        threshold=r["threshold"], min_count=r["min_count"], created_by="setup")
            for r in starter_alert_rules()["rules"]]


def update_rule(engine: Engine, rule_id: int, by: str = "", **changes) -> MonitorAlertRule:
    """Change any of RULE_FIELDS (e.g. active=False disables the rule)."""
    bad = set(changes) - set(RULE_FIELDS)
    if bad:
        raise RuleError(f"unknown rule fields: {', '.join(sorted(bad))}")

    return update_audited(engine, MonitorAlertRule, rule_id, RULE_FIELDS, _validate(changes),
                          by, "monitor.rule.update", "alert rule", check=_check_threshold)


def delete_rule(engine: Engine, rule_id: int, by: str = "") -> None:
    """Delete a rule; its alerts stay (with the rule's name) so the history is not lost."""
    with transaction(engine) as s:
        rule = s.get(MonitorAlertRule, rule_id)
        if rule is None:
            raise LookupError(f"no alert rule {rule_id}")
        for a in s.scalars(select(MonitorAlert).where(MonitorAlert.rule_id == rule_id)):
            a.rule_name, a.rule_id = a.rule_name or rule.name, None
        s.flush()
        record(s, by or "system", "monitor.rule.delete", "monitor_alert_rule", rule_id,
               before=rule)
        s.delete(rule)


def rules(engine: Engine) -> list[MonitorAlertRule]:
    with transaction(engine) as s:
        return list(s.scalars(select(MonitorAlertRule).order_by(MonitorAlertRule.id)))


def _country_ids(s, rule: MonitorAlertRule) -> dict[int, str]:
    q = select(Country.id, Country.iso3)
    if rule.countries:
        q = q.where(Country.iso3.in_(rule.countries))
    else:
        q = q.where(Country.id.in_(select(MonitorSignal.country_id).where(
            MonitorSignal.signal == rule.signal).distinct()))
    return dict(s.execute(q).all())


def first_seen(s, country_id: int) -> date | None:
    """The first day anything (document or event) was monitored for the country."""
    doc = s.scalar(select(func.min(MonitorDocument.published_at)).where(
        MonitorDocument.country_id == country_id))
    ev = s.scalar(select(func.min(MonitorEvent.day)).where(MonitorEvent.country_id == country_id))
    days = [d.date() if isinstance(d, datetime) else d for d in (doc, ev) if d is not None]
    return min(days, default=None)


def pooled_mean(s, country_id: int, signal: str, day: date) -> tuple[float, str]:
    """Expected count per country-day from the other countries over the last 28 days: those
    of the same region first, else all; ("floor" when no other country has any history)."""
    lo = day - timedelta(BASELINE_DAYS)
    region = s.scalar(select(Country.region).where(Country.id == country_id))
    for scope in ("regional", "global"):
        others = select(MonitorSignal.country_id).where(
            MonitorSignal.day >= lo, MonitorSignal.day < day,
            MonitorSignal.country_id != country_id)
        if scope == "regional":
            if not region:
                continue
            others = others.join(Country, Country.id == MonitorSignal.country_id).where(
                Country.region == region)
        active = set(s.scalars(others.distinct()))
        if not active:
            continue
        total = s.scalar(select(func.coalesce(func.sum(MonitorSignal.count), 0)).where(
            MonitorSignal.signal == signal, MonitorSignal.day >= lo, MonitorSignal.day < day,
            MonitorSignal.country_id.in_(active))) or 0
        return max(total / (len(active) * BASELINE_DAYS), 0.5 / BASELINE_DAYS), scope
    return 0.5 / BASELINE_DAYS, "floor"


def _test(engine, rule, cid, day) -> tuple[bool, int, float, float | None, str] | None:
    hist = series(engine, cid, rule.signal, day - timedelta(60), day)
    count = hist.get(day, 0)
    if rule.mode == "threshold":
        return count >= max(rule.threshold, rule.min_count), count, float(rule.threshold), \
            None, "threshold"
    with transaction(engine) as s:
        start = first_seen(s, cid)
        if start is None or (day - start).days < MIN_HISTORY:
            m, scope = pooled_mean(s, cid, rule.signal, day)
            p = float(stats.poisson.sf(count - 1, m))
            return p < rule.threshold and count >= rule.min_count, count, round(m, 4), p, scope
    start = max(start, day - timedelta(60))
    full = {start + timedelta(n): hist.get(start + timedelta(n), 0)
            for n in range((day - start).days + 1)}
    tests = spike.detect(full, alpha=rule.threshold, min_count=rule.min_count,
                         min_history=MIN_HISTORY, days=[day])
    if not tests:
        return None
    t = tests[0]
    return t.spike, count, t.expected, t.p_value, "country"


def evaluate(engine: Engine, day: date, smtp: notify.SmtpSettings | None = None,
             country_ids: set[int] | None = None) -> list[int]:
    """Check every active rule on `day` (for every country, or only COUNTRY_IDS); store and
    deliver new alerts; return their ids."""
    smtp = smtp or get_settings().smtp
    with transaction(engine) as s:
        active = s.scalars(select(MonitorAlertRule).where(MonitorAlertRule.active)).all()
        targets = {r.id: {c: iso for c, iso in _country_ids(s, r).items()
                          if country_ids is None or c in country_ids} for r in active}
    created = []
    for rule in active:
        for cid, iso3 in targets[rule.id].items():
            result = _test(engine, rule, cid, day)
            if result is None or not result[0]:
                continue
            _, count, expected, p, baseline = result
            alert_id = _record(engine, rule, cid, iso3, day, count, expected, p, baseline, smtp)
            if alert_id is not None:
                created.append(alert_id)
    return created


def refresh(engine: Engine, days: set[date] | list[date],
            smtp: notify.SmtpSettings | None = None,
            country_ids: set[int] | None = None) -> list[int]:
    """Recompute the signals of DAYS (of every country, or only COUNTRY_IDS) and evaluate the
    rules on each; returns new alert ids."""
    created = []
    for day in sorted(set(days)):
        compute(engine, day, day, country_ids)
        created += evaluate(engine, day, smtp, country_ids)
    return created


def after_ingest(engine: Engine, document_ids: list[int] = (), event_ids: list[int] = (),
                 smtp: notify.SmtpSettings | None = None) -> list[int]:
    """Called by every ingestion path with what it stored: signals and rules of those days."""
    touched: dict[date, set[int]] = {}
    with transaction(engine) as s:
        for chunk in range(0, len(document_ids), 500):
            for when, cid in s.execute(select(MonitorDocument.published_at,
                                              MonitorDocument.country_id).where(
                    MonitorDocument.id.in_(document_ids[chunk:chunk + 500]),
                    MonitorDocument.country_id.is_not(None))):
                touched.setdefault(when.date(), set()).add(cid)
        for chunk in range(0, len(event_ids), 500):
            for day, cid in s.execute(select(MonitorEvent.day, MonitorEvent.country_id).where(
                    MonitorEvent.id.in_(event_ids[chunk:chunk + 500]),
                    MonitorEvent.country_id.is_not(None))):
                touched.setdefault(day, set()).add(cid)
    created = []
    for day, cids in sorted(touched.items()):
        created += refresh(engine, [day], smtp, cids)
    return created


def _record(engine, rule, cid, iso3, day, count, expected, p, baseline, smtp) -> int | None:
    with transaction(engine) as s:
        known = s.scalar(select(MonitorAlert).where(MonitorAlert.rule_id == rule.id,
                                                    MonitorAlert.country_id == cid,
                                                    MonitorAlert.day == day))
        if known is not None:  # already alerted (and notified): keep its count current
            if count > known.count:
                known.count, known.expected, known.p_value = count, expected, p
            return None
        alert = MonitorAlert(rule_id=rule.id, rule_name=rule.name, country_id=cid, day=day,
                             signal=rule.signal, count=count, expected=expected, p_value=p,
                             baseline=baseline)
        s.add(alert)
        s.flush()
        alert_id = alert.id
    name = countries.get(iso3).name if countries.get(iso3) else iso3
    payload = {"alert_id": alert_id, "rule": rule.name, "signal": rule.signal,
               "country": iso3, "country_name": name, "day": day.isoformat(), "count": count,
               "expected": expected, "p_value": p, "mode": rule.mode, "baseline": baseline}
    deliveries = []
    if rule.webhook_url:
        deliveries.append(notify.send_webhook(rule.webhook_url, payload))
    for to in [a.strip() for a in rule.email_to.split(",") if a.strip()]:
        subject = f"[Forewarn] {rule.signal} in {iso3} on {day.isoformat()}: {count}"
        body = (f"Rule: {rule.name}\nSignal: {rule.signal}\nCountry: {iso3} ({name})\n"
                f"Day: {day.isoformat()}\nCount: {count} (expected {expected:.2f}"
                + (f", p = {p:.2g}" if p is not None else "") + f"; baseline {baseline})\n")
        deliveries.append(notify.send_email(to, subject, body, smtp))
    with transaction(engine) as s:
        s.get(MonitorAlert, alert_id).deliveries = deliveries
    return alert_id


ACTIONS = ("acknowledge", "dismiss", "reopen", "assign", "annotate")


def act(engine: Engine, alert_id: int, action: str, by: str = "", value: str = "") -> MonitorAlert:
    """acknowledge | dismiss | reopen (status), assign (VALUE = username, "" to unassign),
    annotate (VALUE = the note). Every action is audited."""
    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    with transaction(engine) as s:
        alert = s.get(MonitorAlert, alert_id)
        if alert is None:
            raise LookupError(f"no alert {alert_id}")
        before = {"status": alert.status, "assigned_to": alert.assigned_to,
                  "notes": len(alert.notes or [])}
        now = datetime.now(UTC)
        if action == "assign":
            alert.assigned_to = value.strip()[:120]
        elif action == "annotate":
            if not value.strip():
                raise ValueError("a note cannot be empty")
            alert.notes = [*(alert.notes or []), {"at": now.isoformat(timespec="seconds"),
                                                  "by": by, "text": value.strip()[:4000]}]
        else:
            alert.status = {"acknowledge": "acknowledged", "dismiss": "dismissed",
                            "reopen": "new"}[action]
        alert.acted_by, alert.acted_at = by, now
        s.flush()
        record(s, by or "system", f"monitor.alert.{action}", "monitor_alert", alert.id,
               before=before, after={"status": alert.status, "assigned_to": alert.assigned_to,
                                     "notes": len(alert.notes or [])})
        return alert


def acknowledge(engine: Engine, alert_id: int, by: str = "") -> MonitorAlert:
    return act(engine, alert_id, "acknowledge", by)


def dismiss(engine: Engine, alert_id: int, by: str = "") -> MonitorAlert:
    return act(engine, alert_id, "dismiss", by)


def inbox(engine: Engine, status: str | None = "new") -> list[MonitorAlert]:
    with transaction(engine) as s:
        q = select(MonitorAlert).order_by(MonitorAlert.day.desc(), MonitorAlert.id.desc())
        if status:
            q = q.where(MonitorAlert.status == status)
        return list(s.scalars(q).all())


def documents_of(s, alert: MonitorAlert, limit: int = 200) -> list[MonitorDocument]:
    """The documents that made the alert's count: the country's documents of that day that
    carry its signal (none for GDELT event signals)."""
    if alert.signal.startswith("gdelt:"):
        return []
    lo = datetime.combine(alert.day, datetime.min.time())
    docs = s.scalars(select(MonitorDocument).where(
        MonitorDocument.country_id == alert.country_id,
        MonitorDocument.near_duplicate_of.is_(None),
        MonitorDocument.published_at >= lo,
        MonitorDocument.published_at < lo + timedelta(1))
        .order_by(MonitorDocument.id)).all()
    if alert.signal in SCORE_SIGNALS:
        keep = [d for d in docs if (d.scores or {}).get(alert.signal) is not None
                and d.scores[alert.signal] >= 0.5]
    else:
        rf = alert.signal.split(":", 1)[1]
        keep = [d for d in docs if any(t.get("risk_factor") == rf for p in d.passages
                                       for t in (p.risk_tags or []))]
    return keep[:limit]
