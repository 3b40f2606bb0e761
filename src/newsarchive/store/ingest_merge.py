"""What both stores' ingest does with an article whose id is already stored: union its
categories, keep its date, and write a new revision only when its text changed.

The rows themselves are written by each backend (``_replace``, ``_fill_date``,
``_count_links``); the decisions are taken here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from newsarchive.model import Article, article_to_dict, content_hash
from newsarchive.store.base import Outcome
from newsarchive.store.ingest_rows import Existing, InputSource, row_of
from newsarchive.store.sqlite_rows import ArticleRow, pack_json
from newsarchive.store.statements import Statements


class IngestMerge(Statements):
    """The merging half of a store's ingest (a mixin over its connection)."""

    _load: Callable[[int], tuple[Article, bool, str, int]]
    _is_teaser: Callable[[int], bool]
    _fill_date: Callable[[Existing, str], None]
    _count_links: Callable[[list[tuple[int, int, int]]], None]
    _category_id_list: Callable[[tuple[str, ...]], list[int]]
    _replace: Callable[[Article, ArticleRow, str, Existing, InputSource, str], None]

    def _merge(
        self, article: Article, row: ArticleRow, old: Existing, source: InputSource, now: str
    ) -> Outcome:
        """An id already stored: union the categories, and keep a revision if the text changed.

        A teaser (a feed entry, a listing item) never replaces a full article: it adds its
        categories, and its date when the article has none. A full article replaces a
        teaser. A date once known is kept when a later reading has none (a page whose
        date came from its feed entry, fetched again).

        A new article's content hash is not computed at ingest (it would cost a fifth of
        the ingest time); it is computed from the stored article the first time its id
        comes again, and kept.
        """
        self._add_categories(article, old)
        if article.teaser and not self._is_teaser(old.num):
            if old.published is None and article.published is not None:
                self._fill_date(old, article.published)
            return self._seen_again(old, source, now)
        if article.published is None and old.published is not None:
            article = replace(article, published=old.published)
            row = row_of(article, source)
        chash = content_hash(article)
        if old.content_hash is None:
            old.content_hash = content_hash(self._load(old.num)[0])
            self._execute(
                "UPDATE articles SET content_hash = ? WHERE num = ?", (old.content_hash, old.num)
            )
        if chash == old.content_hash:
            return self._seen_again(old, source, now)
        self._replace(article, row, chash, old, source, now)
        return Outcome.UPDATED

    def _add_categories(self, article: Article, old: Existing) -> None:
        new_ids = [
            c for c in self._category_id_list(article.categories) if c not in old.category_ids
        ]
        if new_ids:
            start = len(old.category_ids)
            self._count_links([(old.num, cid, start + i) for i, cid in enumerate(new_ids)])
            old.category_ids.extend(new_ids)

    def _seen_again(self, old: Existing, source: InputSource, now: str) -> Outcome:
        if source.is_new:
            self._execute("UPDATE articles SET last_seen = ? WHERE num = ?", (now, old.num))
        return Outcome.UNCHANGED

    def _keep_revision(self, old: Existing) -> None:
        """Keep the stored revision of ``old`` (compressed JSON) before it is replaced."""
        article, raw_stored, revised_at, source_id = self._load(old.num)
        self._execute(
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

    def _lookup(self, ids: list[str]) -> dict[str, Existing]:
        """What ingest needs to know of the articles with these ids already stored."""
        where, params = self._in("id", ids)
        found = {
            row[0]: Existing(int(row[1]), row[2], int(row[3]), [], row[4])
            for row in self._execute(
                f"SELECT id, num, content_hash, revision, published FROM articles WHERE {where}",
                params,
            )
        }
        if found:
            by_num = {e.num: e for e in found.values()}
            where, params = self._in("article_num", list(by_num))
            for num, cid in self._execute(
                f"SELECT article_num, category_id FROM article_categories WHERE {where}"
                " ORDER BY article_num, position",
                params,
            ):
                by_num[int(num)].category_ids.append(int(cid))
        return found
