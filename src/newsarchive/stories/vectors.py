"""Sparse term vectors for story clustering, with an inverse document frequency kept up to
date as articles arrive.

Terms are hashed (scikit-learn's ``HashingVectorizer``: stateless, so a new article needs
no refit), weighted by ``(1 + log tf) * idf`` with the document frequencies counted so far,
cut to the article's strongest terms and scaled to unit length. A ``SparseVector`` is two
small numpy arrays; a centroid is a dict from term to summed weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import HashingVectorizer

N_FEATURES = 2**18
# words of two or more characters that start with a letter (numbers say little about a story)
TOKEN_PATTERN = r"(?u)\b[^\W\d_]\w+\b"

_VECTORIZER = HashingVectorizer(
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    stop_words="english",
    token_pattern=TOKEN_PATTERN,
)


@dataclass(frozen=True, slots=True)
class SparseVector:
    """Term ids (hashes) and their weights, strongest first; unit length unless empty."""

    terms: NDArray[np.int32]
    weights: NDArray[np.float32]

    def as_dict(self) -> dict[int, float]:
        return dict(zip(self.terms.tolist(), self.weights.tolist(), strict=True))


EMPTY = SparseVector(np.zeros(0, np.int32), np.zeros(0, np.float32))


class TermWeights:
    """Document frequencies of hashed terms, counted incrementally."""

    def __init__(self, df: NDArray[np.int32] | None = None, documents: int = 0) -> None:
        self.df = np.zeros(N_FEATURES, np.int32) if df is None else df
        self.documents = documents

    def add(self, title: str, text: str, *, keep: int, counted: bool = False) -> SparseVector:
        """Count the article's terms (unless ``counted`` beforehand), then return its
        vector: the ``keep`` strongest terms.

        The title counts twice: it names the event in the fewest words."""
        counts = _term_counts(title, text)
        terms = counts.indices.astype(np.int32)
        if terms.size == 0:
            return EMPTY
        if not counted:
            self.documents += 1
            self.df[terms] += 1
        idf = np.log((1.0 + self.documents) / (1.0 + self.df[terms])) + 1.0
        weights = (1.0 + np.log(counts.data)) * idf
        if terms.size > keep:
            top = np.argpartition(-weights, keep - 1)[:keep]
            terms, weights = terms[top], weights[top]
        order = np.argsort(-weights, kind="stable")
        weights = weights[order] / math.sqrt(float(np.dot(weights, weights)))
        return SparseVector(terms[order], weights.astype(np.float32))

    def count(self, title: str, text: str) -> None:
        """Count an article's terms ahead of ``add(..., counted=True)``: clustering from
        scratch knows every article's terms before it weighs the first."""
        terms = _term_counts(title, text).indices
        if terms.size:
            self.documents += 1
            self.df[terms] += 1


def _term_counts(title: str, text: str) -> Any:
    return _VECTORIZER.transform([f"{title}\n{title}\n{text}"])


def dot(vector: SparseVector, centroid: dict[int, float]) -> float:
    get = centroid.get
    pairs = zip(vector.terms.tolist(), vector.weights.tolist(), strict=True)
    return float(sum(w * get(t, 0.0) for t, w in pairs))


def dict_dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    get = b.get
    return sum(w * get(t, 0.0) for t, w in a.items())


def add_into(centroid: dict[int, float], vector: SparseVector) -> None:
    get = centroid.get
    for t, w in zip(vector.terms.tolist(), vector.weights.tolist(), strict=True):
        centroid[t] = get(t, 0.0) + w


def prune(centroid: dict[int, float], limit: int) -> dict[int, float]:
    """The ``limit`` strongest terms of a centroid (all of them when there are fewer)."""
    if len(centroid) <= limit:
        return centroid
    top = sorted(centroid.items(), key=lambda item: -item[1])[:limit]
    return dict(top)


def norm(centroid: dict[int, float]) -> float:
    return math.sqrt(sum(w * w for w in centroid.values()))


def top_terms(centroid: dict[int, float], count: int) -> list[int]:
    return [t for t, _ in sorted(centroid.items(), key=lambda item: -item[1])[:count]]


def add_dict_into(centroid: dict[int, float], other: dict[int, float]) -> None:
    get = centroid.get
    for t, w in other.items():
        centroid[t] = get(t, 0.0) + w
