"""Near-duplicate articles: an incremental MinHash LSH index over word shingles.

``DuplicateIndex.add`` answers, as each article arrives, which earlier article it
near-duplicates: candidates come from the band index, and one counts only when the
signatures' estimated Jaccard similarity of word shingles reaches the threshold. The
answer is always the earliest original: a copy of a copy points to the first article.

State is small (the signatures, 4 bytes per permutation, plus about 12 bytes per band in
memory) and serialises to plain bytes: a JSON header, then numpy arrays; no pickle.
"""

from __future__ import annotations

import json
import math
import struct
from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

from newsarchive.errors import StoreError
from newsarchive.model import Article
from newsarchive.stories.lsh import BandIndex, choose_bands
from newsarchive.stories.minhash import EMPTY, MinHasher
from newsarchive.stories.shingles import SHINGLE_WORDS, hashes_of_words, normalise_words

MIN_WORDS = 8  # shorter texts (a bare headline, an empty teaser) are never duplicates
_MAGIC = b"newsarchive-dedup\x00"
_VERSION = 1
_CHUNK = 256  # signatures per storage block: growth wastes at most one block
U32 = npt.NDArray[np.uint32]


def duplicate_text(article: Article) -> str:
    """What is compared: the title, the summary and the paragraphs."""
    parts = [p for p in (article.title, article.summary) if p]
    return "\n\n".join([*parts, *article.paragraphs])


