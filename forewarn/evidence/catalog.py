"""The evidence register's data files, loaded and cross-checked once.

- forewarn/catalog/legal_elements.yaml: crimes and their elements (a paraphrase of the Genocide
  Convention, the Rome Statute and the ICC Elements of Crimes; see its `meta` and the
  `confirmed` flags, which every proposal carries).
- vocabulary.yaml: harm types, protected characteristics, casualty categories, context facts,
  grading scales and standards of proof.
- legal_rules.yaml: which harm types point to which crimes, and which fact each element needs.

A mistake in any of them is a CatalogError (a DataError) naming the file, the entry and the
field: each file's shape is a pydantic model (evidence/catalog_shapes.py); the ids across
files are checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from forewarn.catalog.validation import fail, validate
from forewarn.data.errors import DataError
from forewarn.evidence.catalog_shapes import LegalElementsIn, LegalRulesIn, VocabularyIn

CATALOGUE_FILE = "legal_elements.yaml"
PROVENANCE = ("Paraphrase of the Genocide Convention (1948) Arts II-III, the Rome Statute "
              "Arts 6, 7, 8 and the ICC Elements of Crimes (2011), checked against the treaty "
              "texts except where marked unconfirmed (the 2017/2019 war-crimes amendments and "
              "the working definition of ethnic cleansing). Not treaty text: consult the "
              "official texts for legal use.")
LABELS = {"acts": "act", "punishable_acts_art_III": "act", "categories": "category",
          "elements_examples": "elements example", "components": "component",
          "later_amendments_not_in_source_text": "amendment"}
_AMENDMENT_REF = re.compile(r"8\(2\)\(([a-e])\)\(([ivxl]+)\)")


def _read(package: str, name: str) -> dict:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(name, f"not valid YAML ({exc})") from None


@dataclass(frozen=True)
class Crime:
    id: str
    ref: str
    label: str
    description: str
    family: str
    confirmed: bool = True
    conflict_type: str | None = None   # war crimes: international | non-international
    category: str | None = None        # war crimes: RS-8-2-a ... RS-8-2-e
    rome_statute: str | None = None    # genocide acts: the RS Art. 6 id
    note: str = ""
    sources: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"id": self.id, "ref": self.ref, "label": self.label,
                "description": self.description, "family": self.family,
                "confirmed": self.confirmed, "conflict_type": self.conflict_type,
                "rome_statute": self.rome_statute, "note": self.note}


@dataclass
class Catalogue:
    meta: dict
    crimes: dict[str, Crime]
    components: dict[str, str]            # GEN-CTX, RS-7-CTX-ws, ... → text
    examples: dict[str, dict]             # RS crime id → elements_examples entry
    ethnic_cleansing: dict
    sources: dict[str, list[str]] = field(default_factory=dict)

    def example_for(self, crime: Crime) -> dict | None:
        return self.examples.get(crime.rome_statute or crime.id)


def _acts(family: str, acts: list[dict], sources: list[str], **extra) -> dict[str, Crime]:
    out = {}
    for a in acts:
        rs = a.get("rome_statute") or {}
        out[a["id"]] = Crime(a["id"], a["ref"], a["label"], a["description"], family,
                             rome_statute=rs.get("id"), note=a.get("amendment", ""),
                             sources=tuple(sources), **extra)
    return out


def parse_catalogue(data: dict, file: str = CATALOGUE_FILE) -> Catalogue:
    shape = validate(LegalElementsIn, data, file, labels=LABELS)
    fam = shape.crimes
    seen: set[str] = set()   # every act once across the families (a later one would replace it)
    for act in [*fam.genocide.acts, *fam.genocide.punishable_acts_art_III,
                *fam.crimes_against_humanity.acts, *(a for cat in fam.war_crimes.categories
                                                     for a in cat.acts)]:
        if act.id in seen:
            fail(file, f"act '{act.id}'", "id", "duplicate crime id")
        seen.add(act.id)
    crimes_raw = data["crimes"]
    gen, cah, wc = (crimes_raw["genocide"], crimes_raw["crimes_against_humanity"],
                    crimes_raw["war_crimes"])
    crimes: dict[str, Crime] = {}
    crimes |= _acts("genocide", gen["acts"] + gen["punishable_acts_art_III"], gen["sources"])
    crimes |= _acts("crimes_against_humanity", cah["acts"], cah["sources"])
    for cat in wc["categories"]:
        crimes |= _acts("war_crimes", cat["acts"], wc["sources"],
                        conflict_type=cat["conflict_type"], category=cat["id"])
    for later in wc.get("later_amendments_not_in_source_text", []):
        for ref in later["refs"]:
            for letter, roman in _AMENDMENT_REF.findall(ref):
                cid = f"RS-8-2-{letter}-{roman}"
                crimes[cid] = Crime(
                    cid, f"RS Art. 8(2)({letter})({roman})", later["label"], later["label"],
                    "war_crimes", confirmed=bool(later.get("confirmed", False)),
                    conflict_type="international" if letter in "ab" else "non-international",
                    category=f"RS-8-2-{letter}", note=later.get("source", ""),
                    sources=tuple(wc["sources"]))
    components = {gen["special_intent"]["id"]: gen["special_intent"]["description"],
                  gen["contextual_element_eoc"]["id"]:
                      gen["contextual_element_eoc"]["description"]}
    for block in (cah["contextual_element"], wc["contextual_element"]):
        components |= {c["id"]: c["text"] for c in block["components"]}
    examples = {e["crime_id"]: e for fam in (gen, cah, wc)
                for e in fam.get("elements_examples", [])}
    sources = {"genocide": gen["sources"], "crimes_against_humanity": cah["sources"],
               "war_crimes": wc["sources"]}
    for cid in examples:
        if cid not in crimes and cid not in {c.rome_statute for c in crimes.values()}:
            fail(file, f"elements example '{cid}'", "crime_id", "not a crime in the file")
    return Catalogue(data["meta"], crimes, components, examples,
                     crimes_raw["ethnic_cleansing"], sources)


@lru_cache
def catalogue() -> Catalogue:
    return parse_catalogue(_read("forewarn.catalog", CATALOGUE_FILE))


@lru_cache
def vocabulary() -> dict[str, Any]:
    v = _read("forewarn.evidence", "vocabulary.yaml")
    shape = validate(VocabularyIn, v, "vocabulary.yaml")
    for name in ("harm_types", "protected_characteristics", "casualty_categories",
                 "context_facts", "standards_of_proof"):
        ids = [t.id for t in getattr(shape, name)]
        for dup in {i for i in ids if ids.count(i) > 1}:
            fail("vocabulary.yaml", f"{name} '{dup}'", "id", "listed twice")
    v["harm_ids"] = [h["id"] for h in v["harm_types"]]
    v["harm_labels"] = {h["id"]: h["label"] for h in v["harm_types"]}
    v["characteristic_ids"] = [c["id"] for c in v["protected_characteristics"]]
    v["genocide_protected"] = [c["id"] for c in v["protected_characteristics"]
                               if c["genocide_protected"]]
    v["casualty_ids"] = [c["id"] for c in v["casualty_categories"]]
    v["fact_ids"] = [f["id"] for f in v["context_facts"]]
    v["fact_labels"] = {f["id"]: f["label"] for f in v["context_facts"]}
    v["standard_ids"] = [s["id"] for s in v["standards_of_proof"]]
    v["standard_labels"] = {s["id"]: s["label"] for s in v["standards_of_proof"]}
    return v


def check_rules(rules: dict, cat: Catalogue, vocab: dict, file: str = "legal_rules.yaml"):
    """Every id the rules use must exist in the catalogue and the vocabulary."""
    validate(LegalRulesIn, rules, file, labels={"crimes": "crime rule"})
    facts = set(vocab["fact_ids"]) | set(rules["derived_facts"])

    def fact(value, where, field="fact"):
        if value not in facts:
            fail(file, where, field, f"unknown fact '{value}'")

    for name, d in rules["derived_facts"].items():
        for f in d.get("inferred_from", []):
            fact(f, f"derived fact '{name}'", "inferred_from")
    for name, fam in rules["families"].items():
        for f in fam.get("requires", []) + fam.get("not_if_false", []):
            fact(f, f"family '{name}'", "requires/not_if_false")
        for kind in ("material", "mental", "contextual"):
            for n, el in enumerate(fam[kind], start=1):
                fact(el["fact"], f"family '{name}', {kind} element #{n}")
                if "catalogue" in el and el["catalogue"] not in cat.components:
                    fail(file, f"family '{name}', {kind} element #{n}", "catalogue",
                         f"no catalogue element '{el['catalogue']}'")
    for eid, f in rules["element_facts"].items():
        fact(f, "element_facts", eid)
    seen = set()
    for r in rules["crimes"]:
        where = f"crime rule '{r['id']}'"
        if r["id"] not in cat.crimes:
            fail(file, where, "id", f"'{r['id']}' is not in {CATALOGUE_FILE}")
        if r["id"] in seen:
            fail(file, where, "id", "listed twice")
        seen.add(r["id"])
        for h in r.get("harm", []):
            if h not in vocab["harm_ids"]:
                fail(file, where, "harm", f"unknown harm type '{h}'")
        for f in r.get("requires", []):
            fact(f, where, "requires")
        for el in r.get("extra", []):
            fact(el["fact"], where, "extra")
    for ex in cat.examples.values():
        for kind in ("material_elements", "mental_elements", "contextual_elements"):
            for el in ex.get(kind, []):
                if el["id"] not in rules["element_facts"]:
                    fail(file, "element_facts", el["id"],
                         f"no fact for catalogue element '{el['id']}'")
    return rules


@lru_cache
def rules() -> dict:
    return check_rules(_read("forewarn.evidence", "legal_rules.yaml"), catalogue(),
                       vocabulary())
