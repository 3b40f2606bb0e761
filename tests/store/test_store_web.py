"""Pages read from the web in a store (SQLite and PostgreSQL): every new field kept,
teasers that never replace full articles, fetch state for conditional re-crawls."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from newsarchive.errors import StoreError
from newsarchive.model import (
    Article,
    Caption,
    Document,
    FetchState,
    RelatedLink,
    article_to_dict,
    content_hash,
)
from newsarchive.store import Location, open_store
from newsarchive.store.base import IngestCounts, ListingQuery, SearchQuery, SourceInfo, Store
from tests.backends import Backend
from tests.store.documents import FETCHED_AT, Draft, build_document, html_page

URL = "https://news.example.com/2026/03/01/harbour-reopens"
PAGE = dict(
    categories=("World", "Europe"),
    authors=("Mira Holm",),
    published="2026-03-01T09:00:00+00:00",
    updated="2026-03-01T17:30:00+00:00",
    language="en",
    tags=("ports", "shipping"),
    summary="Ships are moving again after the storm.",
    captions=(
        Caption("The harbour at dawn", "© Agency/Jo Lund", "https://img.example.com/harbour.jpg"),
        Caption("A crane, no picture address", "© Staff"),
    ),
    related=(RelatedLink("Storm closes the harbour", "https://news.example.com/storm"),),
)


def full_page(
    paragraphs: tuple[str, ...] = ("The harbour reopened on Sunday.",), **kw: object
) -> tuple[Document, Article]:
    return html_page(URL, "Harbour reopens", paragraphs, **{**PAGE, **kw})


def teaser_item(**kw: object) -> tuple[Document, Article]:
    """The same article as a feed entry: a title and a summary, no body."""
    fields = {"summary": "Ships move again.", "categories": ("Feed",), **kw}
    return html_page(URL, "Harbour reopens", (), teaser=True, **fields)


def test_every_web_field_round_trips_through_a_reopened_archive(
    archive_location: Location,
) -> None:
    document, article = full_page(warc="crawl-2026.warc.gz", record_offset=40_960)
    with open_store(archive_location) as store:
        assert store.add_document(document, [article]) == IngestCounts(added=1)

    with open_store(archive_location, readonly=True) as store:
        got = store.get(article.id)
        assert got == article and got is not None and got.raw == article.raw
        assert got.captions[0].image_url == "https://img.example.com/harbour.jpg"
        assert got.captions[1].image_url is None
        assert (got.url, got.updated, got.language, got.tags) == (
            URL, PAGE["updated"], "en", ("ports", "shipping")
        )  # fmt: skip
        src = got.source
        assert (src.path, src.url, src.record_offset) == ("crawl-2026.warc.gz", URL, 40_960)
        assert src.record_id == document.record_id and src.record_id
        assert (src.fetched_at, src.http_status) == (FETCHED_AT, 200)
        assert store.revisions(article.id)[-1].article == article
        assert list(store.iter_articles()) == [article]
        assert store.find_by_url(URL) == article
        assert store.find_by_url(URL + "?utm=1") is None
        assert store.source_text(document.sha256) == document.data
        assert store.source_info(document.sha256) == SourceInfo(
            sha256=document.sha256,
            path="crawl-2026.warc.gz",
            url=URL,
            encoding="utf-8",
            media_type="text/html",
            size=len(document.data),
            added_at=store.source_info(document.sha256).added_at,  # type: ignore[union-attr]
            exact=True,
            record_id=document.record_id,
            record_offset=40_960,
            fetched_at=FETCHED_AT,
            http_status=200,
        )
        assert store.source_info("0" * 64) is None
        assert store.search(SearchQuery("shipping")).hits[0].id == article.id  # a tag
        (listed,) = store.list_articles(ListingQuery("Europe")).items
        assert listed.caption == article.captions[0] and not listed.teaser


def test_an_article_whose_source_ref_is_not_its_documents_keeps_its_own(store: Store) -> None:
    document, article = full_page()
    elsewhere = replace(
        article.source,
        path="other.warc",
        record_id="<urn:uuid:1>",
        record_offset=7,
        fetched_at="2020-01-01T00:00:00+00:00",
        http_status=203,
    )
    moved = replace(article, source=elsewhere)

    store.add_document(document, [moved])

    assert store.get(article.id) == moved


def test_dump_articles_store_no_web_fields(
    store: Store, archive_location: Location, backend: Backend
) -> None:
    """Dump articles are written as before (ingest speed, archive size)."""
    document, articles = build_document([Draft("A dump article", ("Its body.",))])
    store.add_document(document, articles)

    assert backend.query(archive_location, "SELECT extra FROM articles") == [("{}",)]
    info = store.source_info(document.sha256)
    assert info is not None and info.media_type is None and info.record_id is None


def test_a_teaser_then_the_full_article_is_one_article_with_two_revisions(store: Store) -> None:
    feed, teaser = teaser_item(published="2026-03-01T08:00:00+00:00")
    page, article = full_page(published=None)

    assert store.add_document(feed, [teaser]) == IngestCounts(added=1)
    assert store.add_document(page, [article]) == IngestCounts(updated=1)

    assert store.stats().articles == 1
    current = store.get(article.id)
    assert current is not None and not current.teaser
    assert current.paragraphs == article.paragraphs
    assert current.published == "2026-03-01T08:00:00+00:00"  # the teaser's, none of its own
    assert current.categories == ("Feed", "World", "Europe")
    revisions = store.revisions(article.id)
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].article.teaser and revisions[0].article.summary == "Ships move again."
    assert store.search(SearchQuery("reopened")).total == 1
    assert store.search(SearchQuery("reopened", category="Feed")).total == 1
    assert not store.list_articles(ListingQuery("Feed")).items[0].teaser


def test_a_teaser_never_replaces_the_full_article(store: Store) -> None:
    page, article = full_page(published=None)
    store.add_document(page, [article])
    feed, teaser = teaser_item(published="2026-03-01T08:00:00+00:00")

    assert store.add_document(feed, [teaser]) == IngestCounts(unchanged=1)

    current = store.get(article.id)
    assert current is not None and not current.teaser
    assert current.paragraphs == article.paragraphs and current.summary == article.summary
    assert current.categories == ("World", "Europe", "Feed")
    assert current.published == "2026-03-01T08:00:00+00:00"  # a missing date is filled
    assert len(store.revisions(article.id)) == 1
    assert store.revisions(article.id)[-1].content_hash == content_hash(current)
    assert store.list_articles(ListingQuery("Feed")).items[0].id == article.id
    # the filled date places it in its categories' listings
    for category in ("World", "Feed"):
        listing = store.list_articles(ListingQuery(category, date_from="2026-03-01"))
        assert [item.id for item in listing.items] == [article.id]
    # the undated page fetched again keeps the date and is unchanged
    assert store.add_document(*_one((page, article), url="again")) == IngestCounts(unchanged=1)
    assert store.get(article.id).published == current.published  # type: ignore[union-attr]


def test_a_teaser_keeps_the_full_articles_own_date(store: Store) -> None:
    page, article = full_page()
    store.add_document(page, [article])

    store.add_document(*_one(teaser_item(published="1999-01-01")))

    assert store.get(article.id).published == PAGE["published"]  # type: ignore[union-attr]


def test_two_teasers_follow_the_revision_rule(store: Store) -> None:
    first = teaser_item()
    same = teaser_item(categories=("Business",))
    edited = teaser_item(summary="Ships move again after the storm.")

    assert store.add_document(*_one(first)) == IngestCounts(added=1)
    assert store.add_document(*_one(same, url="x")) == IngestCounts(unchanged=1)
    assert store.add_document(*_one(edited, url="y")) == IngestCounts(updated=1)

    current = store.get(first[1].id)
    assert current is not None and current.teaser
    assert current.summary == "Ships move again after the storm."
    assert current.categories == ("Feed", "Business")
    assert len(store.revisions(first[1].id)) == 2
    assert store.list_articles(ListingQuery("Feed")).items[0].teaser


def test_a_refetched_page_with_changed_text_is_a_new_revision(store: Store) -> None:
    store.add_document(*_one(full_page()))
    again = full_page(("The harbour reopened on Sunday after three days.",))

    assert store.add_document(*_one(again)) == IngestCounts(updated=1)
    assert store.add_document(*_one(again)) == IngestCounts(unchanged=1)

    revisions = store.revisions(again[1].id)
    assert [r.article.paragraphs[0][-5:] for r in revisions] == ["nday.", "days."]
    assert store.search(SearchQuery("three days")).total == 1


def test_fetch_state_round_trips_and_is_replaced(archive_location: Location) -> None:
    first = FetchState(URL, '"abc"', "Sun, 01 Mar 2026 09:00:00 GMT", "a" * 64, 200, FETCHED_AT)
    later = FetchState(URL, '"abc"', None, "a" * 64, 304, "2026-03-03T08:00:00+00:00")
    with open_store(archive_location) as store:
        assert store.fetch_state(URL) is None
        store.record_fetch(first)
        assert store.fetch_state(URL) == first
        store.record_fetch(later)
    with open_store(archive_location, readonly=True) as store:
        assert store.fetch_state(URL) == later
        assert store.fetch_state(URL + "/") is None
        with pytest.raises(StoreError, match="read-only"):
            store.record_fetch(first)


def test_revisions_keep_every_web_field(store: Store) -> None:
    document, article = full_page(warc="a.warc.gz", record_offset=0)
    store.add_document(document, [article])
    edited_doc, edited = full_page(("Changed.",), warc="b.warc.gz", record_offset=99)

    store.add_document(edited_doc, [edited])

    old, new = store.revisions(article.id)
    assert old.article == article and article_to_dict(old.article) == article_to_dict(article)
    assert new.article == edited and new.article.source.record_offset == 99


def _one(pair: tuple[Document, Article], url: str | None = None) -> tuple[Document, list[Article]]:
    """A (document, article) pair as add_document's arguments; ``url`` makes the document
    another input (another fetch) of the same page."""
    document, article = pair
    if url is not None:
        data = document.data + url.encode()
        sha = hashlib.sha256(data).hexdigest()
        document = replace(document, data=data, text=data.decode(), sha256=sha, size=len(data))
        article = replace(article, source=replace(article.source, sha256=sha))
    return document, [article]
