"""Several ``newsarchive ingest`` processes writing one PostgreSQL archive at once lose
nothing and create no duplicates: every article once, every input once, category counts
equal to the articles in them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from newsarchive.store import open_store
from newsarchive.store.base import ListingQuery
from tests.backends import PostgresBackend, PostgresServer
from tests.cli_support import NEWSARCHIVE

pytestmark = pytest.mark.postgresql

CATEGORIES = ("World", "Business", "Science")
POOL = 60  # distinct articles
PER_FILE = 30
FILES = 6
PROCESSES = 4


def _article(n: int) -> str:
    """One wire story in dump style (its headline gives its id)."""
    return (
        f"Harbour cranes story number {n} reaches the wires\n"
        "By Anna Lee | Reuters\n"
        f"February {1 + n % 28}, 2026 9:12 AM GMT\n\n"
        f"LONDON (Reuters) - The first paragraph of story {n} names item{n} twice: item{n}.\n\n"
        f"A second paragraph of story {n}, long enough to be a body of its own.\n\n"
    )


def _write_inputs(folder: Path) -> list[Path]:
    """Overlapping dumps: file k holds articles k*10 .. k*10+29 (mod POOL) under a
    category of its own among three, and one file is there twice under another name."""
    paths = []
    for k in range(FILES):
        numbers = [(k * 10 + i) % POOL for i in range(PER_FILE)]
        text = f"Archive for {CATEGORIES[k % len(CATEGORIES)]}\n\n"
        text += "".join(_article(n) for n in numbers)
        path = folder / f"dump-{k}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    twin = folder / "dump-0-again.txt"
    twin.write_bytes(paths[0].read_bytes())
    return [*paths, twin]


def _expected_categories() -> dict[str, int]:
    members: dict[str, set[int]] = {name: set() for name in CATEGORIES}
    for k in range(FILES):
        members[CATEGORIES[k % len(CATEGORIES)]].update(
            (k * 10 + i) % POOL for i in range(PER_FILE)
        )
    return {name: len(numbers) for name, numbers in members.items()}


def test_concurrent_ingests_lose_nothing_and_duplicate_nothing(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    backend = PostgresBackend(postgres_server)
    try:
        url = backend.empty()  # no schema yet: the processes race to create it too
        inputs = _write_inputs(tmp_path)
        processes = [
            subprocess.Popen(
                [str(NEWSARCHIVE), "ingest", "--db", url, *map(str, order)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for order in _orders(inputs)
        ]
        outputs = [process.communicate(timeout=300) for process in processes]
        for process, (out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err
            assert "0 failed" in out + err

        with open_store(url, readonly=True) as store:
            stats = store.stats()
            assert stats.articles == POOL
            assert stats.sources == FILES  # the twin file is the same input
            assert stats.revisions == 0  # the same text every time: nothing changed
            counts = {c.name: c.count for c in store.categories()}
            assert counts == _expected_categories()
            for name, count in counts.items():
                listing = store.list_articles(ListingQuery(category=name, limit=POOL))
                assert listing.total == count
                assert len({item.id for item in listing.items}) == count
        rows = backend.query(
            url,
            "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT id) FROM articles),"
            " (SELECT count(*) FROM articles_fts), (SELECT count(*) FROM article_categories),"
            " (SELECT count(*) FROM category_articles),"
            " (SELECT sum(articles) FROM categories), (SELECT count(*) FROM categories)",
        )
        articles, distinct, indexed, links, listed, counted, categories = rows[0]
        assert articles == distinct == indexed == POOL
        assert links == listed == counted == sum(_expected_categories().values())
        assert categories == len(CATEGORIES)
    finally:
        backend.close()


def _orders(inputs: list[Path]) -> list[list[Path]]:
    """Each process reads every input, each in another order."""
    return [inputs[shift:] + inputs[:shift] for shift in range(0, PROCESSES * 2, 2)][:PROCESSES]
