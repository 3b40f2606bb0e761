"""A compact LSH band index over MinHash signatures.

A signature is cut into ``bands`` bands of ``rows`` values; each band is hashed to one
64-bit key (the band's number is part of the hash, so all bands share one key space). Keys
live in one sorted numpy array with a parallel array of positions, plus a small unsorted
tail of recent additions that is merged in when it fills up: about 12 bytes per band per
signature, and a look-up is one binary search for all bands at once.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from newsarchive.stories.shingles import fmix64

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
_NONE = np.uint64(0)  # a band key never stored (a copy's band already indexed)
_TAIL = 1024  # signatures added before the tail is merged into the sorted keys


def choose_bands(threshold: float, num_perm: int, *, recall: float = 0.99) -> tuple[int, int]:
    """``(bands, rows)``: the most rows per band (fewest chance candidates) such that a
    pair whose Jaccard similarity is exactly ``threshold`` still shares a band with
    probability ``recall``; candidates are verified afterwards, so a low LSH threshold
    costs only time."""
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - threshold**rows) ** bands >= recall:
            return bands, rows
    return num_perm, 1


class BandIndex:
    """Positions (0, 1, 2, ...) of signatures, found by any band they share."""

    def __init__(self, bands: int, rows: int, *, seed: int = 7) -> None:
        self.bands = bands
        self.rows = rows
        rng = np.random.default_rng(seed)
        self._mix = rng.integers(0, 1 << 63, rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
        self._salt = rng.integers(0, 1 << 63, bands, dtype=np.uint64)
        self._keys: U64 = np.empty(0, dtype=np.uint64)
        self._positions: U32 = np.empty(0, dtype=np.uint32)
        self._tail_keys: U64 = np.empty((_TAIL, bands), dtype=np.uint64)
        self._tail_positions: U32 = np.empty(_TAIL, dtype=np.uint32)
        self._tail_size = 0

    def band_keys(self, signatures: npt.NDArray[np.uint32]) -> U64:
        """``(n, bands)`` keys for ``(n, num_perm)`` signatures (or one signature)."""
        sigs = np.atleast_2d(signatures)[:, : self.bands * self.rows].astype(np.uint64)
        banded = sigs.reshape(sigs.shape[0], self.bands, self.rows)
        mixed = (banded * self._mix).sum(axis=2, dtype=np.uint64) + self._salt
        return fmix64(mixed)

    def query(self, keys: U64) -> U32:
        """The distinct positions sharing at least one of ``keys`` (one signature's bands)."""
        left = np.searchsorted(self._keys, keys, side="left")
        right = np.searchsorted(self._keys, keys, side="right")
        found = [self._positions[lo:hi] for lo, hi in zip(left, right, strict=True) if hi > lo]
        if self._tail_size:
            hits = (self._tail_keys[: self._tail_size] == keys).any(axis=1)
            found.append(self._tail_positions[: self._tail_size][hits])
        if not found:
            return np.empty(0, dtype=np.uint32)
        return np.unique(np.concatenate(found))

    def insert(self, keys: U64, position: int, *, only_new: bool = False) -> None:
        """Index ``position`` under its band ``keys``; with ``only_new`` (a copy of an
        article already indexed) only under keys not indexed yet, so a thousand copies of
        one text do not make a thousand candidates for the next."""
        if only_new:
            keys = np.where(self._present(keys), _NONE, keys)
        self._tail_keys[self._tail_size] = keys
        self._tail_positions[self._tail_size] = position
        self._tail_size += 1
        if self._tail_size == _TAIL:
            self.flush()

    def insert_many(self, keys: U64, positions: U32, copies: npt.NDArray[np.bool_]) -> None:
        """Bulk load into an empty index, as ``insert`` one by one in order of ``positions``
        would: ``keys`` is ``(n, bands)``; ``copies`` marks the rows inserted ``only_new``."""
        flat = keys.ravel()
        order = np.argsort(flat, kind="stable")  # equal keys stay in position order
        flat = flat[order]
        first = np.ones(flat.size, dtype=bool)
        first[1:] = flat[1:] != flat[:-1]
        keep = order[first | ~np.repeat(copies, self.bands)[order]]
        keep.sort()
        self._merge(keys.ravel()[keep], np.repeat(positions.astype(np.uint32), self.bands)[keep])

    def _present(self, keys: U64) -> npt.NDArray[np.bool_]:
        at = np.minimum(np.searchsorted(self._keys, keys), max(self._keys.size - 1, 0))
        present = self._keys[at] == keys if self._keys.size else np.zeros(keys.size, dtype=bool)
        if self._tail_size:
            present |= (self._tail_keys[: self._tail_size] == keys).any(axis=0)
        return present

    def flush(self) -> None:
        """Merge the tail into the sorted keys."""
        if self._tail_size:
            size = self._tail_size
            self._tail_size = 0
            keys = self._tail_keys[:size].ravel()
            self._merge(keys, np.repeat(self._tail_positions[:size], self.bands))

    def _merge(self, keys: U64, positions: U32) -> None:
        wanted = keys != _NONE
        keys, positions = keys[wanted], positions[wanted]
        order = np.argsort(keys, kind="stable")
        keys, positions = keys[order], positions[order]
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._positions = np.insert(self._positions, at, positions)

    @property
    def nbytes(self) -> int:
        arrays = (self._keys, self._positions, self._tail_keys, self._tail_positions)
        return sum(a.nbytes for a in arrays)
