"""Property: any article the readers can produce comes back from the store unchanged."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.model import Article, Caption, RelatedLink, SourceRef, make_article_id
from newsarchive.store import open_store
from tests.backends import SQLITE, Backend
from tests.store.documents import Draft, build_document

# NUL is not text PostgreSQL can hold: test_a_nul_character_in_text says what happens to it
text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
maybe_text = st.none() | text
# paragraphs that cannot be recovered by splitting the body are stored apart
paragraph = text | st.sampled_from(["", "one\n\ntwo", "\n\n", " "])
captions = st.lists(st.builds(Caption, text, maybe_text, maybe_text), max_size=2)
related = st.lists(st.builds(RelatedLink, text, maybe_text, maybe_text, maybe_text), max_size=2)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    """An article with a placeholder source; the test places it in a document."""
    return Article(
        id=make_article_id(draw(text)),
        title=draw(maybe_text),
        summary=draw(maybe_text),
        paragraphs=tuple(draw(st.lists(paragraph, max_size=4))),
        source=SourceRef("", 0, 0),
        captions=tuple(draw(captions)),
        related=tuple(draw(related)),
        categories=tuple(draw(st.lists(text, max_size=3, unique=True))),
        authors=tuple(draw(st.lists(text, max_size=2))),
        published=draw(st.none() | st.dates().map(str)),
        dateline=draw(maybe_text),
        url=draw(maybe_text),
        updated=draw(st.none() | st.datetimes().map(str)),
        language=draw(maybe_text),
        tags=tuple(draw(st.lists(text, max_size=2))),
        teaser=draw(st.booleans()),
    )


web_provenance = st.fixed_dictionaries(
    {
        "record_id": maybe_text,
        "record_offset": st.none() | st.integers(0, 2**40),
        "fetched_at": maybe_text,
        "http_status": st.none() | st.integers(100, 599),
    }
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    article=articles(),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
    own_raw=st.none() | text,
    other_path=st.none() | text,
    fetch=web_provenance,
    on_document=st.booleans(),
)
def test_any_article_round_trips(
    backend: Backend,
    article: Article,
    encoding: str,
    own_raw: str | None,
    other_path: str | None,
    fetch: dict[str, Any],
    on_document: bool,
) -> None:
    """Web provenance either comes with the document (the sources row) or only with the
    article's SourceRef (kept with the article)."""
    draft = Draft(article.summary or "-", article.paragraphs, key="placed")
    document, (placed,) = build_document([draft], encoding=encoding)
    if on_document:
        document = replace(document, **fetch)
        placed = replace(placed, source=document.source_ref(placed.source.start, placed.source.end))
    else:
        placed = replace(placed, source=replace(placed.source, **fetch))
    source = placed.source if other_path is None else replace(placed.source, path=other_path)
    stored = replace(article, source=source, raw=placed.raw if own_raw is None else own_raw)

    location = backend.fresh()  # a new archive for each example
    with open_store(location) as store:
        store.add_document(document, [stored])

        got = store.get(stored.id)

        assert got == stored
        assert got is not None and got.raw == stored.raw
        assert store.revisions(stored.id)[-1].article == stored
        assert store.source_text(document.sha256) == document.text.encode(encoding)
    backend.discard(location)


def test_a_nul_character_in_text(backend: Backend) -> None:
    """SQLite keeps a NUL in an article's text; PostgreSQL's text cannot hold one, so it
    stores U+FFFD in its place. The input itself comes back byte for byte on both."""
    document, (article,) = build_document([Draft("A NUL", ("before\x00after",))])
    location = backend.fresh()
    with open_store(location) as store:
        store.add_document(document, [article])
        got = store.get(article.id)
        assert store.source_text(document.sha256) == document.text.encode("utf-8")
    kept = "before\x00after" if backend.name == SQLITE else "before\ufffdafter"
    assert got is not None and got.paragraphs == (kept,)
    backend.discard(location)
