"""The FastAPI application factory."""

from __future__ import annotations

import logging
from importlib import resources

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

import forewarn
from forewarn.security.middleware import install as install_security
from forewarn.settings import Settings, get_settings
from forewarn.store.db import engine_for, session_factory
from forewarn.web import api, apidocs_pages, pages, search, search_pages, sections
from forewarn.web.render import error_response, wants_json

# The web package's own routes, after every capability's.
CORE_ROUTERS = (search_pages.router, pages.router, api.router)


def capability_routers():
    """Routers of sub-packages that have a web.py (`router`), in name order."""
    for pkg, web in forewarn.capability_modules("web"):
        if pkg != "web":
            yield web.router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="Forewarn", version=forewarn.__version__, docs_url=None, redoc_url=None,
                  description="Atrocity-crime early warning: forecasts, assessments, evidence "
                  "and response options. Every HTML page has a JSON twin at the same path + "
                  "`.json`.")
    app.state.settings = settings
    app.state.engine = engine_for(settings.db_url)
    app.state.sessions = session_factory(app.state.engine)
    install_security(app, error_response)  # principal per request, CSRF, security headers
    # Outermost: compress every text response of 500 bytes or more (pages, JSON, CSS, JS).
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.mount("/static", StaticFiles(directory=str(resources.files("forewarn.web") / "static")),
              name="static")
    apidocs_pages.install(app)  # Swagger UI and ReDoc from local files, not a CDN
    search.discover()  # each capability's search.py registers its result groups
    sections.discover()  # each capability's country.py registers its country-page sections
    for router in (*capability_routers(), *CORE_ROUTERS):
        app.include_router(router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return error_response(request, exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg")} for e in exc.errors()]
        return JSONResponse({"error": "invalid request", "status": 422, "details": errors},
                            status_code=422)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # Never show a stack trace to users; the server log has it.

        logging.getLogger("forewarn").exception("unhandled error on %s", request.url.path)
        if wants_json(request, error=True):
            return JSONResponse({"error": "internal error", "status": 500}, status_code=500)
        return error_response(request, 500, "Something went wrong.")

    return app
