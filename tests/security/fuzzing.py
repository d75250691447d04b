"""Schemathesis over every operation of /openapi.json, in-process, with an admin's API token
(and anonymously, with a valid CSRF pair so requests reach the handlers), on a database holding
realistic records: the owners' seed factories plus a source, an upload, incidents with their
links, a situation with a finding, a field report with a photo, a monitor document and alert rule,
all made through the API as an analyst would.

Shared by tests/security/test_api_fuzz.py (a few examples per operation) and
benchmarks/api_fuzz.py (the deeper pass, on SQLite or PostgreSQL, in chunks)."""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from forewarn.security import SYSTEM, set_principal
from forewarn.security.middleware import CSRF_COOKIE, new_csrf_token

# Values a path parameter takes besides schemathesis's own, so that most cases reach a record
# that exists (ids of the records made below are small) instead of stopping at a 404.
ID_POOL = st.integers(min_value=1, max_value=8)
NAMED_POOLS = {
    "iso3": st.sampled_from(["MMR", "SYR", "SDN"]),
    "crime_id": st.sampled_from(["GC-II-c", "GC-II-b", "RS-7-1-h", "RS-8-2-e-xix"]),
    "action": st.sampled_from(["acknowledge", "dismiss"]),
}
NO_FORECAST_503 = "No forecast is stored yet"


def _photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def _made(r, what: str) -> dict:
    assert r.status_code in (200, 201), f"making {what}: {r.status_code} {r.text[:300]}"
    return r.json()


def make_records(client: TestClient, headers: dict) -> dict[str, int]:
    """Records an analyst would make, through the API; returns their ids by kind."""
    from forewarn.reports import challenge

    text = "Witness: the road to the old town has been closed since March; no food enters."
    src = _made(client.post("/api/evidence/sources", headers=headers, json={
        "kind": "text", "title": "Witness statement", "text": text, "sensitivity": "internal",
        "reliability": "B", "credibility": "2", "citation": "Interview 14, 2021-05-02",
        "confidential_notes": "interviewer's phone 555-0101"}), "a source")
    up = _made(client.post("/api/evidence/sources/upload", headers=headers,
                           files={"file": ("checkpoint.jpg", _photo(), "image/jpeg")},
                           data={"title": "Photo of checkpoint", "sensitivity": "public"}),
               "an upload")
    facts = ["conduct", "civilian_victims", "targeted_as_such", "widespread_or_systematic",
             "policy", "calculated_to_destroy", "manifest_pattern", "armed_conflict"]
    incident = {
        "title": "Siege of the old town", "date_start": "2021-03-01", "date_end": "2021-09-30",
        "place": "Old town", "country": "SYR", "harm_types": ["siege_starvation"],
        "perpetrators": ["Government forces"],
        "victim_groups": [{"name": "Religious minority X", "characteristics": ["religious"]}],
        "casualties": {"killed": {"low": 120, "best": 150, "high": 200}},
        "context": {"armed_conflict": "non-international", "civilian_victims": True,
                    "targeted_as_such": True, "widespread_or_systematic": True,
                    "policy": True, "calculated_to_destroy": True, "manifest_pattern": True},
        "sensitivity": "public",
        "sources": [{"source_id": src["id"], "supports": facts, "locator": "answer 3"}]}
    inc = _made(client.post("/api/evidence/incidents", headers=headers, json=incident),
                "an incident")
    inc2 = _made(client.post("/api/evidence/incidents", headers=headers, json={
        **incident, "title": "Shelling of the market", "harm_types": ["killing"],
        "perpetrators": ["Rebel brigade"], "sensitivity": "restricted",
        "sources": [{"source_id": up["id"], "supports": ["conduct"]}]}), "a second incident")
    _made(client.post(f"/api/evidence/incidents/{inc['id']}/proposals/GC-II-c/decision",
                      headers=headers, json={"decision": "accepted",
                                             "reason": "candidate; intent to be shown"}),
          "a legal decision")
    sit = _made(client.post("/api/situations", headers=headers, json={
        "title": "Siege of the old town", "country": "SYR", "period_start": "2021-01-01",
        "period_end": "2021-12-31", "incident_ids": [inc["id"], inc2["id"]],
        "sensitivity": "internal"}), "a situation")
    _made(client.post(f"/api/situations/{sit['id']}/findings", headers=headers, json={
        "text": "The state is party to the Genocide Convention.", "section": "obligation",
        "citations": [{"source_id": src["id"], "locator": "n/a"}]}), "a finding")
    form = client.get("/report.json").json()["challenge"]
    report = _made(client.post("/api/reports", headers=headers, data={
        "what": "Checkpoint guards detained young men", "place": "Tawila",
        "latitude": "13.6", "longitude": "25.3", "challenge_token": form["token"],
        "pow_counter": str(challenge.solve(form["token"], form["bits"]))},
        files={"attachments": ("a.jpg", _photo(), "image/jpeg")}), "a field report")
    doc = _made(client.post("/api/documents", headers=headers, json={
        "text": "Militias torched the villages near Goma and razed the church.",
        "title": "Attack", "published_at": "2024-05-01T09:00:00Z", "source": "field",
        "country": "COD"}), "a monitor document")
    rule = _made(client.post("/api/monitor/rules", headers=headers, json={
        "name": "rf10", "signal": "rf:RF10", "mode": "threshold", "threshold": 1,
        "min_count": 1}), "an alert rule")
    return {"source": src["id"], "upload": up["id"], "incident": inc["id"],
            "incident2": inc2["id"], "situation": sit["id"],
            "report": report.get("reference", ""), "document": doc.get("id", 0),
            "rule": rule.get("id", 0)}


