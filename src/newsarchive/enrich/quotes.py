"""Quotations: direct (in quotation marks), mixed (a partial quote inside reported speech)
and indirect ("X said that ...", "according to X, ..."), each attributed to its speaker.

Offsets index the parsed text (``enrichment_text(article)``); a direct quotation's span
includes its quotation marks, as annotated corpora (PolNeAR, PARC) do.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from newsarchive.enrich.cues import (
    ADDRESSEE,
    CLAUSE_ONLY,
    MARKS_ONLY,
    cue_lemma,
    is_according_to,
    layout_cues,
    quoted_as_saying,
)
from newsarchive.enrich.speakers import SpeakerResolver
from newsarchive.model import Entity, Quote

_DOUBLE_OPEN, _DOUBLE_CLOSE = "“„«", "”»"
_SINGLE_OPEN, _SINGLE_CLOSE = "‘‹", "’›"
_STRAIGHT = '"'
_CLOSERS = _DOUBLE_CLOSE + _SINGLE_CLOSE + _STRAIGHT
_MARKS = _DOUBLE_OPEN + _SINGLE_OPEN + _CLOSERS
_PARAGRAPH = "\n\n"
_CONTENT_DEPS = frozenset({"ccomp"})
_OBJECT_DEPS = frozenset({"dobj", "oprd", "xcomp", "prep", "dative", "attr", "acomp"})
_INHERIT_DEPS = frozenset({"conj", "advcl", "xcomp", "acl", "pcomp"})
_RELATIVE = frozenset({"who", "which", "that"})

Char = tuple[int, int]


# -- quotation marks -----------------------------------------------------------------------


def quoted_spans(text: str) -> list[Char]:
    """The ``[start, end)`` spans of top-level quotations, marks included.

    Nested quotes stay inside their outer quote; a quote still open at a paragraph's end
    continues when the next paragraph opens with a quotation mark (the typographic
    convention for a quote of several paragraphs), else it ends with its paragraph;
    closing marks without an opening one are ignored."""
    spans: list[Char] = []
    carried: int | None = None
    paragraphs = list(_paragraphs(text))
    for n, (start, end) in enumerate(paragraphs):
        found, open_at = _scan(text, start, end, carried)
        spans.extend(found)
        carried = None
        if open_at is not None:
            following = paragraphs[n + 1][0] if n + 1 < len(paragraphs) else None
            if following is not None and text[following] in _DOUBLE_OPEN + _STRAIGHT:
                carried = open_at
            else:
                spans.append((open_at, end))
    return [s for s in spans if any(c.isalnum() for c in text[s[0] : s[1]])]


def _paragraphs(text: str) -> Iterator[Char]:
    start = 0
    while start < len(text):
        end = text.find(_PARAGRAPH, start)
        end = len(text) if end < 0 else end
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        if chunk.strip():
            yield start + lead, start + len(chunk.rstrip())
        start = end + len(_PARAGRAPH)


def _scan(text: str, start: int, end: int, carried: int | None) -> tuple[list[Char], int | None]:
    """Quotes closed within ``text[start:end]`` and where one is left open, if any."""
    spans: list[Char] = []
    stack: list[str] = ["“"] if carried is not None else []
    open_at = carried
    i = start
    if carried is not None:
        i += 1  # the paragraph's opening mark continues the quote
    while i < end:
        char = text[i]
        kind = _mark(text, i, start, end, stack)
        if kind == "open":
            if not stack:
                open_at = i
            stack.append(char)
        elif kind == "close" and stack:
            stack.pop()
            if not stack and open_at is not None:
                spans.append((open_at, i + 1))
                open_at = None
        i += 1
    return spans, (open_at if stack else None)


def _mark(text: str, i: int, start: int, end: int, stack: list[str]) -> str | None:
    """ "open", "close" or None (not a quotation mark here, e.g. an apostrophe)."""
    char = text[i]
    inside_double = any(m not in _SINGLE_OPEN for m in stack)
    if char in _DOUBLE_OPEN:
        # „…“ closes with “; a “ inside an open “ quote is taken as a nested one
        if char == "“" and stack and stack[-1] == "„":
            return "close"
        return "open"
    if char in _DOUBLE_CLOSE:
        return "close" if inside_double else None
    if char == _STRAIGHT:
        if stack and stack[-1] in _DOUBLE_OPEN + _STRAIGHT:
            return "close"
        before = text[i - 1] if i > start else " "
        return "open" if not before.isalnum() else None
    if char in _SINGLE_OPEN:
        return "open"
    if char in _SINGLE_CLOSE:
        after = text[i + 1] if i + 1 < end else " "
        if stack and stack[-1] in _SINGLE_OPEN and not after.isalnum():
            return "close"
    return None


# -- cues -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Cue:
    token: Token
    cue: str
    source: Span | None
    content: Char | None
    marks_only: bool = False
    direct: list[Char] = field(default_factory=list)


def _find_cues(doc: Doc, direct: Sequence[Char]) -> list[_Cue]:
    cues: list[_Cue] = []
    starts = [s for s, _ in direct]
    for token in doc:
        n = bisect.bisect_right(starts, token.idx) - 1
        if n >= 0 and token.idx < direct[n][1]:
            continue
        cue = _cue_at(token)
        if cue is not None:
            cues.append(cue)
    return cues


def _cue_at(token: Token) -> _Cue | None:
    if is_according_to(token):
        to = next(c for c in token.children if c.lower_ == "to")
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            return None
        drop = {token, *to.subtree}
        head = token.head if token.head is not token else token
        if any(t not in drop for t in head.subtree) and head is not token:
            content = _clause_without(head, drop)
        else:
            content = _clause_without(token.sent.root, drop)
        return _Cue(token, "according to", _source_span(pobj), content)
    if quoted_as_saying(token):
        quoted = next((c for c in token.children if c.dep_ in {"nsubjpass", "nsubj"}), None)
        saying = next(g for c in token.children if c.lower_ == "as" for g in c.children)
        return _Cue(token, "quoted as saying", _source(quoted), _complement(saying, "say"))
    lemma = cue_lemma(token)
    if lemma is None:
        return None
    subject = _subject(token)
    if subject is None:
        return None
    content = _clause(token) if lemma in CLAUSE_ONLY else _complement(token, lemma)
    if content is None and token.dep_ == "parataxis" and token.head.i != token.i:
        content = _clause_without(token.head, set(token.subtree))
    # "called the plan a disaster" names what was said; "called for talks" does not
    names_it = any(c.dep_ in {"oprd", "ccomp"} for c in token.children)
    marks_only = lemma in MARKS_ONLY and not names_it
    return _Cue(token, _cue_text(token), subject, content, marks_only=marks_only)


def _cue_text(token: Token) -> str:
    particles = [c.text for c in token.children if c.dep_ == "prt"]
    return " ".join([token.lower_, *particles])


def _subject(token: Token) -> Span | None:
    """The subject of a reporting verb, inherited along "and said", "adding", "saying"."""
    for _ in range(4):
        agent = next((c for c in token.children if c.dep_ == "agent"), None)
        if agent is not None:
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
            return _source_span(pobj) if pobj is not None else None
        if any(c.dep_ == "nsubjpass" for c in token.children):
            return None  # "it was claimed that ...", "which is estimated to ...": no speaker
        subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
        if subject is not None:
            if subject.lower_ in _RELATIVE and token.dep_ == "relcl":
                return _source_span(token.head)
            return _source_span(subject)
        inherits = token.dep_ in {"conj", "xcomp"} or (
            token.dep_ in _INHERIT_DEPS and token.tag_ == "VBG"
        )
        if not inherits or token.head is token:
            return None
        token = token.head
    return None


def _source(token: Token | None) -> Span | None:
    return None if token is None else _source_span(token)


def _source_span(token: Token) -> Span:
    """The noun phrase naming a source, without relative clauses and edge punctuation."""
    skip = {
        t.i for c in token.children if c.i > token.i
        and (c.dep_ in {"relcl", "acl", "advcl"} or (c.dep_ == "prep" and _loose_prep(c)))
        for t in c.subtree
    }  # fmt: skip
    if any(c.dep_ == "appos" for c in token.children):
        skip -= {t.i for c in token.children if c.dep_ == "appos" for t in c.subtree}
    words = [t for t in token.subtree if t.i not in skip]
    return _trim(token.doc, words[0].i, words[-1].i + 1)


def _loose_prep(prep: Token) -> bool:
    """A preposition that is no part of a name or title ("of", "Ambassador-at-Large")."""
    return prep.lower_ != "of" and bool(prep.doc[prep.i - 1].whitespace_)


def _trim(doc: Doc, start: int, end: int) -> Span:
    while end - start > 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        if doc[end - 1].text == ")" and "(" in doc[start:end].text:
            break
        end -= 1
    while end - start > 1 and (doc[start].is_punct or doc[start].is_space):
        start += 1
    return doc[start:end]


def _clause(token: Token) -> Char | None:
    """A reporting verb's clausal complement only ("added that X")."""
    clauses = [t.i for c in token.children if c.dep_ in _CONTENT_DEPS for t in c.subtree]
    if not clauses:
        return None
    return _content_chars(token.doc, *_without_that(token.doc, min(clauses), max(clauses) + 1))


