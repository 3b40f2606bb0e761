"""Several processes enriching and grouping one PostgreSQL archive at once: names are
created once and merged as one process would, and a second grouping run is refused
instead of overwriting the first's states.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from multiprocessing.synchronize import Barrier

import pytest

from newsarchive.errors import StoreError
from newsarchive.model import Article, Enrichment, Entity, Quote, enrichment_text
from newsarchive.store import Location, open_store
from newsarchive.store.grouping import CLUSTER_STATE, DEDUP_STATE
from tests.backends import PostgresBackend, PostgresServer
from tests.store.documents import Draft, build_document

pytestmark = pytest.mark.postgresql

ARTICLES = 40
BATCH = 2


@pytest.fixture
def pg_location(postgres_server: PostgresServer) -> Iterator[Location]:
    backend = PostgresBackend(postgres_server)
    yield backend.fresh()
    backend.close()


def drafts() -> list[Draft]:
    return [
        Draft(
            f"Talks, day {n}",
            (f"{speaker(n)} said day {n} went well. He met {envoy(n)}.",),
            categories=("Russia",),
            published=f"2026-{n // 28 + 1:02d}-{n % 28 + 1:02d}",
        )
        for n in range(ARTICLES)
    ]


def span(article: Article, part: str) -> tuple[int, int]:
    start = enrichment_text(article).index(part)
    return start, start + len(part)


def speaker(day: int) -> str:
    """The short form in one process's articles, the full name in the other's."""
    return "Peskov" if day % 2 else "Dmitry Peskov"


def envoy(day: int) -> str:
    """Each envoy is named on two days, one of each process: once in full, once short."""
    return f"Envoy{day // 2}" if day % 2 else f"Ivan Envoy{day // 2}"


def day(article: Article) -> int:
    return int((article.summary or "0").rsplit(" ", 1)[-1])


def enrichment_of(article: Article) -> Enrichment:
    n = day(article)
    said = f"day {n} went well"
    return Enrichment(
        "1",
        entities=(
            Entity(speaker(n), "PERSON", (span(article, speaker(n)),)),
            Entity(envoy(n), "PERSON", (span(article, envoy(n)),)),
        ),
        quotes=(Quote(speaker(n), said, "said", False, *span(article, said), speaker(n)),),
    )


def enrich(location: str, part: int, barrier: Barrier) -> None:
    """One enriching process: every other day, a few at a time (names in full in one's
    articles, short in the other's, new names in every batch)."""
    with open_store(location) as store:
        articles = [a for a in store.iter_articles() if day(a) % 2 == part]
        import newsarchive.enrich.entities  # noqa: F401  (loaded once names are merged)

        barrier.wait()
        for start in range(0, len(articles), BATCH):
            batch = articles[start : start + BATCH]
            assert store.put_enrichments((a, enrichment_of(a)) for a in batch) == len(batch)


def test_two_processes_enriching_at_once_create_each_name_once(pg_location: str) -> None:
    document, articles = build_document(drafts())
    with open_store(pg_location) as store:
        store.add_document(document, articles)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [context.Process(target=enrich, args=(pg_location, part, barrier)) for part in (0, 1)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)

    assert [worker.exitcode for worker in workers] == [0, 0]
    with open_store(pg_location, readonly=True) as store:
        named = {(e.entity.name, e.count) for e in store.entities(limit=1000)}
        assert named == {("Dmitry Peskov", ARTICLES)} | {
            (envoy(n), 2) for n in range(0, ARTICLES, 2)
        }
        peskov = store.find_entity("peskov")
        assert peskov is not None and peskov.name == "Dmitry Peskov"
        assert store.find_entity("dmitry-peskov") == peskov
        assert [(s.entity.name, s.count) for s in store.speakers()] == [("Dmitry Peskov", ARTICLES)]
        assert all(store.enrichment(a.id) == enrichment_of(a) for a in articles)
        assert store.enrichment_backlog("1") == 0


def test_a_second_grouping_run_is_refused_instead_of_overwriting_the_first(
    pg_location: str,
) -> None:
    document, articles = build_document(drafts()[:2])
    with open_store(pg_location) as store:
        store.add_document(document, articles)
        store.put_groupings({}, [], {DEDUP_STATE: b"empty", CLUSTER_STATE: b"empty"})
    first, second = articles
    with open_store(pg_location) as one, open_store(pg_location) as other:
        assert one.state(DEDUP_STATE) == other.state(DEDUP_STATE) == b"empty"
        other.put_groupings({second.id: None}, [], {DEDUP_STATE: b"other"})

        with pytest.raises(StoreError, match="grouped by another process meanwhile"):
            one.put_groupings({first.id: None}, [], {DEDUP_STATE: b"one"})

        assert one.state(DEDUP_STATE) == b"other"
        assert one.grouping_backlog() == 1
        # having read the states again, it goes on from there
        one.put_groupings({first.id: None}, [], {DEDUP_STATE: b"one"})
        assert other.state(DEDUP_STATE) == b"one"
