"""Draft → in review → published by another user; every version kept; diffs; sensitivity."""

from datetime import date

import pytest

from forewarn.assess import service
from forewarn.assess.ratings import Content

from .conftest import make_actor, open_session

EVIDENCE = [{"title": "UN report", "url": "https://www.ohchr.org/example"}]


def content(**ratings) -> Content:
    """content(RF1_1="serious", ...) with rationale, confidence and evidence filled in."""
    return Content(summary="test", ratings=[
        {"indicator": k.replace("_", "."), "rating": v, "trend": "worsening",
         "confidence": "high", "rationale": f"{k} is {v}", "evidence": EVIDENCE}
        for k, v in ratings.items()])


def start(db, analyst, framework, iso3="SDN", **ratings):
    with open_session(db, analyst) as s, s.begin():
        a = service.create(s, analyst, framework, iso3, date(2024, 6, 1),
                           content(**(ratings or {"RF1_1": "serious"})))
        return a.id


def test_full_workflow_by_two_people(db, framework, analyst, reviewer):
    aid = start(db, analyst, framework, RF1_1="serious")
    with open_session(db, analyst) as s, s.begin():
        a = service.get(s, aid)
        service.save(s, analyst, framework, a,
                     content(RF1_1="serious", RF1_4="present", RF9_1="present"),
                     expected_version=1)
        service.submit(s, analyst, a)
        assert a.status == "in_review"
        with pytest.raises(service.Forbidden):  # the author cannot publish
            service.publish(s, analyst, a)
    with open_session(db, reviewer) as s, s.begin():
        a = service.get(s, aid)
        v = service.publish(s, reviewer, a, "checked the sources")
        assert (a.status, a.published_version, a.published_by_name) == ("published", v.number,
                                                                        "rev")
    with open_session(db, reviewer) as s:
        a = service.get(s, aid)
        kinds = [v.kind for v in service.versions(s, a)]
        assert kinds == ["create", "edit", "submit", "publish"]
        assert service.published(s, a.country_id)[0]["number"] == 4
    from sqlalchemy import select

    from forewarn.security.audit import verify
    from forewarn.security.models import AuditEntry

    with open_session(db) as s:
        trail = s.execute(select(AuditEntry.action, AuditEntry.actor)
                          .where(AuditEntry.target_id == str(aid)).order_by(AuditEntry.seq))
        assert list(trail) == [("assessment.create", "ana"), ("assessment.edit", "ana"),
                               ("assessment.submit", "ana"), ("assessment.publish", "rev")]
        assert verify(s).ok


def _reviewer_who_wrote_content_cannot_publish(db, framework, analyst, reviewer):
    aid = start(db, reviewer, framework)  # the reviewer authored it
    with open_session(db, reviewer) as s, s.begin():
        a = service.get(s, aid)
        service.submit(s, reviewer, a)
        with pytest.raises(service.Forbidden, match="other than the author"):
            service.publish(s, reviewer, a)
    other = make_actor("reviewer", 9, "second-reviewer")
    with open_session(db, other) as s, s.begin():
        service.publish(s, other, service.get(s, aid))


def test_state_rules(db, framework, analyst, analyst2, reviewer):
    aid = start(db, analyst, framework)
    with open_session(db, analyst) as s, s.begin():
        a = service.get(s, aid)
        with pytest.raises(service.WorkflowError):
            service.publish(s, reviewer, a)  # not in review yet
        with pytest.raises(service.Forbidden):
            service.save(s, analyst2, framework, a, content(RF1_1="present"))  # not theirs
        with pytest.raises(service.WorkflowError, match="changed since"):
            service.save(s, analyst, framework, a, content(RF1_1="present"), expected_version=0)
        service.submit(s, analyst, a)
        with pytest.raises(service.WorkflowError, match="in review"):
            service.save(s, analyst, framework, a, content(RF1_1="present"))
    with open_session(db, reviewer) as s, s.begin():
        a = service.get(s, aid)
        service.return_to_draft(s, reviewer, a, "cite a second source")
        assert a.status == "draft"
    with open_session(db, analyst) as s, s.begin(), pytest.raises(service.WorkflowError):
        service.create(s, analyst, framework, "SDN", date(2024, 6, 1))  # same country+date
    # An incomplete draft cannot go to review; every gap is named.
    with open_session(db, analyst) as s, s.begin():
        a = service.create(s, analyst, framework, "MMR", date(2024, 1, 1), Content(ratings=[
            {"indicator": "RF1.1", "rating": "serious"}]))
        with pytest.raises(service.WorkflowError) as err:
            service.submit(s, analyst, a)
    assert {"RF1.1: give a confidence", "RF1.1: give a rationale",
            "RF1.1: link at least one piece of evidence"} <= set(err.value.problems)
    from forewarn.assess.ratings import ContentError

    with open_session(db, analyst) as s, s.begin(), pytest.raises(ContentError, match="RF1.99"):
        service.create(s, analyst, framework, "SDN", date(2024, 1, 1),
                       Content(ratings=[{"indicator": "RF1.99", "rating": "present"}]))


