"""Lexical cohesion across a candidate article boundary (after Hearst's TextTiling).

A line with no final punctuation may be the summary that opens a new article or a
paragraph that lost its full stop. Around a real boundary the vocabulary changes: the
paragraphs before and after share few content words. Within an article they share many.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import chain

# A word of three letters or more, captured truncated to its first five letters: cheap
# stemming ("talks"/"talked" meet; "snowfall"/"snowstorm" stay apart).
_WORD = re.compile(r"([^\W\d_]{3,5})[^\W\d_]*")
_ASCII_WORD = re.compile(r"([a-z]{3,5})[a-z]*")
_OPENING = 200  # characters of each paragraph compared: its opening names who and what
_STOP_WORDS = """
the and for that with this from have has had was were are been will would could should
their there they them than then into onto over under about after before while which who whom
whose what when where why how also said says not but its his her him she our out all any can
may more most much other some such only own same very just one two three last first new
year years week month per via told according
"""
_STOP = frozenset(w[:5] for w in _STOP_WORDS.split())


def terms(text: str) -> frozenset[str]:
    """The content words of a paragraph's opening, truncation-stemmed."""
    opening = text[:_OPENING].lower()
    words = (_ASCII_WORD if opening.isascii() else _WORD).findall(opening)
    return frozenset(words) - _STOP


def inverse_document_frequencies(bags: Iterable[frozenset[str]]) -> dict[str, float]:
    """Squared idf weight of each term over the paragraphs looked at."""
    bags = list(bags)
    df = Counter(chain.from_iterable(bags))
    n = len(bags) + 1
    return {term: math.log(n / count) ** 2 for term, count in df.items()}


def similarity(left: frozenset[str], right: frozenset[str], weights: dict[str, float]) -> float:
    """Cosine of the idf-weighted (binary) term vectors of two windows of text; ``weights``
    must hold every term of both."""
    if not left or not right:
        return 0.0
    weight = weights.__getitem__  # every term of every bag has a weight
    dot = sum(map(weight, left & right))
    norm_l = math.sqrt(sum(map(weight, left)))
    norm_r = math.sqrt(sum(map(weight, right)))
    return dot / (norm_l * norm_r) if norm_l and norm_r else 0.0
