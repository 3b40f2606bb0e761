"""Reading articles back from either store: one article, its revisions, all of them
streamed, and categories (``sqlite_reads`` and ``pg_reads`` add search).

An article row holds the current revision; its ``raw`` span is decoded from the source's
chunks (only those it covers) unless the row had to keep it; older revisions are
compressed JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from newsarchive.errors import NotFoundError
from newsarchive.model import Article, article_from_dict, content_hash
from newsarchive.store.base import CategoryCount, Revision
from newsarchive.store.sqlite_rows import (
    CHUNK_CHARS,
    ArticleRow,
    SourceRow,
    article_from_row,
    decode_chunks,
    unpack_json,
)
from newsarchive.store.statements import Statements

_A_COLUMNS = "a.title, a.summary, a.body, a.captions, a.published, a.extra"
_KEYSET_PAGE = 200  # articles read in one statement by ``_keyset``


class ArticleReads(Statements):
    """The reading half of a store (a mixin over its connection): what is the same on
    both backends."""

    path: Any  # the archive as messages show it (a Path, a URL)
    _DATED_ORDER = "published DESC, num DESC"  # as the ``published`` index is walked
    _chunk_cache: tuple[tuple[int, int, int], str] | None

    def get(self, article_id: str) -> Article | None:
        found = self._execute("SELECT num FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if found is None else self._load(found[0])[0]

    def _keyset(
        self, condition: str, params: tuple[object, ...] = (), joins: str = ""
    ) -> Iterator[Article]:
        """Articles matching ``condition`` (over ``articles a`` and ``joins``) in ingest
        order, a page at a time: nothing is held open between pages, so writes in between
        are fine, and an article changed meanwhile so that it no longer matches is not
        given."""
        last = 0
        while True:
            page = [
                int(num)
                for (num,) in self._execute(
                    f"SELECT a.num FROM articles a{joins} WHERE a.num > ? AND {condition}"
                    " ORDER BY a.num LIMIT ?",
                    (last, *params, _KEYSET_PAGE),
                ).fetchall()
            ]
            for num in page:
                yield self._load(num)[0]
            if len(page) < _KEYSET_PAGE:
                return
            last = page[-1]

    def _load(self, num: int) -> tuple[Article, bool, str, int]:
        """The current article, whether its raw text is stored, when and where it was seen."""
        row = self._execute(
            f"SELECT a.id, {_A_COLUMNS}, a.source_id, a.span_start, a.span_end, a.revised_at,"
            " s.sha256, s.path, s.url, s.encoding, s.record_id, s.record_offset, s.fetched_at,"
            " s.http_status FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.num = ?",
            (num,),
        ).fetchone()
        assert row is not None, f"article {num} is gone"
        source = SourceRow(*row[11:19])
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
            for (name,) in self._execute(
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
            codec = self._execute("SELECT codec FROM sources WHERE id = ?", (source_id,)).fetchone()
            rows = self._execute(
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
        found = self._execute(
            "SELECT num, content_hash, revision FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if found is None:
            raise NotFoundError(f"no article {article_id!r} in {self.path}; check the id")
        num, stored_hash, number = found
        out: list[Revision] = []
        for rev_number, rev_hash, seen_at, source_id, data in self._execute(
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

    def categories(self) -> list[CategoryCount]:
        return [
            CategoryCount(name, count)
            for name, count in self._execute(
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
            page = self._execute(
                "SELECT num, published FROM articles WHERE published IS NOT NULL"
                f" AND (published, num) < (?, ?){where}"
                f" ORDER BY {self._DATED_ORDER} LIMIT 200",
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
            page = self._execute(
                f"SELECT num FROM articles WHERE published IS NULL AND num < ?{where}"
                " ORDER BY num DESC LIMIT 200",
                (last, *params),
            ).fetchall()
            for (num,) in page:
                yield self._load(num)[0]
            if len(page) < 200:
                return
            last = page[-1][0]


def _with_raw(article: Article, raw: str) -> Article:
    return replace(article, raw=raw)
