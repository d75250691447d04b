"""Challenge tokens, language negotiation, translation completeness, duplicate scoring."""

import hashlib
import json
import re
from datetime import UTC, datetime
from importlib import resources

import pytest
from babel.messages.pofile import read_po

from forewarn.reports import challenge, duplicates
from forewarn.reports.i18n import LANGUAGES, negotiate

SECRET = b"k" * 32


def test_proof_of_work_and_arithmetic_answers():
    ch = challenge.issue(SECRET, bits=8, ttl_seconds=60)
    counter = challenge.solve(ch.token, 8)
    assert challenge.check(SECRET, ch.token, counter=str(counter))
    assert challenge.check(SECRET, ch.token, answer=str(sum(ch.question)))
    with pytest.raises(challenge.ChallengeFailed, match="wrong"):
        challenge.check(SECRET, ch.token, answer=str(sum(ch.question) + 1))
    with pytest.raises(challenge.ChallengeFailed, match="answer the security question"):
        challenge.check(SECRET, ch.token)


def test_tampered_foreign_and_expired_tokens_fail():
    ch = challenge.issue(SECRET, bits=8, ttl_seconds=60, now=1000)
    with pytest.raises(challenge.ChallengeFailed, match="expired"):
        challenge.check(SECRET, ch.token, answer="2", now=2000)
    with pytest.raises(challenge.ChallengeFailed, match="invalid"):
        challenge.check(b"other" * 8, ch.token, answer="2", now=1000)
    payload, _, mac = ch.token.partition(".")
    with pytest.raises(challenge.ChallengeFailed, match="invalid"):
        challenge.check(SECRET, payload[:-2] + "AA." + mac, answer="2", now=1000)


def test_answer_is_not_readable_from_the_token():
    ch = challenge.issue(SECRET, bits=8, ttl_seconds=60)
    body = json.loads(challenge._unb64(ch.token.partition(".")[0]))
    answer = str(sum(ch.question))
    # Only nonce, expiry, difficulty and a keyed hash travel; the hash needs the secret.
    assert set(body) == {"n", "e", "b", "a"} and body["b"] == 8
    assert re.fullmatch(r"[0-9a-f]{64}", body["a"])
    unkeyed = {hashlib.sha256(f"{body['n']}{sep}{answer}".encode()).hexdigest()
               for sep in ("", ":", "\x1f")} | {hashlib.sha256(answer.encode()).hexdigest()}
    assert body["a"] not in unkeyed
    assert body["a"] != challenge._mac(b"other" * 8, "answer", body["n"], answer)


@pytest.mark.parametrize("query,header,expected", [
    ("fr", "ar", "fr"), (None, "ar-SD,ar;q=0.9,en;q=0.5", "ar"), (None, "de, es;q=0.8", "es"),
    (None, "de", "en"), ("xx", None, "en"), (None, "en;q=0.1, fr;q=0.9", "fr"),
])
def test_language_negotiation(query, header, expected):
    assert negotiate(query, header).code == expected


def test_arabic_is_right_to_left():
    assert negotiate("ar", None).dir == "rtl" and negotiate("es", None).dir == "ltr"


def _template_msgids() -> set[str]:
    root = resources.files("forewarn.web") / "templates" / "reports"
    ids = set()
    for name in ("form.html", "thanks.html"):
        text = (root / name).read_text(encoding="utf-8")
        ids |= {m.group(2) for m in re.finditer(r"""_\((["'])(.*?)\1\)""", text, re.S)}
    from forewarn.reports.pages import FIELD_MESSAGES

    return ids | set(FIELD_MESSAGES.values())


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated(lang):
    po = resources.files("forewarn.reports") / "locale" / lang / "LC_MESSAGES" / "reports.po"
    with po.open("rb") as f:
        catalog = read_po(f)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    missing = _template_msgids() - translated
    assert not missing, f"{lang}: untranslated {sorted(missing)}"
    for message in catalog:  # the %(name)s fields must survive translation
        if message.id:
            assert set(re.findall(r"%\(\w+\)s", message.id)) == set(
                re.findall(r"%\(\w+\)s", message.string)), message.id


def test_near_duplicates_rank_same_place_time_and_story_first():
    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    a = duplicates.Facts(1, "Armed men burned the market in Tawila and beat traders", "Tawila",
                         13.5, 24.9, when)
    same = duplicates.Facts(2, "The market of Tawila was burned by armed men", "tawila",
                            13.52, 24.88, when.replace(hour=18))
    far = duplicates.Facts(3, "Armed men burned the market", "Goma", -1.68, 29.22, when)
    other = duplicates.Facts(4, "Election rally held peacefully", "Tawila", None, None,
                             datetime(2025, 1, 1, tzinfo=UTC))
    found = duplicates.suggest(a, [a, same, far, other])
    assert [s.report_id for s in found] == [2]
    assert "same day" in found[0].reasons and any("km apart" in r for r in found[0].reasons)
    assert duplicates.compare(a, far).score < duplicates.compare(a, same).score
