"""Word shingles of a text, hashed to 64-bit integers without a Python loop per shingle.

Normalisation (NFKC, casefold, punctuation and spacing dropped) makes two copies of an
article that differ only in typography, case or line breaks give the same shingles. A
shingle is ``k`` consecutive words; its hash is a polynomial hash of its bytes in the
normalised text (words joined by one space), computed for all shingles at once from prefix
sums, then avalanched, so equal shingles hash equally in every process and on every run.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import numpy.typing as npt

SHINGLE_WORDS = 3  # chosen by measurement: see benchmarks/bench_dedup.py
U64 = npt.NDArray[np.uint64]

_WORD = re.compile(r"[^\W_]+")
_BASE = 0x9E3779B97F4A7C15 | 1  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)


def normalise_words(text: str) -> list[str]:
    """The words of ``text`` as compared: NFKC, casefolded, punctuation removed."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def shingle_hashes(text: str, k: int = SHINGLE_WORDS) -> U64:
    """One 64-bit hash per ``k``-word shingle of ``text`` (repeats included).

    A text of fewer than ``k`` words (but at least one) is a single shingle; a text with
    no words has none.
    """
    return hashes_of_words(normalise_words(text), k)


def hashes_of_words(words: list[str], k: int = SHINGLE_WORDS) -> U64:
    """``shingle_hashes`` of text already split by ``normalise_words``."""
    if not words:
        return np.empty(0, dtype=np.uint64)
    data = np.frombuffer(" ".join(words).encode("utf-8"), dtype=np.uint8)
    spaces = np.flatnonzero(data == 32)
    starts = np.concatenate(([0], spaces + 1))
    ends = np.concatenate((spaces, [data.size]))
    span = min(k, len(words)) - 1
    return fmix64(_segment_hashes(data, starts[: starts.size - span], ends[span:]))


def _segment_hashes(
    data: npt.NDArray[np.uint8], starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp]
) -> U64:
    """The polynomial hash of ``data[s:e]`` for each pair, independent of its position:
    ``(H[e] - H[s]) * BASE**-s`` where ``H`` is the prefix sum of ``(byte + 1) * BASE**i``."""
    n = data.size
    powers = np.full(n, _BASE, dtype=np.uint64)
    powers[0] = 1
    powers = np.cumprod(powers, dtype=np.uint64)
    inverse = np.full(n, _BASE_INVERSE, dtype=np.uint64)
    inverse[0] = 1
    inverse = np.cumprod(inverse, dtype=np.uint64)
    prefix = np.zeros(n + 1, dtype=np.uint64)
    np.cumsum((data.astype(np.uint64) + np.uint64(1)) * powers, out=prefix[1:])
    return (prefix[ends] - prefix[starts]) * inverse[starts]


def fmix64(values: U64) -> U64:
    """The MurmurHash3 64-bit finaliser: a bijection that spreads every input bit."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))
