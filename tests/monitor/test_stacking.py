"""The stacked multiclass head (Davidson's default): estimator contract, and that it learns
from a small constructed set what neither a constant nor shuffled labels could give."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from forewarn.monitor.heads import TextFeatures, _macro_f1
from forewarn.monitor.stacking import StackedHead


def _tweets(seed: int, n_hate: int = 30, n_off: int = 90, n_neither: int = 90):
    """Three classes in the Davidson shape: hate shares the insult words of 'offensive' and is
    told apart by a group word, the confusion the one-vs-one models are there for."""
    rng = np.random.default_rng(seed)
    insults = ["stupid", "idiot", "trash", "dumb", "loser"]
    groups = ["immigrants", "refugees", "foreigners"]
    calm = ["weather", "coffee", "football", "music", "garden"]
    filler = ["today", "again", "lol", "really", "now", "so"]

    def pick(words, k=2):
        return " ".join(rng.choice(words, k))

    texts = ([f"{pick(insults)} {pick(groups, 1)} {pick(filler)}" for _ in range(n_hate)]
             + [f"you {pick(insults)} {pick(filler)}" for _ in range(n_off)]
             + [f"{pick(calm)} {pick(filler)}" for _ in range(n_neither)])
    y = np.array([0] * n_hate + [1] * n_off + [2] * n_neither)
    return texts, y


@pytest.fixture(scope="module")
def fitted():
    texts, y = _tweets(0)
    feats = TextFeatures(min_df=1, char_analyzer="char", char_ngrams=(2, 4),
                         word_ngrams=(1, 2)).fit(texts)
    return feats, StackedHead(C_lr=4.0).fit(feats.transform(texts), y)


def test_estimator_contract():
    head = StackedHead(C_svc=0.5, folds=3)
    params = head.get_params()
    assert params["C_svc"] == 0.5 and params["folds"] == 3
    assert clone(head).set_params(C_meta=2.0).get_params()["C_meta"] == 2.0
    assert not hasattr(clone(head), "meta_")  # clone is unfitted


def test_stacked_head_learns_the_hate_offensive_boundary(fitted):
    feats, head = fitted
    texts, y = _tweets(1)
    pred = head.predict(feats.transform(texts))
    assert _macro_f1(y, pred, 3) > 0.9
    assert head.cv_macro_f1_ > 0.9
    S = head.scores(feats.transform(texts))
    assert np.allclose(S.sum(1), 1.0) and head.weights_.shape == (3,)


def test_stacked_head_with_shuffled_labels_learns_nothing(fitted):
    feats, _ = fitted
    texts, y = _tweets(0)
    shuffled = np.random.default_rng(3).permutation(y)
    head = StackedHead().fit(feats.transform(texts), shuffled)
    test_texts, test_y = _tweets(1)
    assert _macro_f1(test_y, head.predict(feats.transform(test_texts)), 3) < 0.6
