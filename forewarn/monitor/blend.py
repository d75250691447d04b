"""A head that blends the TF-IDF stacked head with the fine-tuned MiniLM (finetune.py).

The two read different things (character and word n-grams; a pretrained encoder's view of the
whole tweet) and err on different tweets. Everything is chosen inside the set's training split:
the stacked head is fitted on all of it and gives out-of-fold probabilities for every training
text; the encoder is fine-tuned on 80% of it (stratified, seeded) and predicts the other 20%
after each epoch. On that 20% the epoch, the blend weight w of
    log p = (1 - w) * log p_stack + w * log p_encoder   (renormalised)
and per-class weights for macro-F1 are chosen. w = 0 (stack alone) is one of the choices, so
the blend is only used where it helped on held-out training texts.

The encoder is ~7 times slower than the stacked head, so it is only run on texts the stacked
head is unsure of: those whose largest (class-weighted) stacked score is below a threshold,
chosen on the same 20% as the lowest one that costs at most 0.001 of macro-F1 there (a
cascade). On Davidson 83-88% of held-out tweets skipped it (two training runs).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.model_selection import train_test_split

from forewarn.monitor.finetune import FineTunedMiniLM
from forewarn.monitor.heads import (
    MULTICLASS_WEIGHT_GRID,
    _macro_f1,
    tune_class_weights,
    weighted_scores,
)
from forewarn.monitor.stacking import StackedHead

_EPS = 1e-9
SKIP_GRID = (0.99, 0.98, 0.97, 0.95, 0.93, 0.9, 0.85, 0.8, 0.75, 0.7)
SKIP_TOLERANCE = 0.001


class TextBatch(NamedTuple):
    """What a blended head reads: the TF-IDF matrix and the texts it was computed from."""

    X: object
    texts: list[str]


class WithTexts(BaseEstimator, TransformerMixin):
    """A feature space whose output also carries the texts, for heads that read both."""

    def __init__(self, features):
        self.features = features

    def fit(self, texts, y=None):
        self.features.fit(texts)
        return self

    def transform(self, texts) -> TextBatch:
        texts = list(texts)
        return TextBatch(self.features.transform(texts), texts)


class BlendedHead(BaseEstimator, ClassifierMixin):
    """Multiclass head over a `TextBatch`, with the interface of `StackedHead`.

    After fit: `weight_` (w), `weights_` (per-class weights), `holdout_macro_f1_` (macro-F1 of
    the chosen blend on the held-out 20% of the training split: the figure the choices were
    made on, so optimistic, not a test score), `holdout_table_` (every epoch x w tried),
    `skip_above_` (stacked scores at or above it skip the encoder; > 1: never skip) and
    `holdout_skipped_` (the share of held-out texts that skipped it)."""

    kind = "multiclass"

    def __init__(self, stack=None, encoder=None, holdout: float = 0.2,
                 weight_grid: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0),
                 random_state: int = 0):
        self.stack, self.encoder, self.holdout = stack, encoder, holdout
        self.weight_grid, self.random_state = weight_grid, random_state

    def fit(self, batch: TextBatch, y, progress=None):
        y = np.asarray(y)
        self.n_outputs_ = int(y.max()) + 1
        stack = clone(self.stack if self.stack is not None
                      else StackedHead(random_state=self.random_state)).fit(batch.X, y)
        fit_rows, held = train_test_split(np.arange(len(y)), test_size=self.holdout,
                                          random_state=self.random_state, stratify=y)
        encoder = clone(self.encoder if self.encoder is not None
                        else FineTunedMiniLM(random_state=self.random_state))
        encoder.fit([batch.texts[i] for i in fit_rows], y[fit_rows],
                    eval_texts=[batch.texts[i] for i in held], progress=progress)
        L_stack = np.log(np.clip(stack.oof_proba_[held], _EPS, 1))
        self.holdout_table_, best = [], None
        for epoch, L_enc in enumerate(encoder.eval_log_proba_):
            for w in self.weight_grid:
                P = np.exp(log_softmax((1 - w) * L_stack + w * L_enc, axis=1))
                cw = tune_class_weights(y[held], P, MULTICLASS_WEIGHT_GRID, rounds=3)
                f = _macro_f1(y[held], (P * cw).argmax(1), self.n_outputs_)
                self.holdout_table_.append({"epoch": epoch + 1, "weight": w, "macro_f1": f})
                if best is None or f > best[0] + 1e-9:
                    best = (f, epoch, w, cw)
        self.holdout_macro_f1_, epoch, self.weight_, self.weights_ = best
        self.stack_, self.encoder_ = stack, encoder.use_epoch(epoch)
        self._choose_skip(y[held], L_stack, encoder.eval_log_proba_[epoch])
        return self

    def _confidence(self, stack_proba: np.ndarray) -> np.ndarray:
        return weighted_scores(stack_proba, self.stack_.weights_).max(1)

    def _combine(self, L_stack, L_enc, skip) -> np.ndarray:
        blend = (1 - self.weight_) * L_stack + self.weight_ * L_enc
        return log_softmax(np.where(skip[:, None], L_stack, blend), axis=1)

    def _choose_skip(self, y: np.ndarray, L_stack, L_enc) -> None:
        self.skip_above_, self.holdout_skipped_ = 2.0, 0.0
        if self.weight_ == 0:
            return
        conf = self._confidence(np.exp(L_stack))
        full = self.holdout_macro_f1_
        for tau in SKIP_GRID:  # descending: each step skips more texts
            skip = conf >= tau
            P = np.exp(self._combine(L_stack, L_enc, skip))
            if _macro_f1(y, (P * self.weights_).argmax(1), self.n_outputs_) \
                    < full - SKIP_TOLERANCE:
                break
            self.skip_above_, self.holdout_skipped_ = tau, float(skip.mean())

    def predict_log_proba(self, batch: TextBatch) -> np.ndarray:
        P_stack = self.stack_.predict_proba(batch.X)
        L = np.log(np.clip(P_stack, _EPS, 1))
        if self.weight_ == 0:  # the encoder is only run when the blend uses it
            return log_softmax(L, axis=1)
        skip = self._confidence(P_stack) >= self.skip_above_
        L_enc = np.zeros_like(L)
        run = np.flatnonzero(~skip)
        if len(run):
            L_enc[run] = self.encoder_.predict_log_proba([batch.texts[i] for i in run])
        return self._combine(L, L_enc, skip)

    def predict_proba(self, batch: TextBatch) -> np.ndarray:
        return np.exp(self.predict_log_proba(batch))

    def scores(self, batch: TextBatch) -> np.ndarray:
        return weighted_scores(self.predict_proba(batch), self.weights_)

    def predict(self, batch: TextBatch) -> np.ndarray:
        return self.scores(batch).argmax(1)
