"""Full-text search over the PostgreSQL store's ``tsvector`` documents (GIN index).

The user's query means what it means on SQLite (``sqlite_search``): words, "phrases",
``prefix*``, ``AND``/``OR``/``NOT`` and parentheses with FTS5's precedence (words side by
side bind tightest, then NOT, AND, OR), ``title:word`` for one column; a word with
punctuation inside is a phrase. It is parsed here and written as a ``tsquery`` whose
every word is a quoted lexeme, so no input can make a tsquery syntax error; what FTS5
would refuse is a ``QueryError`` with the same message.

Ranking is FTS5's bm25 computed over the tsvectors (``_bm25``): each phrase's weighted
frequency (title 10, summary 5, body 1, captions 2) from ``ts_rank_cd``, its IDF, and the
document's length in words (``articles_fts.words``) against the average, so scores match
SQLite's to a fraction of a percent where both tokenizers read the same words (snowball
English here, FTS5's porter there). A query with more than
``RANK_WINDOW`` matches shows its ``RANK_WINDOW`` most recently added matches newest
first without ranking (``bounded=True``, ``total`` a lower bound), exactly as on SQLite:
counting stops one past the window, and the page walks the matches newest first.
Snippets (``ts_headline``) are made for the page's rows only, from an excerpt.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import psycopg

from newsarchive.errors import QueryError
from newsarchive.store.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from newsarchive.store.pg_schema import SEARCH_CONFIG

RANK_WINDOW = 2_000
# bm25 as FTS5 computes it (k1 1.2, b 0.75, column weights title 10, summary 5, body 1,
# captions 2): a phrase's weighted frequency in a document is ts_rank_cd's sum over its
# occurrences of the weights {D, C, B, A} (scaled to 0..1, hence * 10)
WEIGHTS = "{0.2, 0.1, 0.5, 1.0}"
K1, B = 1.2, 0.75
IDF_COUNT_LIMIT = 5_000  # a phrase's matches are counted up to here, then estimated
IDF_SAMPLE = 5_000  # from its share of this many newest documents
EXACT_STATS_BELOW = 5_000  # documents; above, their number is the planner's estimate
LENGTH_SAMPLE = 500  # documents whose average length stands for the archive's
SNIPPET_WORDS = 24
EXCERPT_BEFORE, EXCERPT_CHARS = 160, 420  # the body's excerpt around a probable match
HEADLINE = (
    f"StartSel={HIGHLIGHT_OPEN}, StopSel={HIGHLIGHT_CLOSE}, MaxWords={SNIPPET_WORDS},"
    f" MinWords={SNIPPET_WORDS // 2}, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
)
COLUMNS = {"title": "A", "summary": "B", "body": "C", "captions": "D"}
SYNTAX_HINT = (
    "close every double quote, put words on both sides of AND/OR/NOT, and use * only at "
    "the end of a word"
)
_TOKEN = re.compile(r'"[^"]*"\*?|[()]|[^\s"()]+|"')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_PREFERRED = (2, 1, 0, 3)  # snippet columns on a tie: body, summary, title, captions


# -- the query ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """The user's query as ``to_tsquery`` input (every word a quoted lexeme), and each of
    its phrases on its own."""

    tsquery: str
    phrases: tuple[str, ...]


def tsquery_text(text: str) -> str:
    """The user's query as ``to_tsquery`` input, every word a quoted lexeme."""
    return parse_query(text).tsquery


def parse_query(text: str) -> ParsedQuery:
    tokens = _TOKEN.findall(text)
    for token in tokens:
        if not any(c.isalnum() or c in '"()' for c in token):
            raise _syntax_error(text, f"{token!r} is not a word")
    if not tokens:
        raise QueryError("the search query is empty; type one or more words")
    parser = _Parser(text, tokens)
    expression = parser.disjunction()
    if parser.position != len(tokens):
        raise _syntax_error(text, f"unexpected {tokens[parser.position]!r}")
    return ParsedQuery(expression, tuple(dict.fromkeys(parser.phrases)))


