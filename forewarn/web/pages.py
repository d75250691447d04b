"""Core pages: the watchlist (home), country and model pages, data sources, health (the
watchlist, map and countries JSON API: api.py). Pages read stored results only
(forecast_source); nothing is fitted per request."""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager

from fastapi import APIRouter, HTTPException, Request, Response
from markupsafe import Markup
from sqlalchemy import func, select, text

from forewarn.data.sources import load_sources
from forewarn.store import models as m
from forewarn.web import country_page, figures, model_page, scheduler, watchlist
from forewarn.web import forecast_source as fs
from forewarn.web.api import NO_FORECAST, country_list
from forewarn.web.deps import SessionDep, SettingsDep
from forewarn.web.render import templates, twin, wants_json
from forewarn.web.schemas import CountryPage, HomePage, ModelPage, SourceOut


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
    scheduler.stop(app)


router = APIRouter(lifespan=_lifespan)
figures.install(templates.env)
_fragments = fs.dependent_cache()


def fragment(template: str, key, context: dict) -> Markup:
    """A reader-independent part of a page, rendered once per forecast and cached: the pages
    stay fast (no per-request work proportional to the number of countries or years)."""
    return _fragments.get((template, key),
                          lambda: Markup(templates.env.get_template(template).render(context)))


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
