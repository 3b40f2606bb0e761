"""Categories for articles whose source gave none, learnt from the archive's own labelled
articles.

The source's categories are the truth and are never touched: an article that arrived with
categories keeps them, and the caller asks :meth:`CategoryModel.predict` only for articles
that have none. What it returns is always a :class:`~newsarchive.model.PredictedCategory`,
with a confidence, so the JSON (``grouping_to_dict``) and the web mark it as predicted.

The model is small and CPU-light: TF-IDF over the title, the summary and the paragraphs
(words and word pairs, sublinear term frequency, terms in at least ``MIN_DF`` articles, at
most ``MAX_FEATURES`` of them) and one logistic regression per category (one-vs-rest),
its probabilities calibrated by Platt scaling on cross-validated scores.
One-vs-rest keeps it multi-label aware: an article may carry several source categories, it
is a positive example for each of them, and each category's confidence is that category's
own probability, so several may pass ``min_confidence`` together. Only categories with at
least ``min_examples`` articles in them (and as many outside them) get a classifier; rarer
ones are never predicted, and their articles still serve as examples of what the other
categories are not.

``to_bytes`` stores the fitted vocabulary (json) and the idf, coefficient, intercept and
calibration arrays (``np.save``, no pickle); ``from_bytes`` rebuilds the same model from them, so
loading a model never runs pickle and predicts exactly what the trained model did.
"""

from __future__ import annotations

import io
import json
import struct
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import expit
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import normalize

from newsarchive.errors import NewsarchiveError
from newsarchive.model import Article, PredictedCategory, enrichment_text

MIN_EXAMPLES = 5  # articles a category needs (in it, and outside it) to be learnt
MIN_DF = 2  # a term must occur in this many labelled articles
MAX_FEATURES = 100_000  # bounds the model's size on a large archive
NGRAM_RANGE = (1, 2)
C = 10.0  # inverse regularisation of each logistic regression (chosen on one bbc fold)
FORMAT = b"newsarchive-category-model/1\n"

FloatArray = npt.NDArray[np.float32]


class CategoryModelError(NewsarchiveError):
    """A category model that cannot be trained or read back."""


class TrainingError(CategoryModelError):
    """Too few labelled articles to learn categories from."""


def category_text(article: Article) -> str:
    """What the classifier reads: title, summary and paragraphs."""
    return enrichment_text(article)


