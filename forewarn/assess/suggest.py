"""Data-suggested indicators: what the imported panels already say about an indicator.

The mapping is data (`forewarn/catalog/indicator_suggestions.yaml`). Each rule reads one
figure (UCDP deaths, an EWP/V-Dem predictor, UNHCR displacement) for a country's latest year
up to the assessment's year and gives a *signal*: `serious`, `present` or `none` against the
rule's thresholds, with the source, dataset, year and value. Signals are shown to analysts and
in the consistency report; they never become ratings by themselves.

Other sub-packages add sources with `register_source(name, provider)`; e.g. hate-speech
monitoring registers `monitor.hate_speech`. A source named `pkg.name` that is not registered yet
is looked for in `forewarn.pkg.suggestions` (so it registers whichever command or page runs);
without that sub-package, rules on it are `pending`. A provider's record may carry `details`,
a list of {text, url, risk_factors} (e.g. one spike each); they pass through to the suggestion
and show under the indicators of their risk factors (all indicators when none are named).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import import_module, resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select

from forewarn.assess.catalog import CatalogError, Framework
from forewarn.catalog.validation import validate
from forewarn.store import models as m

SIGNAL_LEVEL = {"none": 0, "present": 1, "serious": 2}

# provider(session, country_ids or None, max_year or None, min_year)
#   -> {country_id: {"year": int, "values": {field: value}, "previous": {field: value} | None}}
Provider = Callable[[object, list[int] | None, int | None, int], dict[int, dict]]


@dataclass(frozen=True)
class Rule:
    id: str
    indicators: tuple[str, ...]
    source: str
    fields: tuple[str, ...]
    measure: str
    direction: str
    present_at: float
    serious_at: float | None
    label: str
    dataset: str
    note: str

    def threshold_text(self) -> str:
        op = "≥" if self.direction == "above" else "≤"
        what = "rise" if self.measure == "increase" else "value"
        text = f"present when {what} {op} {self.present_at:g}"
        return text + (f"; serious when {op} {self.serious_at:g}" if self.serious_at is not None
                       else "")

    def signal(self, value: float) -> str:
        hit = (lambda t: value >= t) if self.direction == "above" else (lambda t: value <= t)
        if self.serious_at is not None and hit(self.serious_at):
            return "serious"
        return "present" if hit(self.present_at) else "none"


class RuleIn(BaseModel):
    """One rule of indicator_suggestions.yaml as written (validated by pydantic)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    indicators: list[str] = Field(min_length=1)
    source: str
    field: str | list[str]
    measure: Literal["level", "increase"] = "level"
    direction: Literal["above", "below"] = "above"
    present_at: float
    serious_at: float | None = None
    label: str = ""
    dataset: str = ""
    note: str = ""

    @field_validator("present_at", "serious_at", mode="before")
    @classmethod
    def _number(cls, v):
        if v is not None and (isinstance(v, bool) or not isinstance(v, int | float)):
            raise ValueError("must be a number")
        return v


def parse_rules(data, framework: Framework, source: str = "suggestions") -> tuple[dict, list]:
    """The rules of DATA, each checked (pydantic) and its indicators against FRAMEWORK; every
    problem of every rule is reported at once in a CatalogError naming SOURCE."""
    problems, rules, seen = [], [], set()
    for n, r in enumerate((data or {}).get("rules") or [], start=1):
        where = f"rule #{n} ({r.get('id', '?') if isinstance(r, dict) else '?'})"
        try:
            rule = validate(RuleIn, r, source, context=where)
        except CatalogError as exc:
            problems += exc.problems
            continue
        if rule.id in seen:
            problems.append(f"{where}, field 'id': listed twice")
            continue
        seen.add(rule.id)
        unknown = [i for i in rule.indicators if not framework.has(i) or "." not in i]
        if unknown:
            problems.append(f"{where}: unknown indicators {unknown}")
            continue
        rules.append(Rule(
            id=rule.id, indicators=tuple(rule.indicators), source=rule.source,
            fields=tuple(rule.field if isinstance(rule.field, list) else [rule.field]),
            measure=rule.measure, direction=rule.direction, present_at=rule.present_at,
            serious_at=rule.serious_at, label=rule.label, dataset=rule.dataset,
            note=rule.note))
    if problems:
        raise CatalogError(source, problems)
    return (data or {}).get("meta") or {}, rules


@cache
def _rules_text() -> str:
    return (resources.files("forewarn.catalog") / "indicator_suggestions.yaml").read_text(
        encoding="utf-8")


def load_rules(framework: Framework) -> tuple[dict, list[Rule]]:
    return parse_rules(yaml.safe_load(_rules_text()), framework, "indicator_suggestions.yaml")


# -- sources ---------------------------------------------------------------------------------
def _latest(rows, max_year, min_year) -> dict[int, dict]:
    """rows: (country_id, year, values) → latest year per country with the year before it."""
    by_country: dict[int, dict[int, dict]] = {}
    for cid, year, values in rows:
        by_country.setdefault(cid, {})[year] = values
    out = {}
    for cid, years in by_country.items():
        usable = [y for y in years if (max_year is None or y <= max_year) and y >= min_year]
        if usable:
            y = max(usable)
            out[cid] = {"year": y, "values": years[y], "previous": years.get(y - 1)}
    return out


