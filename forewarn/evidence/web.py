"""The evidence register's router: its JSON API and its pages (the app factory collects it)."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.evidence import api, pages, situation_api, situation_pages

router = APIRouter()
router.include_router(api.router)
router.include_router(situation_api.router)
router.include_router(pages.router)
router.include_router(situation_pages.router)
