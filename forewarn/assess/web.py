"""The Framework of Analysis capability's router (the app factory collects it): its pages
(pages.py), the assessment pages (editor_pages.py), the review queue (review_pages.py) and the
JSON API (api.py). No routes here."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.assess import api, editor_pages, pages, review_pages

router = APIRouter()
# First: /assessments/review and /assessments/{id}.pdf before /assessments/{id}.
router.include_router(review_pages.router)
router.include_router(editor_pages.router)
router.include_router(api.router)
router.include_router(pages.router)
