"""The default archive backend: one SQLite file with an FTS5 index.

Each input file is written in one ``BEGIN IMMEDIATE`` transaction, so a crash or
Ctrl-C leaves the archive as it was before that file. Only the current revision of
an article is kept as text (and indexed); older revisions are compressed JSON.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from newsarchive.errors import NotFoundError, StoreError
from newsarchive.model import Article, Document, article_from_dict, article_to_dict, content_hash
from newsarchive.store import sqlite_schema
from newsarchive.store.base import (
    ArchiveStats,
    CategoryCount,
    IngestCounts,
    Outcome,
    Revision,
    SearchQuery,
    SearchResult,
    Store,
)
from newsarchive.store.sqlite_listing import SQLiteListing
from newsarchive.store.sqlite_rows import (
    CHUNK_CHARS,
    ArticleRow,
    EncodedSource,
    SourceRow,
    article_from_row,
    article_row,
    decode_chunks,
    encode_source,
    pack_json,
    unpack_json,
)
from newsarchive.store.sqlite_search import run_search

SLICE = 250  # articles looked up and written per statement batch
ARTICLE_COLUMNS = "title, summary, body, captions, published, extra"
_A_COLUMNS = "a.title, a.summary, a.body, a.captions, a.published, a.extra"
_FTS_COLUMNS = "title, summary, body, captions"


@dataclass(slots=True)
class _Existing:
    """What add_document needs to know about an article already in the archive."""

    num: int
    content_hash: str | None  # None until the id is seen again (see _merge)
    revision: int
    category_ids: list[int]


def _first_of_each_id(bottom_up: Iterator[Article], outcomes: list[Outcome]) -> Iterator[Article]:
    """The articles of a page read bottom-up, each id once: the topmost wins."""
    articles = list(bottom_up)
    last_index = {article.id: n for n, article in enumerate(articles)}
    for n, article in enumerate(articles):
        if last_index[article.id] == n:
            yield article
        else:
            outcomes.append(Outcome.UNCHANGED)


@dataclass(frozen=True, slots=True)
class _Source:
    id: int
    row: SourceRow
    text: str
    is_new: bool


class SQLiteStore(SQLiteListing, Store):
    """An archive in one SQLite file (WAL mode), created and migrated on open."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self._readonly = readonly
        self._db = sqlite_schema.open_database(self.path, readonly=readonly)
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
        row = SourceRow(document.sha256, document.path, document.url, document.encoding)
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
            " chars, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                existing[article.id] = _Existing(next_num, None, 1, ids)
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

    def _merge(
        self, article: Article, row: ArticleRow, old: _Existing, source: _Source, now: str
    ) -> Outcome:
        """An id already stored: union the categories, and keep a revision if the text changed.

        A new article's content hash is not computed at ingest (it would cost a fifth of
        the ingest time); it is computed from the stored article the first time its id
        comes again, and kept.
        """
        new_ids = [
            c for c in self._category_id_list(article.categories) if c not in old.category_ids
        ]
        if new_ids:
            start = len(old.category_ids)
            self._count_links([(old.num, cid, start + i) for i, cid in enumerate(new_ids)])
            old.category_ids.extend(new_ids)
        chash = content_hash(article)
        if old.content_hash is None:
            old.content_hash = content_hash(self._load(old.num)[0])
            self._db.execute(
                "UPDATE articles SET content_hash = ? WHERE num = ?", (old.content_hash, old.num)
            )
        if chash == old.content_hash:
            if source.is_new:
                self._db.execute("UPDATE articles SET last_seen = ? WHERE num = ?", (now, old.num))
            return Outcome.UNCHANGED
        self._keep_revision(old)
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
        return Outcome.UPDATED

    def _keep_revision(self, old: _Existing) -> None:
        article, raw_stored, revised_at, source_id = self._load(old.num)
        self._db.execute(
            "INSERT INTO revisions (article_num, number, content_hash, seen_at, source_id, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                old.num,
                old.revision,
                old.content_hash,
                revised_at,
                source_id,
                pack_json(article_to_dict(article, with_raw=raw_stored)),
            ),
        )

    def _lookup(self, ids: list[str]) -> dict[str, _Existing]:
        marks = ",".join("?" * len(ids))
        found = {
            row[0]: _Existing(row[1], row[2], row[3], [])
            for row in self._db.execute(
                f"SELECT id, num, content_hash, revision FROM articles WHERE id IN ({marks})", ids
            )
        }
        if found:
            by_num = {e.num: e for e in found.values()}
            nums = ",".join(str(n) for n in by_num)
            for num, cid in self._db.execute(
                "SELECT article_num, category_id FROM article_categories"
                f" WHERE article_num IN ({nums}) ORDER BY article_num, position"
            ):
                by_num[num].category_ids.append(cid)
        return found

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

    # -- reading ---------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        found = self._db.execute("SELECT num FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if found is None else self._load(found[0])[0]

    def _load(self, num: int) -> tuple[Article, bool, str, int]:
        """The current article, whether its raw text is stored, when and where it was seen."""
        row = self._db.execute(
            f"SELECT a.id, {_A_COLUMNS}, a.source_id, a.span_start, a.span_end, a.revised_at,"
            " s.sha256, s.path, s.url, s.encoding"
            " FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.num = ?",
            (num,),
        ).fetchone()
        source = SourceRow(row[11], row[12], row[13], row[14])
        stored = article_from_row(
            row[0], ArticleRow(*row[1:7]), self._categories_of(num), source, (row[8], row[9])
        )
        article = stored.article
        if not stored.raw_stored:
            article = _with_raw(article, self._source_span(row[7], row[8], row[9]))
        return article, stored.raw_stored, row[10], row[7]

    def _categories_of(self, num: int) -> tuple[str, ...]:
        return tuple(
            name
            for (name,) in self._db.execute(
                "SELECT c.name FROM article_categories ac"
                " JOIN categories c ON c.id = ac.category_id"
                " WHERE ac.article_num = ? ORDER BY ac.position",
                (num,),
            )
        )

    def _source_span(self, source_id: int, start: int, end: int) -> str:
        """The article's span of its input's text, decoding only the chunks it covers."""
        first = start - start % CHUNK_CHARS
        last = max(end - 1, start) - max(end - 1, start) % CHUNK_CHARS
        key = (source_id, first, last)
        if self._chunk_cache is None or self._chunk_cache[0] != key:
            codec = self._db.execute(
                "SELECT codec FROM sources WHERE id = ?", (source_id,)
            ).fetchone()
            rows = self._db.execute(
                "SELECT data FROM source_chunks WHERE source_id = ? AND start BETWEEN ? AND ?"
                " ORDER BY start",
                (source_id, first, last),
            ).fetchall()
            if codec is None or not rows:
                return ""
            # consecutive articles of a listing usually share a chunk: keep the last one
            self._chunk_cache = (
                key,
                decode_chunks([data for (data,) in rows], codec[0], at_start=first == 0),
            )
        return self._chunk_cache[1][start - first : end - first]

    def revisions(self, article_id: str) -> list[Revision]:
        found = self._db.execute(
            "SELECT num, content_hash, revision FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if found is None:
            raise NotFoundError(f"no article {article_id!r} in {self.path}; check the id")
        num, stored_hash, number = found
        out: list[Revision] = []
        for rev_number, rev_hash, seen_at, source_id, data in self._db.execute(
            "SELECT number, content_hash, seen_at, source_id, data FROM revisions"
            " WHERE article_num = ? ORDER BY number",
            (num,),
        ).fetchall():
            article = article_from_dict(unpack_json(data))
            if not article.raw:
                span = self._source_span(source_id, article.source.start, article.source.end)
                article = _with_raw(article, span)
            out.append(Revision(rev_number, rev_hash, seen_at, article))
        article, _, revised_at, _ = self._load(num)
        chash = stored_hash or content_hash(article)
        out.append(Revision(number, chash, revised_at, article))
        return out

    def search(self, query: SearchQuery) -> SearchResult:
        return run_search(self._db, query)

    def categories(self) -> list[CategoryCount]:
        return [
            CategoryCount(name, count)
            for name, count in self._db.execute(
                "SELECT name, articles FROM categories WHERE articles > 0"
                " ORDER BY articles DESC, name"
            )
        ]

    def iter_articles(self, category: str | None = None) -> Iterator[Article]:
        """Newest first by ``published`` (undated last), then by ingest order.

        Pages through the ``published`` index with a keyset cursor, so memory stays flat
        and no read transaction is held open between pages.
        """
        where, params = "", []
        if category is not None:
            where = (
                " AND num IN (SELECT article_num FROM article_categories ac"
                " JOIN categories c ON c.id = ac.category_id WHERE c.name = ?)"
            )
            params = [category]
        yield from self._iter_dated(where, params)
        yield from self._iter_undated(where, params)

    def _iter_dated(self, where: str, params: list[str]) -> Iterator[Article]:
        cursor: tuple[str, int] = ("\U0010ffff", 1 << 62)
        while True:
            page = self._db.execute(
                "SELECT num, published FROM articles WHERE published IS NOT NULL"
                f" AND (published, num) < (?, ?){where}"
                " ORDER BY published DESC, num DESC LIMIT 200",
                (*cursor, *params),
            ).fetchall()
            for num, _ in page:
                yield self._load(num)[0]
            if len(page) < 200:
                return
            cursor = (page[-1][1], page[-1][0])

    def _iter_undated(self, where: str, params: list[str]) -> Iterator[Article]:
        last = 1 << 62
        while True:
            page = self._db.execute(
                f"SELECT num FROM articles WHERE published IS NULL AND num < ?{where}"
                " ORDER BY num DESC LIMIT 200",
                (last, *params),
            ).fetchall()
            for (num,) in page:
                yield self._load(num)[0]
            if len(page) < 200:
                return
            last = page[-1][0]

    def source_text(self, sha256: str) -> bytes | None:
        found = self._db.execute(
            "SELECT id, original FROM sources WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if found is None:
            return None
        if found[1] is not None:
            return zlib.decompress(found[1])
        return b"".join(
            zlib.decompress(data)
            for (data,) in self._db.execute(
                "SELECT data FROM source_chunks WHERE source_id = ? ORDER BY start", (found[0],)
            )
        )

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


def _prepare(batch: list[Article], source: _Source) -> list[ArticleRow]:
    """What each article's row will hold; pure, so it can run on the worker thread."""
    out: list[ArticleRow] = []
    for article in batch:
        raw: str | None = None
        if article.source.sha256 == source.row.sha256:
            raw = source.text[article.source.start : article.source.end]
        out.append(article_row(article, source.row, raw))
    return out


def _values(row: ArticleRow) -> tuple[object, ...]:
    return (row.title, row.summary, row.body, row.captions, row.published, row.extra)


def _with_raw(article: Article, raw: str) -> Article:
    return replace(article, raw=raw)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
