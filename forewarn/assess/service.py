"""The assessment workflow: create, edit, submit, return, publish; versions and their diffs.

Rules:
- analysts (`create`) start assessments; the author (`edit:own`) or an editor (`edit:any`) edits;
- every save, workflow step and import appends an immutable version;
- draft → in review needs complete content (see ratings.completeness_problems);
- in review → published needs `review` and a reviewer who wrote none of its content versions
  (four eyes); in review → draft (returned) needs `review`;
- editing a published assessment starts a revision (status draft) while the published
  snapshot stays what readers see until the revision is published;
- readers without `create`/`review` see only published snapshots.

Sessions carry the principal (forewarn.security), so every query here is filtered by
sensitivity; versions copy their assessment's level.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forewarn.assess import catalog, suggest
from forewarn.assess.access import SYSTEM, Actor, audit
from forewarn.assess.catalog import Framework
from forewarn.assess.models import Assessment, AssessmentComment, AssessmentVersion
from forewarn.assess.profile import POINTS, compute_profile
from forewarn.assess.ratings import Content, completeness_problems, diff, normalise
from forewarn.store.base import utcnow
from forewarn.store.models import Country

CONTENT_KINDS = ("create", "edit", "import")


class WorkflowError(ValueError):
    """The step is not allowed in the assessment's current state (or its content is wrong)."""

    def __init__(self, message: str, problems: list[str] | None = None):
        self.problems = problems or []
        super().__init__(message + (": " + "; ".join(self.problems) if self.problems else ""))


class Forbidden(PermissionError):
    pass


class NotFound(LookupError):
    pass


def country_by_iso3(session, iso3: str) -> Country:
    c = session.scalar(select(Country).where(Country.iso3 == iso3.upper()))
    if c is None:
        raise NotFound(f"no country with ISO3 code {iso3!r}")
    return c


def get(session, assessment_id: int) -> Assessment:
    a = session.scalar(select(Assessment).where(Assessment.id == assessment_id))
    if a is None:  # missing, or above the reader's clearance: the same answer either way
        raise NotFound(f"no assessment {assessment_id}")
    return a


def is_editor(actor: Actor) -> bool:
    return actor.can("create") or actor.can("review") or actor.can("edit:any")


def may_edit(actor: Actor, a: Assessment) -> bool:
    own = actor.key == Actor(a.author_id, a.author_name).key
    return actor.can("edit:any") or (own and actor.can("edit:own"))


def version(session, a: Assessment, number: int) -> AssessmentVersion:
    v = session.scalar(select(AssessmentVersion).where(
        AssessmentVersion.assessment_id == a.id, AssessmentVersion.number == number))
    if v is None:
        raise NotFound(f"assessment {a.id} has no version {number}")
    return v


def versions(session, a: Assessment) -> list[AssessmentVersion]:
    return list(session.scalars(select(AssessmentVersion)
                                .where(AssessmentVersion.assessment_id == a.id)
                                .order_by(AssessmentVersion.number)))


def snapshot(a: Assessment, v: AssessmentVersion) -> dict:
    """One version as a plain dict (what diff, profiles and exports work from)."""
    return {"assessment_id": a.id, "iso3": a.country.iso3, "country": a.country.name,
            "as_of": a.as_of.isoformat(), "number": v.number, "kind": v.kind,
            "status": v.status, "sensitivity": str(getattr(v.sensitivity, "value",
                                                           v.sensitivity)),
            "summary": v.content.get("summary", ""),
            "ratings": copy.deepcopy(v.content.get("ratings", [])),
            "note": v.note, "editor": v.editor_name,
            "created_at": v.created_at.isoformat() if v.created_at else None}


def readable_number(actor: Actor, a: Assessment) -> int | None:
    """The version ACTOR reads: the working copy for editors, else the published one."""
    return a.current_version if is_editor(actor) else a.published_version


def _append(session, a: Assessment, actor: Actor, kind: str, content: dict,
            note: str = "") -> AssessmentVersion:
    a.current_version = (a.current_version or 0) + 1
    a.updated_at = utcnow()
    v = AssessmentVersion(assessment_id=a.id, number=a.current_version, kind=kind,
                          status=a.status, content=content, note=note.strip(),
                          editor_id=actor.id, editor_name=actor.name,
                          sensitivity=a.sensitivity)
    session.add(v)
    session.flush()
    return v


def _content_of(session, a: Assessment) -> dict:
    return dict(version(session, a, a.current_version).content) if a.current_version else {
        "summary": "", "ratings": []}


def _dump(content: Content) -> dict:
    return content.model_dump(mode="json")


