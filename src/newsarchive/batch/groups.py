"""Near-duplicates (and, when asked, stories) over a whole batch, in input order.

Both are decided one article at a time against the articles before it, so they run in
one place (the driver), over the articles in the order ``parse`` reads them; the costly
part, each article's MinHash signature, was computed by the tasks. The answers are those
of ``parse --stories``: the same ``DuplicateIndex`` and ``StoryClusterer``, fed the same
articles in the same order (stories and their topics).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from newsarchive.batch.steps import DocumentDone, Signature
from newsarchive.model import Grouping
from newsarchive.stories.cluster import StoryClusterer, StoryItem
from newsarchive.stories.dedup import DuplicateIndex
from newsarchive.stories.refs import grouper

ArticleOrder = tuple[int, int, int]  # (task, document within the task, article within it)


@dataclass(frozen=True, slots=True)
class ArticleKey:
    """What grouping reads of one article (the text stays with the task)."""

    order: ArticleOrder
    article_id: str
    signature: Signature
    story_item: StoryItem | None = None


def article_keys(done: DocumentDone) -> Iterator[ArticleKey]:
    """The keys of one document's articles."""
    items = done.story_items or (None,) * len(done.articles)
    rows = zip(done.articles, done.signatures, items, strict=True)
    for n, (article, signature, item) in enumerate(rows):
        yield ArticleKey((*done.order, n), article.id, signature, item)


def group_in_order(keys: Iterable[ArticleKey], *, stories: bool) -> dict[ArticleOrder, Grouping]:
    """Each article's grouping, by its place in the batch. Without ``stories`` only the
    near-duplicates are listed (an original's grouping is empty)."""
    index = DuplicateIndex()
    clusterer = StoryClusterer() if stories else None
    answers: list[tuple[ArticleOrder, str, str | None]] = []
    for key in keys:
        original = index.add_signature(key.article_id, key.signature)
        if clusterer is not None and original is None and key.story_item is not None:
            clusterer.add(key.story_item)
        if clusterer is not None or original is not None:
            answers.append((key.order, key.article_id, original))
    if clusterer is None:
        return {order: Grouping(duplicate_of=original) for order, _, original in answers}
    grouping = grouper(clusterer)
    return {order: grouping(article_id, original, ()) for order, article_id, original in answers}
