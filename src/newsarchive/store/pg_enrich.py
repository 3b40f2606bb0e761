"""Enrichment in the PostgreSQL store: writing an article's entities, quotes and figures,
and reading them back (the same rows and the same behaviour as ``sqlite_enrich``).

Several processes may enrich one archive at once. Each batch is written in one
transaction holding an advisory lock of the archive's names, so names are created once
each (``ON CONFLICT`` besides) and the archive-wide merges, and the removal of names no
article refers to any more, never see another batch half-written; the enriching itself
(spaCy) runs outside, in parallel. The batch also takes its articles' locks, those an
ingest takes (in the same order), so a new revision being ingested meanwhile is committed
first (and the enrichment of its old text skipped) or waits, then clears it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from newsarchive.errors import StoreError
from newsarchive.model import (
    ENRICHMENT_SEPARATOR,
    Article,
    Enrichment,
    category_slug,
    enrichment_text,
)
from newsarchive.store.enrichment_reads import EnrichmentReads
from newsarchive.store.names import name_key, resolve_group
from newsarchive.store.pg_connection import PGStatements
from newsarchive.store.sqlite_enrich import SPEAKER_LABEL, text_hash
from newsarchive.store.sqlite_rows import split_body

Connection = psycopg.Connection[tuple[Any, ...]]

NAMES_LOCK = 0x6E61_6E65  # advisory lock key of the archive's names (per database)
_ATTEMPTS = 3  # a batch that deadlocks with an ingest of the same articles is written again
_SLUGS_PER_QUERY = 100


class PGEnrichment(EnrichmentReads, PGStatements):
    """The enrichment half of ``PostgresStore`` (a mixin over its connection): writing
    here, reading in ``enrichment_reads``."""

    _db: Connection
    path: str  # the URL as messages show it
    _writable: Callable[[str], None]
    _transaction: Callable[[], AbstractContextManager[None]]
    _lock: Callable[[list[str], list[str]], None]

    # -- writing ---------------------------------------------------------------

    def put_enrichments(self, items: Iterable[tuple[Article, Enrichment]]) -> int:
        self._writable("enrich")
        batch = list(items)  # computed before the lock is taken, and kept for a retry
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                return self._put_enrichment_batch(batch)
            except pg_errors.DeadlockDetected as exc:
                if attempt == _ATTEMPTS:
                    raise StoreError(
                        f"{self.path}: enrichments kept deadlocking with another writer"
                        f" ({exc}); run 'newsarchive enrich' again"
                    ) from exc
        raise AssertionError("unreachable")

    def _put_enrichment_batch(self, batch: list[tuple[Article, Enrichment]]) -> int:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (NAMES_LOCK,))
            self._lock([], [article.id for article, _ in batch])  # as an ingest does
            current = self._current_texts([article.id for article, _ in batch])
            stored = [
                (current[a.id][0], a, e)
                for a, e in batch
                if a.id in current and current[a.id][1] == enrichment_text(a)
            ]
            writer = _Writer(self._db)
            writer.prefetch(enrichment for _, _, enrichment in stored)
            writer.dropped.update(
                clear_enrichments(self._db, list(dict.fromkeys(num for num, _, _ in stored)))
            )
            last = {num: n for n, (num, _, _) in enumerate(stored)}
            for n, (num, article, enrichment) in enumerate(stored):
                if last[num] == n:
                    writer.put(num, enrichment, text_hash(enrichment_text(article)), now)
                else:  # replaced by a later one of the batch: its names are made, then dropped
                    writer.dropped.update(writer.names_of(enrichment))
            writer.flush()
            writer.finish()
        return len(stored)

    def _current_texts(self, ids: list[str]) -> dict[str, tuple[int, str]]:
        """Each article's row and current ``enrichment_text``, share-locked: its text
        cannot change before the enrichment is committed."""
        found: dict[str, tuple[int, str]] = {}
        for article_id, num, title, summary, body, paragraphs in self._db.execute(
            "SELECT id, num, title, summary, body, extra::json -> 'p' FROM articles"
            " WHERE id = ANY(%s) ORDER BY num FOR SHARE",
            (list(dict.fromkeys(ids)),),
        ):
            parts = tuple(paragraphs) if paragraphs is not None else split_body(body)
            text = ENRICHMENT_SEPARATOR.join([p for p in (title, summary) if p] + list(parts))
            found[str(article_id)] = (int(num), text)
        return found


def clear_enrichment(db: Connection, num: int) -> set[int]:
    """Delete an article's enrichment; the ids of the names it referred to (for clean-up).

    The article's row is locked first, so an enrichment of its old text being written
    meanwhile is committed before it is cleared, never after."""
    db.execute("SELECT 1 FROM articles WHERE num = %s FOR NO KEY UPDATE", (num,))
    return clear_enrichments(db, [num])


def clear_enrichments(db: Connection, nums: list[int]) -> set[int]:
    """Delete these articles' enrichments; the ids of the names they referred to."""
    if not nums:
        return set()
    referred = {
        int(entity_id)
        for (entity_id,) in db.execute(
            "SELECT entity_id FROM article_entities WHERE article_num = ANY(%(nums)s)"
            " UNION SELECT speaker_id FROM quotes"
            " WHERE article_num = ANY(%(nums)s) AND speaker_id IS NOT NULL"
            " UNION SELECT claimed_by_id FROM figures"
            " WHERE article_num = ANY(%(nums)s) AND claimed_by_id IS NOT NULL",
            {"nums": nums},
        )
    }
    for table in ("article_entities", "quotes", "figures", "enrichments"):
        db.execute(f"DELETE FROM {table} WHERE article_num = ANY(%s)", (nums,))
    return referred


