"""Alert rules, their evaluation over daily signals, notifications, and the alerts inbox.

A rule names a signal (e.g. `incitement`, `rf:RF10`, `gdelt:mass_violence`), a set of
countries (ISO3; empty = every country), a mode and a minimum count:
- mode "spike": alert when forewarn.monitor.spike finds p < threshold (e.g. 0.01);
- mode "threshold": alert when the day's count >= threshold.
Each (rule, country, day) alerts at most once; each new alert is delivered to the rule's webhook
and e-mail recipients and the outcome of every delivery is kept on the alert.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, select

from forewarn.data import countries
from forewarn.monitor import notify, spike
from forewarn.monitor.models import MonitorAlert, MonitorAlertRule, MonitorSignal
from forewarn.monitor.signals import series
from forewarn.settings import get_settings
from forewarn.store.db import transaction
from forewarn.store.models import Country

MODES = ("spike", "threshold")
STATUSES = ("new", "acknowledged", "dismissed")


class RuleError(ValueError):
    pass


def create_rule(engine: Engine, name: str, signal: str, countries_: list[str] | None = None,
                mode: str = "spike", threshold: float = 0.01, min_count: int = 3,
                webhook_url: str = "", email_to: str = "", created_by: str = "") -> int:
    if mode not in MODES:
        raise RuleError(f"mode must be one of {MODES}")
    codes = [c.upper() for c in (countries_ or [])]
    unknown = [c for c in codes if countries.get(c) is None]
    if unknown:
        raise RuleError(f"unknown country codes: {', '.join(unknown)}")
    if mode == "spike" and not 0 < threshold < 1:
        raise RuleError("a spike rule's threshold is a p-value between 0 and 1")
    if webhook_url:
        from forewarn.security.outbound import OutboundRefused, check_url

        try:  # checked again when each alert is sent (DNS may change)
            check_url(webhook_url)
        except OutboundRefused as exc:
            raise RuleError(f"webhook_url: {exc}") from None
    with transaction(engine) as s:
        rule = MonitorAlertRule(name=name, signal=signal, countries=codes, mode=mode,
                                threshold=threshold, min_count=min_count,
                                webhook_url=webhook_url, email_to=email_to,
                                created_by=created_by)
        s.add(rule)
        s.flush()
        return rule.id


def _country_ids(s, rule: MonitorAlertRule) -> dict[int, str]:
    q = select(Country.id, Country.iso3)
    if rule.countries:
        q = q.where(Country.iso3.in_(rule.countries))
    else:
        q = q.where(Country.id.in_(select(MonitorSignal.country_id).where(
            MonitorSignal.signal == rule.signal).distinct()))
    return dict(s.execute(q).all())


def evaluate(engine: Engine, day: date, smtp: notify.SmtpSettings | None = None) -> list[int]:
    """Check every active rule on `day`; store and deliver new alerts; return their ids."""
    smtp = smtp or get_settings().smtp
    with transaction(engine) as s:
        rules = s.scalars(select(MonitorAlertRule).where(MonitorAlertRule.active)).all()
        targets = {r.id: _country_ids(s, r) for r in rules}
    created = []
    for rule in rules:
        for cid, iso3 in targets[rule.id].items():
            hist = series(engine, cid, rule.signal, day - timedelta(60), day)
            count = hist.get(day, 0)
            if rule.mode == "threshold":
                hit = count >= max(rule.threshold, rule.min_count)
                expected, p = float(rule.threshold), None
            else:
                tests = spike.detect(hist | {day: count}, alpha=rule.threshold,
                                     min_count=rule.min_count, days=[day])
                if not tests:
                    continue
                hit, expected, p = tests[0].spike, tests[0].expected, tests[0].p_value
            if hit:
                alert_id = _record(engine, rule, cid, iso3, day, count, expected, p, smtp)
                if alert_id is not None:
                    created.append(alert_id)
    return created


def _record(engine, rule, cid, iso3, day, count, expected, p, smtp) -> int | None:
    with transaction(engine) as s:
        if s.scalar(select(MonitorAlert.id).where(MonitorAlert.rule_id == rule.id,
                                                  MonitorAlert.country_id == cid,
                                                  MonitorAlert.day == day)):
            return None
        alert = MonitorAlert(rule_id=rule.id, country_id=cid, day=day, signal=rule.signal,
                             count=count, expected=expected, p_value=p)
        s.add(alert)
        s.flush()
        alert_id = alert.id
    payload = {"alert_id": alert_id, "rule": rule.name, "signal": rule.signal,
               "country": iso3, "day": day.isoformat(), "count": count,
               "expected": expected, "p_value": p, "mode": rule.mode}
    deliveries = []
    if rule.webhook_url:
        deliveries.append(notify.send_webhook(rule.webhook_url, payload))
    for to in [a.strip() for a in rule.email_to.split(",") if a.strip()]:
        subject = f"[Forewarn] {rule.signal} in {iso3} on {day.isoformat()}: {count}"
        body = (f"Rule: {rule.name}\nSignal: {rule.signal}\nCountry: {iso3}\n"
                f"Day: {day.isoformat()}\nCount: {count} (expected {expected:.2f}"
                + (f", p = {p:.2g})" if p is not None else ")") + "\n")
        deliveries.append(notify.send_email(to, subject, body, smtp))
    with transaction(engine) as s:
        s.get(MonitorAlert, alert_id).deliveries = deliveries
    return alert_id


def _act(engine: Engine, alert_id: int, status: str, by: str) -> MonitorAlert:
    with transaction(engine) as s:
        alert = s.get(MonitorAlert, alert_id)
        if alert is None:
            raise LookupError(f"no alert {alert_id}")
        alert.status, alert.acted_by, alert.acted_at = status, by, datetime.now(UTC)
        return alert


def acknowledge(engine: Engine, alert_id: int, by: str = "") -> MonitorAlert:
    return _act(engine, alert_id, "acknowledged", by)


def dismiss(engine: Engine, alert_id: int, by: str = "") -> MonitorAlert:
    return _act(engine, alert_id, "dismissed", by)


def inbox(engine: Engine, status: str | None = "new") -> list[MonitorAlert]:
    with transaction(engine) as s:
        q = select(MonitorAlert).order_by(MonitorAlert.day.desc(), MonitorAlert.id.desc())
        if status:
            q = q.where(MonitorAlert.status == status)
        return list(s.scalars(q).all())
