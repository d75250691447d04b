"""`forewarn monitor train`: fit the classifier on the real labelled sets, evaluate it on their
held-out test splits, and save a new model version with its card (splits, sizes, metrics)."""

from __future__ import annotations

import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import f1_score

from forewarn.data.errors import DataError
from forewarn.monitor import corpora, datasets, embedding
from forewarn.monitor.blend import BlendedHead, WithTexts
from forewarn.monitor.finetune import FineTunedMiniLM, torch_available
from forewarn.monitor.heads import NBLogitHead, TextFeatures
from forewarn.monitor.model import CARD_FILE, Head, MonitorClassifier, save, scoring_spec
from forewarn.monitor.stacking import StackedHead


def _subset(s: datasets.LabelledSet, limit: int | None, seed: int,
            test_limit: int | None = None) -> datasets.LabelledSet:
    """A seeded random subset of the training (and, for quick checks, test) split."""
    rng = np.random.default_rng(seed)
    for part, cap in (("train", limit), ("test", test_limit)):
        xs, ys = getattr(s, f"{part}_x"), getattr(s, f"{part}_y")
        if cap is not None and len(xs) > cap:
            keep = np.sort(rng.choice(len(xs), cap, replace=False))
            setattr(s, f"{part}_x", [xs[i] for i in keep])
            setattr(s, f"{part}_y", ys[keep])
    return s


def evaluate(head: NBLogitHead, s: datasets.LabelledSet, X) -> dict:
    """macro-F1 and per-class F1 on a set's test split."""
    pred = head.predict(X)
    if s.kind == "multiclass":
        per = f1_score(s.test_y, pred, labels=range(len(s.classes)), average=None,
                       zero_division=0)
        return {"macro_f1": float(np.mean(per)), "per_class_f1": dict(
            zip(s.classes, map(float, per), strict=True)), "n_test": len(s.test_x)}
    if s.kind == "binary":
        per = f1_score(s.test_y, pred, labels=[0, 1], average=None, zero_division=0)
        names = (f"not_{s.classes[0]}", s.classes[0])
        return {"macro_f1": float(np.mean(per)), "per_class_f1": dict(
            zip(names, map(float, per), strict=True)), "n_test": len(s.test_x)}
    modelled = [j for j, m in enumerate(head.models_) if m is not None]
    per = {s.classes[j]: float(f1_score(s.test_y[:, j], pred[:, j], zero_division=0))
           for j in modelled}
    return {"macro_f1": float(np.mean(list(per.values()))), "per_class_f1": per,
            "n_test": len(s.test_x),
            "not_modelled": [s.classes[j] for j in range(len(s.classes)) if j not in modelled]}


def own_heads(seed: int = 0, finetune: bool | None = None, epochs: int = 3) -> dict[str, tuple]:
    """Heads with a feature space and estimator of their own, fitted on their set's training
    split only: {set name: (features, estimator)}. Davidson: characters 2-6 (across word
    boundaries, so "f*ggot"-style spellings and hashtags keep their pieces) and words 1-3, read
    by a `StackedHead` (softmax LR, LinearSVC, NB-weighted LR one-vs-rest and per class pair,
    combined by a logistic meta model; see forewarn/monitor/stacking.py). Features, models, C
    and class weights were chosen on 5-fold out-of-fold predictions of the training split
    (macro-F1 0.765 against 0.738 for the softmax head alone), never on the test split.

    `finetune` (default: when PyTorch and the MiniLM package are installed): the stacked head
    is blended with all-MiniLM-L6-v2 fine-tuned for `epochs` epochs (blend.BlendedHead; the
    epoch and blend weight are chosen on 20% of the training split)."""
    tfidf = TextFeatures(char_analyzer="char", char_ngrams=(2, 6), word_ngrams=(1, 3),
                         char_max_features=300_000)
    if finetune is None:
        finetune = finetune_available()
    if not finetune:
        return {"davidson": (tfidf, StackedHead(random_state=seed))}

    return {"davidson": (WithTexts(tfidf), BlendedHead(
        StackedHead(random_state=seed), FineTunedMiniLM(epochs=epochs, random_state=seed),
        random_state=seed))}