class _Parser:
    """FTS5's grammar: OR < AND < NOT < words side by side (implicit AND)."""

    def __init__(self, text: str, tokens: list[str]) -> None:
        self.text = text
        self.tokens = tokens
        self.position = 0
        self.phrases: list[str] = []  # every word, phrase or prefix (bm25 ranks by each)

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _binary(self, operator: str, symbol: str, operand: str) -> str:
        parts = [getattr(self, operand)()]
        while self._peek() == operator:
            self.position += 1
            parts.append(getattr(self, operand)())
        return parts[0] if len(parts) == 1 else "(" + f" {symbol} ".join(parts) + ")"

    def disjunction(self) -> str:
        return self._binary("OR", "|", "conjunction")

    def conjunction(self) -> str:
        return self._binary("AND", "&", "negation")

    def negation(self) -> str:
        parts = [self.sequence()]
        while self._peek() == "NOT":
            self.position += 1
            parts.append("!" + self.sequence())
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def sequence(self) -> str:
        parts: list[str] = []
        while (token := self._peek()) is not None and token not in _OPERATORS and token != ")":
            parts.append(self.primary())
        if not parts:
            found = "the end" if self._peek() is None else repr(self._peek())
            raise _syntax_error(self.text, f"a word is missing before {found}")
        return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"

    def primary(self) -> str:
        token = self.tokens[self.position]
        self.position += 1
        if token == "(":
            inner = self.disjunction()
            if self._peek() != ")":
                raise _syntax_error(self.text, "a parenthesis is not closed")
            self.position += 1
            return inner
        leaf = _leaf(self.text, token)
        self.phrases.append(leaf)
        return leaf


def _leaf(text: str, token: str) -> str:
    """One word, phrase or prefix, optionally of one column, as a quoted lexeme."""
    weight = ""
    column, colon, rest = token.partition(":")
    if colon and rest and not token.startswith('"') and column.isalpha():
        if column.lower() not in COLUMNS:
            raise _syntax_error(text, f"there is no column {column!r}")
        weight, token = COLUMNS[column.lower()], rest
    prefix = token.endswith("*") and len(token) > 1
    word = token.removesuffix("*") if prefix else token
    if word.startswith('"') and word.endswith('"') and len(word) > 1:
        word = word[1:-1]
    word = word.lstrip("^+")
    if not any(c.isalnum() for c in word):
        raise _syntax_error(text, f"{token!r} is not a word")
    quoted = "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    marks = ("*" if prefix else "") + weight
    return f"{quoted}:{marks}" if marks else quoted


def _syntax_error(text: str, what: str) -> QueryError:
    return QueryError(f"cannot search for {text!r}: {what}; {SYNTAX_HINT}")


# -- the search -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """The FROM and WHERE clauses over ``articles_fts f`` (and ``articles a`` when dates
    filter), with ``q.query`` the tsquery (folded to a constant when planned)."""

    source: str
    where: str
    params: tuple[object, ...]


def run_search(db: psycopg.Connection[Any], query: SearchQuery) -> SearchResult:
    parsed = parse_query(query.text)
    tsquery = parsed.tsquery
    plan = _plan(query, tsquery)
    window = RANK_WINDOW
    matches = _window_count(db, plan, window)
    if matches > window and query.sort is SortOrder.RELEVANCE:
        ranked = _newest(db, query, plan, window)
    elif matches == 0:
        ranked = []
    else:
        rank = _bm25(db, parsed.phrases)
        ranked = _ranked(db, query, plan, rank, window, matches > window)
    hits = _hits(db, tsquery, ranked)
    return SearchResult(hits=hits, total=min(matches, window), bounded=matches > window)


def _plan(query: SearchQuery, tsquery: str) -> _Plan:
    source = f"articles_fts f CROSS JOIN (SELECT to_tsquery('{SEARCH_CONFIG}', %s) AS query) q"
    where = ["f.document @@ q.query"]
    params: list[object] = [tsquery]
    if query.date_from or query.date_to:
        source += " JOIN articles a ON a.num = f.num"
        if query.date_from:
            where.append("a.published >= %s")
            params.append(query.date_from)
        if query.date_to:
            where.append("a.published <= %s")
            params.append(query.date_to + "\uffff")  # inclusive of times on that day
    if query.category:
        where.append(
            "EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_num = f.num"
            " AND ac.category_id = (SELECT id FROM categories WHERE name = %s))"
        )
        params.append(query.category)
    if not query.duplicates:  # near-duplicates are hidden (never deleted)
        where.append(
            "NOT EXISTS (SELECT 1 FROM groupings g WHERE g.article_num = f.num"
            " AND g.duplicate_of IS NOT NULL)"
        )
    return _Plan(source, " AND ".join(where), tuple(params))


def _window_count(db: psycopg.Connection[Any], plan: _Plan, window: int) -> int:
    """How many matches there are, counted up to one past the window (any matches: the
    GIN index gives them in the table's order, and counting stops there)."""
    row = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {plan.source} WHERE {plan.where} LIMIT %s) m",
        (*plan.params, window + 1),
    ).fetchone()
    return int(row[0]) if row else 0


def _newest(
    db: psycopg.Connection[Any], query: SearchQuery, plan: _Plan, window: int
) -> list[tuple[int, float]]:
    """A very common query's page: its most recently added matches, newest first (the
    planner walks the table backwards, testing each row, until the page is full)."""
    limit = max(0, min(query.limit, window - query.offset))
    rows = db.execute(
        f"SELECT f.num FROM {plan.source} WHERE {plan.where}"
        " ORDER BY f.num DESC LIMIT %s OFFSET %s",
        (*plan.params, limit, max(query.offset, 0)),
    ).fetchall()
    return [(int(num), 0.0) for (num,) in rows]