class _Writer:
    """Writes enrichments' rows in one transaction (a statement per table for the whole
    batch); ``finish`` removes names no longer referred to and resolves the groups of
    names added or removed."""

    def __init__(self, db: Connection) -> None:
        self.db = db
        self.ids: dict[tuple[str, str], int] = {}
        self.touched: set[str] = set()  # name keys whose groups changed
        self.dropped: set[int] = set()  # names an old enrichment referred to
        self.rows: dict[str, list[tuple[object, ...]]] = {table: [] for table in _COLUMNS}

    def prefetch(self, enrichments: Iterable[Enrichment]) -> None:
        """Look up every name of the batch in one query (most are known already)."""
        wanted: set[tuple[str, str]] = set()
        for enrichment in enrichments:
            labels = _labels(enrichment)
            wanted.update((e.name, e.label) for e in enrichment.entities)
            wanted.update((n, labels.get(n, SPEAKER_LABEL)) for n in _named(enrichment))
        if not wanted:
            return
        names, labels_ = zip(*sorted(wanted), strict=True)
        for entity_id, name, label in self.db.execute(
            "SELECT e.id, e.name, e.label FROM entities e"
            " JOIN unnest(%s::text[], %s::text[]) AS w(name, label)"
            " ON e.name = w.name AND e.label = w.label",
            (list(names), list(labels_)),
        ):
            self.ids[(name, label)] = int(entity_id)

    def put(self, num: int, enrichment: Enrichment, hashed: str, now: str) -> None:
        labels = _labels(enrichment)
        self.rows["article_entities"] += [
            (num, n, self.entity_id(e.name, e.label), json.dumps([list(m) for m in e.mentions]),
             e.role)
            for n, e in enumerate(enrichment.entities)
        ]  # fmt: skip
        self.rows["quotes"] += [
            (num, n, self.named(q.speaker, labels), q.speaker_text, q.text, q.cue,
             int(q.direct), q.start, q.end, q.role)
            for n, q in enumerate(enrichment.quotes)
        ]  # fmt: skip
        self.rows["figures"] += [
            (num, n, f.value, f.number, f.counts, f.period, self.named(f.claimed_by, labels),
             f.start, f.end)
            for n, f in enumerate(enrichment.figures)
        ]  # fmt: skip
        self.rows["enrichments"].append((num, enrichment.version, hashed, now))

    def names_of(self, enrichment: Enrichment) -> set[int]:
        """The ids of an enrichment's names, made as ``put`` would make them."""
        labels = _labels(enrichment)
        ids = {self.entity_id(e.name, e.label) for e in enrichment.entities}
        ids.update(self.entity_id(n, labels.get(n, SPEAKER_LABEL)) for n in _named(enrichment))
        return ids

    def flush(self) -> None:
        """Write the rows put, a COPY per table (several times faster than INSERTs)."""
        cursor = self.db.cursor()
        for table, columns in _COLUMNS.items():
            if self.rows[table]:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows[table]:
                        copy.write_row(row)
                self.rows[table] = []

    def named(self, name: str | None, labels: dict[str, str]) -> int | None:
        """A speaker's or claimer's name: the article's entity of that name, if any."""
        if name is None:
            return None
        return self.entity_id(name, labels.get(name, SPEAKER_LABEL))

    def entity_id(self, name: str, label: str) -> int:
        key = (name, label)
        found = self.ids.get(key)
        if found is None:
            found = self.ids[key] = self.create(name, label)
        return found

    def create(self, name: str, label: str) -> int:
        """A new name's row (or the row another writer has just committed)."""
        taken: set[str] = set()
        while True:
            slug = self.free_slug(name, label, taken)
            row = self.db.execute(
                "WITH n AS (SELECT nextval(pg_get_serial_sequence('entities', 'id')) AS id)"
                " INSERT INTO entities (id, name, label, slug, name_key, canonical_id)"
                " SELECT n.id, %s, %s, %s, %s, n.id FROM n ON CONFLICT DO NOTHING RETURNING id",
                (name, label, slug, name_key(name, label)),
            ).fetchone()
            if row is not None:
                self.touched.add(name_key(name, label))
                return int(row[0])
            row = self.db.execute(
                "SELECT id FROM entities WHERE name = %s AND label = %s", (name, label)
            ).fetchone()
            if row is not None:
                return int(row[0])
            taken.add(slug)  # another writer took the slug meanwhile

    def free_slug(self, name: str, label: str, taken: set[str]) -> str:
        base = category_slug(name)
        candidates = [base, f"{base}-{category_slug(label)}"]
        candidates += [f"{base}-{n}" for n in range(2, 10_000)]
        for start in range(0, len(candidates), _SLUGS_PER_QUERY):
            chunk = candidates[start : start + _SLUGS_PER_QUERY]
            used = taken | {
                str(slug)
                for (slug,) in self.db.execute(
                    "SELECT slug FROM entities WHERE slug = ANY(%s)", (chunk,)
                )
            }
            free = next((slug for slug in chunk if slug not in used), None)
            if free is not None:
                return free
        raise StoreError(f"no free page address for the name {name!r}; report it")

    def finish(self) -> None:
        if self.dropped:
            self.touched.update(
                str(key)
                for (key,) in self.db.execute(
                    "DELETE FROM entities e WHERE id = ANY(%s)"
                    " AND NOT EXISTS (SELECT 1 FROM article_entities WHERE entity_id = e.id)"
                    " AND NOT EXISTS (SELECT 1 FROM quotes WHERE speaker_id = e.id)"
                    " AND NOT EXISTS (SELECT 1 FROM figures WHERE claimed_by_id = e.id)"
                    " RETURNING name_key",
                    (sorted(self.dropped),),
                )
            )
        resolve(self.db, sorted(self.touched))


