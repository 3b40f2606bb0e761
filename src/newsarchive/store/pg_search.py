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
counting stops one past the window, and the page walks the matches newest first. A
query that surely has more (``_surely_over``: its share of a fixed sample, or a single
word's share in ANALYZE's statistics, taken at 4 standard deviations below) is never
counted: counting 2,001 matches visits as many table rows (about 20 ms).

GIN can neither order matches nor stop early, so the newest matches of a query in less
than ``DENSE_SHARE`` of the documents (and without a prefix) are found through spans
(``_newest_rows``): every search document also holds a position-less lexeme for each
block of 2**10, 2**12, ... 2**24 article numbers it falls in (``pg_schema.SPAN_LEVELS``),
and the query ANDed with one block's lexeme makes the index return only the matches
within that block, block by block from the newest, each step reaching further back,
until enough are found. A more common query walks the newest articles backwards instead
(a match every few rows). Snippets are marked in Python (``pg_snippets``: the words
whose lexemes the query's are, as ``ts_headline`` marks them, without its statement) for
the page's rows only, from an excerpt, and only in the texts holding a word of the query
(and the body).

A hyphenated word is a phrase of its compound and its parts (``'kilroy-silk' <-> 'kilroy'
<-> 'silk'``), which every match has to be read again for; the compound alone means the
same (the parser emits it only followed by those parts), so wherever such a phrase
stands on its own the matches are found by the compound alone (``_matching``, the
normalised query cached per connection); ranking and snippets use the query as typed.
"""

from __future__ import annotations

import math
import re
import weakref
from dataclasses import dataclass
from typing import Any

import psycopg

from newsarchive.errors import QueryError
from newsarchive.store import pg_search_stats as stats_module
from newsarchive.store import pg_snippets
from newsarchive.store.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    RANK_WINDOW,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from newsarchive.store.pg_schema import SEARCH_CONFIG, SPAN_LEVELS, span_lexeme

# bm25 as FTS5 computes it (k1 1.2, b 0.75, column weights title 10, summary 5, body 1,
# captions 2): a phrase's weighted frequency in a document is ts_rank_cd's sum over its
# occurrences of the weights {D, C, B, A} (scaled to 0..1, hence * 10)
WEIGHTS = "{0.2, 0.1, 0.5, 1.0}"
K1, B = 1.2, 0.75
# a query in fewer documents than this share finds its newest matches span by span; a
# more common one by walking the newest articles back: it meets its 20 newest matches
# within about 100 rows, which cost less than intersecting the smallest span (1,024 rows)
DENSE_SHARE = 0.2
SPAN_MARGIN = 2.0  # the matches a span is expected to hold, over those still needed
COLUMNS = {"title": "A", "summary": "B", "body": "C", "captions": "D"}
SYNTAX_HINT = (
    "close every double quote, put words on both sides of AND/OR/NOT, and use * only at "
    "the end of a word"
)
_TOKEN = re.compile(r'"[^"]*"\*?|[()]|[^\s"()]+|"')
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_PREFERRED = (2, 1, 0, 3)  # snippet columns on a tie: body, summary, title, captions
# a normalised tsquery's tokens: a lexeme (with its weights or prefix mark), an operator
_TSQUERY_TOKEN = re.compile(r"'(?:[^']|'')*'(?::[*A-D]+)?|<\d*-?>|[&|!()]|\S")
_NORMALISED: weakref.WeakKeyDictionary[psycopg.Connection[Any], dict[str, str]] = (
    weakref.WeakKeyDictionary()
)
QUERIES_KEPT = 1_000  # normalised queries kept per connection
_LEXEMES: dict[str, dict[str, str | None]] = {}  # words' lexemes, per database
LEXEMES_KEPT = 100_000  # words whose lexeme is kept, per database
_HIGHLIGHTED = re.compile(re.escape(HIGHLIGHT_OPEN) + "(.*?)" + re.escape(HIGHLIGHT_CLOSE))
_WORD = re.compile(r"'((?:[^'\\]|'')*)'")  # a normalised tsquery of one plain lexeme


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
    """The joins and WHERE clause over ``articles_fts f`` (the search documents, or a
    sample of them) with ``q.query`` the tsquery."""

    tsquery: str
    joins: str
    where: str
    params: tuple[object, ...]  # the WHERE clause's
    normalised: bool = False  # ``tsquery`` is a tsquery's text (not ``to_tsquery`` input)

    @property
    def matching(self) -> tuple[object, ...]:
        """The parameters of ``SELECT ... FROM {source} WHERE {where}``."""
        return (self.tsquery, *self.params)

    def source(self, documents: str = "articles_fts f", *, spans: bool = False) -> str:
        """``spans``: the matches within some spans only (the query ANDed with a second
        parameter, the spans' tsquery, after the query's: ``within``)."""
        query = "%s::tsquery" if self.normalised else f"to_tsquery('{SEARCH_CONFIG}', %s)"
        if spans:
            query += " && %s::tsquery"
        return f"{documents} CROSS JOIN (SELECT {query} AS query) q" + self.joins

    def within(self, spans: str) -> tuple[object, ...]:
        """The parameters of ``SELECT ... FROM {source(spans=True)} WHERE {where}``."""
        return (self.tsquery, spans, *self.params)


@dataclass(frozen=True, slots=True)
class _Row:
    """A hit's article fields, as the page's statement returns them."""

    num: int
    score: float
    fields: tuple[Any, ...]  # id, title, summary, body, captions, published, categories


# a page's article fields, from ``p`` (num, score) joined to ``articles a``
_FIELDS = (
    "SELECT p.num, p.score, a.id, a.title, a.summary, a.body, a.captions, a.published,"
    " ARRAY(SELECT (SELECT c.name FROM categories c WHERE c.id = ac.category_id)"
    " FROM article_categories ac WHERE ac.article_num = a.num ORDER BY ac.position)"
    " FROM p JOIN articles a ON a.num = p.num"
)


def run_search(db: psycopg.Connection[Any], query: SearchQuery) -> SearchResult:
    parsed = parse_query(query.text)
    reduced = _matching(db, parsed.tsquery)
    plan = _plan(query, parsed.tsquery, reduced)
    window = RANK_WINDOW
    # the newest search document (the statistics are kept while it is the same) and, in
    # the same statement, the hidden near-duplicates _surely_over counts with those kept
    known = stats_module.cached(db)
    counting = _duplicates_limit(db, query, plan, known, window) if known else 0
    row = db.execute(
        "SELECT (SELECT max(num) FROM articles_fts), (SELECT count(*) FROM"
        " (SELECT FROM groupings WHERE duplicate_of IS NOT NULL LIMIT %s) d)",
        (counting,),
    ).fetchone()
    stats = stats_module.archive(db, int(row[0] or 0) if row else 0)
    hidden = (counting, int(row[1])) if row and counting and stats is known else None
    over, share = _surely_over(db, query, plan, stats, window, hidden)
    rows: list[_Row] | None = None
    if over:
        matches = window + 1  # surely more than the window: never counted
    else:
        counted = None
        if query.sort is SortOrder.RELEVANCE:  # ranked up to one past the window, counted
            rows, counted = _ranked(db, query, plan, stats, parsed.phrases, window, False)
        matches = _window_count(db, plan, window) if counted is None else counted
        if share is None or matches <= window:  # counted: at least what was counted
            share = matches / max(stats.documents, 1)
    newest = None  # a sparse query's newest matches, found through spans
    page = None  # or its first page, fields and all
    # a prefix stands for every word it begins: the index would pass over each of them
    if matches > window and share is not None and share < DENSE_SHARE and ":*" not in plan.tsquery:
        if query.sort is SortOrder.NEWEST:  # the window's, ranked by date
            newest = [row[0] for row in _newest_rows(db, plan, window, share, stats.newest)]
        elif query.offset <= 0:  # the first page's, with their fields
            size = max(0, min(query.limit, window))
            found = _newest_rows(db, plan, size, share, stats.newest, fields=True)
            page = [_Row(int(row[0]), 0.0, tuple(row[2:])) for row in found]
        else:
            needed = min(query.offset + query.limit, window)
            newest = [row[0] for row in _newest_rows(db, plan, needed, share, stats.newest)]
    if matches > window and query.sort is SortOrder.RELEVANCE:
        rows = page if page is not None else _newest(db, query, plan, window, newest)
    elif matches == 0:
        rows = []
    elif rows is None:
        rows, _ = _ranked(db, query, plan, stats, parsed.phrases, window, matches > window, newest)
    hits = _hits(db, parsed.tsquery, rows)
    return SearchResult(hits=hits, total=min(matches, window), bounded=matches > window)


def _normalised(db: psycopg.Connection[Any], tsquery: str) -> str:
    """The query as PostgreSQL writes the tsquery (cached per connection)."""
    known = _NORMALISED.setdefault(db, {})
    if tsquery not in known:
        if len(known) >= QUERIES_KEPT:
            known.clear()
        row = db.execute(f"SELECT to_tsquery('{SEARCH_CONFIG}', %s)::text", (tsquery,)).fetchone()
        known[tsquery] = str(row[0]) if row else ""
    return known[tsquery]


def _matching(db: psycopg.Connection[Any], tsquery: str) -> str | None:
    """The query as a tsquery's text with each hyphenated word standing on its own
    reduced to its compound, if it has one, else None."""
    if "-" not in tsquery:
        return None
    normalised = _normalised(db, tsquery)
    reduced = compounds_alone(normalised)
    return reduced if reduced != normalised else None


def _surely_over(
    db: psycopg.Connection[Any],
    query: SearchQuery,
    plan: _Plan,
    stats: stats_module.Archive,
    window: int,
    hidden: tuple[int, int] | None = None,
) -> tuple[bool, float | None]:
    """Whether the query surely has more than ``window`` matches, without counting them:
    by its count in the fixed sample (kept per query with the statistics), or, for a
    single word over the whole archive, by ANALYZE's share of it, less the hidden
    near-duplicates (counted up to the margin, or ``hidden``: as many counted up to a
    limit); and the query's share of the documents as the sample or ANALYZE has it
    (None if neither was consulted)."""
    if not stats.sampled:
        return False, None
    key = _sample_key(plan)
    sample = stats.samples.get(key)
    # a single word's own share (0 when not among the common lexemes): a filter may make
    # its matches rare, not its newest matches sparse
    share = _word_share(db, plan, stats)
    if sample is not None and stats_module.enough(stats, *sample, window):
        return True, share or _share(*sample)
    margin = _margin(query, stats, share, window)
    if margin > 0:
        if query.duplicates:
            return True, share
        counted = hidden[1] if hidden and hidden[0] == margin else _duplicates(db, margin)
        if counted < margin:
            return True, share
    if sample is None:
        found = db.execute(
            f"SELECT count(*) FILTER (WHERE {plan.where}), count(*)"
            f" FROM {plan.source(stats_module.sample_source(stats))}",
            (*plan.params, plan.tsquery),
        ).fetchone()
        assert found is not None
        sample = (int(found[0]), int(found[1]))
        if len(stats.samples) >= stats_module.SAMPLES_KEPT:
            stats.samples.clear()
        stats.samples[key] = sample
    return stats_module.enough(stats, *sample, window), share or _share(*sample)


def _duplicates_limit(
    db: psycopg.Connection[Any],
    query: SearchQuery,
    plan: _Plan,
    stats: stats_module.Archive,
    window: int,
) -> int:
    """How many hidden near-duplicates ``_surely_over`` will count up to with these
    statistics (0: none)."""
    if not stats.sampled or query.duplicates:
        return 0
    sample = stats.samples.get(_sample_key(plan))
    if sample is not None and stats_module.enough(stats, *sample, window):
        return 0
    return _margin(query, stats, _word_share(db, plan, stats), window)


def _sample_key(plan: _Plan) -> tuple[object, ...]:
    """What a query's count in the fixed sample is kept under."""
    return (plan.tsquery, plan.normalised, plan.joins, plan.where, *plan.params)


def _word_share(db: psycopg.Connection[Any], plan: _Plan, stats: stats_module.Archive) -> float:
    """The query's share in ANALYZE's statistics if it is a single word (else 0)."""
    text = plan.tsquery if plan.normalised else _normalised(db, plan.tsquery)
    word = _WORD.fullmatch(text)
    return stats_module.word_share(db, stats, word[1].replace("''", "'")) if word else 0.0


def _margin(query: SearchQuery, stats: stats_module.Archive, share: float, window: int) -> int:
    """How many matches past the window a word in ``share`` of the archive surely has,
    unfiltered (0 when it may not, or when filtered): the hidden near-duplicates must be
    fewer."""
    if not share or query.date_from or query.date_to or query.category:
        return 0
    return max(0, int(stats_module.surely_over(stats, share, window)))


def _share(matched: int, sampled: int) -> float:
    return matched / sampled if sampled > 0 else 0.0


def _duplicates(db: psycopg.Connection[Any], limit: int) -> int:
    """How many articles are hidden near-duplicates, counted up to ``limit``."""
    row = db.execute(
        "SELECT count(*) FROM (SELECT FROM groupings WHERE duplicate_of IS NOT NULL LIMIT %s) d",
        (limit,),
    ).fetchone()
    return int(row[0]) if row else 0


def compounds_alone(normalised: str) -> str:
    """A normalised tsquery with each phrase ``'a-b' <-> 'a' <-> 'b'`` (a compound
    followed by exactly its parts, unweighted) that is a whole operand of ``&``, ``|`` or
    parentheses (not part of a longer phrase), reduced to ``'a-b'``."""
    tokens = _TSQUERY_TOKEN.findall(normalised)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        parts = token[1:-1].count("-") + 1 if token.endswith("'") else 0
        end = i + 1 + 2 * parts
        if (
            parts > 1
            and (not out or out[-1] in ("&", "|", "("))
            and "-" in token.strip("'-")
            and end <= len(tokens)
            and all(tokens[j] == "<->" for j in range(i + 1, end, 2))
            and all(tokens[j].endswith("'") for j in range(i + 2, end + 1, 2))
            and (end == len(tokens) or tokens[end] in ("&", "|", ")"))
        ):
            out.append(token)
            i = end
            continue
        out.append(token)
        i += 1
    return " ".join(out)


def _plan(query: SearchQuery, tsquery: str, normalised: str | None = None) -> _Plan:
    joins, where, params = "", ["f.document @@ q.query"], list[object]()
    if query.date_from or query.date_to:
        joins = " JOIN articles a ON a.num = f.num"
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
    if normalised is not None:
        return _Plan(normalised, joins, " AND ".join(where), tuple(params), True)
    return _Plan(tsquery, joins, " AND ".join(where), tuple(params))


def _window_count(db: psycopg.Connection[Any], plan: _Plan, window: int) -> int:
    """How many matches there are, counted up to one past the window."""
    row = db.execute(
        f"SELECT count(*) FROM (SELECT FROM {plan.source()} WHERE {plan.where} LIMIT %s) m",
        (*plan.matching, window + 1),
    ).fetchone()
    return int(row[0]) if row else 0


def _newest(
    db: psycopg.Connection[Any],
    query: SearchQuery,
    plan: _Plan,
    window: int,
    newest: list[int] | None,
) -> list[_Row]:
    """A very common query's page: its most recently added matches, newest first: from
    ``newest`` when they were found through spans, else the planner walks the table
    backwards, testing each row, until the page is full."""
    limit = max(0, min(query.limit, window - query.offset))
    offset = max(query.offset, 0)
    if newest is not None:
        page = "SELECT u.num, 0.0::float8 AS score FROM unnest(%s::bigint[]) u(num)"
        params: tuple[object, ...] = (newest[offset : offset + limit],)
    else:
        page = (
            f"SELECT f.num, 0.0::float8 AS score FROM {plan.source()} WHERE {plan.where}"
            " ORDER BY f.num DESC LIMIT %s OFFSET %s"
        )
        params = (*plan.matching, limit, offset)
    rows = db.execute(
        f"WITH p AS MATERIALIZED ({page}) {_FIELDS} ORDER BY p.num DESC", params
    ).fetchall()
    return [_Row(int(row[0]), 0.0, tuple(row[2:])) for row in rows]


def _newest_rows(
    db: psycopg.Connection[Any],
    plan: _Plan,
    needed: int,
    share: float,
    newest: int,
    *,
    fields: bool = False,
) -> list[tuple[Any, ...]]:
    """The ``needed`` most recently added matches (fewer if there are not as many),
    newest first, found span by span from the newest article back: the index intersects
    the query with one span's lexeme, so only the matches within that span are read from
    the table. Each intersection costs about a pass over the query's own posting list,
    so a step takes one span (not several ORed, which cost a pass each): the smallest
    holding the newest article not yet searched and reaching back over the rows expected
    to hold ``SPAN_MARGIN`` times the matches still needed at the query's ``share``; the
    rows expected grow four times at each further step. Each match is its number, and
    with ``fields`` its score (0) and article fields (``_FIELDS``): the first page's
    statement is then the probes' own."""
    found: list[tuple[Any, ...]] = []
    last, step = newest, 0  # the newest article not yet searched
    while last > 0 and len(found) < needed:
        rows = (needed - len(found)) / max(share, 1e-6) * SPAN_MARGIN * 4**step
        level = next(
            (n for n in SPAN_LEVELS if last - (last >> n << n) + 1 >= rows), SPAN_LEVELS[-1]
        )
        block = last >> level
        probe = (
            f"SELECT f.num, 0.0::float8 AS score FROM {plan.source(spans=True)}"
            f" WHERE {plan.where} AND f.num <= %s ORDER BY f.num + 0 DESC LIMIT %s"
        )  # + 0: never a walk
        if fields:
            probe = f"WITH p AS MATERIALIZED ({probe}) {_FIELDS} ORDER BY p.num DESC"
        span = f"'{span_lexeme(level, block)}'"
        found += db.execute(probe, (*plan.within(span), last, needed - len(found))).fetchall()
        last, step = (block << level) - 1, step + 1
    return found


def _ranked(
    db: psycopg.Connection[Any],
    query: SearchQuery,
    plan: _Plan,
    stats: stats_module.Archive,
    phrases: tuple[str, ...],
    window: int,
    over: bool,
    newest: list[int] | None = None,
) -> tuple[list[_Row], int | None]:
    """The page of hits by relevance (bm25 of every match, up to one past the window) or
    by date (bm25 of the page's hits only); ``over`` (more matches than the window,
    sorting by date) keeps the newest ``window`` matches first, as SQLite does
    (``newest``, when they are known already). By relevance, also how many matches there
    are up to one past the window (None when the page is empty: no row to tell it)."""
    frequencies = stats_module.frequencies(db, stats, phrases, SEARCH_CONFIG)
    # each phrase as a tsquery constant (to_tsquery would parse it again for every match)
    rank, rank_params = _bm25(stats, tuple(_normalised(db, p) for p in phrases), frequencies)
    page = (max(query.limit, 0), max(query.offset, 0))
    if query.sort is SortOrder.NEWEST:
        cut = f"ORDER BY f.num DESC LIMIT {int(window)}" if over else ""
        matches = f"SELECT f.num FROM {plan.source()} WHERE {plan.where} {cut}"
        matching: tuple[object, ...] = plan.matching
        if newest is not None:
            matches, matching = "SELECT unnest(%s::bigint[]) AS num", (newest,)
        sql = (
            f"WITH w AS MATERIALIZED ({matches}), d AS (SELECT w.num,"
            " (SELECT published FROM articles x WHERE x.num = w.num) AS published FROM w"
            " ORDER BY 2 DESC NULLS LAST, 1 DESC"
            f" LIMIT %s OFFSET %s), p AS MATERIALIZED (SELECT d.num, d.published, {rank}"
            " AS score FROM d JOIN articles_fts f ON f.num = d.num)"
            f" {_FIELDS} ORDER BY p.published DESC NULLS LAST, p.num DESC"
        )
        params = (*matching, *page, *rank_params)
        rows = db.execute(sql, params).fetchall()
        return [_Row(int(row[0]), float(row[1]), tuple(row[2:])) for row in rows], None
    sql = (
        f"WITH w AS MATERIALIZED (SELECT f.num, {rank} AS score FROM {plan.source()}"
        f" WHERE {plan.where} LIMIT %s), p AS MATERIALIZED (SELECT num, score FROM w"
        " ORDER BY score DESC, num DESC LIMIT %s OFFSET %s)"
        f" SELECT x.*, (SELECT count(*) FROM w) FROM ({_FIELDS}) x"
        " ORDER BY x.score DESC, x.num DESC"
    )
    rows = db.execute(sql, (*rank_params, *plan.matching, window + 1, *page)).fetchall()
    counted = int(rows[0][-1]) if rows else None
    return [_Row(int(row[0]), float(row[1]), tuple(row[2:-1])) for row in rows], counted


def _bm25(
    stats: stats_module.Archive, phrases: tuple[str, ...], frequencies: list[int]
) -> tuple[str, tuple[object, ...]]:
    """FTS5's bm25 as an SQL expression over ``articles_fts f``: for each phrase (a
    tsquery's text, as PostgreSQL writes it), its IDF
    (over the whole archive) times its weighted frequency in the document, saturated (k1)
    and normalised by the document's length against the average (b)."""
    documents, average = stats.documents, max(stats.average, 1.0)
    columns, terms = [], []
    for n, count in enumerate(frequencies):
        idf = max(math.log((documents - count + 0.5) / (count + 0.5)), 1e-6)
        columns.append(f"10 * ts_rank_cd('{WEIGHTS}', f.document, %s::tsquery, 0) AS t{n}")
        terms.append(
            f"{idf!r} * (x.t{n} * {K1 + 1}) / (x.t{n}"
            f" + {K1} * ({1 - B} + {B} * f.words / {average!r}))"
        )
    # OFFSET 0 keeps each frequency computed once (not inlined where it is used)
    return f"(SELECT {' + '.join(terms)} FROM (SELECT {', '.join(columns)} OFFSET 0) x)", phrases


def _hits(db: psycopg.Connection[Any], tsquery: str, rows: list[_Row]) -> tuple[SearchHit, ...]:
    """The page's hits with their snippets, marked in Python (``pg_snippets``): each long
    text is cut first to an excerpt around the first place a word or phrase of the query
    seems to be (``pg_snippets.excerpt``)."""
    if not rows:
        return ()
    terms = pg_snippets.terms(_normalised(db, tsquery))
    probes = pg_snippets.probes(tsquery, terms)
    # a title, summary or captions holding none of the query's words is never the
    # snippet: only the body (the snippet, from its start, when nothing matches) and the
    # texts holding a word are marked
    marking: list[int] = []
    texts: list[str] = []
    for n, text in enumerate(text or "" for row in rows for text in row.fields[1:5]):
        excerpt = pg_snippets.excerpt(text, probes)
        if excerpt is None and n % 4 == 2:  # title, summary, body, captions
            excerpt = text[: pg_snippets.EXCERPT_CHARS]
        if excerpt is not None:
            marking.append(n)
            texts.append(excerpt)
    scans = [pg_snippets.scan(text, terms) for text in texts]
    lexemes = _lexemes(db, set().union(*map(pg_snippets.keys, scans)))
    headlines = [""] * (4 * len(rows))
    for n, text, found in zip(marking, texts, scans, strict=True):
        headlines[n] = pg_snippets.mark(text, found, terms, lexemes)
    return tuple(
        _hit(row.fields, row.score, headlines[4 * n : 4 * n + 4]) for n, row in enumerate(rows)
    )


def _lexemes(db: psycopg.Connection[Any], words: set[str]) -> dict[str, str | None]:
    """Each word's lexeme in the search configuration (None: it has none), asked of the
    server for the words it has not been asked before (kept per database, process-wide:
    a lexeme depends only on the database's configuration)."""
    info = db.info
    known = _LEXEMES.setdefault(f"{info.host}:{info.port}/{info.dbname}", {})
    missing = [word for word in words if word not in known]
    if missing:
        if len(known) + len(missing) > LEXEMES_KEPT:
            known.clear()
        found = db.execute(
            f"SELECT w, (SELECT u.lexeme FROM unnest(to_tsvector('{SEARCH_CONFIG}', w)) u"
            " WHERE 1 = ANY(u.positions) LIMIT 1) FROM unnest(%s::text[]) w",
            (missing,),
        )
        known.update((str(word), lexeme) for word, lexeme in found)
    return {word: known.get(word) for word in words}


def _hit(row: tuple[Any, ...], score: float, headlines: list[str]) -> SearchHit:
    article_id, title, summary, body, captions, published, categories = row
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
    return len({word.casefold() for word in _HIGHLIGHTED.findall(headline)})