def test_revision_keeps_published_snapshot_and_diff(db, framework, analyst, reviewer):
    aid = start(db, analyst, framework, RF1_1="present", RF2_1="absent")
    with open_session(db, analyst) as s, s.begin():
        service.submit(s, analyst, service.get(s, aid))
    with open_session(db, reviewer) as s, s.begin():
        service.publish(s, reviewer, service.get(s, aid))
    with open_session(db, analyst) as s, s.begin():
        a = service.get(s, aid)
        unchanged = service.save(s, analyst, framework, a, content(RF1_1="present",
                                                                   RF2_1="absent"))
        assert unchanged.number == 3  # identical content adds no version
        service.save(s, analyst, framework, a, content(RF1_1="serious", RF9_1="present"))
        assert (a.status, a.published_version, a.current_version) == ("draft", 3, 4)
        d = service.diff_versions(s, a, 1, 4)
    assert d["changed"] and "status" not in d["fields"]
    changes = {c["indicator"]: c for c in d["ratings"]}
    assert changes["RF1.1"]["fields"]["rating"] == {"from": "present", "to": "serious"}
    assert changes["RF2.1"]["change"] == "removed" and changes["RF9.1"]["change"] == "added"
    with open_session(db, reviewer) as s:
        snap = service.published(s, service.get(s, aid).country_id)[0]
        assert [r["indicator"] for r in snap["ratings"]] == ["RF1.1", "RF2.1"]
        assert service.diff_versions(s, service.get(s, aid), 2, 3)["fields"]["status"] == {
            "from": "in_review", "to": "published"}


def test_sensitivity_hides_from_readers_without_clearance(db, framework, analyst, viewer):
    aid = start(db, analyst, framework)
    with open_session(db, analyst) as s, s.begin():
        service.set_sensitivity(s, analyst, service.get(s, aid), "restricted")
    with open_session(db, viewer) as s:
        with pytest.raises(service.NotFound):
            service.get(s, aid)
        assert service.list_assessments(s, viewer) == []
    with open_session(db, analyst) as s:
        versions = service.versions(s, service.get(s, aid))
        assert {str(v.sensitivity) for v in versions} == {"restricted"}
    # Drafts are for analysts and reviewers: a viewer with clearance still sees none.
    start(db, analyst, framework, "MMR")
    with open_session(db, viewer) as s:
        assert service.list_assessments(s, viewer) == []
    with open_session(db, analyst) as s:
        assert len(service.list_assessments(s, analyst)) == 2



def test_evidence_register_refs_resolve_within_clearance(db, analyst, viewer):
    from forewarn.assess.evidence_link import PAGES
    from forewarn.assess.ratings import resolve_evidence
    from forewarn.evidence.models import Incident
    from forewarn.security.testing import auto_instance

    with open_session(db) as s, s.begin():
        incident = auto_instance(s, Incident, "restricted", "Shelling of the market")
        iid = incident.id
    links = [{"title": "as typed", "url": None, "ref": {"kind": "incident", "id": str(iid)}},
             {"title": "plain", "url": "https://example.org", "ref": None}]
    with open_session(db, analyst) as s:
        shown = resolve_evidence(s, links, analyst)
        assert shown[0]["url"] == PAGES["incident"].format(id=iid)
        assert shown[0]["title"] == "Shelling of the market"
    with open_session(db, viewer) as s:  # no clearance for restricted: withheld
        assert [x["title"] for x in resolve_evidence(s, links, viewer)] == ["plain"]
