"""MinHash signatures of shingle sets, one numpy expression per document.

Permutation ``i`` maps a shingle hash ``x`` (its top 32 bits) to
``(a_i * x + b_i) mod 2**64 >> 32``, the multiply-add-shift family, which is strongly
universal for 32-bit keys. All shingles of a document go through all permutations at once
and the signature is the column-wise minimum, kept as 32-bit values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from newsarchive.stories.shingles import SHINGLE_WORDS, shingle_hashes

U32 = npt.NDArray[np.uint32]
EMPTY = np.uint32(0xFFFFFFFF)  # the signature value of a set with no shingles
_CHUNK = 2048  # shingles per block, so a very long text never builds a huge matrix


class MinHasher:
    """Signatures of ``num_perm`` values; the same ``seed`` gives the same permutations."""

    def __init__(self, num_perm: int = 128, *, seed: int = 1, k: int = SHINGLE_WORDS) -> None:
        if num_perm < 1:
            raise ValueError(f"num_perm must be positive, not {num_perm}")
        rng = np.random.default_rng(seed)
        self.num_perm = num_perm
        self.seed = seed
        self.k = k
        self._a = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._b = rng.integers(0, 1 << 63, num_perm, dtype=np.uint64)

    def signature(self, text: str) -> U32:
        """The signature of ``text``'s word shingles (all ``EMPTY`` when it has none)."""
        return self.signature_of_hashes(shingle_hashes(text, self.k))

    def signature_of_hashes(self, hashes: npt.NDArray[np.uint64]) -> U32:
        keys = (hashes >> np.uint64(32))[:, None]
        best = np.full(self.num_perm, np.iinfo(np.uint64).max, dtype=np.uint64)
        for start in range(0, keys.shape[0], _CHUNK):
            block = keys[start : start + _CHUNK] * self._a
            block += self._b
            np.minimum(best, block.min(axis=0), out=best)
        return (best >> np.uint64(32)).astype(np.uint32)

    def signatures(self, texts: Sequence[str]) -> U32:
        """One row per text, as ``signature`` gives it."""
        out = np.empty((len(texts), self.num_perm), dtype=np.uint32)
        for row, text in enumerate(texts):
            out[row] = self.signature(text)
        return out


def estimate_jaccard(first: U32, second: U32) -> float:
    """The share of equal values: an unbiased estimate of the sets' Jaccard similarity.
    Two empty sets are not similar (0.0)."""
    if bool(np.all(first == EMPTY)) or bool(np.all(second == EMPTY)):
        return 0.0
    return float(np.count_nonzero(first == second)) / first.size
