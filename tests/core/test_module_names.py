"""One name, one meaning (docs/CONVENTIONS.md "Public modules"): in every capability,
HTML routes live in `pages.py` / `<topic>_pages.py`, JSON-only `/api/` routes in `api.py` /
`<topic>_api.py`, `web.py` only assembles the package's router, and FastAPI dependencies are
in `deps.py`."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import forewarn
from forewarn.security.testing import app_routes
from forewarn.settings import Settings
from forewarn.web.app import create_app

ROOT = Path(forewarn.__file__).resolve().parent
# Routes the framework itself adds (FastAPI's, the static files) are not a package's.
FRAMEWORK = ("fastapi", "starlette")


def _kind(module: str) -> str | None:
    last = module.rsplit(".", 1)[-1]
    if last == "pages" or last.endswith("_pages"):
        return "pages"
    if last == "api" or last.endswith("_api"):
        return "api"
    return None


def misplaced(routes) -> list[str]:
    """'module: METHOD path (why)' for every route whose module's name does not say what
    it serves."""
    out = []
    for ep in routes:
        module = ep.route.endpoint.__module__
        if module.startswith(FRAMEWORK):
            continue
        kind, is_api = _kind(module), ep.path.startswith("/api/")
        methods = ",".join(sorted(ep.methods))
        if kind is None:
            out.append(f"{module}: {methods} {ep.path} (route outside a pages/api module)")
        elif kind == "pages" and is_api:
            out.append(f"{module}: {methods} {ep.path} (/api/ route in a pages module)")
        elif kind == "api" and not is_api:
            out.append(f"{module}: {methods} {ep.path} (non-/api/ route in an api module)")
    return out


@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("names")
    app = create_app(Settings(data_dir=tmp, database_url=f"sqlite:///{tmp / 'f.db'}"))
    return app_routes(app)


def test_every_route_lives_in_a_module_named_for_what_it_serves(routes):
    assert len(routes) > 50, "the app's routes were not found"
    assert misplaced(routes) == []


def _decorates_routes(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                target = dec.func if isinstance(dec, ast.Call) else dec
                if isinstance(target, ast.Attribute) and target.attr in {
                        "get", "post", "put", "patch", "delete", "api_route"}:
                    return True
    return False


def test_web_modules_only_assemble_routers():
    offenders = [str(p.relative_to(ROOT)) for p in sorted(ROOT.glob("*/web.py"))
                 if _decorates_routes(p)]
    assert offenders == []


def test_dependencies_live_in_deps_modules():
    odd = [str(p.relative_to(ROOT)) for p in sorted(ROOT.rglob("*deps.py"))
           if p.name != "deps.py"]
    assert odd == []


def test_the_checks_see_misplaced_routes(tmp_path):
    # The checks above must be able to fail: a JSON route in a pages module, an HTML route in
    # an api module, a route in a web.py.
    class Route:
        def __init__(self, module):
            self.endpoint = type("E", (), {"__module__": module})

    class Ep:
        def __init__(self, path, module):
            self.path, self.methods, self.route = path, {"GET"}, Route(module)

    found = misplaced([Ep("/api/x", "forewarn.demo.pages"), Ep("/x", "forewarn.demo.api"),
                       Ep("/y", "forewarn.demo.web"), Ep("/z", "forewarn.demo.pages"),
                       Ep("/api/z", "forewarn.demo.topic_api")])
    assert len(found) == 3 and "forewarn.demo.web" in found[2]
    web = tmp_path / "web.py"
    web.write_text("@router.get('/x')\ndef page():\n    pass\n")
    assert _decorates_routes(web)
    web.write_text("router = APIRouter()\nrouter.include_router(pages.router)\n")
    assert not _decorates_routes(web)
