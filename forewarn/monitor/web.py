"""The monitor's router: its pages and JSON API (the app factory includes `router`)."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.monitor import alerts_api, alerts_pages, api, duty_pages, pages

router = APIRouter()
for part in (pages, api, alerts_pages, alerts_api, duty_pages):
    router.include_router(part.router)
