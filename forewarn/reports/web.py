"""The reports capability's router: the public map, the form settings, the reviewers' pages,
the public form and the submission API (the app factory collects it)."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.reports import api, form_pages, pages, public_pages, triage_pages

router = APIRouter(tags=["reports"])
router.include_router(public_pages.router)
router.include_router(form_pages.router)
router.include_router(triage_pages.router)
router.include_router(pages.router)
router.include_router(api.router)
