"""Searching a store (SQLite and PostgreSQL): ranking, snippets, filters, sorting, bad
queries."""

from __future__ import annotations

import pytest

from newsarchive.errors import QueryError
from newsarchive.store import sqlite_search
from newsarchive.store.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SearchQuery,
    SortOrder,
    Store,
)
from tests.backends import SQLITE, Backend, rank_at_most, sqlite_only
from tests.store.documents import Draft, build_document

IN_HEADLINE = Draft(
    "Gazprom cuts gas deliveries to Europe",
    ("Deliveries fell by a third in January.", "Traders expect prices to rise."),
    categories=("business",),
    published="2025-03-01T09:00:00Z",
)
IN_BODY = Draft(
    "Winter heating bills climb",
    ("Households face higher costs.", "Analysts blame Gazprom and the cold weather."),
    categories=("economy",),
    published="2025-03-05T18:30:00Z",
)
ELECTION = Draft(
    "Prime minister calls snap election",
    ("The prime minister said the vote would be held in May.",),
    categories=("politics",),
    published="2024-11-10T07:00:00Z",
)
ELECTRIC = Draft(
    "Electric car sales double",
    ("The minister for transport welcomed the figures.",),
    categories=("business",),
    published="2025-01-15T12:00:00Z",
)
ALL = [IN_HEADLINE, IN_BODY, ELECTION, ELECTRIC]


@pytest.fixture
def filled(store: Store) -> Store:
    store.add_document(*build_document(ALL))
    return store


def ids(store: Store, query: SearchQuery) -> list[str]:
    return [hit.id for hit in store.search(query).hits]


def test_a_match_in_the_headline_ranks_above_one_in_the_body(filled: Store) -> None:
    result = filled.search(SearchQuery("gazprom"))

    assert [h.id for h in result.hits] == [IN_HEADLINE.id, IN_BODY.id]
    assert result.hits[0].score > result.hits[1].score
    assert (result.total, result.bounded) == (2, False)


def test_hits_carry_a_highlighted_snippet_and_listing_fields(filled: Store) -> None:
    hit = filled.search(SearchQuery("weather")).hits[0]

    assert f"{HIGHLIGHT_OPEN}weather{HIGHLIGHT_CLOSE}" in hit.snippet
    assert hit.headline == IN_BODY.summary
    assert hit.published == IN_BODY.published
    assert hit.categories == ("economy",)


def test_stemming_and_diacritics_are_folded(filled: Store) -> None:
    assert ids(filled, SearchQuery("delivery")) == [IN_HEADLINE.id]
    assert ids(filled, SearchQuery("électión")) == [ELECTION.id]


def test_phrases_and_prefixes(filled: Store) -> None:
    assert ids(filled, SearchQuery('"prime minister"')) == [ELECTION.id]
    assert set(ids(filled, SearchQuery("minister"))) == {ELECTION.id, ELECTRIC.id}
    assert set(ids(filled, SearchQuery("elect*"))) == {ELECTION.id, ELECTRIC.id}


def test_category_and_date_filters(filled: Store) -> None:
    assert ids(filled, SearchQuery("gazprom", category="economy")) == [IN_BODY.id]
    assert ids(filled, SearchQuery("gazprom", category="sport")) == []
    # date_to is inclusive of the whole day
    assert ids(filled, SearchQuery("gazprom", date_to="2025-03-01")) == [IN_HEADLINE.id]
    assert ids(filled, SearchQuery("gazprom", date_from="2025-03-02")) == [IN_BODY.id]
    assert ids(filled, SearchQuery("the", date_from="2025-01-01", date_to="2025-01-31")) == [
        ELECTRIC.id
    ]


def test_sort_by_newest(filled: Store) -> None:
    newest = SearchQuery("the OR gazprom", sort=SortOrder.NEWEST)

    assert ids(filled, newest) == [IN_BODY.id, IN_HEADLINE.id, ELECTRIC.id, ELECTION.id]


def test_limit_and_offset_page_through_hits(filled: Store) -> None:
    everything = ids(filled, SearchQuery("the OR gazprom", sort=SortOrder.NEWEST))

    first = ids(filled, SearchQuery("the OR gazprom", sort=SortOrder.NEWEST, limit=2))
    second = ids(filled, SearchQuery("the OR gazprom", sort=SortOrder.NEWEST, limit=2, offset=2))

    assert first + second == everything


