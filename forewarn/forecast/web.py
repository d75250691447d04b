"""The forecasting package's web parts: its country-page section (country.py). The /model
page and the watchlist live in forewarn.web; this router adds no routes of its own."""

from __future__ import annotations

from fastapi import APIRouter

from forewarn.forecast import country  # noqa: F401 - registers the country-page section

router = APIRouter()
