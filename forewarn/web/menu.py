"""The site menu, from menu.yaml: which links each reader sees (by permission), the count
badges (e.g. assessments waiting for review) and the menu's words in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources

import yaml

# name → FN(request) → int, registered by the capability that owns the count.
COUNTS: dict[str, Callable] = {}


@cache
def _menu() -> dict:
    return yaml.safe_load((resources.files("forewarn.web") / "menu.yaml").read_text("utf-8"))


def translate(text: str, lang: str | None) -> str:
    return _menu()["translations"].get(lang or "en", {}).get(text, text)


def languages() -> list[str]:
    return ["en", *_menu()["translations"]]


def items(request, principal, lang: str | None = None) -> list[dict]:
    """Links for PRINCIPAL (None: an anonymous visitor), labels in LANG."""
    path = request.url.path if request is not None else ""
    out = []
    for item in _menu()["items"]:
        needs = item.get("needs")
        if needs and (principal is None or not principal.can(needs)):
            continue
        count = None
        if item.get("count") and item["count"] in COUNTS and request is not None:
            try:
                count = COUNTS[item["count"]](request)
            except Exception:  # noqa: BLE001 - a badge must never take a page (or error page) down
                count = None
        current = path == item["path"]
        out.append({"href": item["path"], "label": translate(item["label"], lang),
                    "count": count, "current": current,
                    "testid": "menu-" + (item["path"].strip("/").replace("/", "-") or "home")})
    return out



def install(env) -> None:
    """The site frame's template globals (base.html): the menu and its words."""
    env.globals.update(site_menu=items, t_frame=translate)
