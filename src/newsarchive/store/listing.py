"""Listings of either store: category pages, neighbours, related-link titles.

A category page walks ``category_articles`` (category, published, num) in order, so the
first pages cost the same at a thousand articles or a million, and an offset skips
index entries only (no article rows). The whole archive's listing walks the
``(published, num)`` index of ``articles`` the same way. Totals of filtered listings
(and the archive's stats) are counted once per write: they are cached until the
archive changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, cast

from newsarchive.model import normalise_title
from newsarchive.store.base import ListedArticle, Listing, ListingQuery, Neighbours
from newsarchive.store.sqlite_rows import caption_from_cell
from newsarchive.store.statements import Statements

ANCHOR_EVERY = 1_000  # a deep category page seeks to the nearest such row
LEAD_CHARS = 600  # enough of the body for a listing's first paragraph
TITLE_KEY_CHARS = 64  # the prefix indexed by articles_title_key / articles_summary_key
_MAX_CACHED = 512
_MAX_CANDIDATES = 50
DUPLICATES = "SELECT article_num FROM groupings WHERE duplicate_of IS NOT NULL"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a listing walks: a category's rows, or every article, in listing order."""

    table: str
    where: str
    params: tuple[object, ...]
    undated: str  # the stored value of "no date" in this table
    order: str  # newest first, as its index is walked backwards


