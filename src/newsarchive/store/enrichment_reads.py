"""Reading enrichments back from either store: an article's entities, quotes and figures,
and the articles an enricher's version has not seen yet."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

from newsarchive.model import Article, Enrichment, Entity, Figure, Quote
from newsarchive.store.statements import Statements


class EnrichmentReads(Statements):
    """The reading half of a store's enrichment (a mixin over its connection)."""

    _keyset: Callable[..., Iterator[Article]]

    def enrichment(self, article_id: str) -> Enrichment | None:
        row = self._execute(
            "SELECT e.article_num, e.version FROM enrichments e"
            " JOIN articles a ON a.num = e.article_num WHERE a.id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return None
        num, version = row
        return Enrichment(
            version, self._entities_of(num), self._quotes_of(num), self._figures_of(num)
        )

    def _entities_of(self, num: int) -> tuple[Entity, ...]:
        return tuple(
            Entity(name, label, tuple((m[0], m[1]) for m in json.loads(mentions)), role)
            for name, label, mentions, role in self._execute(
                "SELECT e.name, e.label, ae.mentions, ae.role FROM article_entities ae"
                " JOIN entities e ON e.id = ae.entity_id WHERE ae.article_num = ?"
                " ORDER BY ae.position",
                (num,),
            )
        )

    def _quotes_of(self, num: int) -> tuple[Quote, ...]:
        return tuple(
            Quote(row[0], row[1], row[2], bool(row[3]), row[4], row[5], row[6], row[7])
            for row in self._execute(
                "SELECT e.name, q.text, q.cue, q.direct, q.span_start, q.span_end,"
                " q.speaker_text, q.role FROM quotes q LEFT JOIN entities e ON e.id = q.speaker_id"
                " WHERE q.article_num = ? ORDER BY q.position",
                (num,),
            )
        )

    def _figures_of(self, num: int) -> tuple[Figure, ...]:
        return tuple(
            Figure(row[0], row[1], row[2], row[3], row[4], row[5], row[6])
            for row in self._execute(
                "SELECT f.value, f.number, f.counts, f.span_start, f.span_end, f.period, e.name"
                " FROM figures f LEFT JOIN entities e ON e.id = f.claimed_by_id"
                " WHERE f.article_num = ? ORDER BY f.position",
                (num,),
            )
        )

    def enrichment_backlog(self, version: str, *, force: bool = False) -> int:
        if force:
            return self._count("SELECT count(*) FROM articles")
        return self._count(
            "SELECT count(*) FROM articles a LEFT JOIN enrichments e ON e.article_num = a.num"
            " WHERE e.version IS NULL OR e.version != ?",
            (version,),
        )

    def articles_needing_enrichment(
        self, version: str, *, force: bool = False
    ) -> Iterator[Article]:
        # an article enriched meanwhile is not given twice (``_keyset``)
        if force:
            return self._keyset("1 = 1")
        return self._keyset(
            "(e.version IS NULL OR e.version != ?)",
            (version,),
            " LEFT JOIN enrichments e ON e.article_num = a.num",
        )
