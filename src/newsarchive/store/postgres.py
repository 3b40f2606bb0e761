"""The PostgreSQL archive backend: the same archive as ``SQLiteStore``, on a server.

Each input is written in one transaction, with the same semantics as the SQLite store
(revisions, teasers, merged categories, sources kept in chunks). Several processes may
ingest into one archive at once: a transaction first takes advisory locks on its input's
sha256 and on its articles' ids (sorted, so two writers never wait on each other in a
cycle), then looks them up, so the same article or input is never added twice; new
categories are created in a short transaction of their own and counted at the end of the
input's, in id order. Article and source ids come from identity sequences.

This module writes; reading is in ``pg_reads``, listings in ``pg_listing``, search in
``pg_search``, inputs and fetch state in ``pg_sources``, enrichment in ``pg_enrich`` and
``pg_people``, stories in ``pg_stories`` and copying in ``pg_tables`` (mixins over the one
connection, as the SQLite store's).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from typing import Any

import psycopg

from newsarchive.errors import StoreError
from newsarchive.model import Article, Document
from newsarchive.store import shown_location
from newsarchive.store.base import ArchiveStats, IngestCounts, Outcome, Store, TableRows
from newsarchive.store.ingest_merge import IngestMerge
from newsarchive.store.ingest_rows import Existing as _Existing
from newsarchive.store.ingest_rows import InputSource as _Source
from newsarchive.store.ingest_rows import first_of_each_id as _first_of_each_id
from newsarchive.store.ingest_rows import now as _now
from newsarchive.store.ingest_rows import prepare_rows as _prepare
from newsarchive.store.ingest_rows import text_values as _values
from newsarchive.store.pg_connection import archive_exists, archive_version, connect, without_nul
from newsarchive.store.pg_enrich import PGEnrichment, clear_enrichment
from newsarchive.store.pg_listing import PGListing
from newsarchive.store.pg_people import PGPeople
from newsarchive.store.pg_reads import PGReads
from newsarchive.store.pg_sources import PGSources
from newsarchive.store.pg_stories import PGStories
from newsarchive.store.pg_tables import INDEXED, copy_rows, dump_tables, load_tables
from newsarchive.store.sqlite_rows import (
    ArticleRow,
    EncodedSource,
    encode_source,
    source_row,
)

SLICE = 500  # articles looked up and written per statement batch
ATTEMPTS = 5  # an input's transaction is tried again after a deadlock or a serialization failure
ARTICLE_COLUMNS = (
    "num, id, title, summary, body, captions, published, extra, content_hash, revision,"
    " source_id, span_start, span_end, first_seen, revised_at, last_seen"
)
RETRIED = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)

__all__ = ["PostgresStore", "archive_exists", "schema_version"]


class PostgresStore(
    PGReads,
    PGListing,
    PGSources,
    PGEnrichment,
    PGPeople,
    PGStories,
    IngestMerge,
    Store,
):
    """An archive in a PostgreSQL database, its schema applied on open (unless read-only).

    ``path`` is the URL as messages show it (no password), as ``SQLiteStore.path`` is the
    file: the mixins name the archive with it.
    """

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self.url = url
        self.path = shown_location(url)
        self._readonly = readonly
        self._db: psycopg.Connection[Any] = connect(url, readonly=readonly)
        self._category_ids: dict[str, int] = {}
        self._chunk_cache: tuple[tuple[int, int, int], str] | None = None
        self._counted: dict[int, int] = {}  # category id -> articles added in this transaction
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="newsarchive")

    # -- writing ---------------------------------------------------------------

    def add_document(self, document: Document, articles: Sequence[Article]) -> IngestCounts:
        self._writable("ingest")
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return self._add_document(document, articles)
            except RETRIED as exc:
                if attempt == ATTEMPTS:
                    raise StoreError(
                        f"{self.path}: {document.path or document.url or 'an input'} could not"
                        f" be stored after {ATTEMPTS} attempts ({type(exc).__name__}); "
                        "ingest it again"
                    ) from None
        raise AssertionError("unreachable")

    def _add_document(self, document: Document, articles: Sequence[Article]) -> IngestCounts:
        now = _now()
        outcomes: list[Outcome] = []
        # An input naming one id twice stores its first (topmost) article; the repeats
        # count as unchanged. Adding bottom-up makes "most recently added" (the tie-break
        # for undated articles) follow the page's own order.
        unique = list(_first_of_each_id(reversed(articles), outcomes))
        self._create_categories([name for article in unique for name in article.categories])
        with self._transaction():
            self._lock([document.sha256], [article.id for article in unique])
            source, encoding = self._find_source(document)
            iterator = iter(unique)
            batch = list(islice(iterator, SLICE))
            prepared = self._worker.submit(_prepare, batch, source)
            while batch:
                following = list(islice(iterator, SLICE))
                upcoming = self._worker.submit(_prepare, following, source)
                outcomes.extend(self._put_batch(batch, prepared.result(), source, now))
                batch, prepared = following, upcoming
            if encoding is not None:
                self._put_source(document, source.id, encoding.result(), now)
            self._count_categories()
        return IngestCounts.of(outcomes)

    def _writable(self, what: str) -> None:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to {what}")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction block (a savepoint when nested)."""
        try:
            with self._db.transaction():
                yield
        except BaseException:
            self._category_ids.clear()
            self._counted.clear()
            raise

    def _lock(self, sources: list[str], article_ids: list[str]) -> None:
        """Advisory locks, held to the end of the transaction, on the input and on its
        articles, each set in key order: another writer of the same input or article
        waits here, then finds it written."""
        keys = [_lock_key("source", sha) for sha in sources]
        keys += sorted({_lock_key("article", article_id) for article_id in article_ids})
        self._db.execute(
            "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k", (keys,)
        )

    def _find_source(self, document: Document) -> tuple[_Source, Future[EncodedSource] | None]:
        """The source's id, and for a new one its compression, started on another core."""
        row = source_row(document)
        found = self._db.execute(
            "SELECT id FROM sources WHERE sha256 = %s", (document.sha256,)
        ).fetchone()
        if found is not None:
            return _Source(int(found[0]), row, document.text, is_new=False), None
        next_id = self._db.execute(
            "SELECT nextval(pg_get_serial_sequence('sources', 'id'))"
        ).fetchone()
        assert next_id is not None
        encoding = self._worker.submit(encode_source, document)
        return _Source(int(next_id[0]), row, document.text, is_new=True), encoding

    def _put_source(
        self, document: Document, source_id: int, encoded: EncodedSource, now: str
    ) -> None:
        self._db.execute(
            "INSERT INTO sources (id, sha256, path, url, encoding, codec, exact, original, size,"
            " chars, added_at, media_type, record_id, record_offset, fetched_at, http_status)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                source_id,
                document.sha256,
                document.path,
                document.url,
                document.encoding,
                encoded.codec,
                int(encoded.exact),
                encoded.original,
                document.size,
                len(document.text),
                now,
                document.media_type,
                document.record_id,
                document.record_offset,
                document.fetched_at,
                document.http_status,
            ),
        )
        copy_rows(
            self._db,
            "COPY source_chunks (source_id, start, data) FROM STDIN",
            [(source_id, start, data) for start, data in encoded.chunks],
        )

    def _put_batch(
        self, batch: list[Article], prepared: list[ArticleRow], source: _Source, now: str
    ) -> list[Outcome]:
        existing = self._lookup([a.id for a in batch])
        fresh = [a for a in batch if a.id not in existing]
        nums = iter(self._new_nums(len(fresh)))
        added: list[tuple[object, ...]] = []
        links: list[tuple[int, int, int]] = []
        outcomes: list[Outcome] = []
        for article, row in zip(batch, prepared, strict=True):
            old = existing.get(article.id)
            if old is not None:
                outcomes.append(self._merge(article, row, old, source, now))
                continue
            num = next(nums)
            span = (article.source.start, article.source.end)
            added.append((num, article.id, *_values(row), None, 1, source.id, *span, now, now, now))
            ids = self._category_id_list(article.categories)
            links.extend((num, cid, pos) for pos, cid in enumerate(ids))
            existing[article.id] = _Existing(num, None, 1, ids, article.published)
            outcomes.append(Outcome.ADDED)
        self._flush(added, links)
        return outcomes

    def _new_nums(self, count: int) -> list[int]:
        if not count:
            return []
        rows = self._db.execute(
            "SELECT nextval(pg_get_serial_sequence('articles', 'num')) FROM generate_series(1, %s)",
            (count,),
        ).fetchall()
        return sorted(int(row[0]) for row in rows)

    def _flush(self, added: list[tuple[object, ...]], links: list[tuple[int, int, int]]) -> None:
        if not added:
            return
        copy_rows(self._db, f"COPY articles ({ARTICLE_COLUMNS}) FROM STDIN", added)
        self._index([int(str(values[0])) for values in added])
        self._count_links(links)

    def _index(self, nums: list[int]) -> None:
        """Add (or replace) the articles' search documents."""
        self._db.execute(
            f"INSERT INTO articles_fts (num, document, words) {INDEXED}"
            " WHERE num = ANY(%s) ON CONFLICT (num)"
            " DO UPDATE SET document = excluded.document, words = excluded.words",
            (nums,),
        )

    def _count_links(self, links: list[tuple[int, int, int]]) -> None:
        if not links:
            return
        nums, cids, positions = (list(column) for column in zip(*links, strict=True))
        self._db.execute(
            "INSERT INTO article_categories (article_num, category_id, position)"
            " SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[])",
            (nums, cids, positions),
        )
        self._db.execute(
            "INSERT INTO category_articles (category_id, published, num)"
            " SELECT l.category_id, coalesce(a.published, ''), a.num"
            " FROM unnest(%s::bigint[], %s::bigint[]) AS l(num, category_id)"
            " JOIN articles a ON a.num = l.num ON CONFLICT DO NOTHING",
            (nums, cids),
        )
        for cid in cids:
            self._counted[cid] = self._counted.get(cid, 0) + 1

    def _count_categories(self) -> None:
        """Add this input's articles to the categories' counts, last and in id order: the
        rows stay locked until the commit, and every writer locks them in the same order."""
        if self._counted:
            cids = sorted(self._counted)
            self._db.execute(
                "UPDATE categories c SET articles = c.articles + d.n"
                " FROM unnest(%s::bigint[], %s::bigint[]) AS d(id, n) WHERE c.id = d.id",
                (cids, [self._counted[cid] for cid in cids]),
            )
            self._counted.clear()

    def _is_teaser(self, num: int) -> bool:
        found = self._db.execute(
            "SELECT extra::json ->> 't' FROM articles WHERE num = %s", (num,)
        ).fetchone()
        return found is not None and found[0] not in (None, "0", "false")

    def _fill_date(self, old: _Existing, published: str) -> None:
        """Give an undated article a teaser's date (no new revision: the text is the same;
        the hash is computed again when the id next comes)."""
        self._db.execute(
            "UPDATE articles SET published = %s, content_hash = NULL WHERE num = %s",
            (published, old.num),
        )
        self._redate(old.num, old.published, published)
        old.content_hash, old.published = None, published

    def _redate(self, num: int, before: str | None, after: str | None) -> None:
        """Move the article in its categories' listings (SQLite: a trigger)."""
        if before != after:
            self._db.execute(
                "UPDATE category_articles SET published = %s WHERE num = %s AND published = %s",
                (after or "", num, before or ""),
            )

    def _replace(
        self,
        article: Article,
        row: ArticleRow,
        chash: str,
        old: _Existing,
        source: _Source,
        now: str,
    ) -> None:
        """Make ``article`` the current revision: the old one moves to ``revisions``, and
        its enrichment, whose offsets index the old text, is deleted (to be computed again)."""
        self._keep_revision(old)
        clear_enrichment(self._db, old.num)
        self._db.execute(
            "UPDATE articles SET title = %s, summary = %s, body = %s, captions = %s,"
            " published = %s, extra = %s, content_hash = %s, revision = %s, source_id = %s,"
            " span_start = %s, span_end = %s, revised_at = %s, last_seen = %s WHERE num = %s",
            (
                *_values(row),
                chash,
                old.revision + 1,
                source.id,
                article.source.start,
                article.source.end,
                now,
                now,
                old.num,
            ),
        )
        self._index([old.num])
        self._redate(old.num, old.published, article.published)
        old.content_hash, old.revision = chash, old.revision + 1
        old.published = article.published

    def _create_categories(self, names: list[str]) -> None:
        """Create the categories not yet known, in a short transaction before the input's
        (in first-seen order, as SQLite numbers them): a new category has no articles until
        an input's transaction counts it, so one whose input fails stays unseen."""
        unknown = [name for name in dict.fromkeys(names) if name not in self._category_ids]
        if not unknown:
            return
        stored = {without_nul(name): name for name in unknown}
        with self._transaction():
            self._db.execute(
                "INSERT INTO categories (name) SELECT name FROM unnest(%s::text[])"
                " WITH ORDINALITY AS n(name, i) ORDER BY i ON CONFLICT (name) DO NOTHING",
                (list(stored),),
            )
            for cid, name in self._db.execute(
                "SELECT id, name FROM categories WHERE name = ANY(%s)", (list(stored),)
            ):
                self._category_ids[stored[name]] = int(cid)

    def _category_id_list(self, names: tuple[str, ...]) -> list[int]:
        ids: list[int] = []
        for name in names:
            cid = self._category_ids.get(name)
            if cid is None:  # another process removed it (never happens) or a cleared cache
                self._create_categories([name])
                cid = self._category_ids[name]
            if cid not in ids:
                ids.append(cid)
        return ids

    # -- copying between backends ----------------------------------------------

    def dump_tables(self) -> Iterator[TableRows]:
        return dump_tables(self._db)

    def load_tables(self, tables: Iterable[TableRows]) -> int:
        self._writable("copy into it")
        with self._transaction():
            written = load_tables(self._db, self.path, tables)
        self._category_ids.clear()
        return written

    # -- counting --------------------------------------------------------------

    def stats(self) -> ArchiveStats:
        articles, sources, revisions = self._cached(("stats",), self._count_rows)
        row = self._db.execute(
            "SELECT (SELECT min(published) FROM articles WHERE published IS NOT NULL),"
            " (SELECT max(published) FROM articles WHERE published IS NOT NULL)"
        ).fetchone()
        assert row is not None
        return ArchiveStats(articles, sources, revisions, row[0], row[1])

    def _count_rows(self) -> tuple[int, int, int]:
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sources),"
            " (SELECT count(*) FROM revisions)"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self._db.close()


def schema_version(url: str) -> int | None:
    """The schema version of the archive at ``url``; None when there is none."""
    return archive_version(url)


def _lock_key(kind: str, text: str) -> int:
    """A 64-bit advisory lock key for one input or article."""
    digest = hashlib.blake2b(f"{kind}:{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