def finetune_available() -> bool:
    """PyTorch (for training) and the MiniLM weights package are both installed."""
    try:
        embedding.model_dir()
    except embedding.EmbeddingUnavailable:
        return False
    return torch_available()


def training_sets(raw_dir: Path, permissive_only: bool = False,
                  progress=print) -> list[datasets.LabelledSet]:
    """Every labelled set (datasets.py + corpora.py); with PERMISSIVE_ONLY, only those whose
    licence allows any use (corpora.yaml `permissive`)."""
    sets = datasets.all_sets(Path(raw_dir))
    for name, load_set in corpora.LOADERS.items():
        try:
            sets.append(load_set(Path(raw_dir)))
        except DataError as exc:  # a set not fetched yet: train without it, say so
            if "file not found" not in str(exc):
                raise
            progress(f"{name}: left out ({exc})")
    if permissive_only:
        dropped = [s.name for s in sets if not corpora.permissive(s)]
        progress(f"--permissive-only: leaving out {', '.join(dropped)}")
        sets = [s for s in sets if corpora.permissive(s)]
    return sets


def add_corrections(sets: list[datasets.LabelledSet], examples: dict[str, list],
                    progress=print) -> dict[str, int]:
    """Analysts' corrections (corrections.training_examples) join the training split of the
    first hate set of their language that the scoring spec reads; never a test split."""
    spec = scoring_spec()["languages"]
    by_name = {s.name: s for s in sets}
    used: dict[str, int] = {}
    for lang, items in examples.items():
        names = [t[0].lstrip("!").split(":")[0] for t in spec.get(lang, {}).get("hateful", [])]
        target = next((by_name[n] for n in names if n in by_name
                       and by_name[n].kind in ("binary", "multilabel")), None)
        if target is None:
            progress(f"corrections: no hate set for '{lang}', {len(items)} left out")
            continue
        for text, y in items:
            if target.kind == "binary":
                row = np.array([y])
                target.train_y = np.concatenate([target.train_y, row])
            else:
                row = np.zeros((1, len(target.classes)), dtype=int)
                row[0, target.classes.index("hateful")] = y
                if "normal" in target.classes:
                    row[0, target.classes.index("normal")] = 1 - y
                target.train_y = np.vstack([target.train_y, row])
            target.train_x = [*target.train_x, text]
        used[target.name] = used.get(target.name, 0) + len(items)
    return used


def use_terms(sets: list[datasets.LabelledSet]) -> dict:
    """What the model's training sets allow: any use, or non-commercial/research use only."""
    lic = corpora.licences()
    rows = [{"set": s.name, "file": s.source, **lic.get(s.source, {"licence": "unknown",
                                                                     "permissive": False})}
            for s in sets]
    restricted = sorted({r["file"] for r in rows if not r.get("permissive")})
    return {"sets": rows, "permissive_only": not restricted,
            "model_use": ("any use, with attribution and share-alike/copyleft terms of the "
                          "sets listed" if not restricted else
                          "non-commercial research and public-interest use only (public bodies, "
                          "non-profits, research): it learned from sets licensed "
                          "non-commercial, research-only or without a licence: "
                          + ", ".join(restricted)
                          + ". Train with --permissive-only for a model without them.")}


