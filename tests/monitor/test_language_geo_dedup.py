"""Language detection, country attribution, near-duplicate signatures, risk-factor tags."""

from __future__ import annotations

import pytest

from forewarn.monitor import dedup, geo, riskfactors
from forewarn.monitor.language import detect
from forewarn.monitor.text import sha256_text, split_passages


@pytest.mark.parametrize("text,lang", [
    ("The village elders met the district commissioner to discuss the water supply.", "en"),
    ("Les habitants du quartier ont manifesté devant la mairie pour réclamer de l'eau.", "fr"),
    ("اجتمع شيوخ القرية مع المحافظ لمناقشة إمدادات المياه", "ar"),
    ("Los vecinos protestaron frente al ayuntamiento para exigir agua potable.", "es"),
    ("RT @someone: the elders met the commissioner today http://t.co/x #water", "en"),
])
def test_language_detection(text, lang):
    found = detect(text)
    assert found.language == lang and 0 < found.confidence <= 1


def test_text_without_letters_has_no_language():
    assert detect("12345 !!! http://x.org @user").language is None


def test_country_from_metadata_beats_mentions():
    a = geo.attribute("Clashes in Khartoum and across Darfur", metadata_iso3="tcd")
    assert (a.iso3, a.method) == ("TCD", "metadata") and a.mentions == {"SDN": 2}


@pytest.mark.parametrize("text,iso3", [
    ("Rohingya families fled Rakhine after the army moved in.", "MMR"),
    ("Des combats ont éclaté près de Goma, selon des sources congolaises à Kinshasa.", "COD"),
    ("Ukrainian officials in Kyiv said shelling continued.", "UKR"),
    ("اشتباكات عنيفة في الخرطوم", "SDN"),
])
def test_country_from_capitals_demonyms_and_names(text, iso3):
    a = geo.attribute(text)
    assert (a.iso3, a.method) == (iso3, "mentions")


def test_ambiguous_or_absent_mentions_attribute_nothing():
    assert geo.attribute("We took the car to see us at the park.").iso3 is None
    assert geo.attribute("Talks between Kenya and Uganda ended.").iso3 is None  # a tie


def test_exact_duplicate_key_ignores_whitespace_only():
    assert sha256_text("a  b\nc") == sha256_text("a b c")
    assert sha256_text("a b c") != sha256_text("a b d")


def test_minhash_finds_near_duplicates_and_not_unrelated_texts():
    a = ("Armed men attacked the village of Kutum in North Darfur on Tuesday, killing at least "
         "twelve civilians and burning dozens of homes, local officials said.")
    b = a.replace("twelve", "thirteen") + " Reuters"
    c = ("The central bank raised interest rates by half a point on Thursday, citing "
         "persistent inflation in food and fuel prices across the region.")
    sa, sb, sc = dedup.signature(a), dedup.signature(b), dedup.signature(c)
    assert dedup.similarity(sa, sb) >= dedup.THRESHOLD
    assert set(dedup.bands(sa)) & set(dedup.bands(sb))
    assert dedup.similarity(sa, sc) < 0.2 and not set(dedup.bands(sa)) & set(dedup.bands(sc))


def test_passages_split_on_paragraphs_and_long_sentences():
    text = "First para.\n\nSecond para is here.\n\n" + "Sentence number one. " * 60
    parts = split_passages(text, max_chars=200)
    assert parts[:2] == ["First para.", "Second para is here."]
    assert all(len(p) <= 200 for p in parts[2:]) and len(parts) > 4


def test_risk_factor_tags_carry_score_cues_and_passage():
    passage = "Militias torched the villages and razed the mosque after the families fled."
    tags = riskfactors.tag(passage)
    ids = [t["indicator"] for t in tags]
    assert ids[0] == "RF10.8"
    assert tags[0]["cues"] == ["razed", "torched"] and tags[0]["passage"] == passage
    assert all(t["score"] >= riskfactors.MIN_SCORE for t in tags)
    assert tags[0]["indicator_text"]  # wording from the Framework-of-Analysis catalogue
    assert riskfactors.tag("The weather was mild and the harvest good this year.") == []


def test_classifier_scores_feed_linked_indicators():
    tags = riskfactors.tag("You know what to do with them tonight.", {"incitement": 0.9})
    assert {"RF13.7", "RF8.7", "RF10.1"} <= {t["indicator"] for t in tags}
