"""The SQLite archive file: how it is opened, and its schema as ordered migrations.

``PRAGMA user_version`` holds how many migrations a database has had; opening a
database applies the missing ones in one transaction. Append new migrations at the
end, never edit one that has shipped.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from pathlib import Path

from newsarchive.errors import StoreError

# v1: sources kept compressed in chunks, current articles, older revisions, categories
# with maintained counts, and an external-content FTS5 index over the current text.
V1 = """
CREATE TABLE sources (
    id        INTEGER PRIMARY KEY,
    sha256    TEXT NOT NULL UNIQUE,
    path      TEXT,
    url       TEXT,
    encoding  TEXT NOT NULL,   -- as the reader decoded it
    codec     TEXT NOT NULL,   -- what the chunks are encoded with (the same, unless impossible)
    exact     INTEGER NOT NULL, -- 1 when source_text gives bytes with this sha256
    original  BLOB,             -- zlib of the input's bytes, only when the chunks differ
    size      INTEGER NOT NULL,
    chars     INTEGER NOT NULL,
    added_at  TEXT NOT NULL
);
CREATE TABLE source_chunks (
    source_id INTEGER NOT NULL REFERENCES sources(id),
    start     INTEGER NOT NULL, -- character offset of this chunk in the decoded text
    data      BLOB NOT NULL,    -- zlib of the chunk's bytes in sources.codec
    PRIMARY KEY (source_id, start)
);
CREATE TABLE articles (
    num          INTEGER PRIMARY KEY, -- the FTS rowid; grows with ingest order
    id           TEXT NOT NULL UNIQUE,
    title        TEXT,
    summary      TEXT,
    body         TEXT NOT NULL,
    captions     TEXT NOT NULL,       -- caption texts and credits, for search
    published    TEXT,
    extra        TEXT NOT NULL,       -- compact JSON: the rest of the article
    content_hash TEXT,                -- model.content_hash, filled when the id comes again
    revision     INTEGER NOT NULL,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL,
    first_seen   TEXT NOT NULL,
    revised_at   TEXT NOT NULL,       -- when the current revision was first seen
    last_seen    TEXT NOT NULL
);
CREATE INDEX articles_published ON articles(published, num);
CREATE INDEX articles_num_published ON articles(num, published); -- search date filters
CREATE TABLE categories (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL UNIQUE,
    articles INTEGER NOT NULL DEFAULT 0 -- maintained by the store, so listing is instant
);
CREATE TABLE article_categories (
    article_num INTEGER NOT NULL REFERENCES articles(num),
    category_id INTEGER NOT NULL REFERENCES categories(id),
    position    INTEGER NOT NULL,
    PRIMARY KEY (article_num, category_id)
) WITHOUT ROWID;
CREATE INDEX article_categories_category ON article_categories(category_id, article_num);
CREATE TABLE revisions (
    article_num  INTEGER NOT NULL REFERENCES articles(num),
    number       INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    seen_at      TEXT NOT NULL,
    source_id    INTEGER NOT NULL REFERENCES sources(id),
    data         BLOB NOT NULL,        -- zlib of the article's JSON (article_to_dict)
    PRIMARY KEY (article_num, number)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, summary, body, captions,
    content='articles', content_rowid='num',
    tokenize='porter unicode61 remove_diacritics 2'
);
"""

# v2, for the web archive: each category's articles in listing order (newest first), kept
# by triggers so a category page walks an index instead of sorting the category; undated
# articles have published '' (a WITHOUT ROWID key cannot be NULL), which sorts last in
# DESC. And short case-folded prefixes of titles and summaries, to resolve related links.
V2 = """
CREATE TABLE category_articles (
    category_id INTEGER NOT NULL,
    published   TEXT NOT NULL,       -- articles.published, '' when undated
    num         INTEGER NOT NULL,
    PRIMARY KEY (category_id, published, num)
) WITHOUT ROWID;
INSERT INTO category_articles (category_id, published, num)
SELECT ac.category_id, coalesce(a.published, ''), a.num
FROM article_categories ac JOIN articles a ON a.num = ac.article_num
ORDER BY 1, 2, 3;
CREATE TRIGGER category_articles_add AFTER INSERT ON article_categories BEGIN
    INSERT OR IGNORE INTO category_articles (category_id, published, num)
    SELECT new.category_id, coalesce(published, ''), num FROM articles
    WHERE num = new.article_num;
