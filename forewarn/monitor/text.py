"""Text normalisation shared by training, classification and de-duplication."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_NUMERIC_ENTITY = re.compile(r"&#\d+;?")
_SPACE = re.compile(r"\s+")
_RT = re.compile(r"\bRT\b")


def normalise(text: str) -> str:
    """The form the classifiers see: URLs and @mentions replaced by placeholders, HTML entities
    decoded, lower case, whitespace collapsed. Placeholders keep 'a tweet at someone' visible
    to the model without learning user names."""
    text = _NUMERIC_ENTITY.sub(" ", text or "")
    text = html.unescape(text)
    text = _URL.sub(" URL ", text)
    text = _MENTION.sub(" @USER ", text)
    text = unicodedata.normalize("NFKC", text)
    return _SPACE.sub(" ", text).strip().lower()


def for_language_detection(text: str) -> str:
    """Strip what carries no language (URLs, mentions, 'RT', hashtag signs, emoji entities)."""
    text = _NUMERIC_ENTITY.sub(" ", text or "")
    text = html.unescape(text)
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = _RT.sub(" ", text).replace("#", " ")
    return _SPACE.sub(" ", text).strip()


def sha256_text(text: str) -> str:
    """Exact-duplicate key: the sha256 of the text with whitespace collapsed (so a re-wrapped
    copy of the same article is still the same document)."""
    canonical = _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def split_passages(text: str, max_chars: int = 600) -> list[str]:
    """Paragraphs, or sentences grouped up to `max_chars`: the unit that gets scored and tagged."""
    out: list[str] = []
    for para in re.split(r"\n\s*\n", text or ""):
        para = _SPACE.sub(" ", para).strip()
        if not para:
            continue
        if len(para) <= max_chars:
            out.append(para)
            continue
        current = ""
        for sentence in re.split(r"(?<=[.!?؟।])\s+", para):
            if current and len(current) + len(sentence) + 1 > max_chars:
                out.append(current)
                current = sentence
            else:
                current = f"{current} {sentence}".strip()
        if current:
            out.append(current)
    return out
