"""Seed factories for the authorisation matrix (forewarn.security.testing): coherent,
published assessments whose marker shows up in every page, JSON twin and export that lists
them (author, summary, rationale and evidence title), so a leak cannot hide."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from forewarn.assess.models import Assessment, AssessmentComment, AssessmentVersion
from forewarn.security.testing import seed_country, seed_factory

_dates = itertools.count(1)


def _content(mark: str) -> dict:
    return {"summary": f"summary {mark}", "ratings": [
        {"indicator": "RF1.1", "rating": "serious", "trend": "worsening", "confidence": "high",
         "rationale": f"rationale {mark}",
         "evidence": [{"title": f"evidence {mark}", "url": "https://example.org/r",
                       "ref": None}]}]}


def _assessment(session, level, mark) -> Assessment:
    a = Assessment(country=seed_country(session), as_of=date(2000, 1, 1) + timedelta(
        days=next(_dates)), status="published", demo=False, author_id=None,
        author_name=f"author {mark}"[:120], current_version=1, published_version=1,
        published_by_name="reviewer", sensitivity=level)
    session.add(a)
    session.flush()
    return a


def _version(a: Assessment, level, mark) -> AssessmentVersion:
    return AssessmentVersion(assessment_id=a.id, number=1, kind="publish", status="published",
                             content=_content(mark), note=f"note {mark}", editor_id=None,
                             editor_name="analyst", sensitivity=level)


@seed_factory(Assessment)
def _seed_assessment(session, level, mark):
    a = _assessment(session, level, mark)
    session.add(_version(a, level, mark))
    return a


@seed_factory(AssessmentVersion)
def _seed_version(session, level, mark):
    return _version(_assessment(session, level, mark), level, mark)


@seed_factory(AssessmentComment)
def _seed_comment(session, level, mark):
    a = _assessment(session, level, mark)
    session.add(_version(a, level, mark))  # an assessment always has the version it names
    return AssessmentComment(assessment_id=a.id,
                             indicator="RF1.1", body=f"comment {mark}", author_id=None,
                             author_name=f"commenter {mark}"[:120], sensitivity=level)
