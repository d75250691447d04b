"""Security's router: the sign-in, account and admin pages and their JSON API (the app factory
includes `router`)."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.security import api, pages

router = APIRouter()
for part in (pages, api):
    router.include_router(part.router)