class CategoryModel:
    """Predicts categories for articles without any; see the module's docstring.

    ``labels`` are the categories it can predict, in the order of its coefficient rows.
    """

    __slots__ = (
        "_calibration",
        "_coef",
        "_idf",
        "_intercept",
        "_vectorizer",
        "_weights",
        "labels",
        "vocabulary",
    )

    def __init__(
        self,
        labels: Sequence[str],
        vocabulary: Sequence[str],
        idf: FloatArray,
        coef: FloatArray,
        intercept: FloatArray,
        calibration: FloatArray,
    ) -> None:
        self.labels: tuple[str, ...] = tuple(labels)
        self.vocabulary: tuple[str, ...] = tuple(vocabulary)
        self._idf = idf
        self._coef = coef
        self._intercept = intercept
        self._calibration = calibration  # Platt's (a, b) per label
        self._weights = coef.T.astype(np.float64)  # converted once, for predictions
        self._vectorizer = CountVectorizer(
            vocabulary={term: i for i, term in enumerate(self.vocabulary)},
            ngram_range=NGRAM_RANGE,
        )

    # -- training --------------------------------------------------------------------------

    @classmethod
    def train(
        cls, articles: Iterable[Article], *, min_examples: int = MIN_EXAMPLES
    ) -> CategoryModel:
        """Learn from the articles that have source categories (the others are skipped).

        Raises :class:`TrainingError` when fewer than two categories have ``min_examples``
        articles in them and as many outside them."""
        labelled = [(category_text(a), set(a.categories)) for a in articles if a.categories]
        labels = _learnable(labelled, min_examples)
        texts = [text for text, _ in labelled]
        counter = CountVectorizer(ngram_range=NGRAM_RANGE, min_df=MIN_DF, max_features=MAX_FEATURES)
        try:
            counts = counter.fit_transform(texts)
        except ValueError as error:  # no term left after min_df
            raise _too_few(labelled, min_examples, "their texts share no words") from error
        vocabulary = sorted(counter.vocabulary_, key=counter.vocabulary_.__getitem__)
        idf = _idf(counts)
        features = _weigh(counts, idf)
        rows = [_fit_one(features, [label in cats for _, cats in labelled]) for label in labels]
        coef = np.vstack([row[0] for row in rows]).astype(np.float32)
        intercept = np.array([row[1] for row in rows], dtype=np.float32)
        calibration = np.array([row[2] for row in rows], dtype=np.float32)
        return cls(labels, vocabulary, idf, coef, intercept, calibration)

    # -- prediction ------------------------------------------------------------------------

    def predict(
        self, article: Article, *, top: int = 3, min_confidence: float = 0.2
    ) -> tuple[PredictedCategory, ...]:
        """At most ``top`` categories with confidence >= ``min_confidence``, highest first.

        The article's own categories are not looked at: call this only for articles whose
        source gave none (those keep theirs). An article with no word the model knows gets
        no prediction."""
        return self.predict_many([article], top=top, min_confidence=min_confidence)[0]

    def predict_many(
        self, articles: Sequence[Article], *, top: int = 3, min_confidence: float = 0.2
    ) -> list[tuple[PredictedCategory, ...]]:
        """:meth:`predict` for many articles at once (one matrix product, much faster)."""
        if not articles:
            return []
        probabilities = self.probabilities([category_text(a) for a in articles])
        return [self._best(row, top, min_confidence) for row in probabilities]

    def probabilities(self, texts: Sequence[str]) -> npt.NDArray[np.float64]:
        """Each text's probability for each of ``labels`` (rows: texts); a text with no
        known word gets a row of zeros."""
        counts = self._vectorizer.transform(texts)
        features = _weigh(counts, self._idf)
        scores = np.asarray(features @ self._weights + self._intercept)
        a, b = self._calibration[:, 0], self._calibration[:, 1]
        probabilities: npt.NDArray[np.float64] = expit(scores * a + b).astype(np.float64)
        probabilities[np.diff(features.indptr) == 0] = 0.0
        return probabilities

    def _best(
        self, row: npt.NDArray[np.float64], top: int, min_confidence: float
    ) -> tuple[PredictedCategory, ...]:
        order = sorted(range(len(self.labels)), key=lambda i: (-row[i], self.labels[i]))
        best = (PredictedCategory(self.labels[i], round(float(row[i]), 4)) for i in order)
        return tuple(p for p in best if p.confidence >= min_confidence and p.confidence > 0)[
            : max(top, 0)
        ]

    # -- bytes -----------------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        """The model as bytes: a json header (labels, vocabulary) and numpy arrays, no
        pickle; zlib-compressed."""
        header = json.dumps(
            {"labels": list(self.labels), "vocabulary": list(self.vocabulary)},
            ensure_ascii=False,
        ).encode("utf-8")
        buffer = io.BytesIO()
        buffer.write(struct.pack("<Q", len(header)))
        buffer.write(header)
        for array in (self._idf, self._coef, self._intercept, self._calibration):
            np.save(buffer, array, allow_pickle=False)
        return FORMAT + zlib.compress(buffer.getvalue(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> CategoryModel:
        """The model ``to_bytes`` wrote; never runs pickle."""
        if not data.startswith(FORMAT):
            raise CategoryModelError(
                "category model: not a newsarchive category model (or a newer format); "
                "run `newsarchive categorize --train` again"
            )
        try:
            buffer = io.BytesIO(zlib.decompress(data[len(FORMAT) :]))
            (size,) = struct.unpack("<Q", buffer.read(8))
            header: dict[str, Any] = json.loads(buffer.read(size).decode("utf-8"))
            arrays = [np.load(buffer, allow_pickle=False) for _ in range(4)]
        except (zlib.error, struct.error, ValueError, KeyError) as error:
            raise CategoryModelError(
                f"category model: the stored model is damaged ({error}); "
                "run `newsarchive categorize --train` again"
            ) from error
        return cls(header["labels"], header["vocabulary"], *arrays)

    def __repr__(self) -> str:
        return f"CategoryModel(labels={self.labels!r}, terms={len(self.vocabulary)})"


def _learnable(labelled: list[tuple[str, set[str]]], min_examples: int) -> list[str]:
    counts = Counter(label for _, cats in labelled for label in cats)
    total = len(labelled)
    labels = sorted(
        label for label, n in counts.items() if n >= min_examples and total - n >= min_examples
    )
    if len(labels) < 2:
        raise _too_few(labelled, min_examples, "")
    return labels


def _too_few(labelled: list[tuple[str, set[str]]], min_examples: int, why: str) -> TrainingError:
    counts = Counter(label for _, cats in labelled for label in cats)
    found = ", ".join(f"{label}: {n}" for label, n in counts.most_common(8)) or "none"
    reason = f"{why}; " if why else ""
    return TrainingError(
        f"train needs at least {min_examples} articles in at least 2 categories "
        f"(and {min_examples} outside each); {reason}the archive has {len(labelled)} "
        f"labelled articles ({found}): add articles whose source gives categories, "
        "then run `newsarchive categorize --train` again"
    )


def _idf(counts: sparse.csr_matrix) -> FloatArray:
    """Smoothed inverse document frequency, as scikit-learn's TfidfTransformer computes it."""
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    idf: FloatArray = (np.log((1 + n) / (1 + df)) + 1).astype(np.float32)
    return idf


