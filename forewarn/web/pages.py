"""Core routes: the watchlist (home), country and model pages, countries API, data sources,
health. Pages read stored results only (forecast_source); nothing is fitted per request."""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from markupsafe import Markup
from sqlalchemy import func, select, text

from forewarn.data.sources import load_sources
from forewarn.store import models as m
from forewarn.web import country_page, figures, model_page, scheduler, watchlist
from forewarn.web import forecast_source as fs
from forewarn.web.deps import SessionDep, SettingsDep
from forewarn.web.render import templates, twin, wants_json
from forewarn.web.schemas import (
    CountryDetail,
    CountryList,
    CountryPage,
    HomePage,
    ModelPage,
    SourceOut,
    Watchlist,
)


def _warm_caches(app) -> None:
    """Load what the first page views would otherwise pay for (scipy import for the EWP
    scores, the forecast, the map geometry, compiled templates), off the request path."""
    try:
        raw_dir = app.state.settings.raw_dir
        with app.state.sessions() as session:
            fs.latest(session, raw_dir)
            fs.backtest(session)
        watchlist.topology(raw_dir)
        model_page.ewp_record(raw_dir)
        country_page.source_citations()
        country_page.predictor_info()
        for name in ("home.html", "home_lists.html", "country.html", "country_core.html",
                     "model.html", "error.html"):
            templates.env.get_template(name)
        # The long-lived objects loaded so far (pandas, scipy, SQLAlchemy, caches) need never be
        # scanned again: without this, full collections stall every request for ~0.5 s.
        gc.collect()
        gc.freeze()
    except Exception:  # noqa: BLE001 - warming is an optimisation; requests still work
        logging.getLogger("forewarn.web").exception("warming the page caches failed")


@asynccontextmanager
async def _lifespan(app):
    threading.Thread(target=_warm_caches, args=(app,), name="forewarn-warm", daemon=True).start()
    scheduler.start(app)
    yield


router = APIRouter(lifespan=_lifespan)
figures.install(templates.env)
_fragments = fs.dependent_cache()


def fragment(template: str, key, context: dict) -> Markup:
    """A reader-independent part of a page, rendered once per forecast and cached: the pages
    stay fast (no per-request work proportional to the number of countries or years)."""
    return _fragments.get((template, key),
                          lambda: Markup(templates.env.get_template(template).render(context)))


NO_FORECAST = ("No forecast is stored yet: run `forewarn forecast forecast` (Forewarn's model) "
               "or fetch the EWP files with `forewarn data fetch`.")


def country_list(session) -> list[dict]:
    latest = dict(session.execute(
        select(m.EwpCountryYear.country_id, func.max(m.EwpCountryYear.year))
        .group_by(m.EwpCountryYear.country_id)).all())
    out = []
    for c in session.scalars(select(m.Country).order_by(m.Country.name)):
        out.append({"iso3": c.iso3, "name": c.name, "region": c.region,
                    "iso_numeric": c.iso_numeric, "cow_code": c.cow_code,
                    "latest_ewp_year": latest.get(c.id)})
    return out


@twin(router, "/", "home.html", response_model=HomePage, tags=["watchlist"])
def home(request: Request, session: SessionDep, settings: SettingsDep):
    """The watchlist: every country ranked by the latest forecast risk of a new mass killing,
    the top 30 flagged, the largest movers since the previous year, and the map's scale."""
    forecast = fs.latest(session, settings.raw_dir)
    base = {"bins": watchlist.bins(),
            "map": {"topology_url": "/api/geo/countries-110m.json",
                    "data_url": "/api/watchlist.json"}}
    if forecast is None:
        rows = [c for c in country_list(session) if c["latest_ewp_year"]]
        return {**base, "forecast": None, "count": len(rows), "countries": rows,
                "movers": None, "alt_text": "", "message": NO_FORECAST}
    page = _home_data(forecast)
    if wants_json(request):
        return {**base, **page}
    lists = fragment("home_lists.html", forecast.serial, page)
    return {**base, **{k: page[k] for k in ("forecast", "count", "alt_text", "message")},
            "lists_html": lists}


