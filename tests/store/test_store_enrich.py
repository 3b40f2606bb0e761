"""Who said what in a store (SQLite and PostgreSQL): enrichments put, read back, replaced
and outdated, and the archive-wide reads (speakers, entities, figures, the category chart).

Enrichments are built here as data (what an enricher gives), so these tests do not need
the language model.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive.model import Article, Enrichment, Entity, Figure, Quote, enrichment_text
from newsarchive.store import Location, open_store, sqlite_schema
from newsarchive.store.base import EntityRef, FigureQuery, ListingQuery, Store
from newsarchive.store.sqlite import SQLiteStore
from tests.backends import Backend, sqlite_only
from tests.store.documents import Draft, build_document
from tests.store.v3_archive import build_v3_archive

TRUCE = Draft(
    "Kremlin confirms a pause in strikes",
    ("The pause is meant to “create favorable conditions for negotiations,” Peskov said.",),
    categories=("Russia",),
    published="2026-01-30",
)
TALKS = Draft(
    "Talks in Abu Dhabi",
    ("Dmitry Peskov said the talks went well. Zelensky claimed 6,483 casualties.",),
    categories=("Russia", "World"),
    published="2026-02-03",
)
OTHER = Draft("Harbour reopens", ("Ships are moving again.",), published="2025-12-01")


def span(article: Article, part: str) -> tuple[int, int]:
    start = enrichment_text(article).index(part)
    return start, start + len(part)


def truce_enrichment(article: Article, version: str = "1") -> Enrichment:
    words = "create favorable conditions for negotiations"
    return Enrichment(
        version,
        entities=(
            Entity("Peskov", "PERSON", (span(article, "Peskov"),), "Kremlin spokesman"),
            Entity("Kremlin", "ORG", (span(article, "Kremlin"),)),
        ),
        quotes=(Quote("Peskov", words, "said", True, *span(article, words), "Peskov"),),
    )


def talks_enrichment(article: Article, version: str = "1") -> Enrichment:
    return Enrichment(
        version,
        entities=(
            Entity("Dmitry Peskov", "PERSON", (span(article, "Dmitry Peskov"),)),
            Entity("Vladimir Zelensky", "PERSON", (span(article, "Zelensky"),)),
            Entity("Abu Dhabi", "GPE", (span(article, "Abu Dhabi"),)),
        ),
        quotes=(
            Quote("Dmitry Peskov", "the talks went well", "said", False,
                  *span(article, "the talks went well"), "Dmitry Peskov"),
            Quote(None, "6,483 casualties", "claimed", False,
                  *span(article, "6,483 casualties"), "someone"),
        ),
        figures=(
            Figure("6,483", 6483.0, "casualties", *span(article, "6,483 casualties"),
                   period="in 2025", claimed_by="Vladimir Zelensky"),
        ),
    )  # fmt: skip


def filled(store: Store) -> tuple[Article, Article, Article]:
    document, (truce, talks, other) = build_document([TRUCE, TALKS, OTHER])
    store.add_document(document, [truce, talks, other])
    return truce, talks, other


def test_an_enrichment_round_trips_through_a_reopened_archive(
    archive_location: Location,
) -> None:
    with open_store(archive_location) as store:
        truce, talks, _ = filled(store)
        assert (
            store.put_enrichments(
                [(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))]
            )
            == 2
        )

    with open_store(archive_location, readonly=True) as store:
        assert store.enrichment(truce.id) == truce_enrichment(truce)
        assert store.enrichment(talks.id) == talks_enrichment(talks)
        assert store.enrichment("0000000000000000") is None


def test_enriching_again_replaces_the_previous_enrichment(store: Store) -> None:
    truce, _, _ = filled(store)
    store.put_enrichment(truce.id, truce_enrichment(truce))
    fewer = replace(truce_enrichment(truce, version="2"), quotes=())

    assert store.put_enrichment(truce.id, fewer)

    assert store.enrichment(truce.id) == fewer
    assert store.speaker_quotes("Peskov").total == 0
    assert [e.entity.name for e in store.entities()] == ["Kremlin", "Peskov"]


def test_a_new_revision_makes_the_enrichment_outdated(store: Store) -> None:
    truce, talks, other = filled(store)
    store.put_enrichments([(a, truce_enrichment(truce)) for a in (truce,)])
    store.put_enrichment(other.id, Enrichment("1"))
    assert store.enrichment_backlog("1") == 1
    edited = replace(TRUCE, paragraphs=("Peskov said nothing more.",))
    document, (revised,) = build_document([edited], path="later.txt")

    store.add_document(document, [revised])

    assert store.enrichment(truce.id) is None
    assert store.speaker_quotes("Peskov").total == 0
    assert {a.id for a in store.articles_needing_enrichment("1")} == {truce.id, talks.id}
    # an enrichment computed from the old text is not stored over the new one
    assert store.put_enrichments([(truce, truce_enrichment(truce))]) == 0
    assert store.enrichment(truce.id) is None


def test_needing_enrichment_is_missing_or_another_version(store: Store) -> None:
    truce, talks, other = filled(store)
    store.put_enrichment(truce.id, truce_enrichment(truce, version="1"))
    store.put_enrichment(talks.id, talks_enrichment(talks, version="0"))

    assert {a.id for a in store.articles_needing_enrichment("1")} == {talks.id, other.id}
    assert store.enrichment_backlog("1") == 2
    every = [a.id for a in store.articles_needing_enrichment("1", force=True)]
    assert sorted(every) == sorted([truce.id, talks.id, other.id])
    assert store.enrichment_backlog("1", force=True) == 3
    # streamed: enriching while iterating gives each article once
    for article in store.articles_needing_enrichment("1"):
        store.put_enrichment(article.id, Enrichment("1"))
    assert store.enrichment_backlog("1") == 0


def test_a_surname_and_the_full_name_are_one_speaker_whichever_came_first(
    backend: Backend,
) -> None:
    for order in ((0, 1), (1, 0)):
        with open_store(backend.fresh()) as store:
            truce, talks, _ = filled(store)
            pairs = [(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))]
            for n in order:
                store.put_enrichments([pairs[n]])

            peskov = EntityRef("Dmitry Peskov", "PERSON", "dmitry-peskov")
            assert store.find_entity("peskov") == peskov
            assert store.find_entity("dmitry-peskov") == peskov
            page = store.speaker_quotes("Peskov")
            assert page.total == 2
            assert [q.article_id for q in page.items] == [talks.id, truce.id]  # newest first
            assert {q.quote.speaker for q in page.items} == {"Dmitry Peskov"}
            assert page.items[1].quote.speaker_text == "Peskov"
            assert [(c.entity.name, c.count) for c in store.speakers()] == [("Dmitry Peskov", 2)]
            assert store.canonical_entities(["Peskov"])["Peskov"] == peskov
            # the article keeps its own names
            enrichment = store.enrichment(truce.id)
            assert enrichment is not None and enrichment.quotes[0].speaker == "Peskov"


def test_a_surname_with_two_full_names_is_not_guessed(store: Store) -> None:
    truce, talks, other = filled(store)
    store.put_enrichments([(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))])
    store.put_enrichment(other.id, Enrichment("1", (Entity("Natalia Peskov", "PERSON"),)))

    assert store.find_entity("peskov") == EntityRef("Peskov", "PERSON", "peskov")
    assert store.speaker_quotes("Peskov").total == 1
    assert store.speaker_quotes("Dmitry Peskov").total == 1


def test_a_place_never_joins_a_person(store: Store) -> None:
    truce, talks, _ = filled(store)
    store.put_enrichment(truce.id, Enrichment("1", (Entity("Washington", "GPE"),)))
    store.put_enrichment(talks.id, Enrichment("1", (Entity("George Washington", "PERSON"),)))

    assert store.find_entity("washington") == EntityRef("Washington", "GPE", "washington")


def test_entity_pages_articles_and_entities_named_with_it(store: Store) -> None:
    truce, talks, _other = filled(store)
    store.put_enrichments([(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))])

    listing = store.entity_articles("Dmitry Peskov")
    assert [i.id for i in listing.items] == [talks.id, truce.id] and listing.total == 2
    together = {(c.entity.name, c.count) for c in store.co_entities("Peskov")}
    assert together == {("Kremlin", 1), ("Vladimir Zelensky", 1), ("Abu Dhabi", 1)}
    places = store.entities("GPE")
    assert [(c.entity.name, c.entity.slug, c.count) for c in places] == [
        ("Abu Dhabi", "abu-dhabi", 1)
    ]
    assert store.entities(limit=1)[0].entity.name == "Dmitry Peskov"
    assert store.entity_articles("Nobody").total == 0


def test_figures_filtered_by_claimer_entity_and_text(store: Store) -> None:
    truce, talks, _ = filled(store)
    store.put_enrichments([(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))])

    everything = store.figures(FigureQuery())
    assert everything.total == 1
    found = everything.items[0]
    assert (found.article_id, found.figure.value, found.figure.counts) == (
        talks.id, "6,483", "casualties"
    )  # fmt: skip
    assert found.figure.claimed_by == "Vladimir Zelensky" and found.claimed_by is not None
    assert store.figures(FigureQuery(claimed_by="Vladimir Zelensky")).total == 1
    # a surname no article gives finds the one full name that ends with it
    assert store.figures(FigureQuery(claimed_by="zelensky")).total == 1
    assert store.find_entity("zelensky") == found.claimed_by
    assert store.figures(FigureQuery(claimed_by="Nobody")).total == 0
    assert store.figures(FigureQuery(entity="Peskov")).total == 1
    assert store.figures(FigureQuery(text="CASUAL")).total == 1
    assert store.figures(FigureQuery(text="100%")).total == 0


def test_unresolved_speakers_are_kept_without_a_speaker(store: Store) -> None:
    _, talks, _ = filled(store)
    store.put_enrichment(talks.id, talks_enrichment(talks))

    enrichment = store.enrichment(talks.id)
    assert enrichment is not None and enrichment.quotes[1].speaker is None
    assert [c.entity.name for c in store.speakers()] == ["Dmitry Peskov"]


def test_top_speakers_counts_quotes_per_month_in_a_category(store: Store) -> None:
    truce, talks, _other = filled(store)
    store.put_enrichments([(truce, truce_enrichment(truce)), (talks, talks_enrichment(talks))])

    chart = store.top_speakers("Russia")
    assert chart.buckets == ("2026-01", "2026-02")
    assert [(s.speaker.name, s.total, s.counts) for s in chart.series] == [
        ("Dmitry Peskov", 2, (1, 1))
    ]
    world = store.top_speakers("World", bucket="year")
    assert world.buckets == ("2026",) and world.series[0].counts == (1,)
    assert store.top_speakers("Russia", date_from="2026-02-01").buckets == ("2026-02",)
    assert store.top_speakers("Nowhere").series == ()


@sqlite_only
def test_a_v4_archive_is_upgraded_and_keeps_its_articles(db_path: Path) -> None:
    document, articles = build_document([TRUCE, OTHER])
    build_v3_archive(db_path, document, articles)
    with sqlite3.connect(db_path) as db:
        db.executescript(sqlite_schema.V4)
        db.execute("PRAGMA user_version = 4")

    with SQLiteStore(db_path) as store:
        assert [store.get(a.id) for a in articles] == articles
        assert store.list_articles(ListingQuery("Russia")).total == 1
        assert store.enrichment_backlog("1") == 2
        truce = articles[0]
        assert store.put_enrichment(truce.id, truce_enrichment(truce))
        assert store.enrichment(truce.id) == truce_enrichment(truce)
    with sqlite3.connect(db_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == sqlite_schema.LATEST >= 5


NAMES = st.sampled_from(["Peskov", "Dmitry Peskov", "Kiev", "FSB", "Natalia Peskov", "<b>X</b>"])
# no NUL or lone surrogates: decoded text has neither, and PostgreSQL text cannot hold them
TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
OFFSET = st.integers(min_value=0, max_value=10_000)
ENRICHMENTS = st.builds(
    Enrichment,
    version=st.sampled_from(["1", "2"]),
    entities=st.lists(
        st.builds(
            Entity,
            name=NAMES,
            label=st.sampled_from(["PERSON", "ORG", "GPE", "LOC"]),
            mentions=st.lists(st.tuples(OFFSET, OFFSET), max_size=3).map(tuple),
            role=st.none() | TEXT,
        ),
        max_size=5,
    ).map(tuple),
    quotes=st.lists(
        st.builds(
            Quote, speaker=st.none() | NAMES, text=TEXT, cue=st.none() | TEXT,
            direct=st.booleans(), start=OFFSET, end=OFFSET, speaker_text=st.none() | TEXT,
            role=st.none() | TEXT,
        ),
        max_size=5,
    ).map(tuple),
    figures=st.lists(
        st.builds(
            Figure, value=TEXT, number=st.none() | st.floats(allow_nan=False),
            counts=st.none() | TEXT, start=OFFSET, end=OFFSET, period=st.none() | TEXT,
            claimed_by=st.none() | NAMES,
        ),
        max_size=3,
    ).map(tuple),
)  # fmt: skip


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(first=ENRICHMENTS, second=ENRICHMENTS)
def test_the_store_gives_back_what_it_was_given(
    store: Store, first: Enrichment, second: Enrichment
) -> None:
    truce, talks, _ = filled(store) if store.get(TRUCE.id) is None else _stored(store)
    store.put_enrichments([(truce, first), (talks, second)])
    assert store.enrichment(truce.id) == first
    assert store.enrichment(talks.id) == second
    store.put_enrichments([(truce, second)])  # and replaces it, whatever it held
    assert store.enrichment(truce.id) == second
    for item in store.speakers() + store.entities():
        assert store.find_entity(item.entity.slug) == item.entity


def _stored(store: Store) -> tuple[Article, Article, Article]:
    found = [store.get(d.id) for d in (TRUCE, TALKS, OTHER)]
    assert all(a is not None for a in found)
    return found[0], found[1], found[2]  # type: ignore[return-value]
