"""Full-text search over the SQLite store's FTS5 index.

Ranking every match of a very common query ("the", "said") with bm25 costs time in
proportion to the matches (and bm25's IDF scans every match of each phrase), so a query
with more than ``RANK_WINDOW`` matches shows its ``RANK_WINDOW`` most recently added
matches newest first, without bm25: the result says ``bounded=True`` and ``total`` is
then a lower bound (``RANK_WINDOW``). Otherwise ``total`` is the exact number of matches
and the page is ranked by bm25 (or sorted by date).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from newsarchive.errors import QueryError
from newsarchive.store.base import (
    HIGHLIGHT_CLOSE,
    HIGHLIGHT_OPEN,
    RANK_WINDOW,
    SearchHit,
    SearchQuery,
    SearchResult,
    SortOrder,
)

# bm25 column weights: title, summary, body, captions
BM25 = "bm25(articles_fts, 10.0, 5.0, 1.0, 2.0)"
SNIPPET_TOKENS = 24
# a match's date, from the covering (num, published) index instead of the article row
PUBLISHED = "(SELECT published FROM articles INDEXED BY articles_num_published WHERE num = f.rowid)"
_TOKEN = re.compile(r'"[^"]*"|[^\s"]+|"')
_BAREWORD = re.compile(r"^[\w()^:+]+\*?$")
_OPERATORS = frozenset({"AND", "OR", "NOT"})
_PLAIN = re.compile(r"^[^\W_]+\*?$")  # a word or a prefix, nothing else
_MAX_EXPANSION = 200


def fts_expression(text: str) -> str:
    """The user's query as an FTS5 expression.

    Phrases, AND/OR/NOT, NEAR, ``column:`` and ``prefix*`` pass through; a word with
    punctuation inside (``covid-19``, ``O'Neill``) becomes a phrase instead of an error.
    """
    parts = []
    for token in _TOKEN.findall(text):
        if not any(c.isalnum() or c in '"()' for c in token):
            raise QueryError(
                f"cannot search for {text!r}: {token!r} is not a word; close every double "
                "quote, put words on both sides of AND/OR/NOT, and use * only at the end of a word"
            )
        if token.startswith('"') or token in _OPERATORS or _BAREWORD.match(token):
            parts.append(token)
        else:
            star = "*" if token.endswith("*") and len(token) > 1 else ""
            parts.append(f'"{token.removesuffix(star)}"{star}')
    return " ".join(parts)


@dataclass(frozen=True, slots=True)
class _Plan:
    """The WHERE clause of the ranking query (and of the count of a page past the end)."""

    where: str
    params: tuple[object, ...]


def run_search(db: sqlite3.Connection, query: SearchQuery) -> SearchResult:
    expression = fts_expression(query.text)
    if not expression:
        raise QueryError("the search query is empty; type one or more words")
    try:
        return _search(db, query, expression)
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "unterminated" in str(exc) or "no such column" in str(exc):
            raise QueryError(
                f"cannot search for {query.text!r} ({exc}); close every double quote, put "
                "words on both sides of AND/OR/NOT, and use * only at the end of a word"
            ) from exc
        raise


def _search(db: sqlite3.Connection, query: SearchQuery, expression: str) -> SearchResult:
    plan = _plan(db, query, expression)
    if plan is None:
        return SearchResult(hits=(), total=0, bounded=False)
    matches = _window_count(db, plan)
    if matches > RANK_WINDOW and query.sort is SortOrder.RELEVANCE:
        ranked = _newest(db, query, plan)
    else:
        ranked, _ = _ranked(db, query, plan)
    hits = _hits(db, expression, ranked)
    return SearchResult(hits=hits, total=min(matches, RANK_WINDOW), bounded=matches > RANK_WINDOW)


def _plan(db: sqlite3.Connection, query: SearchQuery, expression: str) -> _Plan | None:
    """The WHERE clause over ``articles_fts f``; None when no article is in the date range.

    Filters never read the articles table row by row (a few KB each): dates become a
    rowid range, then each match's date is read from the small (num, published) index.
    """
    where: list[str] = ["articles_fts MATCH ?"]
    params: list[object] = [expression]
    dates, date_params = _date_condition(query)
    if dates:
        low, high = db.execute(
            "SELECT min(num), max(num) FROM articles WHERE "
            + " AND ".join(f"published {op}" for op in dates.split(" AND ")),
            date_params,
        ).fetchone()
        if low is None:
            return None
        where.append("f.rowid BETWEEN ? AND ?")
        where.append(" AND ".join(f"{PUBLISHED} {op}" for op in dates.split(" AND ")))
        params += [low, high, *date_params]
    if query.category:
        where.append(
            "EXISTS (SELECT 1 FROM article_categories ac JOIN categories c"
            " ON c.id = ac.category_id WHERE ac.article_num = f.rowid AND c.name = ?)"
        )
        params.append(query.category)
    if not query.duplicates:  # near-duplicates are hidden (never deleted)
        where.append(
            "f.rowid NOT IN (SELECT article_num FROM groupings WHERE duplicate_of IS NOT NULL)"
        )
    return _Plan(" AND ".join(where), tuple(params))


def _date_condition(query: SearchQuery) -> tuple[str, list[object]]:
    conditions: list[str] = []
    params: list[object] = []
    if query.date_from:
        conditions.append(">= ?")
        params.append(query.date_from)
    if query.date_to:
        conditions.append("<= ?")
        params.append(query.date_to + "\uffff")  # inclusive of times on that day
    return " AND ".join(conditions), params


def _window_count(db: sqlite3.Connection, plan: _Plan) -> int:
    """How many matches there are, counted up to one past the window (newest first)."""
    row = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM articles_fts f WHERE {plan.where}"
        " ORDER BY f.rowid DESC LIMIT ?)",
        (*plan.params, RANK_WINDOW + 1),
    ).fetchone()
    return int(row[0])


def _newest(db: sqlite3.Connection, query: SearchQuery, plan: _Plan) -> list[tuple[int, float]]:
    """A very common query's page, newest first within the window, without bm25: bm25
    scans every match of each phrase in the archive for its IDF (tens of ms for "the"),
    and ranking by relevance means little when thousands of articles match."""
    window = max(0, min(query.limit, RANK_WINDOW - query.offset))
    rows = db.execute(
        f"SELECT f.rowid FROM articles_fts f WHERE {plan.where}"
        " ORDER BY f.rowid DESC LIMIT ? OFFSET ?",
        (*plan.params, window, max(query.offset, 0)),
    ).fetchall()
    return [(int(num), 0.0) for (num,) in rows]


def _ranked(
    db: sqlite3.Connection, query: SearchQuery, plan: _Plan
) -> tuple[list[tuple[int, float]], int | None]:
    """The page of hits, ranked within the newest ``RANK_WINDOW`` matches, and how many
    matches the window walked (``RANK_WINDOW + 1`` means more than the window).

    One FTS5 evaluation walks the matches newest first, stopping one past the window,
    and ranks them; the count comes with the page (None when the page is empty). bm25
    itself scans every match of each phrase once (its IDF), whatever the window.
    """
    newest = query.sort is SortOrder.NEWEST
    published = f", {PUBLISHED} AS published" if newest else ""
    order = "w.published DESC NULLS LAST, w.num DESC" if newest else "w.score, w.num DESC"
    rows = db.execute(
        f"WITH w AS MATERIALIZED (SELECT f.rowid AS num, {BM25} AS score{published}"
        f" FROM articles_fts f WHERE {plan.where} ORDER BY f.rowid DESC LIMIT ?),"
        " n AS (SELECT count(*) AS matches, min(num) AS oldest FROM w)"
        " SELECT w.num, w.score, n.matches FROM w, n"
        f" WHERE n.matches <= ? OR w.num > n.oldest ORDER BY {order} LIMIT ? OFFSET ?",
        (*plan.params, RANK_WINDOW + 1, RANK_WINDOW, max(query.limit, 0), max(query.offset, 0)),
    ).fetchall()
    matches = int(rows[0][2]) if rows else None
    if not rows and query.offset <= 0 and query.limit > 0:
        matches = 0
    return [(int(num), float(score)) for num, score, _ in rows], matches


def _hits(
    db: sqlite3.Connection, expression: str, ranked: list[tuple[int, float]]
) -> tuple[SearchHit, ...]:
    """Snippets and listing fields for the ranked rows, evaluating the query once.

    A prefix or phrase query rebuilds its doclist on every evaluation, so the snippets
    come from one scan of the ranked rows' rowid range; ``+f.rowid IN`` keeps the list
    out of FTS5's hands (it would evaluate the query once per rowid) and computes a
    snippet only for the ranked rows.
    """
    if not ranked:
        return ()
    nums = [num for num, _ in ranked]
    marks = ",".join("?" * len(nums))
    rows = _snippet_rows(db, _expand_prefixes(db, expression, nums), nums)
    missing = [num for num in nums if num not in rows]
    if missing:  # a hit the expanded words missed (the stemmer's doing): the query itself
        rows.update(_snippet_rows(db, expression, missing))
    categories: dict[int, list[str]] = {}
    for num, name in db.execute(
        "SELECT ac.article_num, c.name FROM article_categories ac"
        f" JOIN categories c ON c.id = ac.category_id WHERE ac.article_num IN ({marks})"
        " ORDER BY ac.article_num, ac.position",
        nums,
    ):
        categories.setdefault(num, []).append(name)
    return tuple(_hit(rows[num], tuple(categories.get(num, ())), score) for num, score in ranked)


def _snippet_rows(
    db: sqlite3.Connection, expression: str, nums: list[int]
) -> dict[int, tuple[str, str, str | None, str | None, str, str | None]]:
    marks = ",".join("?" * len(nums))
    return {
        row[0]: row[1:]
        for row in db.execute(
            f"SELECT f.rowid, snippet(articles_fts, -1, ?, ?, '…', {SNIPPET_TOKENS}),"
            " a.id, a.title, a.summary, a.body, a.published"
            " FROM articles_fts f CROSS JOIN articles a ON a.num = f.rowid"
            f" WHERE articles_fts MATCH ? AND f.rowid BETWEEN ? AND ? AND +f.rowid IN ({marks})",
            (HIGHLIGHT_OPEN, HIGHLIGHT_CLOSE, expression, min(nums), max(nums), *nums),
        )
    }


def _expand_prefixes(db: sqlite3.Connection, expression: str, nums: list[int]) -> str:
    """For the snippets of a query of plain words and ``prefix*``: each prefix becomes
    the OR of the hits' own words that start with it.

    FTS5 merges the doclists of every term of a prefix on each evaluation (about 16 ms
    for ``elect*`` at 1M articles), whatever the rowid range; the hits' words are a
    handful of terms that FTS5 seeks within the range. Any other query is left as it is.
    """
    tokens = expression.split()
    prefixes = {_fold(t[:-1]) for t in tokens if t.endswith("*")}
    if not prefixes or not all(t in _OPERATORS or _PLAIN.match(t) for t in tokens):
        return expression
    marks = ",".join("?" * len(nums))
    texts = (
        db.execute(
            "SELECT group_concat(coalesce(title, '') || ' ' || coalesce(summary, '') || ' '"
            f" || body || ' ' || captions, ' ') FROM articles WHERE num IN ({marks})",
            nums,
        ).fetchone()[0]
        or ""
    )
    text = texts if texts.isascii() else _fold(texts)
    words: dict[str, set[str]] = {}
    for prefix in prefixes:
        pattern = rf"(?<![^\W_]){re.escape(prefix)}[^\W_]*"
        words[prefix] = {word.lower() for word in re.findall(pattern, text, re.IGNORECASE)}
    if not all(words.values()) or sum(map(len, words.values())) > _MAX_EXPANSION:
        return expression
    return " ".join(
        f"({' OR '.join(sorted(words[_fold(t[:-1])]))})" if t.endswith("*") else t for t in tokens
    )


def _fold(word: str) -> str:
    """A word as the unicode61 tokenizer indexes it before stemming: case and diacritics
    removed (``remove_diacritics 2``)."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _hit(
    row: tuple[str, str, str | None, str | None, str, str | None],
    categories: tuple[str, ...],
    score: float,
) -> SearchHit:
    snippet, article_id, title, summary, body, published = row
    headline = title or summary or body.split("\n\n", 1)[0]
    return SearchHit(
        id=article_id,
        headline=headline,
        title=title,
        summary=summary,
        snippet=snippet,
        published=published,
        categories=categories,
        score=-score,  # bm25 is lower-is-better; a hit's score is higher-is-better
    )