def fit(raw_dir: Path, limit: int | None = None, seed: int = 0, C: float = 4.0,
        features: TextFeatures | None = None, progress=print,
        test_limit: int | None = None,
        own: dict[str, tuple] | None = None, permissive_only: bool = False,
        corrections: dict[str, list] | None = None,
        only: list[str] | None = None) -> tuple[MonitorClassifier, dict]:
    """ONLY: train just these sets (e.g. the previous default's, for the benchmark)."""
    sets = [_subset(s, limit, seed, test_limit)
            for s in training_sets(Path(raw_dir), permissive_only, progress)
            if only is None or s.name in only]
    used = add_corrections(sets, corrections or {}, progress)
    features = features or TextFeatures()
    own = own_heads(seed) if own is None else own
    progress("features: fitting on all training texts")
    features.fit([t for s in sets for t in s.train_x])
    heads, metrics = [], {}
    for s in sets:
        progress(f"head {s.name}: {len(s.train_x)} training texts")
        head_features, est = own.get(s.name, (None, NBLogitHead(s.kind, C=C,
                                                                 random_state=seed)))
        fx = head_features.fit(s.train_x) if head_features is not None else features
        if hasattr(est, "encoder"):  # a blended head reports its fine-tuning progress
            est.fit(fx.transform(s.train_x), s.train_y, progress=progress)
        else:
            est.fit(fx.transform(s.train_x), s.train_y)
        heads.append(Head(s.name, s.language, s.classes, est, head_features))
        metrics[s.name] = evaluate(est, s, fx.transform(s.test_x))
    meta = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "sklearn": sklearn.__version__, "python": platform.python_version(),
        "seed": seed, "C": C, "train_limit": limit, "test_limit": test_limit,
        "own_heads": {name: {"features": repr(f), "estimator": repr(e), **_choices(e)}
                      for name, (f, e) in own.items()},
        "sets": {s.name: {"language": s.language, "kind": s.kind, "classes": list(s.classes),
                          "source": s.source, **s.sizes(), **s.notes} for s in sets},
        "test_metrics": metrics,
        "licences": use_terms(sets),
        "corrections_used": used,
    }
    return MonitorClassifier(features, heads, meta), metrics


def _choices(est) -> dict:
    """What a blended head chose on its held-out training texts, for the model card."""
    if not hasattr(est, "holdout_table_"):
        return {}
    return {"blend_weight": est.weight_, "epoch": est.encoder_.epoch_ + 1,
            "class_weights": [float(w) for w in est.weights_],
            "holdout_macro_f1": est.holdout_macro_f1_, "holdout_table": est.holdout_table_,
            "encoder_skipped_above": est.skip_above_,
            "holdout_share_skipping_encoder": est.holdout_skipped_,
            "epoch_seconds": [round(t, 1) for t in est.encoder_.epoch_seconds_]}


def new_version() -> str:
    return datetime.now(UTC).strftime("v%Y%m%dT%H%M%S")


def train(raw_dir: Path, artifacts_root: Path, limit: int | None = None, seed: int = 0,
          version: str | None = None, progress=print, test_limit: int | None = None,
          features: TextFeatures | None = None,
          own: dict[str, tuple] | None = None, permissive_only: bool = False,
          corrections: dict[str, list] | None = None,
          only_if_better: bool = False, only: list[str] | None = None) -> tuple[Path, dict]:
    """Fit and save a version. ONLY_IF_BETTER: the new version becomes LATEST only if its mean
    held-out macro-F1 over the sets both versions have is at least the current one's (the
    background full training after the fast first run swaps in this way)."""
    model, metrics = fit(raw_dir, limit=limit, seed=seed, progress=progress,
                         test_limit=test_limit, features=features, own=own,
                         permissive_only=permissive_only, corrections=corrections,
                         only=only)
    latest = True
    if only_if_better:
        current = _current_metrics(Path(artifacts_root))
        common = sorted(set(current) & set(metrics))
        if common:
            new = float(np.mean([metrics[k]["macro_f1"] for k in common]))
            old = float(np.mean([current[k]["macro_f1"] for k in common]))
            latest = new >= old
            progress(f"mean macro-F1 over {len(common)} sets: new {new:.4f}, current "
                     f"{old:.4f} → {'swapped in' if latest else 'kept the current model'}")
            model.meta["compared_with_current"] = {"new": new, "current": old,
                                                   "swapped_in": latest}
    return save(model, Path(artifacts_root), version or new_version(), latest), metrics


def _current_metrics(root: Path) -> dict:
    latest = root / "LATEST"
    if not latest.exists():
        return {}
    card = root / latest.read_text("utf-8").strip() / CARD_FILE
    return json.loads(card.read_text("utf-8")).get("test_metrics", {}) if card.exists() else {}
