"""HTML pages and their JSON twins from one view function.

A view returns a dict (or a pydantic model). `twin` registers it twice: at PATH + ".json" (the
JSON twin, documented in OpenAPI) and at PATH (HTML rendered with TEMPLATE, or JSON when the
client sends `Accept: application/json`).
"""

from __future__ import annotations

import functools
import inspect
import pkgutil
from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

import forewarn
from forewarn.web import menu


def _template_dirs() -> list[str]:
    """forewarn/web/templates first, then each capability's own `templates/` folder, so every
    page can extend base.html and include any capability's partials."""
    dirs = [str(resources.files("forewarn.web") / "templates")]
    for mod in sorted(pkgutil.iter_modules(forewarn.__path__), key=lambda m: m.name):
        folder = resources.files("forewarn") / mod.name / "templates"
        if mod.ispkg and mod.name != "web" and folder.is_dir():
            dirs.append(str(folder))
    return dirs


templates = Jinja2Templates(directory=_template_dirs())
menu.install(templates.env)  # base.html's menu, on every page and error page


def wants_json(request: Request, *, error: bool = False) -> bool:
    """Whether to answer REQUEST in JSON: its path ends in .json, or it accepts JSON and not
    HTML. An ERROR is also JSON for any /api/ path and any JSON-speaking client (Accept or
    Content-Type), so API callers never get an HTML error page."""
    path = request.url.path
    if path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    if error and (path.startswith("/api/") or "application/json" in accept
                  or "application/json" in request.headers.get("content-type", "")):
        return True
    return "application/json" in accept and "text/html" not in accept


def error_response(request: Request, status: int, detail: str, headers=None):
    """The one error answer: {"error", "status"} as JSON, else the error page."""
    if wants_json(request, error=True):
        return JSONResponse({"error": detail, "status": status}, status_code=status,
                            headers=headers)
    return templates.TemplateResponse(request, "error.html",
                                      {"status": status, "detail": detail},
                                      status_code=status, headers=headers)


def render(request: Request, template: str, data: Any, status_code: int = 200):
    payload = jsonable_encoder(data)
    if wants_json(request):
        return JSONResponse(payload, status_code=status_code)
    context = payload if isinstance(payload, dict) else {"data": payload}
    context = {"principal": getattr(request.state, "principal", None),  # forewarn.security
               "csrf_token": getattr(request.state, "csrf_token", ""),
               **context, "json_url": _json_url(request)}
    return templates.TemplateResponse(request, template, context, status_code=status_code)


def _json_url(request: Request) -> str:
    path = request.url.path.rstrip("/") or "/index"
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{path}.json{query}"


def twin(router: APIRouter, path: str, template: str, response_model: Any = None,
         summary: str | None = None, tags: list[str] | None = None):
    """Register VIEW at PATH (HTML) and at PATH.json (JSON); the view must take `request`."""

    def decorate(view):
        if "request" not in inspect.signature(view).parameters:
            raise TypeError(f"{view.__name__} must take a `request: Request` parameter")

        @functools.wraps(view)
        def html(*args, **kwargs):
            return render(kwargs["request"], template, view(*args, **kwargs))

        json_path = (path.rstrip("/") or "/index") + ".json"
        router.add_api_route(json_path, view, methods=["GET"], response_model=response_model,
                             summary=summary or (view.__doc__ or "").strip().split("\n")[0],
                             tags=tags)
        router.add_api_route(path, html, methods=["GET"], response_class=HTMLResponse,
                             include_in_schema=False)
        return view

    return decorate
