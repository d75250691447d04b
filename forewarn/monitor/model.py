"""The monitor classifier: shared features, one head per labelled set, combined into the four
product scores (hateful, offensive, incitement, dehumanising), a label and a target group.

Saved as versioned files under `settings.artifacts_dir / "monitor"`; loading checks the file's
sha256 against its model card before unpickling and never touches the network.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import joblib
import numpy as np
import yaml

from forewarn.monitor.catalog_shapes import risk_factor_cues
from forewarn.monitor.heads import NBLogitHead, TextFeatures
from forewarn.monitor.language import detect_many
from forewarn.monitor.riskfactors import describe
from forewarn.store.files import sha256_file

SCORES = ("hateful", "offensive", "incitement", "dehumanising")
MODEL_FILE = "classifier.joblib"
CARD_FILE = "card.json"


class ModelNotFound(RuntimeError):
    pass


@dataclass
class Head:
    name: str
    language: str
    outputs: tuple[str, ...]
    estimator: NBLogitHead
    # The head's own feature space (e.g. Davidson's word + char TF-IDF); None: the shared one.
    features: object | None = None


@lru_cache
def _yaml(name: str) -> dict:
    return yaml.safe_load(resources.files("forewarn.monitor").joinpath(name).read_text("utf-8"))


def scoring_spec() -> dict:
    return _yaml("scoring.yaml")


@lru_cache
def _dehumanising_patterns() -> dict[str, list[tuple[float, re.Pattern]]]:
    out = {}
    for lang, groups in _yaml("dehumanising.yaml").items():
        out[lang] = [(weight, re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in terms)
                                         + r")", re.IGNORECASE))
                     for weight, terms in ((1.0, groups.get("strong", [])),
                                           (0.6, groups.get("weak", []))) if terms]
    return out


def dehumanising_terms(text: str, language: str) -> tuple[float, list[str]]:
    """The strongest matching term weight and every matched term."""
    best, found = 0.0, []
    for weight, pattern in _dehumanising_patterns().get(language, []):
        hits = [m.group(0) for m in pattern.finditer(text)]
        if hits:
            best = max(best, weight)
            found += hits
    return best, found


@lru_cache
def _threat_patterns() -> dict[str, list[tuple[float, re.Pattern]]]:
    spec = _yaml("threats.yaml")
    weights = spec.get("weights", {})
    return {lang: [(float(weights.get(kind, 0.8)), re.compile("|".join(f"(?:{p})" for p in pats),
                                                               re.IGNORECASE))
                   for kind, pats in groups.items() if pats]
            for lang, groups in spec.items() if lang != "weights"}


def threat_spans(text: str, language: str) -> tuple[float, list[dict]]:
    """The strongest threat/call-to-violence weight in TEXT and the matched spans."""
    best, spans = 0.0, []
    for weight, pattern in _threat_patterns().get(language, []):
        for m in pattern.finditer(text):
            best = max(best, weight)
            spans.append({"kind": "threat", "start": m.start(), "end": m.end(),
                          "text": m.group(0)})
    return best, spans


@lru_cache
def _counter_patterns() -> dict[str, re.Pattern]:
    spec = _yaml("counter_speech.yaml")
    return {lang: re.compile("|".join(f"(?:{p})" for kind in groups.values() for p in kind),
                             re.IGNORECASE)
            for lang, groups in spec.items() if isinstance(groups, dict)}


def counter_speech_spans(text: str, language: str) -> tuple[float, list[dict]]:
    """(the factor applied to hate scores, matched spans) for counter-speech or negated hate."""
    pattern = _counter_patterns().get(language)
    spans = [{"kind": "counter_speech", "start": m.start(), "end": m.end(), "text": m.group(0)}
             for m in pattern.finditer(text)] if pattern else []
    return (float(_yaml("counter_speech.yaml").get("factor", 0.4)) if spans else 1.0), spans


def term_spans(text: str, terms: list[str], kind: str) -> list[dict]:
    out, seen = [], set()
    for t in terms:
        for m in re.finditer(re.escape(t), text):
            if m.start() not in seen:
                seen.add(m.start())
                out.append({"kind": kind, "start": m.start(), "end": m.end(), "text": t})
    return out


@lru_cache
def _score_indicators() -> dict[str, list[str]]:
    """score name → the Framework indicators the risk-factor catalogue links it to."""
    spec = risk_factor_cues()["indicators"]
    out: dict[str, list[str]] = {}
    for ind, s in spec.items():
        for score in s.get("classifier", []):
            out.setdefault(score, []).append(ind)
    return out


def risk_factors_of(row: dict) -> list[dict]:
    """The indicators (catalogue-linked) of every score at or above 0.5, with names."""
    out = []
    for score in ("incitement", "dehumanising", "hateful"):
        if row.get(score) is not None and row[score] >= 0.5:
            for ind in _score_indicators().get(score, []):
                out.append({"indicator": ind, "risk_factor": ind.split(".")[0],
                            "label": describe(ind), "because": score})
    return out


class MonitorClassifier:
    """A scikit-learn-style container: fit is done by `forewarn.monitor.train`."""

    def __init__(self, features: TextFeatures, heads: list[Head], meta: dict | None = None):
        self.features, self.heads, self.meta = features, {h.name: h for h in heads}, meta or {}

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages whose `hateful` score has a trained head (a model trained on permissive
        sets only, or an older model, may lack some of scoring.yaml's heads)."""
        return tuple(lang for lang, spec in scoring_spec()["languages"].items()
                     if any(self._term_heads_present(t) for t in spec.get("hateful", [])))

    def no_model_reason(self, language: str | None) -> str:
        if language is None:
            return "language not detected (too little text)"
        if language in scoring_spec()["languages"]:
            return (f"no training set for '{language}' in this model (e.g. trained with "
                    "--permissive-only)")
        return f"no training data for language '{language}'"

    def _term_heads_present(self, term: list[str]) -> bool:
        """A term (the max of its heads) counts when any of its heads was trained."""
        return any(ref.lstrip("!").split(":")[0] in self.heads for ref in term)

    def head_input(self, name: str, texts: list[str], shared=None):
        """The feature matrix head `name` reads (`shared`: the shared features, if computed)."""
        own = getattr(self.heads[name], "features", None)
        if own is not None:
            return own.transform(texts)
        return shared if shared is not None else self.features.transform(texts)

    def head_scores(self, texts: list[str]) -> dict[str, np.ndarray]:
        out = {}
        shared = self.features.transform(texts)
        for head in self.heads.values():
            S = head.estimator.scores(self.head_input(head.name, texts, shared))
            for j, name in enumerate(head.outputs):
                out[f"{head.name}:{name}"] = S[:, j]
        return out

    def score(self, texts: list[str], languages: list[str | None] | None = None,
              confidences: list[float] | None = None) -> list[dict]:
        """One dict per text. `languages` (ISO 639-1) skips detection where given."""
        if languages is None:
            found = detect_many(texts)
            languages = [d.language for d in found]
            confidences = [d.confidence for d in found]
        confidences = confidences or [None] * len(texts)
        spec = scoring_spec()
        supported = set(self.languages)
        idx = [i for i, lang in enumerate(languages) if lang in supported]
        heads = self.head_scores([texts[i] for i in idx]) if idx else {}
        rows = []
        for i in range(len(texts)):
            lang = languages[i]
            row = {"language": lang, "language_confidence": confidences[i],
                   **{s: None for s in SCORES}, "label": None, "target_group": None,
                   "threat": None, "counter_speech": None, "dehumanising_terms": [],
                   "evidence": [],
                   "risk_factors": [], "supported": lang in supported,
                   "no_training_data": [] if lang in supported else list(SCORES),
                   "null_reason": None if lang in supported else self.no_model_reason(lang)}
            rows.append(row)
        for k, i in enumerate(idx):
            self._fill(rows[i], texts[i], k, heads, spec)
        return rows

    def _fill(self, row: dict, text: str, k: int, heads: dict, spec: dict) -> None:
        lang = row["language"]
        for score, terms in spec["languages"][lang].items():
            vals = []
            for term in terms:
                if not self._term_heads_present(term):
                    continue
                parts = [1 - heads[r[1:]][k] if r.startswith("!") else heads[r][k]
                         for r in term if r.lstrip("!") in heads]
                parts = [p for p in parts if not np.isnan(p)]
                if parts:
                    vals.append(max(parts))
            row[score] = round(float(np.clip(np.mean(vals), 0, 1)), 4) if vals else None
        weight, found = dehumanising_terms(text, lang)
        base = max(row["hateful"] or 0.0, row["offensive"] or 0.0)
        row["dehumanising"] = round(weight * base, 4) if _dehumanising_patterns().get(lang) \
            else None
        row["dehumanising_terms"] = found
        threat, spans = threat_spans(text, lang)
        if _threat_patterns().get(lang):
            row["threat"] = threat
            row["incitement"] = round(max(row["incitement"] or 0.0, threat), 4)
        factor, counter = counter_speech_spans(text, lang)
        row["counter_speech"] = bool(counter) if _counter_patterns().get(lang) else None
        if counter:  # quoted or denied hate: lowered, not erased (see counter_speech.yaml)
            for name in ("hateful", "dehumanising", "incitement"):
                if row[name] is not None:
                    row[name] = round(row[name] * factor, 4)
        row["evidence"] = spans + term_spans(text, found, "dehumanising") + counter
        row["no_training_data"] = [s for s in SCORES if row[s] is None]
        row["label"] = label_of(row)
        row["risk_factors"] = risk_factors_of(row)
        group_head = self.heads.get(spec["target_group_head"])
        if group_head is not None and row["label"] != "neither":
            probs = [heads[f"{group_head.name}:{g}"][k] for g in group_head.outputs]
            best = int(np.argmax(probs))
            if group_head.outputs[best] != "none" and probs[best] >= spec[
                    "target_group_min_score"]:
                row["target_group"] = group_head.outputs[best]


