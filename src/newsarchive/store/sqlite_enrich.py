"""Enrichment in the SQLite store: writing an article's entities, quotes and figures, and
reading them back.

An article's enrichment is rows of ``article_entities``, ``quotes`` and ``figures`` (in the
article's order) and one ``enrichments`` row with the enricher's version and a hash of the
text it read. Putting it again replaces those rows; a new revision of the article deletes
them (``clear_enrichment``), so the article needs enriching again. Names go to ``entities``
once each; after a batch, the groups of names it added or removed are resolved again
(``names.resolve_group``), so "Peskov" joins "Dmitry Peskov" whichever came first.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

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
from newsarchive.store.sqlite_rows import split_body
from newsarchive.store.statements import SQLiteStatements

SPEAKER_LABEL = "PERSON"  # a speaker or claimer the article's entities do not name


class SQLiteEnrichment(EnrichmentReads, SQLiteStatements):
    """The enrichment half of ``SQLiteStore`` (a mixin over its connection): writing here,
    reading in ``enrichment_reads``."""

    _db: sqlite3.Connection
    _readonly: bool
    path: Path
    _transaction: Callable[[], AbstractContextManager[None]]

    # -- writing ---------------------------------------------------------------

    def put_enrichments(self, items: Iterable[tuple[Article, Enrichment]]) -> int:
        if self._readonly:
            raise StoreError(f"{self.path} was opened read-only; open it writable to enrich")
        stored = 0
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._transaction():
            writer = _Writer(self._db)
            for article, enrichment in items:
                num = self._current_num(article)
                if num is None:
                    continue
                writer.dropped.update(clear_enrichment(self._db, num))
                writer.put(num, enrichment)
                self._db.execute(
                    "INSERT INTO enrichments (article_num, version, text_hash, enriched_at)"
                    " VALUES (?, ?, ?, ?)",
                    (num, enrichment.version, text_hash(enrichment_text(article)), now),
                )
                stored += 1
            writer.finish()
        return stored

    def _current_num(self, article: Article) -> int | None:
        """The article's row, if its current text is the one given."""
        row = self._db.execute(
            "SELECT num, title, summary, body, json_extract(extra, '$.p') FROM articles"
            " WHERE id = ?",
            (article.id,),
        ).fetchone()
        if row is None:
            return None
        num, title, summary, body, paragraphs = row
        parts = tuple(json.loads(paragraphs)) if paragraphs else split_body(body)
        current = ENRICHMENT_SEPARATOR.join([p for p in (title, summary) if p] + list(parts))
        return int(num) if current == enrichment_text(article) else None


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def clear_enrichment(db: sqlite3.Connection, num: int) -> set[int]:
    """Delete an article's enrichment; the ids of the names it referred to (for clean-up)."""
    referred = {
        int(entity_id)
        for (entity_id,) in db.execute(
            "SELECT entity_id FROM article_entities WHERE article_num = ?"
            " UNION SELECT speaker_id FROM quotes WHERE article_num = ? AND speaker_id IS NOT NULL"
            " UNION SELECT claimed_by_id FROM figures WHERE article_num = ?"
            " AND claimed_by_id IS NOT NULL",
            (num, num, num),
        )
    }
    for table in ("article_entities", "quotes", "figures", "enrichments"):
        db.execute(f"DELETE FROM {table} WHERE article_num = ?", (num,))
    return referred


