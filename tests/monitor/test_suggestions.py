"""Spikes feed the assessment module's data suggestions, with links to the passages."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, date, datetime, timedelta

from forewarn.assess import suggest
from forewarn.assess.catalog import base_framework
from forewarn.monitor import signals, store
from forewarn.monitor.models import MonitorDocument, MonitorPassage
from forewarn.security import SYSTEM
from forewarn.store.db import session_factory, transaction

DAY = date(2024, 3, 31)
RULE = "monitor-hate-speech-spike"
_serial = itertools.count()


def _documents(engine, iso3: str, per_day: dict[date, int], tags: list[dict]) -> None:
    """Scored documents, each with one incitement passage bearing `tags`."""
    with transaction(engine) as s:
        cid = store.country_id(s, iso3)
        for day, n in per_day.items():
            for _ in range(n):
                doc = MonitorDocument(
                    sha256=hashlib.sha256(f"sugg{next(_serial)}".encode()).hexdigest(),
                    source_kind="api", source="test", text="they must be driven out",
                    language="en", published_at=datetime(day.year, day.month, day.day, 9,
                                                         tzinfo=UTC),
                    country_id=cid, scores={"incitement": 0.9, "hateful": 0.2})
                doc.passages.append(MonitorPassage(idx=0, text=doc.text, incitement=0.9,
                                                   hateful=0.2, risk_tags=tags))
                s.add(doc)


def _suggestions(engine, iso3: str, year: int = 2024) -> dict[str, list[dict]]:
    session = session_factory(engine)()
    session.info["principal"] = SYSTEM
    try:
        cid = store.country_id(session, iso3)
        return suggest.for_country(session, base_framework(), cid, year)
    finally:
        session.close()


def _rule(evs: list[dict]) -> dict:
    return next(e for e in evs if e["rule"] == RULE)


def test_an_incitement_spike_is_suggested_with_its_risk_factor_and_link(engine):
    rf10 = [{"indicator": "RF10.1", "risk_factor": "RF10", "score": 0.6}]
    quiet = {DAY - timedelta(n): n % 2 for n in range(1, 29)}  # 0/1 a day for four weeks
    _documents(engine, "SDN", {**quiet, DAY: 9}, rf10)
    _documents(engine, "NOR", quiet, [])  # the same four quiet weeks, no spike
    signals.compute(engine, DAY - timedelta(40), DAY)

    sdn = _suggestions(engine, "SDN")
    at_rf10 = _rule(sdn["RF10.1"])
    assert at_rf10["signal"] == "serious" and at_rf10["year"] == 2024
    assert at_rf10["value"] >= 4  # standard deviations above the four-week baseline
    texts = [d["text"] for d in at_rf10["details"]]
    assert any(t.startswith("incitement spike in SDN on 2024-03-31 (9 documents")
               and t.endswith("tagged RF10") for t in texts), texts
    assert any(t.startswith("RF10 tag spike in SDN on 2024-03-31") for t in texts), texts
    link = next(d["url"] for d in at_rf10["details"] if d["signal"] == "incitement")
    assert link == ("/monitor?country=SDN&signal=incitement&date_from=2024-03-31"
                    "&date_to=2024-03-31")
    # Indicators of another risk factor get the score but not RF10's passages.
    assert _rule(sdn["RF7.14"])["signal"] == "serious"
    assert _rule(sdn["RF7.14"])["details"] == []

    nor = _rule(_suggestions(engine, "NOR")["RF10.1"])
    assert (nor["signal"], nor["value"], nor["details"]) == ("none", 0.0, [])


def test_without_monitoring_signals_the_rule_has_no_data(engine):
    _documents(engine, "MLI", {DAY: 1}, [])  # a document, but signals never computed
    assert _rule(_suggestions(engine, "MLI")["RF10.1"])["signal"] == "no_data"


def test_spikes_after_the_assessment_year_are_not_used(engine):
    rf10 = [{"indicator": "RF10.1", "risk_factor": "RF10", "score": 0.6}]
    _documents(engine, "SSD", {DAY - timedelta(n): n % 2 for n in range(1, 29)} | {DAY: 9},
               rf10)
    signals.compute(engine, DAY - timedelta(40), DAY)
    assert _rule(_suggestions(engine, "SSD", year=2023)["RF10.1"])["signal"] == "no_data"