class DuplicateIndex:
    """Articles seen so far, by signature; ``add`` is incremental and idempotent per id."""

    def __init__(self, *, threshold: float = 0.8, num_perm: int = 128) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self.num_perm = num_perm
        self._hasher = MinHasher(num_perm, k=SHINGLE_WORDS)
        self._bands = BandIndex(*choose_bands(threshold, num_perm))
        self._needed = math.ceil(threshold * num_perm - 1e-9)  # equal values needed
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._originals = array("i")  # position of each article's earliest original
        self._blocks: list[U32] = []

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, article_id: str, text: str) -> str | None:
        """The id of the earliest article ``text`` near-duplicates, else None; the article
        is indexed either way. An id already indexed keeps its first answer."""
        if article_id in self._positions:
            return self.original_of(article_id)
        return self.add_signature(article_id, self.signature(text))

    def add_signature(self, article_id: str, signature: U32) -> str | None:
        """``add`` with the text's ``signature`` computed beforehand (by a batch worker)."""
        if article_id in self._positions:
            return self.original_of(article_id)
        original = self._find_original(signature)
        self._append(article_id, signature, original)
        return None if original is None else self._ids[original]

    def original_of(self, article_id: str) -> str | None:
        """The earliest original of an indexed article, None when it is one itself."""
        position = self._positions[article_id]
        original = self._originals[position]
        return None if original == position else self._ids[original]

    def signature(self, text: str) -> U32:
        """What ``add`` compares of ``text``: its MinHash signature (all ``EMPTY`` when it is
        too short to be anyone's duplicate)."""
        words = normalise_words(text)
        if len(words) < MIN_WORDS:
            return np.full(self.num_perm, EMPTY, dtype=np.uint32)
        return self._hasher.signature_of_hashes(hashes_of_words(words, SHINGLE_WORDS))

    def _find_original(self, signature: U32) -> int | None:
        if signature[0] == EMPTY and bool(np.all(signature == EMPTY)):
            return None
        candidates = self._bands.query(self._bands.band_keys(signature)[0])
        if candidates.size == 0:
            return None
        equal = np.count_nonzero(self._rows(candidates) == signature, axis=1)
        matches = candidates[equal >= self._needed]
        if matches.size == 0:
            return None
        return min(self._originals[int(p)] for p in matches)

    def _rows(self, positions: U32) -> U32:
        blocks, offsets = np.divmod(positions.astype(np.int64), _CHUNK)
        return np.stack([self._blocks[b][o] for b, o in zip(blocks, offsets, strict=True)])

    def _append(self, article_id: str, signature: U32, original: int | None) -> None:
        position = len(self._ids)
        if position % _CHUNK == 0:
            self._blocks.append(np.empty((_CHUNK, self.num_perm), dtype=np.uint32))
        self._blocks[-1][position % _CHUNK] = signature
        self._ids.append(article_id)
        self._positions[article_id] = position
        self._originals.append(position if original is None else original)
        if not bool(np.all(signature == EMPTY)):
            keys = self._bands.band_keys(signature)[0]
            self._bands.insert(keys, position, only_new=original is not None)

    def _signature_matrix(self) -> U32:
        if not self._blocks:
            return np.empty((0, self.num_perm), dtype=np.uint32)
        return np.concatenate(self._blocks)[: len(self._ids)]

    def to_bytes(self) -> bytes:
        """Plain bytes: magic, a JSON header (parameters, ids), originals, signatures."""
        header = json.dumps(
            {
                "version": _VERSION,
                "threshold": self.threshold,
                "num_perm": self.num_perm,
                "shingle_words": SHINGLE_WORDS,
                "ids": self._ids,
            },
            ensure_ascii=False,
        ).encode("utf-8")
        originals = np.asarray(self._originals, dtype="<i4").tobytes()
        signatures = self._signature_matrix().astype("<u4").tobytes()
        return b"".join((_MAGIC, struct.pack("<Q", len(header)), header, originals, signatures))

    @classmethod
    def from_bytes(cls, data: bytes) -> DuplicateIndex:
        """The index ``to_bytes`` wrote; the band index is rebuilt from the signatures."""
        header, rest = _split(data)
        index = cls(threshold=float(header["threshold"]), num_perm=int(header["num_perm"]))
        ids: list[str] = list(header["ids"])
        n = len(ids)
        if len(rest) != n * 4 * (1 + index.num_perm):
            raise StoreError("duplicate index: the saved state is truncated; run dedup again")
        originals = np.frombuffer(rest, dtype="<i4", count=n)
        signatures = np.frombuffer(rest, dtype="<u4", offset=n * 4).reshape(n, index.num_perm)
        index._load(ids, originals, signatures.astype(np.uint32))
        return index

    def _load(self, ids: list[str], originals: npt.NDArray[np.int32], signatures: U32) -> None:
        self._ids = ids
        self._positions = {article_id: i for i, article_id in enumerate(ids)}
        self._originals = array("i", originals.tolist())
        self._blocks = [signatures[i : i + _CHUNK].copy() for i in range(0, len(ids), _CHUNK)]
        if self._blocks and self._blocks[-1].shape[0] < _CHUNK:
            last = np.empty((_CHUNK, self.num_perm), dtype=np.uint32)
            last[: self._blocks[-1].shape[0]] = self._blocks[-1]
            self._blocks[-1] = last
        indexed = np.flatnonzero(~np.all(signatures == EMPTY, axis=1)).astype(np.uint32)
        copies = originals[indexed] != indexed
        self._bands.insert_many(self._bands.band_keys(signatures[indexed]), indexed, copies)


def _split(data: bytes) -> tuple[dict[str, Any], bytes]:
    if not data.startswith(_MAGIC) or len(data) < len(_MAGIC) + 8:
        raise StoreError("duplicate index: the saved state is not ours; run dedup again")
    (size,) = struct.unpack_from("<Q", data, len(_MAGIC))
    start = len(_MAGIC) + 8
    try:
        header = json.loads(data[start : start + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise StoreError(f"duplicate index: unreadable header ({error}); run dedup again") from None
    if not isinstance(header, dict) or header.get("version") != _VERSION:
        raise StoreError("duplicate index: saved by another version; run dedup again")
    if header.get("shingle_words") != SHINGLE_WORDS:
        raise StoreError("duplicate index: saved with other shingles; run dedup again")
    return header, data[start + size :]
