"""The core JSON API: the ranked watchlist (JSON, CSV), the map's country outlines, and the
country registry with each country's panel rows. Read from stored results only."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select

from forewarn.store import models as m
from forewarn.web import forecast_source as fs
from forewarn.web import watchlist
from forewarn.web.deps import SessionDep, SettingsDep
from forewarn.web.schemas import CountryDetail, CountryList, Watchlist

router = APIRouter()


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
