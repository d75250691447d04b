"""`forewarn respond`: validate the catalogues, plan options for a country, record measures
and vetoes, and compute what followed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from forewarn.cliutil import country
from forewarn.settings import get_settings

app = typer.Typer(help="Response planning: toolbox, options, measures and outcomes.",
                  no_args_is_help=True)
toolbox_app = typer.Typer(help="The toolbox catalogue.", no_args_is_help=True)
measure_app = typer.Typer(help="Measures taken and what followed.", no_args_is_help=True)
veto_app = typer.Typer(help="Security Council vetoes and the GA debate deadline.",
                       no_args_is_help=True)
app.add_typer(toolbox_app, name="toolbox")
app.add_typer(measure_app, name="measure")
app.add_typer(veto_app, name="veto")
facts_app = typer.Typer(help="Reference facts: vetoes, ICC, ICJ, treaties, memberships.",
                        no_args_is_help=True)
app.add_typer(facts_app, name="facts")
console = Console()


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"'{value}' is not a date (YYYY-MM-DD)",
                                 param_hint=option) from None


def _engine():
    from forewarn.store.db import engine_for

    return engine_for(get_settings().db_url)


def _operator_session():
    """A SYSTEM session on the configured database (the command line runs as the operator), or
    None when there is no database yet (the planner then works from the raw files alone)."""
    from sqlalchemy import inspect

    from forewarn.security import SYSTEM, set_principal
    from forewarn.store.db import session_factory

    url = get_settings().db_url
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):]).exists():
        return None
    engine = _engine()
    try:
        if not inspect(engine).has_table("country"):
            return None
    except Exception:  # unreachable server: plan from the raw files
        return None
    return set_principal(session_factory(engine)(), SYSTEM)


@toolbox_app.command("validate")
def toolbox_validate() -> None:
    """Load and check every response catalogue; report the first fault with file and field."""
    from forewarn.data.errors import DataError
    from forewarn.respond import catalog
    from forewarn.respond.planner import load_rules

    try:
        tb = catalog.load_toolbox()
        partners = catalog.load_partners()
        treaties = catalog.load_treaty_parties()
        orders = catalog.load_court_orders()
        load_rules()
    except DataError as exc:
        console.print(f"[red]invalid:[/red] {exc}")
        raise typer.Exit(1) from None
    lists = {k: len(v["parties"]) for k, v in treaties.items() if not k.startswith("_")}
    console.print(f"toolbox: {len(tb.tools)} tools; organisations: "
                  f"{len(partners.organisations)}; treaty lists: {lists}; court orders: "
                  f"{len(orders)}; planner rules: ok")


@toolbox_app.command("list")
def toolbox_list() -> None:
    """Every tool with pillar, coercion and who must agree."""
    from forewarn.respond.catalog import load_toolbox

    table = Table("id", "pillar", "coercion", "who must agree")
    for t in load_toolbox().tools:
        table.add_row(t.id, str(t.pillar), str(t.coercion),
                      "; ".join(p.who + (" (veto)" if p.veto else "") for p in t.paths))
    console.print(table)


@app.command("plan")
def plan_cmd(
    iso3: str = typer.Argument(..., callback=country, help="Country ISO3 code, e.g. MMR"),
    phase: str = typer.Option(None, help="latent_risk | escalation | ongoing_atrocities | "
                              "aftermath (inferred when omitted)"),
    state_role: str = typer.Option(None, "--state-role",
                                   help="willing_unable | unwilling | complicit | perpetrator"),
    as_json: bool = typer.Option(False, "--json", help="Print the full plan as JSON."),
    raw_dir: Path = typer.Option(None, help="Raw data folder (default: settings)"),
) -> None:
    """Ranked, explained options for a country, all pillars at once, with what is in place."""
    from forewarn.respond.catalog import PHASES, STATE_ROLES
    from forewarn.respond.planner import plan
    from forewarn.respond.profile import profile_for_country

    if phase and phase not in PHASES:
        raise typer.BadParameter(f"must be one of {', '.join(PHASES)}", param_hint="--phase")
    if state_role and state_role not in STATE_ROLES:
        raise typer.BadParameter(f"must be one of {', '.join(STATE_ROLES)}",
                                 param_hint="--state-role")
    raw_dir = raw_dir or get_settings().raw_dir
    session = _operator_session()
    try:
        # With a database, the profile also reads the published assessment and stored forecast.
        profile = profile_for_country(session if session is not None else raw_dir, iso3, phase,
                                      state_role, raw_dir=raw_dir)
        from forewarn.respond.situation import enrich

        enrich(profile, session)
    finally:
        if session is not None:
            session.close()
    result = plan(profile)
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=str))
        return
    p = result["profile"]
    console.print(f"[bold]{p['name']}[/bold]: {p['phase']} / {p['state_role']}; "
                  f"Council route {result['council_route']['status']}")
    for reason in result["context"]:
        console.print(f"  - {reason}")
    table = Table("rank", "option", "pillar", "coercion", "authorised by",
                  title="Options, all pillars at once (not a sequence)")
    for o in result["options"]:
        ok = [a["who"] for a in o["authorisation"] if a["status"] in ("available",
                                                                      "conditional")]
        name = o["name"] + (" [exists]" if o["existing"] else "")
        table.add_row(str(o["rank"]), name, str(o["pillar"]), str(o["coercion"]),
                      "; ".join(ok))
    console.print(table)
    if result["in_place"]:
        console.print("In place: " + ", ".join(o["name"] for o in result["in_place"]))
    if result["blocked"]:
        console.print("Blocked: " + ", ".join(o["name"] for o in result["blocked"]))


@measure_app.command("add")
def measure_add(
    iso3: str = typer.Argument(..., callback=country, help="Country ISO3 code"),
    tool: str = typer.Option(..., help="Toolbox tool id, e.g. un_targeted_sanctions"),
    on: str = typer.Option(..., "--date", help="Date applied, YYYY-MM-DD"),
    actor: str = typer.Option(..., help="Who applied it, e.g. 'UN Security Council'"),
    decision: str = typer.Option("", help="The decision, e.g. 'S/RES/1970 (2011)'"),
    url: str = typer.Option("", help="Link to the decision"),
    situation: str = typer.Option(None, help="Situation name (default: the country)"),
    note: str = typer.Option(""),
) -> None:
    """Record a measure applied to a situation (the web app: /respond/record)."""
    from forewarn.respond.store import RecordError, add_measure
    from forewarn.security import SYSTEM
    from forewarn.store.db import transaction

    try:
        with transaction(_engine()) as s:
            # The command line runs as the operator: audited as the system.
            m = add_measure(s, iso3, tool, _date(on, "--date"), actor, decision, url, note,
                            situation, recorded_by=SYSTEM)
            console.print(f"measure {m.id} recorded: {tool} on {on} for {iso3.upper()}")
    except RecordError as exc:
        raise typer.BadParameter(str(exc)) from None


@measure_app.command("outcomes")
def measure_outcomes(raw_dir: Path = typer.Option(None, help="Raw data folder")) -> None:
    """Recompute what followed every recorded measure (6/12/24 months) from the panel."""
    from forewarn.respond.outcomes import panel_from_raw, refresh_outcomes
    from forewarn.store.db import transaction

    panel = panel_from_raw(raw_dir or get_settings().raw_dir)
    with transaction(_engine()) as s:
        n = refresh_outcomes(s, panel)
    console.print(f"{n} outcome rows computed")


@veto_app.command("add")
def veto_add(
    iso3: str = typer.Argument(..., callback=country, help="Country the draft concerned"),
    on: str = typer.Option(..., "--date", help="Date of the vote, YYYY-MM-DD"),
    member: list[str] = typer.Option(..., "--member", help="Vetoing member ISO3 (repeat)"),
    draft: str = typer.Option("", help="Draft symbol, e.g. S/2022/538"),
    holiday: list[str] = typer.Option([], help="UN Headquarters holiday to skip (repeat)"),
) -> None:
    """Record a veto and show the General Assembly's debate deadline (A/RES/76/262)."""
    from forewarn.respond.store import RecordError, add_veto
    from forewarn.security import SYSTEM
    from forewarn.store.db import transaction

    holidays = frozenset(_date(h, "--holiday") for h in holiday)
    try:
        with transaction(_engine()) as s:
            v = add_veto(s, iso3, _date(on, "--date"), member, draft, holidays=holidays,
                         recorded_by=SYSTEM)
            console.print(f"veto recorded; the General Assembly must debate it by "
                          f"{v.ga_deadline.isoformat()} (10 working days)")
    except RecordError as exc:
        raise typer.BadParameter(str(exc)) from None


