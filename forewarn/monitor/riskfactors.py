"""Tag passages with the Framework-of-Analysis indicators they bear on.

For each indicator in forewarn/catalog/monitor_risk_factor_cues.yaml a passage gets three
evidence components, each in [0, 1]:
- cues: 0.6 for one matching cue, 0.8 for two, 1.0 for three or more;
- similarity: character n-gram TF-IDF cosine to the indicator's wording and examples, as
  min(1, 2 x cosine) (a cosine of 0.5 already means a close paraphrase);
- classifier: the passage's linked classifier score (e.g. incitement for RF13.7), if any.
score = max(classifier, 0.7 x cues + 0.3 x similarity). A tag is kept at score >= 0.5,
so a single cue alone (0.42) is not enough: it needs similar wording or a second cue. Every tag
carries its score, the matched cues and the passage.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer

from forewarn.monitor.catalog_shapes import risk_factor_cues

MIN_SCORE = 0.5


@dataclass(frozen=True)
class Indicator:
    id: str
    risk_factor: str
    text: str
    confirmed: bool
    cues: re.Pattern | None
    examples: tuple[str, ...]
    classifier: tuple[str, ...]


def _foa_texts() -> dict[str, tuple[str, bool]]:
    path = resources.files("forewarn.catalog").joinpath("framework_of_analysis.yaml")
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8"))
    return {i["id"]: (i["text"], bool(i.get("confirmed")))
            for rf in data.get("risk_factors", []) for i in rf.get("indicators", [])}


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    spec = risk_factor_cues()["indicators"]
    foa = _foa_texts()
    out = []
    for ind_id, s in spec.items():
        cues = s.get("cues", [])
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(c) for c in cues) + ")",
                             re.IGNORECASE) if cues else None
        text, confirmed = foa.get(ind_id, ("", False))
        out.append(Indicator(ind_id, ind_id.split(".")[0], text, confirmed, pattern,
                             tuple(s.get("examples", [])), tuple(s.get("classifier", []))))
    return tuple(out)


@lru_cache(maxsize=1)
def _similarity_model():
    inds = indicators()
    docs, owner = [], []
    for k, ind in enumerate(inds):
        for d in (ind.text, *ind.examples):
            if d:
                docs.append(d)
                owner.append(k)
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    M = vec.fit_transform(docs)
    return vec, M, np.array(owner)


def tag(passage: str, scores: dict | None = None) -> list[dict]:
    """Indicator tags for one passage, best first. `scores`: its classifier scores."""
    scores = scores or {}
    inds = indicators()
    vec, M, owner = _similarity_model()
    cos = (M @ vec.transform([passage]).T).toarray().ravel()
    best_sim = np.zeros(len(inds))
    np.maximum.at(best_sim, owner, cos)
    tags = []
    for k, ind in enumerate(inds):
        hits = sorted({m.group(0).lower() for m in ind.cues.finditer(passage)}) \
            if ind.cues else []
        cue = 0.0 if not hits else min(1.0, 0.4 + 0.2 * len(hits))
        sim = min(1.0, 2 * float(best_sim[k]))
        linked = [scores[c] for c in ind.classifier if scores.get(c) is not None]
        score = max(max(linked, default=0.0), 0.7 * cue + 0.3 * sim)
        if score >= MIN_SCORE:
            tags.append({"indicator": ind.id, "risk_factor": ind.risk_factor,
                         "score": round(score, 3), "cues": hits,
                         "indicator_text": ind.text, "confirmed": ind.confirmed,
                         "passage": passage})
    return sorted(tags, key=lambda t: -t["score"])


@lru_cache(maxsize=1)
def risk_factor_titles() -> dict[str, str]:
    """RF id → its (paraphrased) title in the Framework-of-Analysis catalogue."""
    path = resources.files("forewarn.catalog").joinpath("framework_of_analysis.yaml")
    data = yaml.safe_load(path.read_text("utf-8")) if path.is_file() else {}
    return {rf["id"]: rf.get("title", "") for rf in data.get("risk_factors", [])}


def describe(code: str) -> str:
    """'RF10', 'rf:RF10' or 'RF10.2' → 'RF10 Intent to destroy…' (the code alone if unknown)."""
    rf = code.split(":", 1)[-1].split(".")[0]
    title = risk_factor_titles().get(rf)
    return f"{code.split(':', 1)[-1]} {title}" if title else code


def signal_label(signal: str) -> str:
    """A signal as people read it: 'rf:RF9' → 'RF9 Intent to destroy …', 'gdelt:threats' →
    'GDELT events: threats', scores unchanged."""
    if signal.startswith("rf:"):
        return describe(signal)
    if signal.startswith("gdelt:"):
        return f"GDELT events: {signal.split(':', 1)[1].replace('_', ' ')}"
    return signal
