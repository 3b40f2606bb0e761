"""The default archive backend: one SQLite file with an FTS5 index.

Each input file is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or
Ctrl-C leaves the archive as it was before that file. Only the current revision of
an article is kept as text (and indexed); older revisions are compressed JSON.

This module writes; reading is in ``sqlite_reads``, listings in ``sqlite_listing``, search
in ``sqlite_search``, inputs and fetch state in ``sqlite_sources``, enrichment (entities,
quotes, figures) in ``sqlite_enrich`` and its archive-wide reads in ``sqlite_people``,
stories, near-duplicates and predicted categories in ``sqlite_stories`` (mixins over the
one connection).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from newsarchive.errors import StoreError
from newsarchive.model import Article, Document
from newsarchive.store import sqlite_schema, sqlite_tables
from newsarchive.store.base import (
    ArchiveStats,
    IngestCounts,
    Outcome,
    Store,
    TableRows,
)
from newsarchive.store.ingest_merge import IngestMerge
from newsarchive.store.ingest_rows import Existing as _Existing
from newsarchive.store.ingest_rows import InputSource as _Source
from newsarchive.store.ingest_rows import first_of_each_id as _first_of_each_id
from newsarchive.store.ingest_rows import now as _now
from newsarchive.store.ingest_rows import prepare_rows as _prepare
from newsarchive.store.ingest_rows import text_values as _values
from newsarchive.store.sqlite_enrich import SQLiteEnrichment, clear_enrichment
from newsarchive.store.sqlite_listing import SQLiteListing
from newsarchive.store.sqlite_people import SQLitePeople
from newsarchive.store.sqlite_reads import SQLiteReads
from newsarchive.store.sqlite_rows import (
    ArticleRow,
    EncodedSource,
    encode_source,
    source_row,
)
from newsarchive.store.sqlite_sources import SQLiteSources
from newsarchive.store.sqlite_stories import SQLiteStories

SLICE = 250  # articles looked up and written per statement batch
ARTICLE_COLUMNS = "title, summary, body, captions, published, extra"
_FTS_COLUMNS = "title, summary, body, captions"


class SQLiteStore(
    SQLiteReads,
    SQLiteListing,
    SQLiteSources,
    SQLiteEnrichment,
    SQLitePeople,
    SQLiteStories,
    IngestMerge,
    Store,
):
    """An archive in one SQLite file (WAL mode), created and migrated on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._readonly = readonly
        self._lock_fd = None if readonly else sqlite_schema.writer_lock(self.path)
        try:
            self._db = sqlite_schema.open_database(self.path, readonly=readonly)
        except BaseException:
            self._release_lock()
            raise
        self._category_ids: dict[str, int] = {}
        self._chunk_cache: tuple[tuple[int, int, int], str] | None = None
        self._worker = ThreadPoolExecutor(max_workers=2, thread_name_prefix="newsarchive")

    # -- writing ---------------------------------------------------------------

    def add_document(self, document: Document, articles: Sequence[Article]) -> IngestCounts:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to ingest")
        now = _now()
        outcomes: list[Outcome] = []
        with self._transaction():
            source, encoding = self._find_source(document)
            # Building the rows of the next slice runs on a worker while SQLite
            # (which releases the GIL) indexes this one. A listing page shows its newest
            # article first: adding them bottom-up makes "most recently added" (the tie-break
            # for undated articles) follow the page's own order.
            # An input naming one id twice stores its first (topmost) article; the
            # repeats count as unchanged.
            iterator = _first_of_each_id(reversed(articles), outcomes)
            batch = list(islice(iterator, SLICE))
            prepared = self._worker.submit(_prepare, batch, source)
            while batch:
                following = list(islice(iterator, SLICE))
                upcoming = self._worker.submit(_prepare, following, source)
                outcomes.extend(self._put_batch(batch, prepared.result(), source, now))
                batch, prepared = following, upcoming
            if encoding is not None:
                self._put_source(document, source.id, encoding.result(), now)
        return IngestCounts.of(outcomes)

    # -- copying between backends ----------------------------------------------

    def dump_tables(self) -> Iterator[TableRows]:
        return sqlite_tables.dump_tables(self._db)

    def load_tables(self, tables: Iterable[TableRows]) -> int:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to copy into it")
        with self._transaction():
            written = sqlite_tables.load_tables(self._db, self.path, tables)
        self._category_ids.clear()
        return written

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {exc}; is another ingest running?") from exc
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            self._category_ids.clear()
            raise
        self._db.execute("COMMIT")

    def _find_source(self, document: Document) -> tuple[_Source, Future[EncodedSource] | None]:
        """The source's id, and for a new one its compression, started on another core.

        zlib and sha256 release the GIL, so compressing overlaps the FTS5 indexing.
        """
        row = source_row(document)
        found = self._db.execute(
            "SELECT id FROM sources WHERE sha256 = ?", (document.sha256,)
        ).fetchone()
        if found is not None:
            return _Source(found[0], row, document.text, is_new=False), None
        next_id = self._db.execute("SELECT coalesce(max(id), 0) + 1 FROM sources").fetchone()[0]
        encoding = self._worker.submit(encode_source, document)
        return _Source(int(next_id), row, document.text, is_new=True), encoding

    def _put_source(
        self, document: Document, source_id: int, encoded: EncodedSource, now: str
    ) -> None:
        self._db.execute(
            "INSERT INTO sources (id, sha256, path, url, encoding, codec, exact, original, size,"
            " chars, added_at, media_type, record_id, record_offset, fetched_at, http_status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        self._db.executemany(
            "INSERT INTO source_chunks (source_id, start, data) VALUES (?, ?, ?)",
            [(source_id, start, data) for start, data in encoded.chunks],
        )

    def _put_batch(
        self, batch: list[Article], prepared: list[ArticleRow], source: _Source, now: str
    ) -> list[Outcome]:
        existing = self._lookup([a.id for a in batch])
        next_num = self._next_num()
        first_new = next_num
        added: list[tuple[object, ...]] = []
        links: list[tuple[int, int, int]] = []
        outcomes: list[Outcome] = []
        for article, row in zip(batch, prepared, strict=True):
            old = existing.get(article.id)
            if old is None:
                added.append(
                    (
                        next_num,
                        article.id,
                        *_values(row),
                        None,
                        1,
                        source.id,
                        article.source.start,
                        article.source.end,
                        now,
                        now,
                        now,
                    )
                )
                ids = self._category_id_list(article.categories)
                links.extend((next_num, cid, pos) for pos, cid in enumerate(ids))
                existing[article.id] = _Existing(next_num, None, 1, ids, article.published)
                next_num += 1
                outcomes.append(Outcome.ADDED)
            else:
                if old.num >= first_new:  # the same id twice in one input
                    self._flush(added, links, first_new)
                    first_new = next_num
                outcomes.append(self._merge(article, row, old, source, now))
        self._flush(added, links, first_new)
        return outcomes

    def _flush(
        self, added: list[tuple[object, ...]], links: list[tuple[int, int, int]], first: int
    ) -> None:
        if added:
            self._db.executemany(
                f"INSERT INTO articles (num, id, {ARTICLE_COLUMNS}, content_hash, revision,"
                " source_id, span_start, span_end, first_seen, revised_at, last_seen)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                added,
            )
            self._db.execute(
                f"INSERT INTO articles_fts (rowid, {_FTS_COLUMNS})"
                f" SELECT num, {_FTS_COLUMNS} FROM articles WHERE num >= ?",
                (first,),
            )
            self._count_links(links)
        added.clear()
        links.clear()

    def _count_links(self, links: list[tuple[int, int, int]]) -> None:
        self._db.executemany(
            "INSERT INTO article_categories (article_num, category_id, position) VALUES (?, ?, ?)",
            links,
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO category_articles (category_id, published, num)"
            " SELECT ?, coalesce(published, ''), num FROM articles WHERE num = ?",
            [(cid, num) for num, cid, _ in links],
        )
        per_category: dict[int, int] = {}
        for _, cid, _ in links:
            per_category[cid] = per_category.get(cid, 0) + 1
        self._db.executemany(
            "UPDATE categories SET articles = articles + ? WHERE id = ?",
            [(n, cid) for cid, n in per_category.items()],
        )

    def _is_teaser(self, num: int) -> bool:
        found = self._db.execute(
            "SELECT json_extract(extra, '$.t') FROM articles WHERE num = ?", (num,)
        ).fetchone()
        return bool(found[0])

    def _fill_date(self, old: _Existing, published: str) -> None:
        """Give an undated article a teaser's date (no new revision: the text is the same;
        the hash is computed again when the id next comes)."""
        self._db.execute(
            "UPDATE articles SET published = ?, content_hash = NULL WHERE num = ?",
            (published, old.num),
        )
        old.content_hash, old.published = None, published

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
        its enrichment, whose offsets index the old text, is deleted (to be computed again).
        Its names stay in ``entities`` (the next enrichment usually names them again)."""
        self._keep_revision(old)
        clear_enrichment(self._db, old.num)
        self._db.execute(
            f"INSERT INTO articles_fts (articles_fts, rowid, {_FTS_COLUMNS})"
            f" SELECT 'delete', num, {_FTS_COLUMNS} FROM articles WHERE num = ?",
            (old.num,),
        )
        self._db.execute(
            "UPDATE articles SET title = ?, summary = ?, body = ?, captions = ?, published = ?,"
            " extra = ?, content_hash = ?, revision = ?, source_id = ?, span_start = ?,"
            " span_end = ?, revised_at = ?, last_seen = ? WHERE num = ?",
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
        self._db.execute(
            f"INSERT INTO articles_fts (rowid, {_FTS_COLUMNS})"
            f" SELECT num, {_FTS_COLUMNS} FROM articles WHERE num = ?",
            (old.num,),
        )
        old.content_hash, old.revision = chash, old.revision + 1
        old.published = article.published

    def _next_num(self) -> int:
        return int(self._db.execute("SELECT coalesce(max(num), 0) + 1 FROM articles").fetchone()[0])

    def _category_id_list(self, names: tuple[str, ...]) -> list[int]:
        ids: list[int] = []
        for name in names:
            cid = self._category_ids.get(name)
            if cid is None:
                self._db.execute("INSERT OR IGNORE INTO categories (name) VALUES (?)", (name,))
                cid = int(
                    self._db.execute(
                        "SELECT id FROM categories WHERE name = ?", (name,)
                    ).fetchone()[0]
                )
                self._category_ids[name] = cid
            if cid not in ids:
                ids.append(cid)
        return ids

    # -- counting --------------------------------------------------------------

    def stats(self) -> ArchiveStats:
        # count(*) reads a whole index (about 0.1 s warm at 1M articles), so the counts are
        # shared by every store of this file in the process until a commit moves the file's
        # or its WAL's modification time or size; min and max are two index lookups
        if self._db.in_transaction:
            counts = self._count_rows()
        else:
            counts = _SHARED_COUNTS.get(self.path, self._count_rows)
        earliest, latest = self._db.execute(
            "SELECT (SELECT min(published) FROM articles WHERE published IS NOT NULL),"
            " (SELECT max(published) FROM articles)"
        ).fetchone()
        return ArchiveStats(*counts, earliest, latest)

    def _count_rows(self) -> tuple[int, int, int]:
        articles, sources, revisions = self._db.execute(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM sources),"
            " (SELECT count(*) FROM revisions)"
        ).fetchone()
        return int(articles), int(sources), int(revisions)

    def close(self) -> None:
        self._worker.shutdown(wait=True)
        self._db.close()
        self._release_lock()

    def _release_lock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None


class _SharedCounts:
    """Row counts per database file, shared by the stores of one process (a web server's
    pool opens one per worker thread), kept while the file and its WAL are unchanged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[Path, tuple[tuple[int, ...], tuple[int, int, int]]] = {}

    def get(self, path: Path, count: Callable[[], tuple[int, int, int]]) -> tuple[int, int, int]:
        path = path.resolve()
        key = _file_version(path)
        with self._lock:
            cached = self._counts.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        counts = count()
        if _file_version(path) == key:  # no commit while counting
            with self._lock:
                self._counts[path] = (key, counts)
        return counts


def _file_version(path: Path) -> tuple[int, ...]:
    """What a commit changes: the WAL grows (or is restarted), a checkpoint writes the file."""
    version: list[int] = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            info = file.stat()
        except FileNotFoundError:
            version += [-1, -1, -1]
            continue
        version += [info.st_mtime_ns, info.st_size, info.st_ino]
    return tuple(version)


_SHARED_COUNTS = _SharedCounts()
