"""Seed the demonstration situation (demo.yaml): sources, incidents, findings with citations,
and decisions on the legal proposals, so a fresh installation shows a complete dossier.
Safe to run again: nothing is added twice."""

from __future__ import annotations

from importlib import resources

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from forewarn.evidence import incidents, legal, sources
from forewarn.evidence.models import Incident, Situation
from forewarn.evidence.storage import BlobStore

ACTOR = "demonstration analyst"


def load() -> dict:
    text = resources.files("forewarn.evidence").joinpath("demo.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def existing(session: Session) -> Situation | None:
    return session.scalar(select(Situation).where(Situation.title == load()["situation"]["title"]))


def seed(session: Session, store: BlobStore, actor: str = ACTOR) -> tuple[Situation, bool]:
    """(the demonstration situation, whether it was created now). SESSION should belong to
    SYSTEM (the demonstration includes restricted material)."""
    found = existing(session)
    if found is not None:
        return found, False
    spec = load()
    src = {}
    for key, s in spec["sources"].items():
        kw = dict(title=s["title"], actor=actor, collector=actor, citation=s["citation"],
                  sensitivity=s["sensitivity"], reliability=s["reliability"],
                  credibility=s["credibility"],
                  description="Paraphrased notes written for the Forewarn demonstration; "
                              "consult the cited document.")
        if s["url"]:
            result = sources.register_url(session, store, s["url"],
                                          data=s["text"].encode("utf-8"), **kw)
        else:
            result = sources.register_text(session, store, s["text"], **kw)
        src[key] = result.source
    sit = incidents.create_situation(session, {**spec["situation"]}, actor)
    for raw in spec["incidents"]:
        data = {k: v for k, v in raw.items() if k not in ("ref", "sources", "findings")}
        data.update(country=spec["situation"]["country"], external_ref=raw["ref"],
                    sensitivity="public")
        links = [{"source_id": src[lk["source"]].id, "supports": lk["supports"],
                  "locator": lk.get("locator", "")} for lk in raw["sources"]]
        inc = session.scalar(select(Incident).where(Incident.external_ref == raw["ref"]))
        if inc is None:
            inc = incidents.create_incident(session, data, actor, sources=links)
            for f in raw["findings"]:
                incidents.add_finding(session, f["text"], [(src[c], "") for c in f["cite"]],
                                      actor, incident=inc, sensitivity=f.get("sensitivity"))
        incidents.add_to_situation(session, sit, [inc], actor)
    for f in spec["obligation_findings"]:
        incidents.add_finding(session, f["text"], [(src[c], "") for c in f["cite"]], actor,
                              situation=sit, section="obligation")
    for crime_id, (decision, reason) in spec["decisions"].items():
        legal.decide(session, crime_id, decision, actor, reason, situation=sit)
    return sit, True