def _without_that(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].dep_ == "mark" and doc[start].lower_ == "that":
        start += 1
    return start, end


def _complement(token: Token, lemma: str) -> Char | None:
    """What a reporting verb reports: its clause ("said [that] X"), else its object
    ("confirmed the move", "accused Ukraine of X"), never the addressee ("told journalists")."""
    clauses = [c for c in token.children if c.dep_ in _CONTENT_DEPS]
    if not clauses:
        clauses = [
            c
            for c in token.children
            if c.dep_ in _OBJECT_DEPS and c.i > token.i
            and not (lemma in ADDRESSEE and c.dep_ in {"dobj", "dative"})
            and not (c.dep_ == "prep" and c.lower_ not in {"of", "about", "that"})
            and not (c.dep_ == "dobj" and c.tag_ == "PRP")
        ]  # fmt: skip
    if not clauses:
        return None
    words = sorted(t.i for c in clauses for t in c.subtree)
    return _content_chars(token.doc, *_without_that(token.doc, words[0], words[-1] + 1))


def _clause_without(head: Token, drop: set[Token]) -> Char | None:
    """``head``'s clause minus a parenthetical cue ("X, he said, Y" / "according to X")."""
    kept = [t.i for t in head.subtree if t not in drop and not _edge(t, _MARKS)]
    if not kept:
        return None
    return _content_chars(head.doc, kept[0], kept[-1] + 1)


