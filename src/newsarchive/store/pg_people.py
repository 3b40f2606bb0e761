"""Who said what across the PostgreSQL archive: the reads of ``sqlite_people`` in
PostgreSQL's dialect, giving the same answers in the same order.

Text is ordered ``COLLATE "C"`` (code points, as SQLite's BINARY), whatever the database's
collation; the figures' text filter lowers ASCII only, as SQLite's ``lower`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from newsarchive.model import Figure, Quote
from newsarchive.store.base import (
    BUCKETS,
    ArchivedFigure,
    ArchivedQuote,
    EntityCount,
    EntityRef,
    FigurePage,
    FigureQuery,
    ListedArticle,
    Listing,
    QuotePage,
    SpeakerChart,
)
from newsarchive.store.names import label_kind
from newsarchive.store.pg_enrich import Connection
from newsarchive.store.sqlite_people import _chart, _escape_like

_HEADLINE = (
    "coalesce(a.title, a.summary, substr(a.body, 1, strpos(a.body || chr(10), chr(10)) - 1))"
)
# ties by name, then by id (the order SQLite gives them, grouping by canonical_id)
_BY_NAME = '(SELECT name FROM entities x WHERE x.id = e.canonical_id) COLLATE "C", e.canonical_id'
_NEWEST = "coalesce(a.published, '') COLLATE \"C\" DESC, a.num DESC"


class PGPeople:
    """The who-said-what reads of ``PostgresStore`` (a mixin over its connection)."""

    _db: Connection
    _listed: Callable[[list[int]], tuple[ListedArticle, ...]]

    def find_entity(self, slug: str) -> EntityRef | None:
        row = self._db.execute(
            "SELECT r.name, r.label, r.slug FROM entities e JOIN entities r"
            " ON r.id = e.canonical_id WHERE e.slug = %s",
            (slug,),
        ).fetchone()
        if row is not None:
            return EntityRef(*row)
        canonical = self._canonical_id(" ".join(slug.split("-")))  # /speaker/peskov
        return None if canonical is None else self._refs([canonical])[canonical]

    def canonical_entities(self, names: Sequence[str]) -> dict[str, EntityRef]:
        found: dict[str, EntityRef] = {}
        for name in dict.fromkeys(names):
            canonical = self._canonical_id(name)
            if canonical is not None:
                found[name] = self._refs([canonical])[canonical]
        return found

    def _canonical_id(self, name: str) -> int | None:
        """The entity a name belongs to (a canonical one first, when labels differ); for a
        name no article gives ("Peskov" where every article says "Dmitry Peskov"), the one
        entity whose name ends with it, case aside (none when there are two)."""
        row = self._db.execute(
            "SELECT canonical_id FROM entities WHERE name = %s"
            " ORDER BY canonical_id != id, label != 'PERSON', id LIMIT 1",
            (name,),
        ).fetchone()
        if row is not None:
            return int(row[0])
        words = name.casefold().split()
        if not words:
            return None
        keys = [f"{kind}:{words[-1]}" for kind in ("person", "org", "place")]
        ending = " " + " ".join(words)
        found = {
            int(canonical)
            for canonical, other in self._db.execute(
                "SELECT canonical_id, name FROM entities WHERE name_key = ANY(%s)", (keys,)
            )
            if (" " + " ".join(str(other).casefold().split())).endswith(ending)
        }
        return found.pop() if len(found) == 1 else None

    def _refs(self, ids: Sequence[int]) -> dict[int, EntityRef]:
        if not ids:
            return {}
        return {
            int(row[0]): EntityRef(row[1], row[2], row[3])
            for row in self._db.execute(
                "SELECT id, name, label, slug FROM entities WHERE id = ANY(%s)", (list(ids),)
            )
        }

    def speaker_quotes(self, name: str, limit: int = 20, offset: int = 0) -> QuotePage:
        canonical = self._canonical_id(name)
        if canonical is None:
            return QuotePage((), 0)
        ref = self._refs([canonical])[canonical]
        where = "q.speaker_id IN (SELECT id FROM entities WHERE canonical_id = %s)"
        total = self._count(f"SELECT count(*) FROM quotes q WHERE {where}", (canonical,))
        rows = self._db.execute(
            f"SELECT a.id, {_HEADLINE}, a.published, q.text, q.cue, q.direct, q.span_start,"
            " q.span_end, q.speaker_text, q.role FROM quotes q"
            f" JOIN articles a ON a.num = q.article_num WHERE {where}"
            f" ORDER BY {_NEWEST}, q.position LIMIT %s OFFSET %s",
            (canonical, max(limit, 0), max(offset, 0)),
        ).fetchall()
        items = tuple(
            ArchivedQuote(
                r[0], r[1] or "", r[2], Quote(ref.name, r[3], r[4], bool(r[5]), *r[6:10]), ref
            )
            for r in rows
        )
        return QuotePage(items, total)

    def _count(self, query: str, params: Sequence[object]) -> int:
        row = self._db.execute(query, params).fetchone()
        return 0 if row is None else int(row[0])

    def entity_articles(self, name: str, limit: int = 20, offset: int = 0) -> Listing:
        canonical = self._canonical_id(name)
        if canonical is None:
            return Listing((), 0)
        naming = (
            "a.num IN (SELECT ae.article_num FROM article_entities ae JOIN entities e"
            " ON e.id = ae.entity_id WHERE e.canonical_id = %s)"
        )
        total = self._count(f"SELECT count(*) FROM articles a WHERE {naming}", (canonical,))
        nums = [
            int(num)
            for (num,) in self._db.execute(
                f"SELECT a.num FROM articles a WHERE {naming}"
                f" ORDER BY {_NEWEST} LIMIT %s OFFSET %s",
                (canonical, max(limit, 0), max(offset, 0)),
            )
        ]
        return Listing(self._listed(nums), total)

    def co_entities(self, name: str, limit: int = 20) -> list[EntityCount]:
        canonical = self._canonical_id(name)
        if canonical is None:
            return []
        rows = self._db.execute(
            "SELECT e.canonical_id, count(DISTINCT ae.article_num) AS n"
            " FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
            " WHERE ae.article_num IN (SELECT x.article_num FROM article_entities x"
            " JOIN entities xe ON xe.id = x.entity_id WHERE xe.canonical_id = %s)"
            " AND e.canonical_id != %s GROUP BY e.canonical_id"
            f" ORDER BY n DESC, {_BY_NAME} LIMIT %s",
            (canonical, canonical, max(limit, 0)),
        ).fetchall()
        return self._entity_counts(rows)

    def _entity_counts(self, rows: Sequence[tuple[Any, ...]]) -> list[EntityCount]:
        refs = self._refs([int(r[0]) for r in rows])
        return [EntityCount(refs[int(r[0])], int(r[1])) for r in rows if int(r[0]) in refs]

    def speakers(self, limit: int = 100) -> list[EntityCount]:
        rows = self._db.execute(
            "SELECT e.canonical_id, count(*) AS n FROM quotes q JOIN entities e"
            " ON e.id = q.speaker_id GROUP BY e.canonical_id"
            f" ORDER BY n DESC, {_BY_NAME} LIMIT %s",
            (max(limit, 0),),
        ).fetchall()
        return self._entity_counts(rows)

    def entities(self, label: str | None = None, limit: int = 100) -> list[EntityCount]:
        where, params = "", []
        if label is not None:
            labels = [str(r[0]) for r in self._db.execute("SELECT DISTINCT label FROM entities")]
            kind = [x for x in labels if label_kind(x) == label_kind(label)] or [label]
            where = " WHERE r.label = ANY(%s)"
            params = [kind]
        rows = self._db.execute(
            "SELECT e.canonical_id, count(DISTINCT ae.article_num) AS n"
            " FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
            f" JOIN entities r ON r.id = e.canonical_id{where}"
            f" GROUP BY e.canonical_id ORDER BY n DESC, {_BY_NAME} LIMIT %s",
            (*params, max(limit, 0)),
        ).fetchall()
        return self._entity_counts(rows)

    def figures(self, query: FigureQuery) -> FigurePage:
        conditions: list[str] = ["TRUE"]
        params: list[object] = []
        if query.claimed_by is not None:
            conditions.append(
                "f.claimed_by_id IN (SELECT id FROM entities WHERE canonical_id = %s)"
            )
            params.append(self._canonical_id(query.claimed_by) or -1)
        if query.entity is not None:
            conditions.append(
                "f.article_num IN (SELECT ae.article_num FROM article_entities ae JOIN entities e"
                " ON e.id = ae.entity_id WHERE e.canonical_id = %s)"
            )
            params.append(self._canonical_id(query.entity) or -1)
        if query.text:
            pattern = "%" + _escape_like(query.text.casefold()) + "%"
            # lower() of a "C" collation folds ASCII only, like SQLite's
            conditions.append(
                "(lower(f.value COLLATE \"C\") LIKE %s ESCAPE '\\'"
                " OR lower(coalesce(f.counts, '') COLLATE \"C\") LIKE %s ESCAPE '\\'"
                " OR lower(coalesce(f.period, '') COLLATE \"C\") LIKE %s ESCAPE '\\')"
            )
            params += [pattern] * 3
        where = " AND ".join(conditions)
        total = self._count(f"SELECT count(*) FROM figures f WHERE {where}", params)
        rows = self._db.execute(
            f"SELECT a.id, {_HEADLINE}, a.published, f.value, f.number, f.counts, f.span_start,"
            " f.span_end, f.period, e.canonical_id FROM figures f"
            " JOIN articles a ON a.num = f.article_num"
            f" LEFT JOIN entities e ON e.id = f.claimed_by_id WHERE {where}"
            f" ORDER BY {_NEWEST}, f.position LIMIT %s OFFSET %s",
            (*params, max(query.limit, 0), max(query.offset, 0)),
        ).fetchall()
        refs = self._refs(sorted({int(r[9]) for r in rows if r[9] is not None}))
        items = []
        for r in rows:
            ref = refs.get(int(r[9])) if r[9] is not None else None
            figure = Figure(r[3], r[4], r[5], r[6], r[7], r[8], ref.name if ref else None)
            items.append(ArchivedFigure(r[0], r[1] or "", r[2], figure, ref))
        return FigurePage(tuple(items), total)

    def top_speakers(
        self,
        category: str,
        date_from: str | None = None,
        date_to: str | None = None,
        bucket: str = "month",
        limit: int = 8,
    ) -> SpeakerChart:
        width = BUCKETS.get(bucket)
        if width is None:
            raise ValueError(f"bucket {bucket!r}: use one of {', '.join(BUCKETS)}")
        conditions = ["a.published IS NOT NULL", "a.published != ''"]
        params: list[object] = [category]
        if date_from:
            conditions.append('a.published COLLATE "C" >= %s')
            params.append(date_from)
        if date_to:
            conditions.append('a.published COLLATE "C" <= %s')
            params.append(date_to + "\uffff")
        rows = self._db.execute(
            f"SELECT e.canonical_id, substr(a.published, 1, {width}) AS b, count(*)"
            " FROM quotes q JOIN entities e ON e.id = q.speaker_id"
            " JOIN articles a ON a.num = q.article_num"
            " WHERE q.article_num IN (SELECT ac.article_num FROM article_categories ac"
            " JOIN categories c ON c.id = ac.category_id WHERE c.name = %s)"
            f" AND {' AND '.join(conditions)} GROUP BY 1, 2",
            params,
        ).fetchall()
        counted = [(int(s), str(b), int(n)) for s, b, n in rows]
        return _chart(category, bucket, counted, limit, self._refs)
