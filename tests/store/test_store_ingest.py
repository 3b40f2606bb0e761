"""Ingesting into a store (SQLite and PostgreSQL): idempotence, revisions, categories,
atomicity."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import overload

import pytest

from newsarchive.errors import NotFoundError, StoreError
from newsarchive.model import Article, Caption, Document, SourceRef, content_hash
from newsarchive.store import Location, open_store
from newsarchive.store.base import CategoryCount, IngestCounts, SearchQuery, Store
from tests.store.documents import Draft, build_document

PUTIN = Draft(
    "Putin meets envoys in Moscow",
    ("The talks lasted three hours.", "Both sides called them useful."),
    categories=("russia",),
    published="2026-01-20T10:00:00Z",
    captions=(Caption("Envoys arrive at the Kremlin", "© Sputnik/Ilya Pitalev"),),
)
SNOW = Draft(
    "Snowfall blankets the capital",
    ("Thousands of snowplows were deployed.",),
    categories=("russia",),
    published="2026-01-22T08:00:00Z",
)
TALKS = Draft(
    "Trilateral talks set for Sunday",
    ("Negotiators meet in Abu Dhabi.",),
    categories=("world",),
    published="2026-01-21T12:00:00Z",
)


def test_get_returns_the_article_with_its_raw_text_and_span(store: Store) -> None:
    document, articles = build_document([PUTIN, SNOW])

    assert store.add_document(document, articles) == IngestCounts(added=2)

    got = store.get(PUTIN.id)
    assert got == articles[0]
    assert got is not None
    assert got.raw == articles[0].raw
    assert document.text[got.source.start : got.source.end] == got.raw
    assert got.source.path == "archive.txt"
    assert store.get("no-such-id") is None
    (only,) = store.revisions(PUTIN.id)
    assert (only.number, only.content_hash) == (1, content_hash(articles[0]))


def test_the_same_input_twice_adds_nothing(store: Store) -> None:
    document, articles = build_document([PUTIN, SNOW, TALKS])
    store.add_document(document, articles)
    before = store.stats()

    again = store.add_document(document, articles)

    assert again == IngestCounts(unchanged=3)
    assert store.stats() == before
    assert store.search(SearchQuery("snowplows")).total == 1


def test_changed_text_becomes_a_new_revision_and_the_old_one_is_kept(store: Store) -> None:
    store.add_document(*build_document([PUTIN]))
    edited = Draft(
        PUTIN.summary,
        ("The talks lasted five hours.", "Both sides called them useful."),
        categories=PUTIN.categories,
        published=PUTIN.published,
    )

    counts = store.add_document(*build_document([edited], path="later.txt"))

    assert counts == IngestCounts(updated=1)
    current = store.get(PUTIN.id)
    assert current is not None and current.paragraphs[0] == "The talks lasted five hours."
    assert current.source.path == "later.txt"
    revisions = store.revisions(PUTIN.id)
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].article.paragraphs[0] == "The talks lasted three hours."
    assert revisions[0].article.raw.startswith(PUTIN.summary)
    assert revisions[0].article.source.path == "archive.txt"
    assert revisions[0].content_hash == content_hash(build_document([PUTIN])[1][0])
    assert revisions[1].content_hash == content_hash(current)
    assert revisions[-1].article == current
    assert store.stats().revisions == 1
    # the index follows the current text only
    assert store.search(SearchQuery("five")).total == 1
    assert store.search(SearchQuery("three")).total == 0


def test_the_same_article_on_another_category_page_gains_that_category(store: Store) -> None:
    store.add_document(*build_document([PUTIN]))
    on_world_page = Draft(
        PUTIN.summary,
        PUTIN.paragraphs,
        categories=("world",),
        published=PUTIN.published,
        captions=PUTIN.captions,
    )

    counts = store.add_document(*build_document([on_world_page], path="world.txt"))

    assert counts == IngestCounts(unchanged=1)
    got = store.get(PUTIN.id)
    assert got is not None and got.categories == ("russia", "world")
    assert len(store.revisions(PUTIN.id)) == 1
    assert store.search(SearchQuery("talks", category="world")).total == 1


def test_categories_are_counted(store: Store) -> None:
    store.add_document(*build_document([PUTIN, SNOW, TALKS]))

    assert store.categories() == [CategoryCount("russia", 2), CategoryCount("world", 1)]


def test_iter_articles_streams_newest_first_and_filters_by_category(store: Store) -> None:
    undated = Draft("An undated note", ("No date here.",), categories=("russia",))
    store.add_document(*build_document([PUTIN, undated, SNOW, TALKS]))

    assert [a.id for a in store.iter_articles()] == [SNOW.id, TALKS.id, PUTIN.id, undated.id]
    assert [a.id for a in store.iter_articles("russia")] == [SNOW.id, PUTIN.id, undated.id]
    assert list(store.iter_articles("sport")) == []


def test_stats_count_articles_sources_and_dates(store: Store) -> None:
    store.add_document(*build_document([PUTIN, SNOW]))
    store.add_document(*build_document([TALKS], path="two.txt"))

    stats = store.stats()

    assert (stats.articles, stats.sources, stats.revisions) == (3, 2, 0)
    assert (stats.earliest, stats.latest) == (PUTIN.published, SNOW.published)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252", "utf-8-sig", "utf-16"])
def test_source_text_gives_back_the_original_bytes(store: Store, encoding: str) -> None:
    café = Draft("Café owners protest – again", ("Naïve pricing, they say.",))
    document, articles = build_document([café, SNOW], encoding=encoding)

    store.add_document(document, articles)

    assert store.source_text(document.sha256) == document.text.encode(encoding)
    got = store.get(café.id)
    assert got is not None and got.raw == articles[0].raw
    assert store.source_text("0" * 64) is None


def test_the_original_bytes_are_kept_when_the_text_cannot_give_them_back(store: Store) -> None:
    data = "Bad byte \xff here\n\nSummary line\n\nBody text.\n".encode("latin-1")
    text = data.decode("utf-8", errors="replace")
    sha = hashlib.sha256(data).hexdigest()
    document = Document(text, sha, "utf-8", path="bad.txt", size=len(data), data=data)
    start = text.index("Summary")
    article = Article(
        id="bad",
        title=None,
        summary="Summary line",
        paragraphs=("Body text.",),
        source=SourceRef(document.sha256, start, len(text) - 1, "bad.txt", encoding="utf-8"),
        raw=text[start:-1],
    )

    store.add_document(document, [article])

    assert store.source_text(document.sha256) == data
    got = store.get("bad")
    assert got is not None and got.raw == "Summary line\n\nBody text."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_long_input_keeps_every_span_exact(store: Store, encoding: str) -> None:
    drafts = [
        Draft(f"Report number {i} from the wire", (f"Paragraph {i} ü " * 400,)) for i in range(60)
    ]
    document, articles = build_document(drafts, encoding=encoding)

    store.add_document(document, articles)

    for article in [*articles[::7], articles[0]]:
        got = store.get(article.id)
        assert got is not None and got.raw == article.raw
    assert store.source_text(document.sha256) == document.text.encode(encoding)


class ExplodingArticles(Sequence[Article]):
    """Articles that raise part-way through, after the store has written some of them."""

    def __init__(self, articles: list[Article], fail_at: int, error: BaseException) -> None:
        self.articles, self.fail_at, self.error = articles, fail_at, error

    def __len__(self) -> int:
        return len(self.articles)

    @overload
    def __getitem__(self, index: int) -> Article: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Article]: ...
    def __getitem__(self, index: int | slice) -> Article | Sequence[Article]:
        if isinstance(index, int) and index % len(self.articles) == self.fail_at:
            raise self.error
        return self.articles[index]

    def __iter__(self) -> Iterator[Article]:
        for i in range(len(self.articles)):
            yield self[i]


@pytest.mark.parametrize("error", [RuntimeError("reader bug"), KeyboardInterrupt()])
def test_an_error_mid_document_leaves_the_archive_as_before(
    store: Store, error: BaseException
) -> None:
    store.add_document(*build_document([TALKS], path="first.txt"))
    before = store.stats()
    drafts = [Draft(f"Story {i} about snowplows", (f"Body {i}.",)) for i in range(700)]
    document, articles = build_document(drafts, path="second.txt")

    with pytest.raises(type(error)):
        store.add_document(document, ExplodingArticles(articles, 100, error))

    assert store.stats() == before
    assert store.search(SearchQuery("snowplows")).total == 0
    assert store.source_text(document.sha256) is None
    assert store.categories() == [CategoryCount("world", 1)]
    # and the store still works afterwards
    assert store.add_document(document, articles) == IngestCounts(added=700)
    assert store.categories() == [CategoryCount("world", 701)]


def test_revisions_of_an_unknown_id_is_an_error(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no-such-id"):
        store.revisions("no-such-id")


def test_a_read_only_store_refuses_to_ingest(archive_location: Location) -> None:
    with open_store(archive_location) as store:
        store.add_document(*build_document([SNOW]))

    with open_store(archive_location, readonly=True) as readonly:
        assert readonly.get(SNOW.id) is not None
        with pytest.raises(StoreError, match="read-only"):
            readonly.add_document(*build_document([TALKS]))


def test_an_input_naming_one_id_twice_stores_its_first_article(store: Store) -> None:
    top = Draft("Morning briefing", ("Markets opened higher on Tuesday.",))
    bottom = Draft("Morning briefing", ("Parliament returns from recess today.",))
    document, articles = build_document([top, bottom], path="briefings.txt")
    assert articles[0].id == articles[1].id  # same key, on purpose

    counts = store.add_document(document, articles)

    assert counts == IngestCounts(added=1, unchanged=1)
    stored = store.get(articles[0].id)
    assert stored is not None and stored.paragraphs == ("Markets opened higher on Tuesday.",)
    assert store.revisions(articles[0].id)[-1].article.paragraphs == stored.paragraphs
