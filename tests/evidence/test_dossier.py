"""The situation dossier: every finding cites at least one source, legal determinations
element by element, redaction by role, Markdown and PDF exports (logged in custody), and the
Rohingya demonstration."""

from __future__ import annotations

import json

import pytest

from forewarn.evidence import custody, demo, dossier, export, incidents, sources
from forewarn.evidence.access import ANONYMOUS

RESTRICTED_TEXT = "cross-checked against the satellite imagery"
NOTE_TITLE = "Analysts' working note"


@pytest.fixture
def seeded(session_as, store):
    s = session_as("system")
    sit, created = demo.seed(s, store)
    s.commit()
    assert created and demo.seed(s, store)[1] is False  # idempotent
    return sit.id


def build(session_as, role, sid, settings, recommendations=False):
    from forewarn.evidence.models import Situation

    s = session_as(role) if role != "anonymous" else session_as("viewer")
    reader = ANONYMOUS if role == "anonymous" else s.info["principal"]
    if role == "anonymous":
        s.info["principal"] = ANONYMOUS
    sit = s.get(Situation, sid)
    return s, dossier.build(s, sit, reader, settings, with_recommendations=recommendations)


def test_every_finding_cites_a_source_listed_in_the_dossier(seeded, session_as, evidence_key):
    _, d = build(session_as, "admin", seeded, evidence_key)
    numbers = {e["n"] for e in d["sources"]}
    assert len(d["findings"]) == 9 and len(d["obligations"]["findings"]) == 2
    for f in d["findings"] + d["obligations"]["findings"]:
        assert f["citations"], f["text"]
        assert {c["n"] for c in f["citations"]} <= numbers
    assert [e["n"] for e in d["sources"]] == list(range(1, len(d["sources"]) + 1))
    first = d["findings"][0]
    assert first["text"].startswith("On 25 August 2017") and first["citations"][0]["n"] == 1
    assert d["sources"][0]["title"].startswith("UN Human Rights Council")
    assert any(RESTRICTED_TEXT in f["text"] for f in d["findings"])  # admin reads restricted


def test_legal_determinations_element_by_element_with_standard(seeded, session_as,
                                                                evidence_key):
    _, d = build(session_as, "analyst", seeded, evidence_key)
    assert d["situation"]["standard_of_proof"]["label"] == "Reasonable grounds to believe"
    accepted = {x["crime_id"]: x for x in d["determinations"]}
    assert {"GC-II-a", "RS-7-1-a", "RS-7-1-d", "RS-7-1-h"} <= set(accepted)
    deportation = accepted["RS-7-1-d"]
    kinds = {e["kind"] for e in deportation["elements"]}
    assert kinds == {"material", "mental", "contextual"}
    conduct = deportation["elements"][0]
    assert conduct["status"] == "supported" and conduct["citations"]
    lawful = next(e for e in deportation["elements"] if e["id"] == "RS-7-1-d-E2")
    assert lawful["status"] == "asserted" and not lawful["citations"]
    assert [r["crime_id"] for r in d["rejected"]] == ["RS-8-2-a-i"]
    genocide = accepted["GC-II-a"]
    intent = next(e for e in genocide["elements"] if e["id"] == "GEN-DOLUS-SPECIALIS")
    assert intent["status"] == "supported" and intent["citations"][0]["n"] == 1


def test_redaction_by_role(seeded, session_as, evidence_key):
    _, full = build(session_as, "analyst", seeded, evidence_key)
    for role in ("viewer", "anonymous"):
        _, d = build(session_as, role, seeded, evidence_key)
        blob = json.dumps(d) + export.to_markdown(d)
        assert RESTRICTED_TEXT not in blob and NOTE_TITLE not in blob
        assert d["withheld"]["findings"] == 1
        assert len(d["findings"]) == len(full["findings"]) - 1
        withheld = [e for e in d["sources"] if e["restricted"]]
        assert len(withheld) == 1 and "sha256" not in withheld[0]
        assert "Redacted for this reader" in export.to_markdown(d)
        for f in d["findings"]:
            assert f["citations"]
    assert any(NOTE_TITLE in e["title"] for e in full["sources"])


