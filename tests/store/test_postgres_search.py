"""PostgreSQL search against SQLite's on the same archive: the same matches, the same top
hit for a headline's words, mostly the same first page, and the same bounded page for a
query too common to rank."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator

import pytest

from newsarchive.errors import QueryError
from newsarchive.store import Location, open_store, pg_search, pg_snippets, sqlite_search
from newsarchive.store.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN, SearchQuery, SortOrder, Store
from newsarchive.store.pg_schema import LEXEME_STATISTICS_STATEMENT
from tests.backends import PostgresBackend, PostgresServer, SQLiteBackend
from tests.cli_support import NEWSARCHIVE
from tests.conftest import DUMPS, SAMPLE

pytestmark = pytest.mark.postgresql

INPUTS = [*sorted(DUMPS.glob("*.txt")), SAMPLE]
WORDS = [
    "inflation",
    "election",
    "minister",
    "russia",
    "moscow",
    "bank",
    "rates",
    "trump",
    "putin",
    "ukraine",
    "talks",
    "war",
    "said",
    "government",
    "prices",
    "market",
    "study",
    "climate",
    "science",
    "research",
    "police",
    "court",
    "president",
    "party",
    "vote",
    "energy",
    "gas",
    "elections",
    "running",
    "covid-19",
    "O'Neill",
]
SYNTAX = [
    '"prime minister"',
    '"interest rates"',
    "bank AND rates",
    "putin OR trump",
    "elect*",
    "minist*",
    "russia NOT moscow",
    "(bank OR court) AND rates",
    "title:russia",
    "self-determination",
    '"long-range" OR secretary-general',
    "russia NOT self-determination",
]


@pytest.fixture(scope="module")
def archives(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, Store]]:
    """The same inputs ingested into SQLite and into PostgreSQL, in the same order."""
    sqlite_backend = SQLiteBackend(tmp_path_factory.mktemp("sqlite"))
    postgres_backend = PostgresBackend(postgres_server)
    try:
        locations: list[Location] = [sqlite_backend.fresh(), postgres_backend.fresh()]
        for location in locations:
            subprocess.run(
                [str(NEWSARCHIVE), "ingest", "--db", str(location), *map(str, INPUTS)],
                check=True,
                capture_output=True,
            )
        with open_store(locations[0]) as sqlite, open_store(locations[1]) as postgres:
            yield sqlite, postgres
    finally:
        postgres_backend.close()


def _ids(store: Store, query: SearchQuery) -> list[str]:
    return [hit.id for hit in store.search(query).hits]


@pytest.mark.parametrize("text", WORDS + SYNTAX)
def test_both_backends_find_the_same_articles(archives: tuple[Store, Store], text: str) -> None:
    sqlite, postgres = archives
    query = SearchQuery(text, limit=100)
    expected, got = sqlite.search(query), postgres.search(query)

    assert (got.total, got.bounded) == (expected.total, expected.bounded)
    assert {h.id for h in got.hits} == {h.id for h in expected.hits}
    newest = SearchQuery(text, limit=100, sort=SortOrder.NEWEST)
    assert _ids(postgres, newest) == _ids(sqlite, newest)


def test_a_headline_s_words_find_that_article_first_on_both(
    archives: tuple[Store, Store],
) -> None:
    sqlite, postgres = archives
    checked = 0
    for article in sqlite.iter_articles():
        words = sorted((article.title or article.summary or "").split(), key=len)[-2:]
        words = [w.strip(".,:;!?“”\"'’()") for w in words]
        if len(words) < 2 or not all(w.isalpha() for w in words):
            continue
        query = SearchQuery(" AND ".join(words))
        expected = _ids(sqlite, query)
        if not expected or expected[0] != article.id:
            continue  # another article ranks first on SQLite: not a headline match
        assert _ids(postgres, query)[0] == article.id, query.text
        checked += 1
    assert checked >= 10


def test_the_first_pages_mostly_agree(archives: tuple[Store, Store]) -> None:
    sqlite, postgres = archives
    overlaps = []
    firsts = []
    for text in WORDS:
        expected = _ids(sqlite, SearchQuery(text, limit=5))
        if len(expected) < 2:
            continue
        got = _ids(postgres, SearchQuery(text, limit=5))
        overlaps.append(len(set(expected) & set(got)) / len(expected))
        firsts.append(expected[0] == got[0])
    assert sum(overlaps) / len(overlaps) >= 0.9
    assert sum(firsts) / len(firsts) >= 0.7


def test_a_query_too_common_to_rank_shows_the_same_newest_page(
    archives: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    sqlite, postgres = archives
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 5)
    monkeypatch.setattr("newsarchive.store.pg_search.RANK_WINDOW", 5)
    for text in ("the", "said", "the OR a"):
        for offset in (0, 3):
            query = SearchQuery(text, limit=4, offset=offset)
            expected, got = sqlite.search(query), postgres.search(query)
            assert got.bounded and expected.bounded
            assert got.total == expected.total == 5
            assert [h.id for h in got.hits] == [h.id for h in expected.hits]


def test_hostile_queries_never_reach_the_server_as_syntax(
    archives: tuple[Store, Store],
) -> None:
    _, postgres = archives
    hostile = ("it's", "a'b & c | !d", "x:*", "\\' OR 1=1 --", "'); DROP TABLE articles;--", "é")
    for text in hostile:
        try:  # an answer, or the same QueryError as SQLite's, never a server error
            postgres.search(SearchQuery(text))
        except QueryError as error:
            assert "double quote" in str(error)
    assert postgres.stats().articles > 0


def test_snippets_highlight_the_query_on_both(archives: tuple[Store, Store]) -> None:
    sqlite, postgres = archives
    for text in ("inflation", "minist*", '"prime minister"'):
        for store in (sqlite, postgres):
            hits = store.search(SearchQuery(text)).hits
            assert hits and all("\x02" in hit.snippet for hit in hits), (store, text)


@pytest.mark.parametrize("text", WORDS + SYNTAX)
def test_snippets_mark_the_words_postgresql_s_own_highlighter_marks(
    archives: tuple[Store, Store], text: str
) -> None:
    """Marked in Python, the words of each hit's excerpts are those ``ts_headline`` marks
    in them (lexemes, phrases, compounds' parts, prefixes, never a negated word)."""
    _, postgres = archives
    db = postgres._db  # type: ignore[attr-defined]
    tsquery = pg_search.tsquery_text(text)
    normalised = pg_search._normalised(db, tsquery)
    terms = pg_snippets.terms(normalised)
    probes = pg_snippets.probes(tsquery, terms)
    ids = [hit.id for hit in postgres.search(SearchQuery(text, limit=20)).hits]
    rows = db.execute(
        "SELECT title, summary, body, captions FROM articles WHERE id = ANY(%s)", (ids,)
    ).fetchall()
    excerpts = [e for row in rows for t in row if t and (e := pg_snippets.excerpt(t, probes))]
    assert len(excerpts) >= len(ids), (text, ids)
    scans = [pg_snippets.scan(excerpt, terms) for excerpt in excerpts]
    lexemes = pg_search._lexemes(db, set().union(*map(pg_snippets.keys, scans)))
    everything = f"StartSel={HIGHLIGHT_OPEN}, StopSel={HIGHLIGHT_CLOSE}, HighlightAll=true"
    for excerpt, found in zip(excerpts, scans, strict=True):
        ours = [excerpt[a:b] for a, b in pg_snippets._marks(excerpt, found, terms, lexemes)]
        row = db.execute(
            "SELECT ts_headline('newsarchive', %s, %s::tsquery, %s)",
            (excerpt, normalised, everything),
        ).fetchone()
        assert row is not None
        theirs = re.findall(f"{HIGHLIGHT_OPEN}(.*?){HIGHLIGHT_CLOSE}", row[0])
        assert ours == theirs, (text, excerpt)


def test_a_hyphenated_word_standing_alone_is_matched_by_its_compound() -> None:
    reduce = pg_search.compounds_alone
    assert reduce("'kilroy-silk' <-> 'kilroy' <-> 'silk'") == "'kilroy-silk'"
    assert reduce("( 'a-b' <-> 'a' <-> 'b' | 'c' ) & 'd'") == "( 'a-b' | 'c' ) & 'd'"
    kept = (
        "'robert' <-> 'kilroy-silk' <-> 'kilroy' <-> 'silk'",  # inside a longer phrase
        "'kilroy-silk' <-> 'kilroy' <-> 'silk' <-> 'said'",
        "'x-ray':A <-> 'x':A <-> 'ray':A",  # weighted
        "'state-of-the-art' <-> 'state' <-> 'art'",  # not exactly its parts
        "'covid' <-> '-19'",
    )
    for text in kept:
        assert reduce(text) == text


@pytest.mark.parametrize("text", ["self-determination", '"long-range" OR secretary-general'])
def test_the_compound_finds_what_the_phrase_finds(
    archives: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    _, postgres = archives
    query = SearchQuery(text, limit=100)
    reduced = postgres.search(query)
    monkeypatch.setattr(pg_search, "_matching", lambda *_: None)
    phrase = postgres.search(query)
    assert reduced.total == phrase.total > 0
    assert [h.id for h in reduced.hits] == [h.id for h in phrase.hits]


def test_a_common_word_is_surely_over_the_window_by_analyzes_share() -> None:
    stats = pg_search.stats_module
    large = stats.Archive(1, 1_000_000, 100.0, True, 0.08)
    window = pg_search.RANK_WINDOW
    assert stats.surely_over(large, 0.02, window) > 10_000  # a name in 2% of 1M articles
    assert stats.surely_over(large, 0.002, window) < 0  # 2,000 expected: counted
    assert stats.surely_over(large, 0.0, window) <= 0  # not among the common lexemes
    small = stats.Archive(1, 10_000, 100.0, False, 100.0)
    assert stats.surely_over(small, 0.9, window) <= 0  # a small archive is always counted
    word = pg_search._WORD
    assert word.fullmatch("'mourinho'") and word.fullmatch("'kilroy-silk'")
    assert word.fullmatch("'o''neill'")
    for text in ("'prime' <-> 'minist'", "'elect':*", "'a' & 'b'", "'x':A", "!'a'"):
        assert not word.fullmatch(text), text


def test_analyze_keeps_the_common_lexemes_shares_off_the_planners_path(
    archives: tuple[Store, Store],
) -> None:
    """A word's share comes from the statistics on ``strip(document)`` (migration 10): the
    share of the documents holding it, while the column the planner reads keeps the
    default target (decoding 10,000 lexemes cost every search statement 0.2-0.3 ms)."""
    import psycopg

    _, postgres = archives
    stats = pg_search.stats_module
    with psycopg.connect(postgres.url, autocommit=True) as db:  # type: ignore[attr-defined]
        db.execute("ANALYZE articles_fts")
        found = db.execute(
            "SELECT count(*) FILTER (WHERE document @@ to_tsquery('newsarchive', 'said')),"
            " count(*) FROM articles_fts"
        ).fetchone()
        assert found is not None and found[0] > 0
        archive = stats.Archive(1, int(found[1]), 100.0, True, 100.0)
        share = stats.word_share(db, archive, "said")
        assert share == pytest.approx(found[0] / found[1], abs=0.01)
        assert archive.words and len(archive.words) > 1_000  # more than the column keeps
        targets = db.execute(
            "SELECT a.attstattarget, e.stxstattarget FROM pg_attribute a, pg_statistic_ext e"
            " WHERE a.attrelid = 'articles_fts'::regclass AND a.attname = 'document'"
            " AND e.stxname = %s",
            (stats.LEXEME_STATISTICS,),
        ).fetchone()
        assert targets == (100, 1000)
        # without the expression's statistics (or the right to read them: a role must own
        # the table), the column's shares stand in
        db.execute(f"DROP STATISTICS {stats.LEXEME_STATISTICS}")
        try:
            archive.words = None
            assert stats.word_share(db, archive, "said") == pytest.approx(share, abs=0.01)
            assert 0 < len(archive.words) <= 1_000
        finally:
            db.execute(LEXEME_STATISTICS_STATEMENT)
            db.execute("ANALYZE articles_fts")


GAP = 5 * 4096  # each input's first article is the last of a span at levels 10 and 12


def test_a_sparse_query_finds_its_newest_matches_span_by_span_across_gaps(
    postgres_server: PostgresServer,
) -> None:
    """Articles numbered with gaps of several spans (the newest matches of a word lie in
    different, distant spans), each input's first article the last of a span: the spans
    find exactly what a walk of the table finds."""
    import psycopg

    backend = PostgresBackend(postgres_server)
    try:
        location = backend.fresh()
        inputs = sorted(DUMPS.glob("*.txt"))
        for n, path in enumerate(inputs):
            backend.execute(
                location,
                f"ALTER TABLE articles ALTER COLUMN num RESTART WITH {GAP * n - 1 if n else 1}",
            )
            subprocess.run(
                [str(NEWSARCHIVE), "ingest", "--db", str(location), str(path)],
                check=True,
                capture_output=True,
            )
        with psycopg.connect(str(location), autocommit=True) as db:
            newest = int(db.execute("SELECT max(num) FROM articles_fts").fetchone()[0])  # type: ignore[index]
            assert newest > GAP * (len(inputs) - 1)
            for text in ('" 10 3"', "10 3", "10-3"):  # no query is ever a span's lexeme
                found = db.execute(
                    "SELECT to_tsquery('newsarchive', %s)::text", (pg_search.tsquery_text(text),)
                ).fetchone()
                assert found and pg_search.span_lexeme(10, 3) not in found[0], found
            for text in ("said", "minister", "the", "police OR court", '"prime minister"'):
                plan = pg_search._plan(
                    SearchQuery(text, duplicates=True), pg_search.tsquery_text(text)
                )
                walked = [
                    int(num)
                    for (num,) in db.execute(
                        f"SELECT f.num FROM {plan.source()} WHERE {plan.where} ORDER BY f.num DESC",
                        plan.matching,
                    )
                ]
                assert walked, text
                for needed in (1, 7, len(walked), len(walked) + 5):
                    for share in (1.0, 0.01, 0.0001):
                        found = pg_search._newest_rows(db, plan, needed, share, newest)
                        assert [row[0] for row in found] == walked[:needed], (text, needed)
                    rows = pg_search._newest_rows(db, plan, needed, 0.01, newest, fields=True)
                    assert [row[0] for row in rows] == walked[:needed], (text, needed)
                    ids = [row[2] for row in rows]  # with each article's own fields
                    assert (
                        ids
                        == [
                            db.execute("SELECT id FROM articles WHERE num = %s", (num,)).fetchone()[
                                0
                            ]  # type: ignore[index]
                            for num in walked[:needed]
                        ]
                    )
    finally:
        backend.close()


def test_a_sparse_query_too_common_to_rank_shows_the_same_pages_as_sqlite(
    archives: tuple[Store, Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every query taken for sparse (found span by span): the same bounded pages, by
    relevance and by date."""
    sqlite, postgres = archives
    monkeypatch.setattr(sqlite_search, "RANK_WINDOW", 5)
    monkeypatch.setattr("newsarchive.store.pg_search.RANK_WINDOW", 5)
    monkeypatch.setattr(pg_search, "DENSE_SHARE", 2.0)
    spans = []
    real = pg_search._newest_rows
    monkeypatch.setattr(
        pg_search,
        "_newest_rows",
        lambda *a, **k: spans.append(k) or real(*a, **k),  # type: ignore[func-returns-value]
    )
    for text in ("the", "said", "minister"):
        for sort in (SortOrder.RELEVANCE, SortOrder.NEWEST):
            # the first page's fields come with the probes (a page may pass the window)
            for offset, limit in ((0, 4), (1, 4), (0, 9)):
                query = SearchQuery(text, limit=limit, offset=offset, sort=sort)
                expected, got = sqlite.search(query), postgres.search(query)
                assert got.bounded and expected.bounded
                assert [h.id for h in got.hits] == [h.id for h in expected.hits], (text, sort)
                assert [h.title for h in got.hits] == [h.title for h in expected.hits]
    assert {"fields": True} in spans and {} in spans  # the spans were used, both ways
