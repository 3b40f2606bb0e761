"""What PostgreSQL search knows of the whole archive, kept per connection.

bm25 needs the number of documents, their average length and each phrase's number of
matching documents; counting those on every search would grow with the archive. They
are kept per connection (``archive``) and thrown away when the newest search document
changes (``articles_fts``'s largest ``num``, one index page to read): the number of
documents is exact in a small archive and the planner's estimate (``reltuples``) in a
large one, the average length comes from a fixed sample of pages, and a phrase's
matches are counted up to ``DF_COUNT_LIMIT``, past which its share of the sample
stands for it.

``enough`` decides, from the same fixed sample, whether a query surely has more than a
given number of matches (a lower confidence bound of its share of the sample times the
archive's size), so a query too common to rank is never counted match by match. The
sample is about 60 pages, too few to tell a word in 2% of the archive (20,000 matches
at 1M) from a rare one, so a single word is first judged by ANALYZE's statistics
(``word_share``: the shares of the 10,000 most common lexemes, migrations 8 and 10,
from at least ``ANALYZE_ROWS`` rows) with the same bound (``surely_over``). Each query's count
in the sample is kept with the statistics (``Archive.samples``).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field
from typing import Any

import psycopg

from newsarchive.store.pg_schema import LEXEME_STATISTICS

EXACT_BELOW = 20_000  # documents; above, their number is the planner's estimate
SAMPLE_ROWS = 800  # documents in the fixed sample (the same pages every time: cached)
SAMPLE_SEED = 7
DF_COUNT_LIMIT = 5_000  # a phrase's matches are counted up to here, then estimated
CONFIDENCE = 4.0  # standard deviations below a sample's share for "surely more than"
# rows ANALYZE samples at the default statistics target (300 x 100): the fewest its shares
# of common lexemes can rest on (at the lexeme statistics' target of 1000, 300,000)
ANALYZE_ROWS = 30_000
SAMPLES_KEPT = 1_000  # queries whose count in the sample is kept, per connection


@dataclass(slots=True)
class Archive:
    """The archive's statistics as of ``newest`` (the largest search document number)."""

    newest: int
    documents: int
    average: float
    sampled: bool  # the archive is large enough to decide by the fixed sample
    percent: float  # TABLESAMPLE SYSTEM percentage giving about SAMPLE_ROWS documents
    frequencies: dict[str, int] = field(default_factory=dict)
    # each query's (matched, sampled) in the fixed sample, by its SQL and parameters
    samples: dict[tuple[object, ...], tuple[int, int]] = field(default_factory=dict)
    words: dict[str, float] | None = None  # ANALYZE's shares of the common lexemes


_CACHE: weakref.WeakKeyDictionary[psycopg.Connection[Any], Archive] = weakref.WeakKeyDictionary()


def sample_source(archive: Archive) -> str:
    """``articles_fts f`` limited to the fixed sample of pages."""
    return f"articles_fts f TABLESAMPLE SYSTEM ({archive.percent!r}) REPEATABLE ({SAMPLE_SEED})"


def cached(db: psycopg.Connection[Any]) -> Archive | None:
    """The connection's statistics as last refreshed, if ever."""
    return _CACHE.get(db)


def archive(db: psycopg.Connection[Any], newest: int) -> Archive:
    """The connection's statistics, refreshed when ``newest`` differs from theirs."""
    known = _CACHE.get(db)
    if known is not None and known.newest == newest:
        return known
    row = db.execute(
        "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = 'articles_fts'::regclass"
    ).fetchone()
    estimate = int(row[0]) if row else 0
    if estimate < EXACT_BELOW:
        found = db.execute("SELECT count(*), avg(words) FROM articles_fts").fetchone()
        assert found is not None
        documents, average = int(found[0]), float(found[1] or 0.0)
        fresh = Archive(newest, documents, average, False, 100.0)
    else:
        percent = min(100.0, 100.0 * SAMPLE_ROWS / estimate)
        fresh = Archive(newest, estimate, 0.0, True, percent)
        found = db.execute(f"SELECT avg(words) FROM {sample_source(fresh)}").fetchone()
        fresh.average = float(found[0] or 0.0) if found else 0.0
    _CACHE[db] = fresh
    return fresh