def _content_chars(doc: Doc, start: int, end: int) -> Char | None:
    while start < end and _edge(doc[start], _DOUBLE_OPEN + _SINGLE_OPEN + _STRAIGHT):
        start += 1
    while start < end and _edge(doc[end - 1], _CLOSERS):
        end -= 1
    if start >= end:
        return None
    span = doc[start:end]
    return span.start_char, span.end_char


def _edge(token: Token, marks: str) -> bool:
    """Punctuation or space that a content span does not start or end with (quotation
    marks stay: they show where the speaker's own words are)."""
    return token.is_space or (token.is_punct and token.text not in marks)


# -- assembly -------------------------------------------------------------------------------


def find_quotes(doc: Doc, entities: Sequence[Entity]) -> tuple[Quote, ...]:
    """The quotations of a parsed article, in text order, attributed to their speakers."""
    text = doc.text
    direct = quoted_spans(text)
    cues = _find_cues(doc, direct)
    loose = _attach(doc, direct, cues)
    resolver = SpeakerResolver(doc, entities, direct)
    quotes: list[Quote] = []
    for cue, span, is_direct in sorted(_spans(cues), key=lambda x: x[1]):
        quotes.append(_quote(text, resolver, cue, span, is_direct))
    quotes.sort(key=lambda q: q.start)
    quotes = _continuations(doc, loose, quotes)
    quotes = _with_layout(doc, resolver, quotes)
    return tuple(_distinct(quotes))


def _attach(doc: Doc, direct: Sequence[Char], cues: list[_Cue]) -> list[Char]:
    """Give each quotation in marks to the cue of its sentence; the rest are returned."""
    loose: list[Char] = []
    cue_starts = [c.token.idx for c in cues]
    for span in direct:
        cue = _cue_for(doc, span, cues, cue_starts)
        if cue is None:
            loose.append(span)
        else:
            cue.direct.append(span)
    return loose


def _cue_for(doc: Doc, span: Char, cues: Sequence[_Cue], cue_starts: Sequence[int]) -> _Cue | None:
    sents = _sentences(doc, span)
    if not sents:
        return None
    lo, hi = sents[0].start_char, sents[-1].end_char
    first = bisect.bisect_left(cue_starts, lo)
    last = bisect.bisect_left(cue_starts, hi)
    near = [
        c for c in cues[first:last]
        if lo <= c.token.idx < hi and c.source is not None
        and not (span[0] <= c.source.start_char < span[1])
    ]  # fmt: skip
    if not near:
        return None
    holding = [c for c in near if c.content is not None and _overlap(c.content, span)]
    if holding:
        return min(holding, key=lambda c: _length(c.content))
    return min(near, key=lambda c: _distance(c.token, span))