_home_cache = fs.dependent_cache()


def _home_data(forecast: fs.Forecast) -> dict:
    def compute():
        ranked = watchlist.rows(forecast)
        return {"forecast": watchlist.meta(forecast), "count": len(ranked),
                "countries": ranked, "movers": watchlist.movers(ranked),
                "alt_text": watchlist.alt_text(forecast, ranked), "message": None}

    return _home_cache.get(forecast.serial, compute)


def _forecast_or_503(session, settings):
    forecast = fs.latest(session, settings.raw_dir)
    if forecast is None:
        raise HTTPException(503, NO_FORECAST)
    return forecast


_json_cache = fs.dependent_cache()


@router.get("/api/watchlist.json", response_model=Watchlist, tags=["watchlist"])
def api_watchlist(request: Request):
    """The ranked latest forecast (stable): `countries` holds every country with `iso3`,
    `risk` (probability of a new mass killing in the two outcome years) and `rank`."""
    # The busiest endpoint (the map fetches it): serialised once per forecast. Forecasts are
    # public, so no reader-specific session is needed.
    settings = request.app.state.settings
    with request.app.state.sessions() as session:
        forecast = _forecast_or_503(session, settings)
    body = _json_cache.get(forecast.serial, lambda: Watchlist.model_validate(
        watchlist.api_payload(forecast)).model_dump_json().encode())
    return Response(body, media_type="application/json")


@router.get("/api/watchlist.csv", response_class=PlainTextResponse, tags=["watchlist"],
            responses={200: {"content": {"text/csv": {}}}})
def api_watchlist_csv(session: SessionDep, settings: SettingsDep):
    """The ranked latest forecast as CSV (one row per country)."""
    forecast = _forecast_or_503(session, settings)
    name = f"forewarn-watchlist-{forecast.year}.csv"
    return Response(watchlist.to_csv(forecast), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/api/geo/countries-110m.json", tags=["watchlist"])
def api_geo_countries(request: Request, settings: SettingsDep):
    """World country outlines (world-atlas TopoJSON, Natural Earth 1:110m) with
    `properties.iso3` on every geometry; served from the data directory."""
    found = watchlist.topology(settings.raw_dir)
    if found is None:
        raise HTTPException(404, f"Map geometry not found: {watchlist.TOPOLOGY_FILE} is not in "
                            "the data directory; run `forewarn data fetch`.")
    body, etag = found
    headers = {"ETag": f'"{etag}"', "Cache-Control": "public, max-age=86400"}
    if request.headers.get("if-none-match") == f'"{etag}"':
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@twin(router, "/countries/{iso3}", "country.html", response_model=CountryPage,
      tags=["countries"])
def country(request: Request, iso3: str, session: SessionDep, settings: SettingsDep):
    """One country: its forecast and rank, risk over time with past onsets, the drivers of the
    forecast and of its change, predictor values with sources, mass-killing episodes, violence
    and displacement trends, and sections contributed by other capabilities."""
    try:
        page, row, serial = country_page.core(session, iso3, settings.raw_dir)
    except country_page.UnknownCountry as exc:
        raise HTTPException(404, str(exc)) from None
    sections = country_page.build_sections(session, row)
    if wants_json(request):
        return {**page, "sections": sections}
    core = fragment("country_core.html", (settings.db_url, row["iso3"], serial), page)
    return {"country": page["country"], "sections": sections, "core_html": core}


@router.get("/model/plots/{name}", tags=["about"], response_class=Response,
            responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}})
def model_plot(name: str, session: SessionDep):
    """A plot file written by the stored backtest (e.g. catch.svg, calibration.png)."""
    path = model_page.plot_files(session).get(name)
    if path is None or path.suffix not in (".png", ".svg"):
        raise HTTPException(404, f"No backtest plot named '{name}'. See /model.")
    media = "image/svg+xml" if path.suffix == ".svg" else "image/png"
    return Response(path.read_bytes(), media_type=media,
                    headers={"Cache-Control": "public, max-age=300"})