def enough(archive: Archive, matched: int, sampled: int, needed: int) -> bool:
    """Whether ``matched`` of ``sampled`` documents make more than ``needed`` matches in
    the whole archive beyond reasonable doubt (Wilson's lower bound, ``CONFIDENCE``)."""
    if not archive.sampled or sampled <= 0 or matched <= 0:
        return False
    return lower_share(matched, sampled) * archive.documents > needed * 1.25


def word_share(db: psycopg.Connection[Any], archive: Archive, lexeme: str) -> float:
    """The share of the search documents holding ``lexeme`` as ANALYZE last found it (0
    when it is not among the most common): read once per refresh of the statistics."""
    if archive.words is None:
        # the expression statistics' (migration 10), else the column's: fewer lexemes,
        # where the role may not read the expression's (it must own the table)
        row = db.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM ("
            " SELECT 0, most_common_elems, most_common_elem_freqs FROM pg_stats_ext_exprs"
            " WHERE statistics_schemaname = current_schema()"
            f" AND statistics_name = '{LEXEME_STATISTICS}' UNION ALL"
            " SELECT 1, most_common_elems, most_common_elem_freqs FROM pg_stats"
            " WHERE schemaname = current_schema() AND tablename = 'articles_fts'"
            " AND attname = 'document') s WHERE most_common_elems IS NOT NULL ORDER BY 1 LIMIT 1"
        ).fetchone()
        # the shares end with the minimum, maximum and null shares: zip drops them
        found = zip(row[0], map(float, row[1]), strict=False) if row and row[0] else ()
        archive.words = dict(found)
    return archive.words.get(lexeme, 0.0)


def surely_over(archive: Archive, share: float, needed: int) -> float:
    """How many matches past ``needed`` (times 1.25) a word in ``share`` of ANALYZE's
    sample surely has beyond reasonable doubt (Wilson's lower bound over ``ANALYZE_ROWS``
    rows, ``CONFIDENCE``); 0 or less when it may not. ANALYZE's lossy counting only ever
    lowers a share; the bound fails if most of the word's matches were removed since."""
    if not archive.sampled or share <= 0:
        return 0.0
    matched = max(1, round(share * ANALYZE_ROWS))
    return lower_share(matched, ANALYZE_ROWS) * archive.documents - needed * 1.25


def lower_share(matched: int, sampled: int) -> float:
    z2 = CONFIDENCE * CONFIDENCE
    p = matched / sampled
    spread = CONFIDENCE * math.sqrt(p * (1 - p) / sampled + z2 / (4 * sampled * sampled))
    return max(0.0, (p + z2 / (2 * sampled) - spread) / (1 + z2 / sampled))


def frequencies(
    db: psycopg.Connection[Any], archive: Archive, phrases: tuple[str, ...], config: str
) -> list[int]:
    """How many documents match each phrase (tsquery text): cached; counted up to
    ``DF_COUNT_LIMIT``, or the phrase's share of the sample when it is surely past that."""
    missing = [p for p in phrases if p not in archive.frequencies]
    shares: dict[str, int] = {}
    if missing:
        matching = f"f.document @@ to_tsquery('{config}', %s)"
        if archive.sampled:  # the sample first: a common phrase is never counted
            row = db.execute(
                "SELECT count(*)"
                + "".join(f", count(*) FILTER (WHERE {matching})" for _ in missing)
                + f" FROM {sample_source(archive)}",
                missing,
            ).fetchone()
            assert row is not None
            sampled = max(int(row[0]), 1)
            for phrase, matched in zip(missing, row[1:], strict=True):
                shares[phrase] = round(archive.documents * int(matched) / sampled)
                if enough(archive, int(matched), sampled, DF_COUNT_LIMIT):
                    archive.frequencies[phrase] = shares[phrase]
        counted = [p for p in missing if p not in archive.frequencies]
        if counted:
            count = (
                f"(SELECT count(*) FROM (SELECT FROM articles_fts f WHERE {matching} LIMIT %s) m)"
            )
            row = db.execute(
                "SELECT " + ", ".join(count for _ in counted),
                [value for phrase in counted for value in (phrase, DF_COUNT_LIMIT)],
            ).fetchone()
            assert row is not None
            for phrase, found in zip(counted, map(int, row), strict=True):
                past = found >= DF_COUNT_LIMIT  # then its share of the sample, if larger
                archive.frequencies[phrase] = max(found, shares.get(phrase, 0) if past else 0)
    return [archive.frequencies[p] for p in phrases]