def _spans(cues: Sequence[_Cue]) -> Iterator[tuple[_Cue, Char, bool]]:
    """Each cue's quotations: its reported clause joined with the marks inside it (mixed),
    and its quotations in marks that stand apart (direct)."""
    for cue in cues:
        content = cue.content
        inside = [d for d in cue.direct if content is not None and _overlap(content, d)]
        for d in cue.direct:
            if d not in inside:
                yield cue, d, True
        if content is None or (cue.marks_only and not inside):
            continue
        hull = (
            min([content[0], *(d[0] for d in inside)]),
            max([content[1], *(d[1] for d in inside)]),
        )
        yield cue, hull, any(d[0] <= hull[0] and hull[1] <= d[1] for d in inside)


def _quote(text: str, resolver: SpeakerResolver, cue: _Cue, span: Char, direct: bool) -> Quote:
    speaker = resolver.resolve(cue.source) if cue.source is not None else None
    return Quote(
        speaker=speaker.name if speaker else None,
        text=text[span[0] : span[1]],
        cue=cue.cue,
        direct=direct,
        start=span[0],
        end=span[1],
        speaker_text=cue.source.text if cue.source is not None else None,
        role=speaker.role if speaker else None,
    )


def _continuations(doc: Doc, loose: Sequence[Char], quotes: list[Quote]) -> list[Quote]:
    """A quotation in marks that fills its own sentence right after a quotation keeps that
    quotation's speaker ("“A,” he said. “B.”")."""
    out = list(quotes)
    for span in loose:
        sents = _sentences(doc, span)
        if not sents or not _fills(doc, span, sents):
            continue
        first = sents[0]
        floor = doc[first.start - 1].sent.start_char if first.start > 0 else 0
        before = [q for q in out if q.end <= span[0] and q.end > floor]
        if not before:
            continue
        prev = max(before, key=lambda q: q.end)
        out.append(
            Quote(prev.speaker, doc.text[span[0] : span[1]], prev.cue, True, span[0], span[1],
                  prev.speaker_text, prev.role)
        )  # fmt: skip
    out.sort(key=lambda q: q.start)
    return out


def _with_layout(doc: Doc, resolver: SpeakerResolver, quotes: list[Quote]) -> list[Quote]:
    """Add quotations attributed by layout ("PENCE: ...", "“...” ― Name"); they replace
    the unattributed quotations they hold."""
    text = doc.text
    added: list[Quote] = []
    for cue in layout_cues(text):
        name = doc.char_span(*cue.name, alignment_mode="expand")
        if name is None or not len(name):
            continue
        speaker = resolver.resolve_label(name)
        start, end = cue.content
        inner = quoted_spans(text[start:end])
        is_direct = len(inner) == 1 and inner[0] == (0, end - start)
        added.append(
            Quote(speaker.name, text[start:end], cue.cue, is_direct, start, end,
                  text[cue.name[0] : cue.name[1]], speaker.role)
        )  # fmt: skip
    if not added:
        return quotes
    kept = [
        q for q in quotes
        if q.speaker is not None or not any(a.start <= q.start and q.end <= a.end for a in added)
    ]  # fmt: skip
    return sorted(kept + added, key=lambda q: q.start)


def _fills(doc: Doc, span: Char, sents: Sequence[Span]) -> bool:
    text = doc.text
    head = text[sents[0].start_char : span[0]]
    tail = text[span[1] : sents[-1].end_char]
    return not any(c.isalnum() for c in head) and not any(c.isalnum() for c in tail)


def _distinct(quotes: Sequence[Quote]) -> Iterator[Quote]:
    seen: set[Char] = set()
    for quote in quotes:
        if (quote.start, quote.end) not in seen:
            seen.add((quote.start, quote.end))
            yield quote


def _sentences(doc: Doc, span: Char) -> list[Span]:
    chars = doc.char_span(span[0], span[1], alignment_mode="expand")
    if chars is None or not len(chars):
        return []
    first, last = chars[0].sent, chars[-1].sent
    if first.start == last.start:
        return [first]
    out, sent = [first], first
    while sent.end < last.end and sent.end < len(doc):
        sent = doc[sent.end].sent
        out.append(sent)
    return out


def _overlap(a: Char, b: Char) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _length(span: Char | None) -> int:
    return 0 if span is None else span[1] - span[0]


def _distance(token: Token, span: Char) -> int:
    return min(abs(token.idx - span[0]), abs(token.idx - span[1]))