def _table_provider(model, columns: list[str]) -> Provider:
    def provide(session, country_ids, max_year, min_year):
        q = select(model.country_id, model.year, *[getattr(model, c) for c in columns])
        q = q.where(model.year >= min_year - 1)
        if max_year is not None:
            q = q.where(model.year <= max_year)
        if country_ids is not None:
            q = q.where(model.country_id.in_(country_ids))
        rows = ((r[0], r[1], dict(zip(columns, r[2:], strict=True))) for r in session.execute(q))
        return _latest(rows, max_year, min_year)

    return provide


def _ewp_provider(session, country_ids, max_year, min_year):
    q = select(m.EwpCountryYear.country_id, m.EwpCountryYear.year, m.EwpCountryYear.predictors)
    q = q.where(m.EwpCountryYear.year >= min_year - 1)
    if max_year is not None:
        q = q.where(m.EwpCountryYear.year <= max_year)
    if country_ids is not None:
        q = q.where(m.EwpCountryYear.country_id.in_(country_ids))
    return _latest(session.execute(q), max_year, min_year)


_SOURCES: dict[str, tuple[str, Provider]] = {
    "ucdp": ("violence_country_year", _table_provider(m.ViolenceCountryYear, [
        "state_based_deaths", "non_state_deaths", "one_sided_deaths", "one_sided_govt_deaths",
        "one_sided_nonstate_deaths"])),
    "unhcr": ("displacement_country_year", _table_provider(m.DisplacementCountryYear, [
        "refugees", "asylum_seekers", "idps", "idmc_conflict_idps"])),
    "ewp": ("ewp_country_year", _ewp_provider),
}


def register_source(name: str, provider: Provider, table: str = "") -> None:
    """Add a source of figures for suggestion rules (e.g. 'monitor.hate_speech')."""
    _SOURCES[name] = (table or name, provider)


def _source(name: str) -> tuple[str, Provider] | None:
    if name not in _SOURCES and "." in name:
        module = import_module(f"forewarn.{name.split('.')[0]}.suggestions")
        if name not in _SOURCES and hasattr(module, "register"):
            module.register()  # imported before, then unregistered (tests do this)
    return _SOURCES.get(name)


def _measure(rule: Rule, record: dict) -> float | None:
    def total(values):
        if values is None:
            return None
        got = [values.get(f) for f in rule.fields]
        got = [float(v) for v in got if v is not None]
        return sum(got) if got else None

    now = total(record["values"])
    if rule.measure == "level" or now is None:
        return now
    before = total(record.get("previous"))
    return None if before is None else now - before


def published_year(meta: dict, source: str, as_of: date) -> int:
    """The latest year of SOURCE's figures that was public on AS_OF (meta.data_release)."""
    month_day = (meta.get("data_release") or {}).get(source.split(".")[0], "01-01")
    month, day = (int(x) for x in str(month_day).split("-"))
    return as_of.year - 1 if as_of >= date(as_of.year, month, day) else as_of.year - 2


def evaluate(session, framework: Framework, year: int | None = None,
             country_ids: list[int] | None = None,
             as_of: date | None = None) -> dict[int, list[dict]]:
    """Every rule for every country (or COUNTRY_IDS), using data of YEAR or earlier; with
    AS_OF, only the years each source had published by that date."""
    meta, rules = load_rules(framework)
    max_age = int(meta.get("max_data_age_years", 5))
    cache: dict[str, dict | None] = {}
    out: dict[int, list[dict]] = {}
    for rule in rules:
        if rule.source not in cache:
            src = _source(rule.source)
            last = published_year(meta, rule.source, as_of) if as_of else year
            if as_of and year is not None:
                last = min(last, year)
            first = last - max_age if last else 0
            cache[rule.source] = src[1](session, country_ids, last, first) if src else None
        data = cache[rule.source]
        ids = country_ids if country_ids is not None else sorted(data or {})
        for cid in ids:
            record = (data or {}).get(cid)
            value = _measure(rule, record) if record else None
            base = {"rule": rule.id, "indicators": list(rule.indicators),
                    "source": rule.source, "table": _SOURCES.get(rule.source, (None,))[0],
                    "fields": list(rule.fields), "measure": rule.measure,
                    "label": rule.label, "dataset": rule.dataset, "note": rule.note,
                    "threshold": rule.threshold_text()}
            if data is None:
                out.setdefault(cid, []).append({**base, "signal": "pending", "year": None,
                                                "value": None})
            elif value is None:
                out.setdefault(cid, []).append({**base, "signal": "no_data", "year": None,
                                                "value": None})
            else:
                out.setdefault(cid, []).append({**base, "signal": rule.signal(value),
                                                "year": record["year"],
                                                "value": round(value, 4),
                                                "details": record.get("details", [])})
    return out


def by_indicator(evaluations: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in evaluations:
        for iid in e["indicators"]:
            shown = e
            if e.get("details"):
                factor = iid.split(".")[0]
                shown = {**e, "details": [d for d in e["details"] if not d.get("risk_factors")
                                          or factor in d["risk_factors"]]}
            out.setdefault(iid, []).append(shown)
    return out


def indicator_signal(evaluations: list[dict]) -> str | None:
    """The strongest signal among evaluations with data (None when no rule had data)."""
    levels = [e["signal"] for e in evaluations if e["signal"] in SIGNAL_LEVEL]
    return max(levels, key=SIGNAL_LEVEL.__getitem__) if levels else None


def for_country(session, framework: Framework, country_id: int,
                year: int | None = None, as_of: date | None = None) -> dict[str, list[dict]]:
    """Suggestions for one country keyed by indicator id (AS_OF: data published by then)."""
    return by_indicator(evaluate(session, framework, year, [country_id], as_of=as_of).get(
        country_id, []))
