"""Lexical cohesion across a candidate article boundary (after Hearst's TextTiling).

A line with no final punctuation may be the summary that opens a new article or a
paragraph that lost its full stop. Around a real boundary the vocabulary changes: the
paragraphs before and after share few content words. Within an article they share many.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[^\W\d_]{3,}")
_STEM = 5  # truncation stemming: "snowfall"/"snowstorm" stay apart, "talks"/"talked" meet
_STOP = frozenset(
    [
        "the",
        "and",
        "for",
        "that",
        "with",
        "this",
        "from",
        "have",
        "has",
        "had",
        "was",
        "were",
        "are",
        "been",
        "will",
        "would",
        "could",
        "should",
        "their",
        "there",
        "they",
        "them",
        "than",
        "then",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "after",
        "before",
        "while",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "also",
        "said",
        "says",
        "not",
        "but",
        "its",
        "his",
        "her",
        "him",
        "she",
        "our",
        "out",
        "all",
        "any",
        "can",
        "may",
        "more",
        "most",
        "much",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "very",
        "just",
        "one",
        "two",
        "three",
        "last",
        "first",
        "new",
        "year",
        "years",
        "week",
        "month",
        "on",
        "per",
        "via",
        "told",
        "according",
    ]
)


def terms(text: str) -> Counter[str]:
    words = (w.lower() for w in _WORD.findall(text))
    return Counter(w[:_STEM] for w in words if w not in _STOP)


def document_frequencies(bags: Sequence[Counter[str]]) -> dict[str, float]:
    """Inverse document frequency of each term over the page's paragraphs."""
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(bags) + 1
    return {term: math.log(n / count) for term, count in df.items()}


def similarity(left: Counter[str], right: Counter[str], idf: dict[str, float]) -> float:
    """Cosine of the tf-idf vectors of two bags of terms."""
    if not left or not right:
        return 0.0
    dot = sum(left[t] * right[t] * idf.get(t, 0.0) ** 2 for t in left.keys() & right.keys())
    norm_l = math.sqrt(sum((c * idf.get(t, 0.0)) ** 2 for t, c in left.items()))
    norm_r = math.sqrt(sum((c * idf.get(t, 0.0)) ** 2 for t, c in right.items()))
    return dot / (norm_l * norm_r) if norm_l and norm_r else 0.0
