"""The response planner's router (the app factory collects it): its pages (pages.py), the
record (record_pages.py), the facts registry (facts_pages.py), a situation's options and brief
(situation_pages.py) and the JSON API (api.py). No routes here."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.respond import api, facts_pages, pages, record_pages, situation_pages

router = APIRouter()
router.include_router(pages.router)
router.include_router(api.router)
router.include_router(facts_pages.router)
router.include_router(situation_pages.router)
router.include_router(record_pages.router)