def _weigh(counts: sparse.csr_matrix, idf: FloatArray) -> sparse.csr_matrix:
    """Sublinear tf (1 + log tf) times idf, each row scaled to unit length."""
    features = sparse.csr_matrix(counts, dtype=np.float64, copy=True)
    features.data = 1.0 + np.log(features.data)
    features = sparse.csr_matrix(features.multiply(idf.astype(np.float64)[np.newaxis, :]))
    return sparse.csr_matrix(normalize(features, norm="l2", copy=False))


def _fit_one(
    features: sparse.csr_matrix, positive: list[bool]
) -> tuple[FloatArray, float, tuple[float, float]]:
    """One category's logistic regression (coefficients, intercept) and its calibration.

    The regression's own probabilities are too timid on text (a right top category gets
    about 0.75 on bbc), so its scores are calibrated by Platt scaling fitted on
    cross-validated scores (3 folds), as scikit-learn's CalibratedClassifierCV does."""
    y = np.array(positive, dtype=np.int8)
    # the dual problem: fewer articles than terms, ~20x faster than the primal on bbc
    classifier = LogisticRegression(
        C=C, class_weight="balanced", solver="liblinear", dual=True, random_state=0, max_iter=1000
    )
    held_out = cross_val_predict(classifier, features, y, cv=3, method="decision_function")
    classifier.fit(features, y)
    coef = classifier.coef_[0].astype(np.float32)
    return coef, float(classifier.intercept_[0]), _platt(held_out, y)


def _platt(scores: npt.NDArray[np.float64], y: npt.NDArray[np.int8]) -> tuple[float, float]:
    """Platt's sigmoid (a, b): P(positive) = expit(a * score + b), fitted to Platt's smoothed
    targets so a few perfectly separated examples do not yield certainty."""
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    target = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    both = np.concatenate([scores, scores]).reshape(-1, 1)
    labels = np.concatenate([np.ones(len(y)), np.zeros(len(y))])
    weights = np.concatenate([target, 1 - target])
    sigmoid = LogisticRegression(C=1e4).fit(both, labels, sample_weight=weights)
    return float(sigmoid.coef_[0, 0]), float(sigmoid.intercept_[0])
