"""Who said what across either archive: speakers' quotes, entities' articles, the
entities named together, figures and who claims them, and who is quoted most over time.

Every query goes through ``entities.canonical_id``: an entity is all the names merged into
it. The lists (``speakers``, ``entities``) and the category chart group the whole table of
quotes or mentions: a few milliseconds at tens of thousands of articles, more at millions
(no maintained counts yet).
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
    SpeakerSeries,
)
from newsarchive.store.names import label_kind
from newsarchive.store.statements import Statements


class PeopleReads(Statements):
    """The who-said-what reads of a store (a mixin over its connection): what is the same
    on both backends; each backend's subclass gives the SQL that differs."""

    _HEADLINE: str  # an article's title, else its summary, else its first line
    _BY_NAME: str  # ties of entities: by the canonical name, then by id
    _NEWEST: str  # articles newest first (undated last)
    _COLLATE: str  # after a text column: compare it by code points, as SQLite does
    _listed: Callable[[list[int]], tuple[ListedArticle, ...]]

    def find_entity(self, slug: str) -> EntityRef | None:
        row = self._execute(
            "SELECT r.name, r.label, r.slug FROM entities e JOIN entities r"
            " ON r.id = e.canonical_id WHERE e.slug = ?",
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
        row = self._execute(
            "SELECT canonical_id FROM entities WHERE name = ?"
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
        in_keys, params = self._in("name_key", keys)
        found = {
            int(canonical)
            for canonical, other in self._execute(
                f"SELECT canonical_id, name FROM entities WHERE {in_keys}", params
            )
            if (" " + " ".join(str(other).casefold().split())).endswith(ending)
        }
        return found.pop() if len(found) == 1 else None

    def _refs(self, ids: Sequence[int]) -> dict[int, EntityRef]:
        if not ids:
            return {}
        in_ids, params = self._in("id", ids)
        return {
            int(row[0]): EntityRef(row[1], row[2], row[3])
            for row in self._execute(
                f"SELECT id, name, label, slug FROM entities WHERE {in_ids}", params
            )
        }

    def speaker_quotes(self, name: str, limit: int = 20, offset: int = 0) -> QuotePage:
        canonical = self._canonical_id(name)
        if canonical is None:
            return QuotePage((), 0)
        ref = self._refs([canonical])[canonical]
        where = "q.speaker_id IN (SELECT id FROM entities WHERE canonical_id = ?)"
        total = self._count(f"SELECT count(*) FROM quotes q WHERE {where}", (canonical,))
        rows = self._execute(
            f"SELECT a.id, {self._HEADLINE}, a.published, q.text, q.cue, q.direct, q.span_start,"
            " q.span_end, q.speaker_text, q.role FROM quotes q"
            f" JOIN articles a ON a.num = q.article_num WHERE {where}"
            f" ORDER BY {self._NEWEST}, q.position LIMIT ? OFFSET ?",
            (canonical, max(limit, 0), max(offset, 0)),
        ).fetchall()
        items = tuple(
            ArchivedQuote(
                r[0], r[1] or "", r[2], Quote(ref.name, r[3], r[4], bool(r[5]), *r[6:10]), ref
            )
            for r in rows
        )
        return QuotePage(items, total)

    def entity_articles(self, name: str, limit: int = 20, offset: int = 0) -> Listing:
        canonical = self._canonical_id(name)
        if canonical is None:
            return Listing((), 0)
        naming = (
            "a.num IN (SELECT ae.article_num FROM article_entities ae JOIN entities e"
            " ON e.id = ae.entity_id WHERE e.canonical_id = ?)"
        )
        total = self._count(f"SELECT count(*) FROM articles a WHERE {naming}", (canonical,))
        nums = [
            int(num)
            for (num,) in self._execute(
                f"SELECT a.num FROM articles a WHERE {naming}"
                f" ORDER BY {self._NEWEST} LIMIT ? OFFSET ?",
                (canonical, max(limit, 0), max(offset, 0)),
            )
        ]
        return Listing(self._listed(nums), total)

    def co_entities(self, name: str, limit: int = 20) -> list[EntityCount]:
        canonical = self._canonical_id(name)
        if canonical is None:
            return []
        rows = self._execute(
            "SELECT e.canonical_id, count(DISTINCT ae.article_num) AS n"
            " FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
            " WHERE ae.article_num IN (SELECT x.article_num FROM article_entities x"
            " JOIN entities xe ON xe.id = x.entity_id WHERE xe.canonical_id = ?)"
            " AND e.canonical_id != ? GROUP BY e.canonical_id"
            f" ORDER BY n DESC, {self._BY_NAME} LIMIT ?",
            (canonical, canonical, max(limit, 0)),
        ).fetchall()
        return self._entity_counts(rows)

    def _entity_counts(self, rows: Sequence[tuple[Any, ...]]) -> list[EntityCount]:
        refs = self._refs([int(r[0]) for r in rows])
        return [EntityCount(refs[int(r[0])], int(r[1])) for r in rows if int(r[0]) in refs]

    def speakers(self, limit: int = 100) -> list[EntityCount]:
        rows = self._execute(
            "SELECT e.canonical_id, count(*) AS n FROM quotes q JOIN entities e"
            " ON e.id = q.speaker_id GROUP BY e.canonical_id"
            f" ORDER BY n DESC, {self._BY_NAME} LIMIT ?",
            (max(limit, 0),),
        ).fetchall()
        return self._entity_counts(rows)

    def entities(self, label: str | None = None, limit: int = 100) -> list[EntityCount]:
        where, params = "", list[object]()
        if label is not None:
            labels = [str(r[0]) for r in self._execute("SELECT DISTINCT label FROM entities")]
            kind = [x for x in labels if label_kind(x) == label_kind(label)] or [label]
            in_kind, params = self._in("r.label", kind)
            where = f" WHERE {in_kind}"
        rows = self._execute(
            "SELECT e.canonical_id, count(DISTINCT ae.article_num) AS n"
            " FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
            f" JOIN entities r ON r.id = e.canonical_id{where}"
            f" GROUP BY e.canonical_id ORDER BY n DESC, {self._BY_NAME} LIMIT ?",
            (*params, max(limit, 0)),
        ).fetchall()
        return self._entity_counts(rows)

    def figures(self, query: FigureQuery) -> FigurePage:
        conditions: list[str] = ["1 = 1"]
        params: list[object] = []
        if query.claimed_by is not None:
            conditions.append("f.claimed_by_id IN (SELECT id FROM entities WHERE canonical_id = ?)")
            params.append(self._canonical_id(query.claimed_by) or -1)
        if query.entity is not None:
            conditions.append(
                "f.article_num IN (SELECT ae.article_num FROM article_entities ae JOIN entities e"
                " ON e.id = ae.entity_id WHERE e.canonical_id = ?)"
            )
            params.append(self._canonical_id(query.entity) or -1)
        if query.text:
            pattern = "%" + _escape_like(query.text.casefold()) + "%"
            c = self._COLLATE  # lower() of a code-point collation folds ASCII only, as SQLite's
            conditions.append(
                f"(lower(f.value{c}) LIKE ? ESCAPE '\\'"
                f" OR lower(coalesce(f.counts, ''){c}) LIKE ? ESCAPE '\\'"
                f" OR lower(coalesce(f.period, ''){c}) LIKE ? ESCAPE '\\')"
            )
            params += [pattern] * 3
        where = " AND ".join(conditions)
        total = self._count(f"SELECT count(*) FROM figures f WHERE {where}", params)
        rows = self._execute(
            f"SELECT a.id, {self._HEADLINE}, a.published, f.value, f.number, f.counts,"
            " f.span_start, f.span_end, f.period, e.canonical_id FROM figures f"
            " JOIN articles a ON a.num = f.article_num"
            f" LEFT JOIN entities e ON e.id = f.claimed_by_id WHERE {where}"
            f" ORDER BY {self._NEWEST}, f.position LIMIT ? OFFSET ?",
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
            conditions.append(f"a.published{self._COLLATE} >= ?")
            params.append(date_from)
        if date_to:
            conditions.append(f"a.published{self._COLLATE} <= ?")
            params.append(date_to + "\uffff")
        rows = self._execute(
            f"SELECT e.canonical_id, substr(a.published, 1, {width}) AS b, count(*)"
            " FROM quotes q JOIN entities e ON e.id = q.speaker_id"
            " JOIN articles a ON a.num = q.article_num"
            " WHERE q.article_num IN (SELECT ac.article_num FROM article_categories ac"
            " JOIN categories c ON c.id = ac.category_id WHERE c.name = ?)"
            f" AND {' AND '.join(conditions)} GROUP BY 1, 2",
            params,
        ).fetchall()
        counted = [(int(s), str(b), int(n)) for s, b, n in rows]
        return _chart(category, bucket, counted, limit, self._refs)


def _chart(
    category: str,
    bucket: str,
    rows: Sequence[tuple[int, str, int]],
    limit: int,
    refs: Callable[[Sequence[int]], dict[int, EntityRef]],
) -> SpeakerChart:
    totals: dict[int, int] = {}
    for speaker, _, count in rows:
        totals[speaker] = totals.get(speaker, 0) + count
    top = sorted(totals, key=lambda s: (-totals[s], s))[: max(limit, 0)]
    named = refs(top)
    top = sorted(top, key=lambda s: (-totals[s], named[s].name))
    chosen = set(top)
    buckets = _span([b for s, b, _ in rows if s in chosen], bucket)
    index = {b: n for n, b in enumerate(buckets)}
    counts = {s: [0] * len(buckets) for s in top}
    for speaker, key, count in rows:
        if speaker in chosen:
            counts[speaker][index[key]] += count
    series = tuple(SpeakerSeries(named[s], totals[s], tuple(counts[s])) for s in top)
    return SpeakerChart(category, bucket, tuple(buckets), series)


def _span(keys: list[str], bucket: str) -> list[str]:
    """Every bucket from the first key to the last (months and years without a quote
    included, so the chart's time axis is even); days as found."""
    found = sorted(set(keys))
    if not found or bucket == "day":
        return found
    try:
        if bucket == "year":
            years = [f"{y:04d}" for y in range(int(found[0]), int(found[-1]) + 1)]
            return years if len(years) <= 1000 and set(found) <= set(years) else found
        start = int(found[0][:4]) * 12 + int(found[0][5:7]) - 1
        end = int(found[-1][:4]) * 12 + int(found[-1][5:7]) - 1
    except ValueError:  # a date that is not ISO: show what is there
        return found
    months = [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(start, end + 1)]
    return months if end - start <= 1200 and set(found) <= set(months) else found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
