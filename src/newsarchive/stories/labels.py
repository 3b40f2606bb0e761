"""What names a story: its most central title and its key entities."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from newsarchive.stories.vectors import SparseVector, dot


def central_title(
    titles: Sequence[str], vectors: Sequence[SparseVector], centroid: dict[int, float]
) -> str:
    """The title of the member closest to the centroid (the earliest on a tie); members
    without a title are passed over unless no member has one."""
    best, best_score = "", -1.0
    for title, vector in zip(titles, vectors, strict=True):
        if not title.strip():
            continue
        score = round(dot(vector, centroid), 5)  # stored centroids are float32
        if score > best_score:
            best, best_score = title, score
    return best


def key_entities(counts: Counter[str], size: int, limit: int = 5) -> tuple[str, ...]:
    """The entities most members name (most first, then by name); in a story of three or
    more articles an entity must be named by at least two of them."""
    floor = 2 if size >= 3 else 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple(name for name, count in ranked[:limit] if count >= floor)