END;
CREATE TRIGGER category_articles_remove AFTER DELETE ON article_categories BEGIN
    DELETE FROM category_articles WHERE category_id = old.category_id AND num = old.article_num
    AND published = (SELECT coalesce(published, '') FROM articles WHERE num = old.article_num);
END;
CREATE TRIGGER category_articles_redate AFTER UPDATE OF published ON articles
WHEN old.published IS NOT new.published BEGIN
    UPDATE category_articles SET published = coalesce(new.published, '')
    WHERE num = new.num AND published = coalesce(old.published, '')
    AND category_id IN (SELECT category_id FROM article_categories WHERE article_num = new.num);
END;
CREATE INDEX articles_title_key ON articles(lower(substr(title, 1, 64)))
WHERE title IS NOT NULL;
CREATE INDEX articles_summary_key ON articles(lower(substr(summary, 1, 64)))
WHERE summary IS NOT NULL;
"""

# v3: the store adds to category_articles itself, next to the executemany that links articles
# to their categories, instead of running a trigger program for every link (ingest speed).
# Removal and redating stay with their triggers (rare: they happen on updates only).
V3 = """
DROP TRIGGER IF EXISTS category_articles_add;
"""

# v4, for pages read from the web: each source's media type and web provenance (the WARC
# record, or the HTTP fetch), and what the archive remembers of its last fetch of each URL
# (for conditional re-fetches). Adding nullable columns rewrites nothing.
V4 = """
ALTER TABLE sources ADD COLUMN media_type TEXT;
ALTER TABLE sources ADD COLUMN record_id TEXT;
ALTER TABLE sources ADD COLUMN record_offset INTEGER;
ALTER TABLE sources ADD COLUMN fetched_at TEXT;
ALTER TABLE sources ADD COLUMN http_status INTEGER;
CREATE TABLE fetch_state (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    sha256        TEXT,             -- of the body last fetched
    http_status   INTEGER NOT NULL,
    fetched_at    TEXT NOT NULL
) WITHOUT ROWID;
"""

# v5, who said what: each article's enrichment (entities, quotes, figures) with the
# enricher's version and a hash of the text it was computed from. ``entities`` holds every
# name as articles give it, each pointing at the canonical entity it was merged into
# (itself when it is canonical), so a merge found later rewrites one column of a few rows.
# Offsets index ``model.enrichment_text`` of the article's current revision.
V5 = """
CREATE TABLE enrichments (
    article_num INTEGER PRIMARY KEY REFERENCES articles(num),
    version     TEXT NOT NULL,
    text_hash   TEXT NOT NULL,       -- sha256 of the enrichment_text it was computed from
    enriched_at TEXT NOT NULL
);
CREATE INDEX enrichments_version ON enrichments(version, article_num);
CREATE TABLE entities (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    label        TEXT NOT NULL,      -- PERSON, ORG, GPE, LOC, ...
    slug         TEXT NOT NULL UNIQUE,
    name_key     TEXT NOT NULL,      -- kind of label and last word: the names that may merge
    canonical_id INTEGER NOT NULL    -- the entity this name is merged into (itself if none)
);
CREATE UNIQUE INDEX entities_name ON entities(name, label);
CREATE INDEX entities_key ON entities(name_key);
CREATE INDEX entities_canonical ON entities(canonical_id);
CREATE TABLE article_entities (
    article_num INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    entity_id   INTEGER NOT NULL REFERENCES entities(id),
    mentions    TEXT NOT NULL,       -- JSON [[start, end], ...]
    role        TEXT,
    PRIMARY KEY (article_num, position)
) WITHOUT ROWID;
CREATE INDEX article_entities_entity ON article_entities(entity_id, article_num);
CREATE TABLE quotes (
    article_num  INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    speaker_id   INTEGER REFERENCES entities(id), -- NULL: unresolved, never guessed
    speaker_text TEXT,
    text         TEXT NOT NULL,
    cue          TEXT,
    direct       INTEGER NOT NULL,
    span_start   INTEGER NOT NULL,
    span_end     INTEGER NOT NULL,
    role         TEXT,
    PRIMARY KEY (article_num, position)
);
CREATE INDEX quotes_speaker ON quotes(speaker_id, article_num);
CREATE TABLE figures (
    article_num   INTEGER NOT NULL,
    position      INTEGER NOT NULL,
    value         TEXT NOT NULL,
    number        REAL,
    counts        TEXT,
    period        TEXT,
    claimed_by_id INTEGER REFERENCES entities(id),
    span_start    INTEGER NOT NULL,
    span_end      INTEGER NOT NULL,
    PRIMARY KEY (article_num, position)
);
CREATE INDEX figures_claimer ON figures(claimed_by_id, article_num);
"""

# v6, stories: each grouped article's story and the article it near-duplicates (a row here
# means the dedup index and the clusterer have seen it), the stories with their label, key
# entities, dates and size (a story merged into another keeps its row, pointing at it),
# categories predicted for articles whose source gave none (apart from the source's), and
# the serialised state of the dedup index, the clusterer and the category model.
V6 = """
CREATE TABLE groupings (
    article_num  INTEGER PRIMARY KEY REFERENCES articles(num),
    story_id     TEXT,                -- NULL: in no story
    duplicate_of TEXT,                -- the id of the original; NULL for an original
    grouped_at   TEXT NOT NULL
);
CREATE INDEX groupings_story ON groupings(story_id, article_num);
CREATE INDEX groupings_duplicates ON groupings(article_num) WHERE duplicate_of IS NOT NULL;
CREATE TABLE stories (
    id           TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    key_entities TEXT NOT NULL,       -- JSON array of names
    first        TEXT,                -- earliest publication date of its articles
    last         TEXT,                -- latest
    articles     INTEGER NOT NULL,
    merged_into  TEXT,                -- the story it was merged into; NULL while current
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX stories_newest ON stories(coalesce(last, ''), id) WHERE merged_into IS NULL;
CREATE TABLE predicted_categories (
    article_num INTEGER NOT NULL REFERENCES articles(num),
    position    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    confidence  REAL NOT NULL,
    PRIMARY KEY (article_num, position)
) WITHOUT ROWID;
CREATE TABLE state (
    name       TEXT PRIMARY KEY,
    data       BLOB NOT NULL,
    version    INTEGER NOT NULL,      -- 1 on the first put, one more on each later one
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
"""

# v7, topics: the topic each story belongs to (related stories: a season, a public figure,
# a peace process), and the topics with their label, key entities, dates and size, kept
# like stories (a topic merged into another keeps its row, pointing at it). An archive of
# v6 gets its topics on the next 'newsarchive stories'.
V7 = """
ALTER TABLE stories ADD COLUMN topic TEXT;  -- NULL: no topic stored (yet)
CREATE INDEX stories_topic ON stories(topic, id);
CREATE TABLE topics (
    id           TEXT PRIMARY KEY,
    label        TEXT NOT NULL,
    key_entities TEXT NOT NULL,       -- JSON array of names
    first        TEXT,                -- earliest publication date of its articles
    last         TEXT,                -- latest
    stories      INTEGER NOT NULL,    -- its current stories
    articles     INTEGER NOT NULL,    -- their articles, near-duplicates too
    merged_into  TEXT,                -- the topic it was merged into; NULL while current
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX topics_newest ON topics(coalesce(last, ''), id) WHERE merged_into IS NULL;
"""

# v8: nothing on SQLite (PostgreSQL's v8 keeps more search statistics: pg_schema)
V8 = """
SELECT 1;
"""

# v9: nothing on SQLite (PostgreSQL's v9 adds spans of article numbers to the search
# documents: pg_schema)
V9 = """
SELECT 1;
"""

# v10: nothing on SQLite (PostgreSQL's v10 moves the search documents' lexeme statistics
# to an expression, so planning does not decode them: pg_schema)
V10 = """
SELECT 1;
"""

MIGRATIONS: tuple[str, ...] = (V1, V2, V3, V4, V5, V6, V7, V8, V9, V10)
LATEST = len(MIGRATIONS)


def migrate(db: sqlite3.Connection, name: str) -> None:
    """Bring the database to ``LATEST``, all missing steps in one transaction."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > LATEST:
        raise StoreError(
            f"{name} has schema version {version} but this newsarchive knows up to "
            f"{LATEST}; upgrade newsarchive to open it"
        )
    if version == LATEST:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for step in range(version, LATEST):
            for statement in _statements(MIGRATIONS[step]):
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {LATEST}")
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def _statements(script: str) -> list[str]:
    """Split a migration into statements (executescript would commit on its own)."""
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return [s for s in statements if s]


def file_version(path: Path) -> int | None:
    """The schema version of the archive file at ``path``; None when there is no file."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a newsarchive database; pass another --db") from exc


def writer_lock(path: Path) -> int:
    """Take the archive's single-writer lock for as long as the returned descriptor is open.

    SQLite lets one process write at a time; a second writer would wait and then fail
    with "database is locked" in the middle of its work. The lock is a ``flock`` on the
    database file itself (SQLite's own locks are ``fcntl`` byte ranges, independent of it),
    so it needs no extra file and goes away with the process that held it.
    """
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        return _unopenable(path, exc)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StoreError(
            f"{path} is being written by another newsarchive process; wait for it to finish "
            "(reading commands and serve work meanwhile), or use PostgreSQL (--db "
            "postgresql://...) for several writers at once"
        ) from None
    return fd


def _unopenable(path: Path, exc: OSError) -> int:
    if not path.parent.is_dir():
        raise StoreError(
            f"{path}: the folder {path.parent} does not exist; create it first"
        ) from None
    raise StoreError(
        f"{path}: cannot open for writing ({exc.strerror}); pass another --db"
    ) from None


def open_database(path: Path, *, readonly: bool) -> sqlite3.Connection:
    """Open (creating unless read-only), check it is ours, tune it and migrate it."""
    if readonly and not path.exists():
        raise StoreError(f"{path} does not exist; ingest something first or pass another --db")
    uri = f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rwc'}"
    try:
        # A store may be handed from thread to thread (the web app's pool), never used
        # by two at once.
        db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA busy_timeout = 5000")
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a newsarchive database; pass another --db") from exc
    try:
        _tune(db, readonly)
        _check_ours(db, path)
        if not readonly:
            migrate(db, str(path))
        else:
            _check_readable(int(db.execute("PRAGMA user_version").fetchone()[0]), path)
    except BaseException:
        db.close()
        raise
    return db


def _check_readable(version: int, path: Path) -> None:
    if version > LATEST:
        raise StoreError(
            f"{path} has schema version {version} but this newsarchive knows up to "
            f"{LATEST}; upgrade newsarchive to open it"
        )
    if version != LATEST:
        raise StoreError(
            f"{path} needs a schema upgrade; run 'newsarchive migrate --db {path}' first"
        )


def _tune(db: sqlite3.Connection, readonly: bool) -> None:
    if not readonly:
        # Articles are a few KB: on 4 KiB pages each would fill a page alone and waste
        # a quarter of it. Only takes effect when the file is created.
        db.execute("PRAGMA page_size = 16384")
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; atomic always (WAL)
    db.execute("PRAGMA cache_size = -65536")  # 64 MiB
    db.execute("PRAGMA temp_store = MEMORY")


def _check_ours(db: sqlite3.Connection, path: Path) -> None:
    """A fresh file is fine; a SQLite file of some other program is not."""
    names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if names and not {"articles", "sources", "articles_fts"} <= names:
        raise StoreError(f"{path} is not a newsarchive database; pass another --db")