@twin(router, "/model", "model.html", response_model=ModelPage, tags=["about"])
def model(request: Request, session: SessionDep, settings: SettingsDep):
    """How the forecast is made, its backtest beside the Early Warning Project's own
    out-of-sample record (metrics, catch by year, calibration), and the data it uses."""
    return model_page.build(session, settings.raw_dir)


@router.get("/api/countries", response_model=CountryList, tags=["countries"])
def api_countries(session: SessionDep):
    """Every country in the registry (ISO3, names, codes, latest EWP predictor year)."""
    rows = country_list(session)
    return {"count": len(rows), "countries": rows}


def _panel(session, model, country_id: int, columns: list[str]) -> list[dict]:
    rows = session.scalars(select(model).where(model.country_id == country_id)
                           .order_by(model.year))
    return [{"year": r.year, "values": {c: getattr(r, c) for c in columns}} for r in rows]


@router.get("/api/countries/{iso3}", response_model=CountryDetail, tags=["countries"])
def api_country(iso3: str, session: SessionDep):
    """One country with its panel rows (EWP predictors and outcomes, UCDP deaths, UNHCR
    displacement), its mass-killing episodes and where each table came from."""
    c = session.scalar(select(m.Country).where(m.Country.iso3 == iso3.upper()))
    if c is None:
        raise HTTPException(404, f"No country with ISO3 code '{iso3}'. See /api/countries.")
    ewp = [{"year": r.year, "values": {**r.predictors, "mk_onset": r.mk_onset,
                                       "mk_onset_1or2": r.mk_onset_1or2}}
           for r in session.scalars(select(m.EwpCountryYear)
                                    .where(m.EwpCountryYear.country_id == c.id)
                                    .order_by(m.EwpCountryYear.year))]
    violence = _panel(session, m.ViolenceCountryYear, c.id,
                      ["state_based_deaths", "non_state_deaths", "one_sided_deaths",
                       "one_sided_govt_deaths", "one_sided_nonstate_deaths"])
    displacement = _panel(session, m.DisplacementCountryYear, c.id,
                          ["refugees", "asylum_seekers", "idps", "idmc_conflict_idps"])
    episodes = [{"code": e.code, "name": e.name, "summary": e.summary,
                 "start_year": e.start_year, "end_year": e.end_year,
                 "perpetrator_type": e.perpetrator_type}
                for e in session.scalars(select(m.MassKillingEpisode)
                                         .where(m.MassKillingEpisode.country_id == c.id)
                                         .order_by(m.MassKillingEpisode.start_year))]
    provenance = [{"table": b.table_name, "source_file": b.source_file, "sha256": b.sha256,
                   "imported_at": b.imported_at.isoformat()}
                  for b in session.scalars(select(m.ImportBatch).order_by(m.ImportBatch.id))]
    latest = max((r["year"] for r in ewp), default=None)
    country = {"iso3": c.iso3, "name": c.name, "region": c.region,
               "iso_numeric": c.iso_numeric, "cow_code": c.cow_code, "latest_ewp_year": latest}
    return {"country": country, "ewp": ewp, "violence": violence, "displacement": displacement,
            "episodes": episodes, "provenance": provenance}


@twin(router, "/sources", "sources.html", response_model=list[SourceOut], tags=["about"])
def sources(request: Request):
    """Every data source with its origin, licence and citation."""
    return [{"file": s.file, "origin_url": s.origin_url, "licence": s.licence,
             "citation": s.citation, "description": s.description} for s in load_sources()]


@router.get("/health", tags=["about"])
def health(session: SessionDep):
    """Liveness and database reachability."""
    session.execute(text("SELECT 1"))
    countries = session.scalar(select(func.count()).select_from(m.Country))
    return {"status": "ok", "countries": countries}