def _ranked(
    db: psycopg.Connection[Any],
    query: SearchQuery,
    plan: _Plan,
    rank: _Rank,
    window: int,
    over: bool,
) -> list[tuple[int, float]]:
    """The page of hits by relevance or by date; ``over`` (more matches than the window,
    sorting by date) keeps the newest ``window`` matches first, as SQLite does."""
    cut = f"ORDER BY f.num DESC LIMIT {int(window)}" if over else ""
    if query.sort is SortOrder.NEWEST:
        order = "a.published DESC NULLS LAST, w.num DESC"
        joined = " JOIN articles a ON a.num = w.num"
    else:
        order, joined = "w.score DESC, w.num DESC", ""
    rows = db.execute(
        f"WITH w AS MATERIALIZED (SELECT f.num, {rank.sql} AS score FROM {plan.source}"
        f" WHERE {plan.where} {cut})"
        f" SELECT w.num, w.score FROM w{joined} ORDER BY {order} LIMIT %s OFFSET %s",
        (*rank.params, *plan.params, max(query.limit, 0), max(query.offset, 0)),
    ).fetchall()
    return [(int(num), float(score)) for num, score in rows]


@dataclass(frozen=True, slots=True)
class _Rank:
    """A document's bm25 score as an SQL expression over ``articles_fts f``."""

    sql: str
    params: tuple[object, ...]


def _bm25(db: psycopg.Connection[Any], phrases: tuple[str, ...]) -> _Rank:
    """FTS5's bm25: for each phrase, its IDF (over the whole archive) times its weighted
    frequency in the document, saturated (k1) and normalised by the document's length
    against the average (b)."""
    documents, average, hits = _archive_stats(db, phrases)
    frequencies, terms = [], []
    for n, count in enumerate(hits):
        idf = max(math.log((documents - count + 0.5) / (count + 0.5)), 1e-6)
        frequencies.append(
            f"10 * ts_rank_cd('{WEIGHTS}', f.document, to_tsquery('{SEARCH_CONFIG}', %s), 0)"
            f" AS t{n}"
        )
        terms.append(
            f"{idf!r} * (x.t{n} * {K1 + 1}) / (x.t{n}"
            f" + {K1} * ({1 - B} + {B} * f.words / {max(average, 1.0)!r}))"
        )
    # OFFSET 0 keeps each frequency computed once (not inlined where it is used)
    score = f"(SELECT {' + '.join(terms)} FROM (SELECT {', '.join(frequencies)} OFFSET 0) x)"
    return _Rank(score, phrases)


def _archive_stats(
    db: psycopg.Connection[Any], phrases: tuple[str, ...]
) -> tuple[int, float, list[int]]:
    """How many documents, their average length, and how many match each phrase. Exact
    in a small archive; in a large one the number is the planner's estimate, the average
    comes from a sample of pages, and a phrase with more than ``IDF_COUNT_LIMIT`` matches
    gets its share of the newest ``IDF_SAMPLE`` documents."""
    counted = phrases
    matching = f"f.document @@ to_tsquery('{SEARCH_CONFIG}', %s)"
    count = f"(SELECT count(*) FROM (SELECT 1 FROM articles_fts f WHERE {matching} LIMIT %s) m)"
    row = db.execute(
        "SELECT CASE WHEN c.rows < %s THEN (SELECT count(*) FROM articles_fts) ELSE c.rows END,"
        " CASE WHEN c.rows < %s THEN (SELECT avg(words) FROM articles_fts)"
        " ELSE (SELECT avg(words) FROM articles_fts TABLESAMPLE SYSTEM"
        " (least(100, 100.0 * %s / c.rows))) END"
        + "".join(f", {count}" for _ in counted)
        + " FROM (SELECT greatest(reltuples, 0)::bigint AS rows FROM pg_class"
        " WHERE oid = 'articles_fts'::regclass) c",
        (
            EXACT_STATS_BELOW,
            EXACT_STATS_BELOW,
            LENGTH_SAMPLE,
            *(value for phrase in counted for value in (phrase, IDF_COUNT_LIMIT)),
        ),
    ).fetchone()
    assert row is not None
    documents, average = int(row[0]), float(row[1] or 0.0)
    hits = [int(value) for value in row[2:]]
    for n, phrase in enumerate(counted):
        if hits[n] >= IDF_COUNT_LIMIT:  # too many to count: the newest documents' share
            found = db.execute(
                f"SELECT count(*) FILTER (WHERE {matching}), count(*) FROM (SELECT f.document"
                " FROM articles_fts f ORDER BY f.num DESC LIMIT %s) f",
                (phrase, IDF_SAMPLE),
            ).fetchone()
            assert found is not None
            share = int(found[0]) / max(int(found[1]), 1)
            hits[n] = max(hits[n], round(share * documents))
    return documents, average, hits


