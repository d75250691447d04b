"""Near-duplicate suggestions: the same event reported twice (same place, time and story).

A score in [0, 1] from three signals, each in [0, 1]: distance between the points (or equal
place names), days between the dates, and word overlap of the descriptions. Shared media
override them: the same file (equal sha256) or a near-identical image (perceptual hashes a few
bits apart, forewarn.reports.similar) is suggested wherever and whenever it was reported,
since a photo forwarded between witnesses is the commonest duplicate. Reviewers see the best
candidates with the reasons; nothing is merged automatically.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from forewarn.reports.similar import NEAR_BITS, distance

NEAR_KM = 25.0
NEAR_DAYS = 3.0
WEIGHTS = {"place": 0.35, "time": 0.25, "text": 0.40}
SUGGEST_AT = 0.5
SAME_FILE_SCORE = 0.95
NEAR_IMAGE_SCORE = 0.8


@dataclass(frozen=True)
class Facts:
    """What the comparison needs of a report (decoupled from the ORM for testing)."""

    id: int
    what: str
    place: str = ""
    latitude: float | None = None
    longitude: float | None = None
    occurred_at: datetime | None = None
    sha256s: frozenset[str] = frozenset()
    image_hashes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Suggestion:
    report_id: int
    score: float
    reasons: tuple[str, ...]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> set[str]:
    """Content words (3+ letters, any script), accents folded."""
    return {w for w in re.findall(r"\w{3,}", _fold(text)) if not w.isdigit()}


def text_similarity(a: str, b: str) -> float:
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def _place(a: Facts, b: Facts) -> tuple[float, str | None]:
    if None not in (a.latitude, a.longitude, b.latitude, b.longitude):
        km = haversine_km(a.latitude, a.longitude, b.latitude, b.longitude)
        if km <= NEAR_KM:
            return 1.0 - km / (2 * NEAR_KM), f"{km:.1f} km apart"
    if a.place and b.place and _fold(a.place).strip() == _fold(b.place).strip():
        return 1.0, "same place name"
    if a.place and b.place and words(a.place) & words(b.place):
        return 0.6, "similar place name"
    return 0.0, None


def _time(a: Facts, b: Facts) -> tuple[float, str | None]:
    if a.occurred_at is None or b.occurred_at is None:
        return 0.0, None
    ta, tb = a.occurred_at, b.occurred_at
    if (ta.tzinfo is None) != (tb.tzinfo is None):
        ta, tb = ta.replace(tzinfo=None), tb.replace(tzinfo=None)
    days = abs((ta - tb).total_seconds()) / 86400
    if days > NEAR_DAYS:
        return 0.0, None
    return 1.0 - days / (2 * NEAR_DAYS), "same day" if days < 1 else f"{days:.0f} days apart"


def _media(a: Facts, b: Facts) -> tuple[float, str | None]:
    if a.sha256s & b.sha256s:
        return SAME_FILE_SCORE, "same file (sha256)"
    closest = min((distance(x, y) for x in a.image_hashes for y in b.image_hashes),
                  default=None)
    if closest is not None and closest <= NEAR_BITS:
        return NEAR_IMAGE_SCORE, f"near-identical image ({closest} of 64 bits differ)"
    return 0.0, None


def compare(a: Facts, b: Facts) -> Suggestion:
    place, why_place = _place(a, b)
    when, why_time = _time(a, b)
    text = text_similarity(a.what, b.what)
    media, why_media = _media(a, b)
    score = WEIGHTS["place"] * place + WEIGHTS["time"] * when + WEIGHTS["text"] * text
    score = max(score, media)
    reasons = [r for r in (why_media, why_place, why_time) if r]
    if text >= 0.2:
        reasons.append(f"{text:.0%} of words shared")
    return Suggestion(b.id, round(score, 3), tuple(reasons))


def suggest(report: Facts, others: list[Facts], limit: int = 5,
            threshold: float = SUGGEST_AT) -> list[Suggestion]:
    """The most similar other reports, best first, above THRESHOLD."""
    found = [compare(report, o) for o in others if o.id != report.id]
    found = [s for s in found if s.score >= threshold]
    return sorted(found, key=lambda s: (-s.score, s.report_id))[:limit]