class ArticleListing(Statements):
    """The listing half of a store (a mixin over its connection): what is the same on both
    backends; each backend's subclass gives where a listing walks and how its archive's
    changes are told."""

    _CAPTION_AND_TEASER: str  # the first caption's JSON cell and the teaser flag of ``extra``
    _memo: dict[tuple[object, ...], tuple[object, object]]

    def _scope(self, category_id: int | None) -> Scope:
        """Every article (``category_id`` None) or a category's, in listing order."""
        raise NotImplementedError

    def _archive_version(self) -> object | None:
        """What moves whenever the archive changes; None: keep nothing now."""
        raise NotImplementedError

    def list_articles(self, query: ListingQuery) -> Listing:
        category_id: int | None = None
        if query.category is not None:
            found = self._category_row(query.category)
            if found is None:
                return Listing((), 0)
            category_id = found[0]
        scope = self._scope(category_id)
        where, params = _date_filter(scope, query)
        hiding = not query.duplicates and self._has_duplicates()
        if hiding:
            where += f" AND num NOT IN ({DUPLICATES})"
        limit, offset = max(query.limit, 0), max(query.offset, 0)
        page_where, page_params = where, params
        if category_id is not None and offset >= ANCHOR_EVERY:
            key = (category_id, query.date_from, query.date_to, query.duplicates)
            anchor = self._anchor(key, where, params, offset // ANCHOR_EVERY)
            if anchor is None:  # past the end
                return Listing((), self._total(query, scope, where, params, hiding))
            page_where = f"{where} AND (published, num) <= (?, ?)"
            page_params = (*params, *anchor)
            offset %= ANCHOR_EVERY
        nums = [
            num
            for (num,) in self._execute(
                f"SELECT num FROM {scope.table} WHERE {page_where}"
                f" ORDER BY {scope.order} LIMIT ? OFFSET ?",
                (*page_params, limit, offset),
            )
        ]
        return Listing(self._listed(nums), self._total(query, scope, where, params, hiding))

    def _anchor(
        self, key: tuple[object, ...], where: str, params: tuple[object, ...], index: int
    ) -> tuple[str, int] | None:
        """The key of a category listing's row ``index * ANCHOR_EVERY``, so that a deep
        page skips fewer than ``ANCHOR_EVERY`` entries from there instead of its whole
        offset. Anchors are found by walking from the previous one, once until the
        archive changes."""
        anchors: dict[int, tuple[str, int]] = self._cached(("anchors", *key), dict)
        known = max((i for i in anchors if i <= index), default=0)
        skip: tuple[object, ...]
        while known < index:
            after, skip = "", (ANCHOR_EVERY,)
            if known:  # the next anchor is ANCHOR_EVERY rows past this one
                after = " AND (published, num) < (?, ?)"
                skip = (*anchors[known], ANCHOR_EVERY - 1)
            row = self._execute(
                f"SELECT published, num FROM category_articles WHERE {where}{after}"
                " ORDER BY published DESC, num DESC LIMIT 1 OFFSET ?",
                (*params, *skip),
            ).fetchone()
            if row is None:
                return None
            known += 1
            anchors[known] = (str(row[0]), int(row[1]))
        return anchors[index]

    def _has_duplicates(self) -> bool:
        """Whether any article is a near-duplicate (listings of an archive with none
        walk their index exactly as before)."""
        return self._cached(
            ("has-duplicates",),
            lambda: bool(
                self._execute(
                    "SELECT EXISTS (SELECT 1 FROM groupings WHERE duplicate_of IS NOT NULL)"
                ).fetchone()[0]
            ),
        )

    def _category_row(self, name: str) -> tuple[int, int] | None:
        row = self._execute(
            "SELECT id, articles FROM categories WHERE name = ?", (name,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def _total(
        self,
        query: ListingQuery,
        scope: Scope,
        where: str,
        params: tuple[object, ...],
        hiding: bool = False,
    ) -> int:
        plain = query.date_from is None and query.date_to is None
        if query.category is not None and plain and not hiding:
            found = self._category_row(query.category)
            return 0 if found is None else found[1]
        count = f"SELECT count(*) FROM {scope.table} WHERE {where}"
        key = ("total", query.category, query.date_from, query.date_to, hiding)
        return self._cached(key, lambda: self._count(count, params))

    def _cached(self, key: tuple[object, ...], compute: Callable[[], T]) -> T:
        """``compute()``, kept until the archive changes (``_archive_version``)."""
        version = self._archive_version()
        if version is None:
            return compute()
        if not hasattr(self, "_memo"):
            self._memo = {}
        cached = self._memo.get(key)
        if cached is not None and cached[0] == version:
            return cast(T, cached[1])
        value = compute()
        if len(self._memo) >= _MAX_CACHED:
            self._memo.clear()
        self._memo[key] = (version, value)
        return value

    def neighbours(self, article_id: str, category: str) -> Neighbours:
        found = self._category_row(category)
        row = self._execute(
            "SELECT num, published FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if found is None or row is None:
            return Neighbours(None, None)
        num, published = int(row[0]), row[1] or ""
        member = self._execute(
            "SELECT 1 FROM category_articles WHERE category_id = ? AND published = ? AND num = ?",
            (found[0], published, num),
        ).fetchone()
        if member is None:
            return Neighbours(None, None)
        newer = self._step(found[0], published, num, ">", "ASC")
        older = self._step(found[0], published, num, "<", "DESC")
        return Neighbours(self._one(newer), self._one(older))

    def _step(self, category_id: int, published: str, num: int, op: str, order: str) -> int | None:
        # near-duplicates are skipped, as in the listing
        hidden = f" AND num NOT IN ({DUPLICATES})" if self._has_duplicates() else ""
        row = self._execute(
            "SELECT num FROM category_articles WHERE category_id = ?"
            f" AND (published, num) {op} (?, ?){hidden}"
            f" ORDER BY published {order}, num {order} LIMIT 1",
            (category_id, published, num),
        ).fetchone()
        return None if row is None else int(row[0])

    def _one(self, num: int | None) -> ListedArticle | None:
        found = self._listed([num]) if num is not None else ()
        return found[0] if found else None

    def resolve_titles(self, titles: Sequence[str]) -> dict[str, str]:
        resolved: dict[str, str] = {}
        for title in dict.fromkeys(titles):
            wanted = normalise_title(title)
            if not wanted:
                continue
            for column in ("title", "summary"):
                found = self._match(column, title, wanted)
                if found is not None:
                    resolved[title] = found
                    break
        return resolved

    def _match(self, column: str, title: str, wanted: str) -> str | None:
        # the index holds a prefix, lower-cased by SQLite (ASCII only): candidates are
        # checked again in full with normalise_title
        rows = self._execute(
            f"SELECT id, {column} FROM articles WHERE {column} IS NOT NULL"
            f" AND lower(substr({column}, 1, {TITLE_KEY_CHARS}))"
            f" = lower(substr(?, 1, {TITLE_KEY_CHARS})) ORDER BY num DESC LIMIT ?",
            (" ".join(title.split()), _MAX_CANDIDATES),
        ).fetchall()
        return next((row[0] for row in rows if normalise_title(row[1]) == wanted), None)

    def _listed(self, nums: list[int]) -> tuple[ListedArticle, ...]:
        """Listing fields of articles ``nums``, in that order."""
        if not nums:
            return ()
        in_nums, params = self._in("num", nums)
        in_article_nums, _ = self._in("ac.article_num", nums)
        rows = {
            row[0]: row[1:]
            for row in self._execute(
                f"SELECT num, id, title, summary, substr(body, 1, {LEAD_CHARS}), published,"
                f" first_seen, {self._CAPTION_AND_TEASER},"
                " (SELECT g.duplicate_of FROM groupings g WHERE g.article_num = articles.num)"
                f" FROM articles WHERE {in_nums}",
                params,
            )
        }
        categories: dict[int, list[str]] = {}
        for num, name in self._execute(
            "SELECT ac.article_num, c.name FROM article_categories ac"
            f" JOIN categories c ON c.id = ac.category_id WHERE {in_article_nums}"
            " ORDER BY ac.article_num, ac.position",
            params,
        ):
            categories.setdefault(num, []).append(name)
        return tuple(
            _listed_article(rows[num], tuple(categories.get(num, ())))
            for num in nums
            if num in rows
        )


def _date_filter(scope: Scope, query: ListingQuery) -> tuple[str, tuple[object, ...]]:
    conditions = [scope.where]
    params: list[object] = list(scope.params)
    if query.date_from:
        conditions.append("published >= ?")
        params.append(query.date_from)
    if query.date_to:
        conditions.append("published <= ?")
        params.append(query.date_to + "\uffff")  # inclusive of times on that day
        if scope.undated == "''":
            conditions.append("published > ''")
    return " AND ".join(conditions), tuple(params)


def _listed_article(
    row: tuple[
        str, str | None, str | None, str, str | None, str, str | None, int | None, str | None
    ],
    categories: tuple[str, ...],
) -> ListedArticle:
    article_id, title, summary, body, published, first_seen, caption_json, teaser, dup = row
    caption = caption_from_cell(json.loads(caption_json)) if caption_json else None
    return ListedArticle(
        id=article_id,
        title=title,
        summary=summary,
        lead=body.split("\n\n", 1)[0],
        published=published,
        first_seen=first_seen,
        categories=categories,
        caption=caption,
        teaser=bool(teaser),
        duplicate_of=dup,
    )