def _raise_alert(engine) -> list[int]:
    """The day's signals and the alert the rule above raises on them (as the scheduler would)."""
    from datetime import date

    from forewarn.monitor import alerts, signals
    from forewarn.monitor.notify import SmtpSettings

    signals.compute(engine, date(2024, 5, 1), date(2024, 5, 1))
    return list(alerts.evaluate(engine, date(2024, 5, 1), SmtpSettings(host=None)))


def build_world(engine, settings_) -> dict:
    """Seed ENGINE (migrated) and return the app, an admin token and the records' ids."""
    from forewarn.security import accounts
    from forewarn.security.accounts import create_user
    from forewarn.security.testing import FACTORIES, discover, seed, seed_country, sensitive_models
    from forewarn.web.app import create_app

    discover()
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        seed_country(s)
        # Only models whose owners registered a realistic @seed_factory (the automatic seeder's
        # placeholders are for the leak matrix); the rest are made through the API below.
        seed(s, [m for m in sensitive_models() if m in FACTORIES])
        admin = create_user(s, "fuzz-admin", "a-long-fuzz-password-1", "admin")
        analyst = create_user(s, "fuzz-analyst", "a-long-fuzz-password-1", "analyst")
        token_row, token = accounts.create_token(s, admin, "fuzz")
        _, analyst_token = accounts.create_token(s, analyst, "fuzz")
        s.commit()
        token_id = token_row.id
    app = create_app(settings_)
    with TestClient(app, base_url="https://testserver") as client:
        records = make_records(client, {"Authorization": f"Bearer {analyst_token}"})
    records["alerts"] = _raise_alert(engine)
    return {"app": app, "token": token, "token_id": token_id, "records": records,
            "csrf": new_csrf_token()}


@dataclass
class Outcome:
    operations: int = 0
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    reached: set = field(default_factory=set)  # operations with a 2xx answer to the admin
    limited: Counter = field(default_factory=Counter)  # admin cases refused 429, by operation
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _pinned(operation, strategy, world):
    """STRATEGY with path parameters drawn, half the time, from values that exist."""
    pools = {}
    for param in operation.path_parameters:
        name = param.name
        kind = (param.definition.get("schema") or {}).get("type")
        if name in NAMED_POOLS:
            pools[name] = NAMED_POOLS[name]
        elif kind == "integer":
            pools[name] = ID_POOL
    if not pools:
        return strategy
    own_token = world["token_id"]

    def pin(pair):
        case, values = pair
        for name, value in values.items():
            if value is not None:
                case.path_parameters[name] = value
        if "token_id" in case.path_parameters and case.path_parameters["token_id"] == own_token:
            case.path_parameters["token_id"] = own_token + 1000  # never revoke our own token
        return case

    choice = st.fixed_dictionaries({k: st.one_of(st.none(), v) for k, v in pools.items()})
    return st.tuples(strategy, choice).map(pin)


def _call(case, world, outcome: Outcome) -> None:
    calls = {"anonymous": {"headers": {"X-CSRF-Token": world["csrf"]},
                           "cookies": {CSRF_COOKIE: world["csrf"]}},
             "admin": {"headers": {"Authorization": f"Bearer {world['token']}"}}}
    label = f"{case.method} {case.formatted_path}"
    for who, kwargs in calls.items():
        outcome.cases += 1
        where = f"{who} {label} query={case.query} body={str(case.body)[:100]}"
        try:
            response = case.call(**kwargs)
        except Exception as exc:  # the in-process transport re-raises unhandled errors
            outcome.statuses[500] += 1
            outcome.problems.append(f"{where} → 500 {type(exc).__name__}: {exc}")
            continue
        code = response.status_code
        outcome.statuses[code] += 1
        if who == "admin" and 200 <= code < 300:
            outcome.reached.add(case.operation.label)
        elif who == "admin" and code == 429:
            outcome.limited[case.operation.label] += 1
        if code == 503 and NO_FORECAST_503 in response.text:
            continue  # the honest answer of a forecast page before any forecast is stored
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except AssertionError:
            outcome.problems.append(f"{where} → {code} {response.text[:300]}")


def _explore(operation, mode, world, examples: int, outcome: Outcome) -> None:
    strategy = operation.as_strategy(generation_mode=mode)
    if mode == GenerationMode.POSITIVE:
        strategy = _pinned(operation, strategy, world)

    @given(case=strategy)
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        _call(case, world, outcome)

    try:
        run()
    except Unsatisfiable:
        pass  # no negative example exists for an operation without inputs


def fuzz(world, examples: int, only: str | None = None) -> Outcome:
    """Every operation (whose `METHOD path` matches the regex ONLY, if given), positive and
    negative examples, ≤EXAMPLES each, anonymous and admin."""
    start = time.perf_counter()
    schema = schemathesis.openapi.from_asgi("/openapi.json", world["app"])
    outcome = Outcome()
    for result in schema.get_all_operations():
        operation = result.ok()
        if only and not re.search(only, operation.label):
            continue
        outcome.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _explore(operation, mode, world, examples, outcome)
    outcome.problems = list(dict.fromkeys(outcome.problems))
    outcome.seconds = time.perf_counter() - start
    return outcome