def label_of(row: dict) -> str:
    """The most severe score at or above 0.5, in order incitement > dehumanising > hateful >
    offensive; otherwise 'neither'."""
    for name in ("incitement", "dehumanising", "hateful", "offensive"):
        if row.get(name) is not None and row[name] >= 0.5:
            return name
    return "neither"




def save(model: MonitorClassifier, root: Path, version: str, latest: bool = True) -> Path:
    """Write `root/version/` (model + card) and (unless LATEST=False) point `root/LATEST`
    at it."""
    target = Path(root) / version
    target.mkdir(parents=True, exist_ok=False)
    joblib.dump(model, target / MODEL_FILE, compress=3)
    card = {**model.meta, "version": version, "sha256": sha256_file(target / MODEL_FILE)}
    (target / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True), "utf-8")
    if latest:
        (Path(root) / "LATEST").write_text(version + "\n", "utf-8")
    return target


def versions(root: Path) -> list[str]:
    root = Path(root)
    return sorted(p.name for p in root.iterdir() if (p / CARD_FILE).exists()) \
        if root.exists() else []


def load(root: Path, version: str | None = None) -> MonitorClassifier:
    root = Path(root)
    if version is None:
        latest = root / "LATEST"
        if not latest.exists():
            raise ModelNotFound(f"no trained monitor model in {root}; run "
                                "`forewarn monitor train`")
        version = latest.read_text("utf-8").strip()
    folder = root / version
    if not (folder / CARD_FILE).exists():
        raise ModelNotFound(f"monitor model version '{version}' not found in {root} "
                            f"(have: {', '.join(versions(root)) or 'none'})")
    card = json.loads((folder / CARD_FILE).read_text("utf-8"))
    if sha256_file(folder / MODEL_FILE) != card["sha256"]:
        raise ModelNotFound(f"{folder / MODEL_FILE} does not match its card's sha256; retrain")
    model = joblib.load(folder / MODEL_FILE)
    model.meta = card
    return model