def create(session, actor: Actor, framework: Framework, iso3: str, as_of: date,
           content: Content | None = None, sensitivity: str = "internal", demo: bool = False,
           note: str = "", kind: str = "create") -> Assessment:
    if not actor.can("create"):
        raise Forbidden("starting an assessment needs the 'create' permission (analyst)")
    country = country_by_iso3(session, iso3)
    body = normalise(content or Content(), framework)
    a = Assessment(country_id=country.id, as_of=as_of, status="draft", demo=demo,
                   author_id=actor.id, author_name=actor.name, sensitivity=sensitivity,
                   current_version=0)
    a.country = country
    taken = WorkflowError(f"there is already an assessment of {country.name} as of "
                          f"{as_of.isoformat()}; open and revise it instead")
    if session.scalar(select(Assessment.id).where(Assessment.country_id == country.id,
                                                  Assessment.as_of == as_of)):
        raise taken
    session.add(a)
    try:
        session.flush()
    except IntegrityError:  # one the reader may not see; the transaction is spoilt anyway
        raise taken from None
    v = _append(session, a, actor, kind, _dump(body), note or "created")
    audit(session, actor, f"assessment.{kind}", "assessment", a.id,
          after={"iso3": country.iso3, "as_of": as_of.isoformat(), "version": v.number,
                 "ratings": len(body.ratings)})
    return a


def save(session, actor: Actor, framework: Framework, a: Assessment, content: Content,
         note: str = "", expected_version: int | None = None, kind: str = "edit"
         ) -> AssessmentVersion:
    """Store new content as a new version (no-op when nothing changed)."""
    if not may_edit(actor, a):
        raise Forbidden("only the author (edit:own) or an editor (edit:any) may change this "
                        "assessment")
    if a.status == "in_review":
        raise WorkflowError("this assessment is in review; a reviewer must return it to draft "
                            "before it can be changed")
    if expected_version is not None and expected_version != a.current_version:
        raise WorkflowError(f"the assessment changed since you opened it (now version "
                            f"{a.current_version}, you edited {expected_version}); reload it")
    body = _dump(normalise(content, framework))
    before = _content_of(session, a)
    if body == before:
        return version(session, a, a.current_version)
    changes = diff(before, body)
    a.status = "draft"
    v = _append(session, a, actor, kind, body, note)
    audit(session, actor, f"assessment.{kind}", "assessment", a.id,
          before={"version": v.number - 1},
          after={"version": v.number, "changed": [c["indicator"] for c in changes["ratings"]],
                 "fields": sorted(changes["fields"])})
    return v


def transition(session, actor: Actor, a: Assessment, kind: str, status: str, note: str):
    before = {"status": a.status, "version": a.current_version}
    content = _content_of(session, a)
    a.status = status
    v = _append(session, a, actor, kind, content, note)
    audit(session, actor, f"assessment.{kind}", "assessment", a.id, before=before,
          after={"status": status, "version": v.number})
    return v


def submit(session, actor: Actor, a: Assessment, note: str = "") -> AssessmentVersion:
    if not may_edit(actor, a):
        raise Forbidden("only the author or an editor may submit this assessment for review")
    if a.status != "draft":
        raise WorkflowError(f"only drafts can be submitted (this one is {a.status})")
    problems = completeness_problems(Content(**_content_of(session, a)))
    if problems:
        raise WorkflowError("not ready for review", problems)
    return transition(session, actor, a, "submit", "in_review", note or "submitted for review")


def return_to_draft(session, actor: Actor, a: Assessment, note: str = "") -> AssessmentVersion:
    if not actor.can("review"):
        raise Forbidden("returning an assessment needs the 'review' permission")
    if a.status != "in_review":
        raise WorkflowError(f"only assessments in review can be returned (this one is "
                            f"{a.status})")
    return transition(session, actor, a, "return", "draft", note or "returned to the author")


def contributors(session, a: Assessment) -> set[str]:
    return {Actor(v.editor_id, v.editor_name).key for v in versions(session, a)
            if v.kind in CONTENT_KINDS}


def publish(session, actor: Actor, a: Assessment, note: str = "") -> AssessmentVersion:
    if not actor.can("review"):
        raise Forbidden("publishing needs the 'review' permission (reviewer)")
    if a.status != "in_review":
        raise WorkflowError(f"only assessments in review can be published (this one is "
                            f"{a.status}); submit it first")
    if actor.key in contributors(session, a):
        raise Forbidden("a reviewer other than the author must publish (you wrote part of it)")
    v = transition(session, actor, a, "publish", "published", note or "published")
    a.published_version, a.published_at = v.number, utcnow()
    a.published_by_id, a.published_by_name = actor.id, actor.name
    return v


def set_sensitivity(session, actor: Actor, a: Assessment, level: str) -> None:
    if not (may_edit(actor, a) or actor.can("review")):
        raise Forbidden("only the author, an editor or a reviewer may change the sensitivity")
    old = str(getattr(a.sensitivity, "value", a.sensitivity))
    if old == level:
        return
    for v in versions(session, a):
        v.sensitivity = level
    a.sensitivity = level
    a.updated_at = utcnow()
    session.flush()
    audit(session, actor, "assessment.sensitivity", "assessment", a.id,
          before={"sensitivity": old}, after={"sensitivity": level})


def diff_versions(session, a: Assessment, first: int, second: int) -> dict:
    va, vb = version(session, a, first), version(session, a, second)
    out = diff(snapshot(a, va), snapshot(a, vb))
    return {"assessment_id": a.id, "from": first, "to": second, **out}