@veto_app.command("deadline")
def veto_deadline(on: str = typer.Argument(..., help="Date of the veto, YYYY-MM-DD"),
                  holiday: list[str] = typer.Option([], help="Holiday to skip (repeat)")) -> None:
    """The General Assembly debate deadline for a veto cast on a date."""
    from forewarn.respond.vetoes import ga_debate_deadline

    d = ga_debate_deadline(_date(on, "ON"), frozenset(_date(h, "--holiday") for h in holiday))
    typer.echo(d.isoformat())


def setup(con: Console) -> None:
    """`forewarn setup`: import the Security Council vetoes (1946-2022) from the veto file into
    the record, so the record and the planner show them (safe to run again)."""
    from sqlalchemy import func, select

    from forewarn.data.errors import DataError
    from forewarn.respond.store import import_vetoes
    from forewarn.respond.vetoes import VETO_FILE, read_vetoes
    from forewarn.security import SYSTEM, set_principal
    from forewarn.store.db import session_factory
    from forewarn.store.models import Country

    path = get_settings().raw_dir / VETO_FILE
    try:
        vetoes = read_vetoes(path)
    except DataError as exc:
        con.print(f"Security Council vetoes not imported: {exc} (the raw data is not in place).")
        return
    with set_principal(session_factory(_engine())(), SYSTEM) as s, s.begin():
        if not s.scalar(select(func.count()).select_from(Country)):
            con.print("No countries yet: run `forewarn import` first.")
            return
        added, skipped = import_vetoes(s, vetoes)
    con.print(f"Security Council vetoes: {added} added from {VETO_FILE} "
              f"({len(vetoes)} in the file; {skipped} concern no single country).")


