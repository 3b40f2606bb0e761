"""Snippets of PostgreSQL search hits, marked here instead of by ``ts_headline``.

``ts_headline`` parses every text it is given and costs a statement of its own (about
0.8 ms for a page of 20 hits at 1M articles, a fifth of the page). Here a word is marked
when its lexeme is one of the query's (or begins with a prefix's), alone or as the next
word of one of the query's phrases. Words follow one another as PostgreSQL's parser
numbers them: a hyphenated compound is one token followed by each of its parts, so
phrases count positions alike (``'kilroy-silk' <-> 'kilroy' <-> 'silk'``) and the parts
are what is marked. Only the words that begin as one of the query's lexemes does
(``scan``, diacritics folded) can match, and only they need a lexeme: PostgreSQL gives
it (``to_tsvector``, the documents' configuration), and ``pg_search`` asks for the words
it has not seen before.

A long text is first cut to an excerpt (``excerpt``) around the first place where the
query's longest word or phrase seems to be (``probes``: a phrase's words' starts one
after another, so "prime minister" is not looked for at an earlier "foreign minister").
The snippet is about ``CHARS`` characters (24 words of news prose, as ``ts_headline``'s
MaxWords): the stretch holding the most distinct marked words, widened evenly on both
sides and cut at spaces; the text's start when nothing is marked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from newsarchive.store.base import HIGHLIGHT_CLOSE, HIGHLIGHT_OPEN

CHARS = 150  # a snippet's length, about 24 words
EXCERPT_BEFORE, EXCERPT_CHARS = 60, 180  # a long text's excerpt around a probable match
_WORD = re.compile(r"[^\W_]+")
_COMPOUND = re.compile(r"[^\W_]+(?:-[^\W_]+)+")
_WORD_START = re.compile(r"(?<![^\W_])[^\W_]")
# a normalised tsquery's tokens: a lexeme (with its weights or prefix mark), an operator
_QUERY_TOKEN = re.compile(r"'((?:[^']|'')*)'(:[*A-D]+)?|(<\d*-?>)|([&|!()])")


def _fold_table() -> dict[int, int]:
    """Latin letters with diacritics to their base letter, one character for one (so
    offsets in the folded text are the text's)."""
    table: dict[int, int] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFKD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = ord(base)
    return table


_FOLD = _fold_table()
# each base letter with the letters it stands for when folded: patterns match them all,
# so a text is searched as it is (translating a text character by character is slow)
_VARIANTS = {
    base: base + "".join(sorted(chr(code) for code, folded in _FOLD.items() if folded == ord(base)))
    for base in {chr(folded) for folded in _FOLD.values()}
}


def _loose(word: str) -> str:
    """A pattern of the (folded) word matching its letters with or without diacritics."""
    return "".join(f"[{_VARIANTS[c]}]" if c in _VARIANTS else re.escape(c) for c in word)


@dataclass(frozen=True, slots=True)
class Terms:
    """What a query marks: each of its phrases not under NOT, as (lexeme, prefix) pairs
    standing on consecutive tokens (a single word is a phrase of one)."""

    phrases: tuple[tuple[tuple[str, bool], ...], ...]
    # a word that may match begins as one of the lexemes do (case and diacritics aside)
    starts: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        heads = sorted({_fold(lexeme[:3]) for phrase in self.phrases for lexeme, _ in phrase})
        alternatives = "|".join(map(_loose, heads)) or "(?!)"
        pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)
        object.__setattr__(self, "starts", pattern)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A word of a text that may match (``scan``): where it ends, its key (lower-cased),
    and the compound beginning with it, if any (where that ends, its key)."""

    end: int
    key: str
    compound: tuple[int, str] | None


def terms(normalised: str) -> Terms:
    """The phrases of a normalised tsquery (``'prime' <-> 'minist' & !'x'``) that are not
    negated."""
    phrases: list[tuple[tuple[str, bool], ...]] = []
    current: list[tuple[str, bool]] = []
    depth, negated_from = 0, -1  # the depth a NOT group began at (-1: none open)
    negate_next = joined = False
    for lexeme, marks, phrase_operator, operator in _QUERY_TOKEN.findall(normalised):
        if phrase_operator:
            joined = True
            continue
        if operator or not joined:
            if current:
                phrases.append(tuple(current))
            current = []
        joined = False
        if operator == "!":
            negate_next = True
        elif operator == "(":
            if negate_next and negated_from < 0:
                negated_from = depth
            depth, negate_next = depth + 1, False
        elif operator == ")":
            depth -= 1
            negated_from = -1 if depth == negated_from else negated_from
        elif not operator:
            if not negate_next and negated_from < 0:
                current.append((lexeme.replace("''", "'"), "*" in marks))
            negate_next = False
    if current:
        phrases.append(tuple(current))
    return Terms(tuple(dict.fromkeys(phrases)))


@dataclass(frozen=True, slots=True)
class Probe:
    """Where a word, phrase or prefix of the query seems to be: its first word's start
    (found with ``str.find`` in the lower-cased text) and the whole, matched there."""

    head: str
    pattern: re.Pattern[str]


def probes(tsquery: str, query: Terms) -> list[Probe]:
    """Where each word, phrase or prefix of the query (``to_tsquery`` input, each a
    quoted lexeme) seems to be, the longest first: its words' starts one after another
    (``_stem_start``; the query's diacritics folded)."""
    lexemes = {_fold(lexeme) for phrase in query.phrases for lexeme, _ in phrase}
    leaves = {leaf.replace("''", "'") for leaf in re.findall(r"'((?:[^']|'')*)'", tsquery)}
    found = []
    for leaf in sorted(leaves, key=lambda leaf: (-len(leaf), leaf)):
        cut = [_stem_start(word, lexemes) for word in _WORD.findall(_fold(leaf))]
        if cut:
            found.append(Probe(cut[0], re.compile(r"[^\W_]*\W+".join(map(re.escape, cut)))))
    return found


def _stem_start(word: str, lexemes: set[str]) -> str:
    """The word cut before where a suffix may begin, and further to what it shares with
    the lexeme closest to it (``running``: ``run``) when that is at least 3 letters."""
    cut = word if len(word) <= 4 else word[: max(4, len(word) - 3)]
    shared = max((_shared(word, lexeme) for lexeme in lexemes), default=0)
    return cut[:shared] if shared >= 3 else cut


def _shared(a: str, b: str) -> int:
    """How many letters the two words begin with alike."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _fold(text: str) -> str:
    return text.lower().translate(_FOLD)


def excerpt(text: str, found: list[Probe]) -> str | None:
    """The text (cut, when long, to ``EXCERPT_CHARS`` around the first place where one
    of the ``probes`` matches at a word's start, the first that does, cut at spaces);
    None when none does."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter lower-cased into two: offsets would differ
        lowered = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    for probe in found:
        at = lowered.find(probe.head)
        while at >= 0:
            if not (at and lowered[at - 1].isalnum()) and (
                match := probe.pattern.match(lowered, at)
            ):
                if len(text) <= EXCERPT_CHARS:
                    return text
                start = max(0, at - EXCERPT_BEFORE)
                if start:  # from a word's start: after the first space, if before the match
                    space = text.find(" ", start, at)
                    start = space + 1 if space >= 0 else start
                return text[start : _cut_end(text, match.end(), start + EXCERPT_CHARS)]
            at = lowered.find(probe.head, at + 1)
    return None


def scan(text: str, query: Terms) -> dict[int, Candidate]:
    """The words of the text that may match the query, by where they begin."""
    found: dict[int, Candidate] = {}
    for match in query.starts.finditer(text):
        start = match.start()
        word = _WORD.match(text, start)
        if word is None:
            continue
        end = word.end()
        compound = None
        if text.startswith("-", end) and not _part(text, start):
            whole = _COMPOUND.match(text, start)
            if whole is not None:
                compound = (whole.end(), whole.group().lower())
        found[start] = Candidate(end, word.group().lower(), compound)
    return found


def keys(found: dict[int, Candidate]) -> set[str]:
    """The words (and compounds) whose lexemes ``mark`` needs."""
    return {key for word in found.values() for key in _keys(word)}


def _keys(word: Candidate) -> tuple[str, ...]:
    return (word.key, word.compound[1]) if word.compound else (word.key,)


def mark(
    text: str, found: dict[int, Candidate], query: Terms, lexemes: Mapping[str, str | None]
) -> str:
    """The text's snippet with the query's words marked (``lexemes``: the lexemes of the
    ``keys`` of ``found``, the text's ``scan``)."""
    marks = _marks(text, found, query, lexemes) if found else []
    if marks:
        start, end = _window(text, marks)
    else:
        start, end = 0, _cut_end(text, 0, min(len(text), CHARS // 2))
    out: list[str] = []
    position = start
    for first, last in marks:
        if start <= first and last <= end:
            out += (text[position:first], HIGHLIGHT_OPEN, text[first:last], HIGHLIGHT_CLOSE)
            position = last
    out.append(text[position:end])
    return "".join(out).rstrip()


def _marks(
    text: str, found: dict[int, Candidate], query: Terms, lexemes: Mapping[str, str | None]
) -> list[tuple[int, int]]:
    """The spans of the words to mark, in order: each phrase found from a word that may
    match (or the compound it begins), its words (a compound's parts) marked."""
    spans: set[tuple[int, int]] = set()
    for start, word in found.items():
        for compound in (True, False) if word.compound else (False,):
            for phrase in query.phrases:
                end = _phrase_at(text, found, lexemes, phrase, start, compound)
                if end is not None:
                    spans.update(match.span() for match in _WORD.finditer(text, start, end))
    return sorted(spans)


def _phrase_at(
    text: str,
    found: dict[int, Candidate],
    lexemes: Mapping[str, str | None],
    phrase: tuple[tuple[str, bool], ...],
    start: int,
    compound: bool,
) -> int | None:
    """Where the phrase ends when it stands at the token of the word beginning at
    ``start`` (the compound beginning there, if ``compound``); None if it does not."""
    end = start
    for n, (wanted, prefix) in enumerate(phrase):
        word = found.get(start)
        if word is None or (compound and word.compound is None):
            return None
        lexeme = lexemes.get(word.compound[1] if compound and word.compound else word.key)
        if lexeme is None or not (lexeme.startswith(wanted) if prefix else lexeme == wanted):
            return None
        if compound and word.compound:  # its parts come next, from its first word on
            end, compound = max(end, word.compound[0]), False
            continue
        end = max(end, word.end)
        if n + 1 < len(phrase):  # the next word: the compound it begins first, if any
            following = _WORD.search(text, word.end)
            if following is None:
                return None
            start = following.start()
            upcoming = found.get(start)
            compound = upcoming is not None and upcoming.compound is not None
    return end


def _part(text: str, start: int) -> bool:
    """Whether the word beginning at ``start`` is a part of a hyphenated compound (not
    its first)."""
    return start > 1 and text[start - 1] == "-" and _WORD.match(text, start - 2) is not None


def _window(text: str, marks: list[tuple[int, int]]) -> tuple[int, int]:
    """Where the snippet begins and ends: the stretch of at most ``CHARS`` characters
    from a marked word holding the most distinct marked words (the first on a tie),
    widened evenly to ``CHARS`` characters within the text, cut at spaces."""
    best = (0, 0, 0)
    for n, (first, _) in enumerate(marks):
        distinct: set[str] = set()
        last = n
        for i in range(n, len(marks)):
            if marks[i][1] - first > CHARS:
                break
            distinct.add(text[marks[i][0] : marks[i][1]].lower())
            last = i
        if len(distinct) > best[0]:
            best = (len(distinct), n, last)
    _, n, last = best
    first, end = marks[n][0], marks[last][1]
    start = max(0, first - max(0, CHARS - (end - first)) // 2)
    if start > 0:  # from a word's start
        word = _WORD_START.search(text, start, first + 1)
        start = word.start() if word else first
    return start, _cut_end(text, end, min(len(text), start + max(CHARS, end - start)))


def _cut_end(text: str, least: int, end: int) -> int:
    """``end``, moved back to a space if it falls inside a word (not before ``least``)."""
    if not 0 < end < len(text) or not (_WORD.match(text, end - 1) and _WORD.match(text, end)):
        return end
    space = max(text.rfind(" ", least, end), text.rfind("\n", least, end))
    return space if space > 0 and space >= least else end