def list_assessments(session, actor: Actor, iso3: str | None = None,
                     status: str | None = None) -> list[Assessment]:
    q = select(Assessment).join(Country).order_by(Country.name, Assessment.as_of.desc())
    if iso3:
        q = q.where(Country.iso3 == iso3.upper())
    if status:
        q = q.where(Assessment.status == status)
    if not is_editor(actor):
        q = q.where(Assessment.published_version.is_not(None))
    return list(session.scalars(q))


def published(session, country_id: int | None = None) -> list[dict]:
    """Published snapshots the session may read, oldest assessment date first."""
    q = (select(Assessment, AssessmentVersion)
         .join(AssessmentVersion, (AssessmentVersion.assessment_id == Assessment.id)
               & (AssessmentVersion.number == Assessment.published_version))
         .order_by(Assessment.as_of, Assessment.id))
    if country_id is not None:
        q = q.where(Assessment.country_id == country_id)
    out = []
    for a, v in session.execute(q):
        snap = snapshot(a, v)
        snap["published_at"] = a.published_at.isoformat() if a.published_at else None
        snap["published_by"] = a.published_by_name
        snap["demo"] = a.demo
        snap["country_id"] = a.country_id
        out.append(snap)
    return out


# -- comments and the review queue -------------------------------------------------------------
def working_content(session, a: Assessment) -> dict:
    """The working copy exactly as stored (evidence refs unresolved), for the editor."""
    return copy.deepcopy(_content_of(session, a))


def add_comment(session, actor: Actor, a: Assessment, indicator: str, body: str):
    if not (is_editor(actor) and actor.id is not None):
        raise Forbidden("comments are for signed-in analysts and reviewers")
    body = body.strip()
    if not body:
        raise WorkflowError("the comment is empty")
    if len(body) > 4000:
        raise WorkflowError("a comment is at most 4,000 characters")
    c = AssessmentComment(assessment_id=a.id, indicator=indicator, body=body,
                          author_id=actor.id, author_name=actor.name,
                          sensitivity=a.sensitivity)
    session.add(c)
    session.flush()
    audit(session, actor, "assessment.comment", "assessment", a.id,
          after={"comment": c.id, "indicator": indicator})
    return c


def comments(session, a: Assessment) -> list:
    return list(session.scalars(select(AssessmentComment).where(
        AssessmentComment.assessment_id == a.id).order_by(AssessmentComment.id)))


def review_queue(session) -> list[Assessment]:
    """Assessments waiting for a reviewer, oldest submission first (filtered by clearance)."""
    return list(session.scalars(select(Assessment).where(Assessment.status == "in_review")
                                .order_by(Assessment.updated_at, Assessment.id)))


# -- for other capabilities: the published profile, data-suggestion sources, the wording ------
@dataclass(frozen=True)
class PublishedProfile:
    """A country's latest published assessment as the planner reads it."""

    country: str
    as_of: str
    number: int  # the published version
    demo: bool
    points: dict[str, int]  # risk factor id -> 0 absent / 1 present / 2 serious

    def citation(self) -> str:
        demo = " (demonstration data)" if self.demo else ""
        return (f"Forewarn Framework-of-Analysis assessment of {self.country} as of "
                f"{self.as_of}, published version {self.number}{demo}")


def latest_published_profile(session, iso3: str) -> PublishedProfile | None:
    """The risk-factor levels of ISO3's latest published assessment that the session's
    principal may read (by the documented profile rule), or None."""
    country = session.scalar(select(Country).where(Country.iso3 == iso3))
    snaps = published(session, country.id) if country is not None else []
    if not snaps:
        return None
    snap = snaps[-1]  # ordered by assessment date
    settings = session.info.get("settings")
    framework = catalog.load_framework(getattr(settings, "data_dir", None))
    factors = compute_profile(framework, snap["ratings"])["factors"]
    return PublishedProfile(
        country=snap["country"], as_of=snap["as_of"], number=snap["number"],
        demo=bool(snap.get("demo")),
        points={f["id"]: POINTS[f["level"]] for f in factors if f["level"] in POINTS})


def register_source(name: str, provider: suggest.Provider, table: str = "") -> None:
    """Add a data source the suggestion rules may name (e.g. monitor's hate-speech figures)."""
    suggest.register_source(name, provider, table)


def check_wording(file: Path) -> list[str]:
    """Validate FILE (official Framework wording, same ids) without loading it; return
    warnings. Raises CatalogError (forewarn.data.errors) with the problems."""
    _, warnings = catalog.validate_override(catalog.base_framework(), catalog.read_yaml(file),
                                            str(file))
    return warnings


def load_wording(file: Path, data_dir: Path, actor: str = "command line") -> list[str]:
    """Validate FILE and store it over the packaged paraphrase; return warnings. Raises
    CatalogError and changes nothing for a bad file."""
    return catalog.load_override_file(file, data_dir, actor=actor)


def record_wording_load(session, file: Path) -> None:
    """The audit entry of a wording load (by the command line: SYSTEM)."""
    audit(session, SYSTEM, "catalog.load", "framework_of_analysis", Path(file).name)


def reset_wording(data_dir: Path) -> bool:
    """Back to the packaged paraphrase; True if there was loaded wording."""
    return catalog.reset_override(data_dir)
