"""`forewarn monitor train`: fit the classifier on the real labelled sets, evaluate it on their
held-out test splits, and save a new model version with its card (splits, sizes, metrics)."""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sklearn
from sklearn.metrics import f1_score

from forewarn.monitor import datasets
from forewarn.monitor.heads import NBLogitHead, TextFeatures
from forewarn.monitor.model import Head, MonitorClassifier, save
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
    from forewarn.monitor.blend import BlendedHead, WithTexts
    from forewarn.monitor.finetune import FineTunedMiniLM

    return {"davidson": (WithTexts(tfidf), BlendedHead(
        StackedHead(random_state=seed), FineTunedMiniLM(epochs=epochs, random_state=seed),
        random_state=seed))}


def finetune_available() -> bool:
    """PyTorch (for training) and the MiniLM weights package are both installed."""
    from forewarn.monitor import embedding
    from forewarn.monitor.finetune import torch_available

    try:
        embedding.model_dir()
    except embedding.EmbeddingUnavailable:
        return False
    return torch_available()


def fit(raw_dir: Path, limit: int | None = None, seed: int = 0, C: float = 4.0,
        features: TextFeatures | None = None, progress=print,
        test_limit: int | None = None,
        own: dict[str, tuple] | None = None) -> tuple[MonitorClassifier, dict]:
    sets = [_subset(s, limit, seed, test_limit) for s in datasets.all_sets(Path(raw_dir))]
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
          own: dict[str, tuple] | None = None) -> tuple[Path, dict]:
    model, metrics = fit(raw_dir, limit=limit, seed=seed, progress=progress,
                         test_limit=test_limit, features=features, own=own)
    return save(model, Path(artifacts_root), version or new_version()), metrics