def test_words_with_punctuation_are_searched_as_phrases(store: Store) -> None:
    covid = Draft("Covid-19 cases fall", ("O'Neill welcomed the news.",))
    store.add_document(*build_document([covid]))

    assert ids(store, SearchQuery("covid-19")) == [covid.id]
    assert ids(store, SearchQuery("O'Neill")) == [covid.id]


@pytest.mark.parametrize("bad", ['"unbalanced quote', "AND", "*", "gas AND", "(gas"])
def test_a_query_the_engine_cannot_run_is_a_query_error(filled: Store, bad: str) -> None:
    with pytest.raises(QueryError, match="double quote") as caught:
        filled.search(SearchQuery(bad))

    assert bad in str(caught.value)


def test_an_empty_query_is_a_query_error(filled: Store) -> None:
    with pytest.raises(QueryError, match="empty"):
        filled.search(SearchQuery("   "))


def test_a_very_common_query_is_ranked_within_its_newest_matches(
    store: Store, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    rank_at_most(3, backend, monkeypatch)
    older = [Draft(f"Item {i} of the list", (f"Text {i}.",)) for i in range(3)]
    newer = [Draft(f"Item {i} of the list", (f"Text {i}.",)) for i in range(3, 6)]
    store.add_document(*build_document(older, path="monday.txt"))
    store.add_document(*build_document(newer, path="tuesday.txt"))

    result = store.search(SearchQuery("list", limit=10))

    assert result.bounded
    assert result.total == 3
    # too common to rank: the newest matches, newest first (the top of the newest page first)
    assert [h.id for h in result.hits] == [d.id for d in newer]
    assert store.search(SearchQuery("item 2")).bounded is False


def test_a_page_past_the_last_hit_still_has_the_total(
    store: Store, backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    rank_at_most(3, backend, monkeypatch)
    drafts = [Draft(f"Item {i} of the list", (f"Text {i}.",)) for i in range(5)]
    store.add_document(*build_document(drafts))

    past = store.search(SearchQuery("list", limit=10, offset=10))
    assert (past.hits, past.total, past.bounded) == ((), 3, True)
    exact = store.search(SearchQuery("item 2", limit=10, offset=10))
    assert (exact.hits, exact.total, exact.bounded) == ((), 1, False)
    assert store.search(SearchQuery("list", limit=2, offset=2)).total == 3
    assert len(store.search(SearchQuery("list", limit=2, offset=2)).hits) == 1


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("elect*", ["Elections", "electorate"]),
        ("Élec* AND voted", ["Elections", "electorate", "voted"]),
        ("zürich*", ["Zurich"]),
        ("caf*", ["Café"]),
    ],
)
def test_a_prefix_snippet_marks_every_word_the_prefix_matches(
    store: Store, backend: Backend, query: str, marked: list[str]
) -> None:
    draft = Draft("Polls open", ("Elections in Zurich: the electorate voted at the Café.",))
    store.add_document(*build_document([draft]))
    snippet = store.search(SearchQuery(query)).hits[0].snippet
    for word in marked:
        assert f"{HIGHLIGHT_OPEN}{word}{HIGHLIGHT_CLOSE}" in snippet
    assert snippet.count(HIGHLIGHT_OPEN) == len(marked)
    if backend.name != SQLITE:
        return
    # the same snippet FTS5 gives for the prefix itself
    fts5 = sqlite_search._snippet_rows(store._db, sqlite_search.fts_expression(query), [1])  # type: ignore[attr-defined]
    assert fts5[1][0] == snippet


@sqlite_only
def test_a_prefix_inside_other_syntax_is_left_to_fts5(filled: Store) -> None:
    nums = [1]
    for expression in ('"elect*"', "NEAR(elect* vote)", "title:elect*", "elect* OR (gas)"):
        assert sqlite_search._expand_prefixes(filled._db, expression, nums) == expression  # type: ignore[attr-defined]
    expanded = sqlite_search._expand_prefixes(filled._db, "elect*", [1, 2, 3, 4, 5])  # type: ignore[attr-defined]
    assert expanded.startswith("(") and " OR " in expanded


def test_a_prefix_that_only_the_stemmer_matches_still_has_snippets(store: Store) -> None:
    drafts = [Draft("A happy day", ("Sun.",)), Draft("Rain", ("Happiness is a warm coat.",))]
    store.add_document(*build_document(drafts))
    hits = store.search(SearchQuery("happi*")).hits
    assert {h.id for h in hits} == {d.id for d in drafts}
    assert all(HIGHLIGHT_OPEN in h.snippet for h in hits)