@facts_app.command("list")
def facts_list(iso3: str = typer.Option(None, help="Only this country's facts (ISO3)."),
               kind: str = typer.Option(None, help="Only one kind, e.g. veto, treaty_party."),
               as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """The registry's facts with source (shipped/recorded/corrected), citation and as-of."""
    from forewarn.respond import facts

    if kind and kind not in facts.KINDS:
        raise typer.BadParameter(f"one of {', '.join(facts.KINDS)}", param_hint="--kind")
    session = _operator_session()
    try:
        rows = facts.facts_for(session, iso3, kind)
    finally:
        if session is not None:
            session.close()
    if as_json:
        print(json.dumps([f.as_dict() for f in rows], indent=1, default=str))
        return
    table = Table("kind", "where", "subject", "date", "status", "source", "as of", "citation")
    for f in rows:
        table.add_row(f.kind, f.iso3 or f.organisation, f.subject, f.date or "",
                      f.status + (" (replaced)" if f.superseded_by else ""), f.source, f.as_of,
                      f.citation)
    console.print(table)


@facts_app.command("council")
def facts_council(year: int = typer.Option(None, help="The year (default: this year)."),
                  as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Who sits on the Security Council in a year: permanent and elected members, with each
    elected member's term and source."""
    from forewarn.respond import facts

    seated = facts.council(year)
    if as_json:
        print(json.dumps(seated, indent=1))
        return
    table = Table("member", "seat", "term", "citation")
    for m in seated["permanent"]:
        table.add_row(f"{m['name']} ({m['iso3']})", "permanent", "", m["citation"])
    for m in seated["elected"]:
        table.add_row(f"{m['name']} ({m['iso3']})", "elected", m["term"], m["citation"])
    console.print(table)
    if not seated["complete"]:
        console.print(f"[yellow]{len(seated['elected'])} of ten elected members known for "
                      f"{seated['year']}[/yellow]")


@facts_app.command("timeline")
def facts_timeline(iso3: str = typer.Argument(..., help="ISO3 code."),
                   as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """A country's Council and court events, vetoes, referrals and court orders, newest
    first, with citations."""
    from forewarn.respond import facts

    session = _operator_session()
    try:
        rows = facts.timeline(session, iso3.upper())
    finally:
        if session is not None:
            session.close()
    if as_json:
        print(json.dumps(rows, indent=1, default=str))
        return
    table = Table("date", "kind", "event", "citation", "as of")
    for e in rows:
        table.add_row(e["date"], e["kind"], e["summary"] or f"{e['subject']}, {e['status']}",
                      e["citation"], e["as_of"])
    console.print(table)


@facts_app.command("check")
def facts_check() -> None:
    """Load every shipped fact and check each has a citation and an as-of date."""
    from forewarn.data import countries
    from forewarn.data.errors import DataError
    from forewarn.respond import facts
    from forewarn.respond.fact import AS_OF

    try:
        rows = facts.facts_for(None) + [f for c in countries.all_countries()
                                        if c.last_year is None
                                        for f in facts.facts_for(None, c.iso3)]
    except DataError as exc:
        console.print(f"[red]invalid:[/red] {exc}")
        raise typer.Exit(1) from None
    bad = [f for f in rows if not f.citation.strip() or not AS_OF.fullmatch(f.as_of)]
    for f in bad:
        console.print(f"[red]no citation or as-of:[/red] {f.kind} {f.iso3} {f.subject}")
    console.print(f"{len(rows)} facts checked, {len(bad)} without citation or as-of date")
    if bad:
        raise typer.Exit(1)
