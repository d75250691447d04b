"""The shapes of the evidence register's data files (legal_elements.yaml, vocabulary.yaml,
legal_rules.yaml) as pydantic models validated through forewarn.catalog.validation;
evidence/catalog.py checks the ids across files (facts, harm types, crimes) after them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StrictInt

from forewarn.catalog.validation import Shape, Text, Texts

Texts0 = list[Text]   # a list of text that may be empty


# ------------------------------------------------------------------- legal_elements.yaml
class RomeStatuteRefIn(Shape):
    id: Text
    ref: Text
    eoc: Text


class ActIn(Shape):
    id: Text
    ref: Text
    label: Text
    description: Text
    rome_statute: RomeStatuteRefIn | None = None
    rome_statute_counterpart: Text | None = None
    related_foa_indicators: Texts0 = []
    sub_acts: Texts0 = []
    amendment: Text | None = None


class NotedElementIn(Shape):
    id: Text
    description: Text
    source: Text
    notes: Texts0 = []


class ComponentIn(Shape):
    id: Text
    text: Text


class ContextIn(Shape):
    id: Text
    source: Text
    components: Annotated[list[ComponentIn], Field(min_length=1)]
    notes: Texts0 = []
    thresholds: Texts0 = []


class ElementIn(Shape):
    id: Text
    type: Text | None = None
    text: Text


class ExampleIn(Shape):
    crime_id: Text
    title: Text
    source: Text
    material_elements: list[ElementIn]
    mental_elements: list[ElementIn]
    contextual_elements: list[ElementIn]
    notes: Texts0 = []


class GroupIn(Shape):
    id: Text
    label: Text


class GenocideIn(Shape):
    sources: Texts
    protected_groups: list[GroupIn]
    protected_groups_note: Text | None = None
    special_intent: NotedElementIn
    contextual_element_eoc: NotedElementIn
    acts: Annotated[list[ActIn], Field(min_length=1)]
    punishable_acts_art_III: list[ActIn]
    elements_examples: list[ExampleIn] = []


class HumanityIn(Shape):
    sources: Texts
    contextual_element: ContextIn
    acts: Annotated[list[ActIn], Field(min_length=1)]
    elements_examples: list[ExampleIn] = []


class CategoryIn(Shape):
    id: Text
    ref: Text
    label: Text
    conflict_type: Literal["international", "non-international"]
    scope_note: Text | None = None
    acts: Annotated[list[ActIn], Field(min_length=1)]


class AmendmentIn(Shape):
    refs: Texts
    label: Text
    source: Text
    confirmed: StrictBool = False


class WarCrimesIn(Shape):
    sources: Texts
    contextual_element: ContextIn
    categories: Annotated[list[CategoryIn], Field(min_length=1)]
    later_amendments_not_in_source_text: list[AmendmentIn] = []
    elements_examples: list[ExampleIn] = []


class CrimesIn(Shape):
    genocide: GenocideIn
    crimes_against_humanity: HumanityIn
    war_crimes: WarCrimesIn
    ethnic_cleansing: dict[str, Any]


class LegalElementsIn(Shape):
    meta: dict[str, Any]
    crimes: CrimesIn


# ----------------------------------------------------------------------- vocabulary.yaml
class TermIn(Shape):
    id: Text
    label: Text
    description: Text | None = None
    note: Text | None = None


class CharacteristicIn(TermIn):
    genocide_protected: StrictBool


class ContextFactIn(TermIn):
    values: Texts0 = []


class VocabularyIn(Shape):
    harm_types: Annotated[list[TermIn], Field(min_length=1)]
    protected_characteristics: Annotated[list[CharacteristicIn], Field(min_length=1)]
    casualty_categories: Annotated[list[TermIn], Field(min_length=1)]
    context_facts: Annotated[list[ContextFactIn], Field(min_length=1)]
    reliability: dict[str, Text]
    credibility: dict[str, Text]
    standards_of_proof: Annotated[list[TermIn], Field(min_length=1)]


# ---------------------------------------------------------------------- legal_rules.yaml
class DerivedFactIn(Shape):
    label: Text
    inferred_from: Texts0 = []
    from_: Text | None = Field(None, alias="from")
    characteristics: Text | None = None
    category: Text | None = None
    at_least: StrictInt | None = None


class RuleElementIn(Shape):
    fact: Text
    type: Text | None = None
    catalogue: Text | None = None
    suffix: Text | None = None
    text: Text | None = None
    kind: Literal["material", "mental", "contextual"] | None = None


class FamilyIn(Shape):
    label: Text
    requires: Texts0 = []
    not_if_false: Texts0 = []
    match_conflict: StrictBool = False
    material: list[RuleElementIn]
    mental: list[RuleElementIn]
    contextual: list[RuleElementIn]


class CrimeRuleIn(Shape):
    id: Text
    harm: Texts0
    reason: Text
    requires: Texts0 = []
    omit_facts: Texts0 = []
    extra: list[RuleElementIn] = []


class SetInferenceIn(Shape):
    min_incidents: StrictInt
    note: Text


class LegalRulesIn(Shape):
    derived_facts: dict[str, DerivedFactIn]
    situation_wide_facts: Texts0 = []
    set_inference: dict[str, SetInferenceIn] = {}
    families: dict[str, FamilyIn]
    element_facts: dict[str, Text]
    crimes: Annotated[list[CrimeRuleIn], Field(min_length=1)]