def test_incident_without_written_findings_gets_a_cited_sentence(session_as, store,
                                                                 evidence_key):
    s = session_as("analyst", "ana")
    src = sources.register_text(s, store, "Convoy attacked at km 40", title="Convoy log",
                                actor="ana", sensitivity="internal").source
    cited = incidents.create_incident(s, {
        "title": "Attack on aid convoy", "date_start": "2023-04-15", "place": "Km 40 road",
        "country": "SDN", "harm_types": ["attack_on_humanitarian_or_medical", "killing"],
        "perpetrators": ["Unknown armed group"], "casualties": {"killed": 3}}, "ana",
        sources=[{"source_id": src.id, "supports": ["conduct"], "locator": "entry 7"}])
    bare = incidents.create_incident(s, {"title": "Rumour", "date_start": "2023-04-16",
                                         "country": "SDN", "harm_types": ["killing"]}, "ana")
    with pytest.raises(incidents.IncidentError, match="at least one source"):
        incidents.add_finding(s, "An unsupported claim.", [], "ana", incident=bare)
    sit = incidents.create_situation(s, {"title": "Darfur 2023", "country": "SDN",
                                         "period_start": "2023-04-01",
                                         "incident_ids": [cited.id, bare.id]}, "ana")
    s.commit()
    d = dossier.build(s, sit, s.info["principal"], evidence_key, with_recommendations=False)
    assert len(d["findings"]) == 1
    f = d["findings"][0]
    assert f["text"] == ("On 15 April 2023 in Km 40 road, Sudan, attack on humanitarian or "
                         "medical workers, killing were documented, attributed to Unknown "
                         "armed group (3 killed).")
    assert f["citations"] == [{"n": 1, "locator": "entry 7", "restricted": False}]
    assert d["withheld"]["uncited_incidents"] == [bare.id]
    pdf = export.to_pdf(d)  # the full demonstration's PDF is exercised by the browser test
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_exports_are_markdown_and_pdf_and_logged_as_exports(seeded, session_as, evidence_key):
    s, d = build(session_as, "analyst", seeded, evidence_key, recommendations=True)
    rec = d["recommendations"]  # the response planner's options, each with its reasons
    assert rec["available"] is True, rec.get("note")
    assert rec["items"] and all(i["reasons"] for i in rec["items"])
    md = export.to_markdown(d)
    assert rec["items"][0]["name"] in md
    for heading in ("## 1. Findings of fact", "## 2. Legal determinations",
                    "## 3. Obligations of the state", "## 4. Recommendations", "## Sources"):
        assert heading in md
    assert "Genocide Convention Art. II(a)" in md and "[1]" in md
    dossier.record_export(s, d, s.info["principal"], "pdf")
    s.commit()
    from forewarn.evidence.models import Source

    ffm = s.get(Source, d["sources"][0]["id"])
    last = custody.events(s, ffm.id)[-1]
    assert last.action == "export" and last.detail == {"dossier": seeded, "format": "pdf",
                                                       "citation_number": 1}
    assert custody.verify(s, sources_store(evidence_key)).ok


def sources_store(settings):
    from forewarn.evidence.storage import BlobStore

    return BlobStore.for_settings(settings)


def test_obligations_come_from_the_treaty_data_when_present(seeded, session_as, evidence_key):
    _, d = build(session_as, "viewer", seeded, evidence_key)
    ob = d["obligations"]
    if not ob["available"]:
        assert "forewarn.respond" in ob["note"]
        return
    treaties = {t["treaty"]: t["party"] for t in ob["treaties"]}
    assert treaties["Convention on the Prevention and Punishment of the Crime of Genocide "
                    "(1948)"] is True
    assert treaties["Rome Statute of the International Criminal Court (1998)"] is False
    assert any(o["court"] == "ICJ" and o["date"] == "2020-01-23" for o in ob["court_orders"])


def test_cli_exports_the_dossier_redacted_for_a_role(seeded, cli_env, tmp_path):
    from typer.testing import CliRunner

    from forewarn.cli import app

    out = tmp_path / "dossier.md"
    r = CliRunner().invoke(app, ["evidence", "dossier", str(seeded), "--role", "anonymous",
                                 "--out", str(out)])
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.startswith("# Attacks on the Rohingya") and RESTRICTED_TEXT not in text
    r = CliRunner().invoke(app, ["evidence", "dossier", "999"])
    assert r.exit_code == 1 and "No situation #999" in r.output


def test_country_page_section_lists_incidents_and_dossiers(seeded, session_as):
    from forewarn.evidence.country import country_evidence

    s = session_as("viewer")
    d = country_evidence(s, {"iso3": "MMR"})
    assert d["incidents_total"] == 3 and d["situations"][0]["link"] == f"/situations/{seeded}"
    assert d["incidents"][0]["date_start"] >= d["incidents"][-1]["date_start"]
    assert all(i["sources"] >= 1 for i in d["incidents"])
    assert country_evidence(s, {"iso3": "SDN"})["incidents_total"] == 0


def test_dossier_obligations_read_the_facts_registry(seeded, session_as, evidence_key):
    """An administrator's audited correction reaches the dossier, every treaty row carries its
    citation and as-of date, and a finding that contradicts a shipped treaty fact is flagged in
    the JSON, HTML and Markdown of the dossier (issue 20, "Done when")."""
    from forewarn.respond import facts

    admin = session_as("admin")
    principal = admin.info["principal"]
    facts.add_fact(admin, principal, kind="treaty_party", iso3="MMR", subject="rome_statute",
                   status="party", citation="Test depositary notification C.N.1.2026",
                   source="corrected")
    facts.add_fact(admin, principal, kind="treaty_party", iso3="MMR", subject="genocide",
                   status="not party", citation="An analyst's source, para. 3")
    admin.commit()
    _, d = build(session_as, "viewer", seeded, evidence_key)
    ob = d["obligations"]
    assert ob["available"], ob["note"]
    rows = {t["id"]: t for t in ob["treaties"]}
    assert rows["rome_statute"]["party"] is True and rows["rome_statute"]["source"] == \
        "corrected" and rows["rome_statute"]["citation"].startswith("Test depositary")
    assert rows["genocide"]["party"] is True  # a finding is flagged, never used instead
    assert all(t["citation"] and t["as_of"] for t in ob["treaties"])
    assert all(o["citation"] and o["as_of"] for o in ob["court_orders"])
    [c] = ob["contradictions"]
    assert c["finding"] == "not party" and c["in_force"] == "party"
    html = export.to_print_html(d)
    md = export.to_markdown(d)
    for text in (html, md):
        assert "Contradicted fact" in text and "An analyst&#39;s source" in text.replace(
            "An analyst's source", "An analyst&#39;s source")
        assert "Test depositary notification C.N.1.2026" in text
