"""Sparse rows packed into flat numpy arrays for a clusterer's ``.npz`` state (no pickle):
``{name}_offsets``, ``{name}_terms`` and ``{name}_weights``."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Row = tuple[NDArray[np.int32], NDArray[np.float32]]


def dict_row(centroid: dict[int, float]) -> Row:
    """A centroid (term -> weight) as a row of term ids and weights."""
    return (
        np.fromiter(centroid.keys(), np.int32, len(centroid)),
        np.fromiter(centroid.values(), np.float32, len(centroid)),
    )


def row_dict(row: Row) -> dict[int, float]:
    terms, weights = row
    return dict(zip(terms.tolist(), weights.tolist(), strict=True))


def pack(name: str, rows: Sequence[Row]) -> dict[str, NDArray[np.generic]]:
    sizes = np.array([len(t) for t, _ in rows], np.int64)
    empty_t, empty_w = np.zeros(0, np.int32), np.zeros(0, np.float32)
    return {
        f"{name}_offsets": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        f"{name}_terms": np.concatenate([empty_t, *(t for t, _ in rows)]).astype(np.int32),
        f"{name}_weights": np.concatenate([empty_w, *(w for _, w in rows)]).astype(np.float32),
    }


def unpack(name: str, arrays: dict[str, NDArray[np.generic]]) -> list[Row]:
    offsets = arrays[f"{name}_offsets"].tolist()
    terms, weights = arrays[f"{name}_terms"], arrays[f"{name}_weights"]
    return [
        (terms[a:b].astype(np.int32), weights[a:b].astype(np.float32))
        for a, b in itertools.pairwise(offsets)
    ]
