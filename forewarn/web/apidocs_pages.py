"""Interactive API docs (Swagger UI at /docs, ReDoc at /redoc) served from the package.

FastAPI's defaults load both from a CDN, which fails offline; the `fastapi-offline` package
ships the same JavaScript and CSS, and we serve those files ourselves.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static-apidocs"  # not under /static, which another mount owns


def assets_dir() -> Path:
    return Path(fastapi_offline.__file__).parent / "static"


@lru_cache(maxsize=1)
def redoc_js() -> bytes:
    """ReDoc's bundle with its one hard-wired remote URL (the Redocly logo in the side menu)
    pointed at a local image, so the page makes no request off this server."""
    js = (assets_dir() / "redoc.standalone.js").read_bytes()
    return js.replace(b"https://cdn.redoc.ly/redoc/logo-mini.svg",
                      f"{ASSETS_URL}/favicon.png".encode())


def install(app: FastAPI) -> None:
    """Mount the assets and add /docs, /redoc (the app must be built with docs_url=None)."""

    # Registered before the mount so that it wins over the unpatched file.
    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    async def redoc_bundle() -> Response:
        return Response(redoc_js(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS_URL, StaticFiles(directory=assets_dir()), name="apidocs")
    redirect = app.swagger_ui_oauth2_redirect_url

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} API",
            oauth2_redirect_url=redirect,
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png")

    @app.get(redirect, include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js", with_google_fonts=False,
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png")