def _hits(
    db: psycopg.Connection[Any], tsquery: str, ranked: list[tuple[int, float]]
) -> tuple[SearchHit, ...]:
    """Listing fields, categories and snippets of the page's rows only, in one statement.

    ``ts_headline`` parses the whole text it is given, so the body's is first tried on
    an excerpt around the first place a query word seems to be (``_probe``), and on the
    whole body only when that excerpt has no match."""
    if not ranked:
        return ()
    headline = f"ts_headline('{SEARCH_CONFIG}', %(text)s, q.query, %(options)s)"
    excerpt = (
        "substr(a.body, greatest(1, p.at - %(before)s), %(chars)s)"
        if (probe := _probe(tsquery))
        else "''"
    )
    rows = {
        int(row[0]): row[1:]
        for row in db.execute(
            "SELECT a.num, a.id, a.title, a.summary, a.body, a.captions, a.published,"
            " (SELECT array_agg(c.name ORDER BY ac.position) FROM article_categories ac"
            " JOIN categories c ON c.id = ac.category_id WHERE ac.article_num = a.num),"
            f" {headline.replace('%(text)s', 'coalesce(a.title, %(empty)s)')},"
            f" {headline.replace('%(text)s', 'coalesce(a.summary, %(empty)s)')},"
            f" CASE WHEN strpos(e.h, %(open)s) > 0 THEN e.h"
            f" ELSE {headline.replace('%(text)s', 'a.body')} END,"
            f" {headline.replace('%(text)s', 'a.captions')}"
            f" FROM articles a CROSS JOIN (SELECT to_tsquery('{SEARCH_CONFIG}', %(query)s)"
            " AS query) q CROSS JOIN LATERAL (SELECT strpos(lower(a.body), %(probe)s) AS at) p"
            " CROSS JOIN LATERAL"
            f" (SELECT CASE WHEN p.at > 0 THEN {headline.replace('%(text)s', excerpt)}"
            " ELSE %(empty)s END AS h) e WHERE a.num = ANY(%(nums)s)",
            {
                "options": HEADLINE,
                "query": tsquery,
                "nums": [num for num, _ in ranked],
                "probe": probe or "",
                "before": EXCERPT_BEFORE,
                "chars": EXCERPT_CHARS,
                "open": HIGHLIGHT_OPEN,
                "empty": "",
            },
        )
    }
    return tuple(_hit(rows[num], score) for num, score in ranked if num in rows)


def _probe(tsquery: str) -> str | None:
    """The start of a word of the query, lower-cased (its longest ASCII word, cut before
    where a suffix may begin), or None."""
    quoted = " ".join(re.findall(r"'((?:[^']|'')*)'", tsquery))
    words = [w for w in re.findall(r"[^\W_]+", quoted) if w.isascii()]
    if not words:
        return None
    word = str(max(words, key=len)).lower()
    return word if len(word) <= 4 else word[: max(4, len(word) - 3)]


def _hit(row: tuple[Any, ...], score: float) -> SearchHit:
    article_id, title, summary, body, captions, published, categories, *headlines = row
    headline = title or summary or body.split("\n\n", 1)[0]
    texts = (title or "", summary or "", body, captions)
    return SearchHit(
        id=article_id,
        headline=headline,
        title=title,
        summary=summary,
        snippet=_snippet(texts, headlines),
        published=published,
        categories=tuple(categories or ()),
        score=score,
    )


def _snippet(texts: tuple[str, ...], headlines: list[str]) -> str:
    """The column with the most highlighted words (the body, on a tie: the headline
    shows the title or summary already), with an
    ellipsis where it was cut, as FTS5's snippet shows it."""
    best = max(_PREFERRED, key=lambda i: (_marked(headlines[i]), -_PREFERRED.index(i)))
    if not _marked(headlines[best]):
        best = 2  # the body, from its start
    text, snippet = texts[best], headlines[best]
    plain = snippet.replace(HIGHLIGHT_OPEN, "").replace(HIGHLIGHT_CLOSE, "")
    if plain and not text.startswith(plain[:40]):
        snippet = "…" + snippet
    if plain and not text.rstrip().endswith(plain[-40:].rstrip()):
        snippet += "…"
    return snippet


def _marked(headline: str) -> int:
    """How many distinct words are highlighted."""
    pattern = re.escape(HIGHLIGHT_OPEN) + "(.*?)" + re.escape(HIGHLIGHT_CLOSE)
    return len({word.casefold() for word in re.findall(pattern, headline)})