class _Writer:
    """Writes enrichments' rows in one transaction; ``finish`` removes names no longer
    referred to and resolves the groups of names added or removed."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.ids: dict[tuple[str, str], int] = {}
        self.touched: set[str] = set()  # name keys whose groups changed
        self.dropped: set[int] = set()  # names an old enrichment referred to

    def put(self, num: int, enrichment: Enrichment) -> None:
        labels: dict[str, str] = {}
        rows = []
        for position, entity in enumerate(enrichment.entities):
            labels.setdefault(entity.name, entity.label)
            entity_id = self.entity_id(entity.name, entity.label)
            mentions = json.dumps([list(m) for m in entity.mentions])
            rows.append((num, position, entity_id, mentions, entity.role))
        self.db.executemany("INSERT INTO article_entities VALUES (?, ?, ?, ?, ?)", rows)
        self.db.executemany(
            "INSERT INTO quotes (article_num, position, speaker_id, speaker_text, text, cue,"
            " direct, span_start, span_end, role) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (num, n, self.named(q.speaker, labels), q.speaker_text, q.text, q.cue,
                 int(q.direct), q.start, q.end, q.role)
                for n, q in enumerate(enrichment.quotes)
            ],
        )  # fmt: skip
        self.db.executemany(
            "INSERT INTO figures (article_num, position, value, number, counts, period,"
            " claimed_by_id, span_start, span_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (num, n, f.value, f.number, f.counts, f.period,
                 self.named(f.claimed_by, labels), f.start, f.end)
                for n, f in enumerate(enrichment.figures)
            ],
        )  # fmt: skip

    def named(self, name: str | None, labels: dict[str, str]) -> int | None:
        """A speaker's or claimer's name: the article's entity of that name, if any."""
        if name is None:
            return None
        return self.entity_id(name, labels.get(name, SPEAKER_LABEL))

    def entity_id(self, name: str, label: str) -> int:
        key = (name, label)
        found = self.ids.get(key)
        if found is not None:
            return found
        row = self.db.execute(
            "SELECT id FROM entities WHERE name = ? AND label = ?", key
        ).fetchone()
        if row is None:
            row = self.db.execute(
                "INSERT INTO entities (name, label, slug, name_key, canonical_id)"
                " VALUES (?, ?, ?, ?, 0) RETURNING id",
                (name, label, self.free_slug(name, label), name_key(name, label)),
            ).fetchone()
            self.db.execute("UPDATE entities SET canonical_id = id WHERE id = ?", (row[0],))
            self.touched.add(name_key(name, label))
        self.ids[key] = int(row[0])
        return self.ids[key]

    def free_slug(self, name: str, label: str) -> str:
        base = category_slug(name)
        candidates = [base, f"{base}-{category_slug(label)}"]
        candidates += [f"{base}-{n}" for n in range(2, 10_000)]
        for slug in candidates:
            if self.db.execute("SELECT 1 FROM entities WHERE slug = ?", (slug,)).fetchone() is None:
                return slug
        raise StoreError(f"no free page address for the name {name!r}; report it")

    def finish(self) -> None:
        for entity_id in sorted(self.dropped):
            if not _referred(self.db, entity_id):
                row = self.db.execute(
                    "DELETE FROM entities WHERE id = ? RETURNING name_key", (entity_id,)
                ).fetchone()
                if row is not None:
                    self.touched.add(row[0])
        for key in sorted(self.touched):
            resolve(self.db, key)


def _referred(db: sqlite3.Connection, entity_id: int) -> bool:
    return bool(
        db.execute(
            "SELECT EXISTS (SELECT 1 FROM article_entities WHERE entity_id = :id)"
            " OR EXISTS (SELECT 1 FROM quotes WHERE speaker_id = :id)"
            " OR EXISTS (SELECT 1 FROM figures WHERE claimed_by_id = :id)",
            {"id": entity_id},
        ).fetchone()[0]
    )


def resolve(db: sqlite3.Connection, key: str) -> None:
    """Resolve one group of names again, writing only what changed."""
    from newsarchive.enrich.entities import canonical_name  # spaCy loads only to write

    rows = db.execute(
        "SELECT id, name, canonical_id FROM entities WHERE name_key = ? ORDER BY id", (key,)
    ).fetchall()
    members: Sequence[tuple[int, str]] = [(int(r[0]), str(r[1])) for r in rows]
    resolved = resolve_group(members, canonical_name)
    db.executemany(
        "UPDATE entities SET canonical_id = ? WHERE id = ?",
        [(resolved[r[0]], r[0]) for r in rows if resolved[r[0]] != r[2]],
    )