_COLUMNS = {
    "article_entities": "article_num, position, entity_id, mentions, role",
    "quotes": "article_num, position, speaker_id, speaker_text, text, cue, direct, span_start,"
    " span_end, role",
    "figures": "article_num, position, value, number, counts, period, claimed_by_id,"
    " span_start, span_end",
    "enrichments": "article_num, version, text_hash, enriched_at",
}


def _labels(enrichment: Enrichment) -> dict[str, str]:
    """Each entity name's label, the first the article gives it."""
    labels: dict[str, str] = {}
    for entity in enrichment.entities:
        labels.setdefault(entity.name, entity.label)
    return labels


def _named(enrichment: Enrichment) -> list[str]:
    """The speakers' and claimers' names."""
    names = [q.speaker for q in enrichment.quotes] + [f.claimed_by for f in enrichment.figures]
    return [name for name in names if name is not None]


def resolve(db: Connection, keys: Sequence[str]) -> None:
    """Resolve these groups of names again, writing only what changed (the caller holds
    the names' lock)."""
    if not keys:
        return
    from newsarchive.enrich.entities import canonical_name  # spaCy loads only to write

    groups: dict[str, list[tuple[int, str, int]]] = {}
    for key, entity_id, name, canonical in db.execute(
        "SELECT name_key, id, name, canonical_id FROM entities WHERE name_key = ANY(%s)"
        " ORDER BY id",
        (list(keys),),
    ):
        groups.setdefault(str(key), []).append((int(entity_id), str(name), int(canonical)))
    changed: list[tuple[int, int]] = []
    for rows in groups.values():
        resolved = resolve_group([(r[0], r[1]) for r in rows], canonical_name)
        changed += [(resolved[r[0]], r[0]) for r in rows if resolved[r[0]] != r[2]]
    if changed:
        db.cursor().executemany("UPDATE entities SET canonical_id = %s WHERE id = %s", changed)
