"""Near-duplicate detection: MinHash over word 3-gram shingles with LSH banding.

A document's signature is NUM_PERM minimum hashes of its shingles under random affine hash
functions (fixed seed, so signatures are comparable across runs and machines). Signatures are
cut into BANDS bands of ROWS values; documents sharing any band are candidates, and a
candidate whose estimated Jaccard similarity (share of equal signature values) reaches
THRESHOLD is a near-duplicate. With 16 bands of 4 rows, pairs at Jaccard 0.7 are found with
probability 1 - (1 - 0.7^4)^16 = 0.988; pairs at 0.3 rarely become candidates (0.13).
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np

NUM_PERM, BANDS, ROWS = 64, 16, 4
THRESHOLD = 0.7
SHINGLE = 3
_PRIME = np.uint64((1 << 61) - 1)
_rng = np.random.default_rng(20190)
_A = _rng.integers(1, (1 << 61) - 1, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, (1 << 61) - 1, NUM_PERM, dtype=np.uint64)
_WORD = re.compile(r"\w+")


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    words = _WORD.findall(text.casefold())
    if len(words) < k:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + k]) for i in range(len(words) - k + 1)}


def signature(text: str) -> list[int]:
    sh = shingles(text)
    if not sh:
        return []
    h = np.array([zlib.crc32(s.encode("utf-8")) for s in sh], dtype=np.uint64)
    # (a*h + b) mod p with 32-bit h and 61-bit a can overflow 64 bits; reduce a first.
    a = (_A % np.uint64(1 << 31))[:, None]
    values = (a * h[None, :] + _B[:, None]) % _PRIME
    return [int(v) for v in values.min(axis=1)]


def bands(sig: list[int]) -> list[str]:
    if not sig:
        return []
    return [f"{b}:" + hashlib.blake2b(repr(sig[b * ROWS:(b + 1) * ROWS]).encode(),
                                      digest_size=12).hexdigest() for b in range(BANDS)]


def similarity(a: list[int], b: list[int]) -> float:
    if not a or not b or len(a) != len(b):
        return 0.0
    return float(np.mean(np.array(a) == np.array(b)))
