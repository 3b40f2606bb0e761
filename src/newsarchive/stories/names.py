"""Names read off the text itself: the capitalised phrases of an article, a stand-in for
the enricher's entities when an article has none (not enriched, or enriched to nothing).

A run of capitalised words (joined by "of", "the", "de", ...) is a name; stop words at
either end are dropped (a sentence's first "The"), and so are days, months and short
words. Names in the title count twice. Cheap and rough, but the clusterer only asks
which names two articles share.
"""

from __future__ import annotations

import re
from collections import Counter

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_WORD = r"[A-Z][\w'’.&-]*\w"
_LINK = r"(?:of|the|de|del|la|al|bin|van|von|for|and)"
_PHRASE = re.compile(rf"\b{_WORD}(?:[ \t]+(?:{_LINK}[ \t]+)?{_WORD})*")
_POSSESSIVE = re.compile(r"['’]s$")
_CALENDAR = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
    ]
)
_SKIP = ENGLISH_STOP_WORDS | _CALENDAR


def capitalised_names(title: str, text: str, limit: int = 20) -> tuple[str, ...]:
    """The article's capitalised phrases, the most frequent first (title mentions count
    twice; ties by first appearance)."""
    counts: Counter[str] = Counter()
    for weight, chunk in ((2, title), (1, text)):
        for match in _PHRASE.finditer(chunk):
            name = _trimmed(match.group(0))
            if name:
                counts[name] += weight
    return tuple(name for name, _ in counts.most_common(limit))


def _trimmed(phrase: str) -> str:
    words = [_POSSESSIVE.sub("", word) for word in phrase.split()]
    while words and words[0].lower() in _SKIP:
        words.pop(0)
    while words and words[-1].lower() in _SKIP:
        words.pop()
    name = " ".join(words)
    if len(name) < 3 or "'" in name or "’" in name:
        return ""
    return name
