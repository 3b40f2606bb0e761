"""Where one article ends and the next begins in a flattened listing page.

An article opens with a *start group*: one or two headline lines (a title, a summary or
both) and any byline, date or category lines, before its first paragraph. A group with
a byline, two headlines, or right after a "Continue reading" is certain. A lone
unpunctuated line followed by paragraphs may instead be a paragraph that lost its full
stop, or a subheading: it opens an article only when the vocabulary changes across it
(see ``cohesion``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsarchive.extract import cohesion
from newsarchive.extract.items import Item, Kind

_GROUP_KINDS = (Kind.HEADING, Kind.BYLINE, Kind.CATEGORY)
_BODY_KINDS = (Kind.PARA, Kind.CAPTION, Kind.RELATED)
_ENDINGS = (Kind.TEASER_END, Kind.FOOTER, Kind.CATEGORY)
_WINDOW = 2  # paragraphs on each side of a boundary compared for cohesion
# Below this cosine the two sides of a lone headline are taken as different stories.
# Measured on our layouts: boundaries score 0.00-0.12, paragraphs within one story 0.25+.
_MAX_COHESION = 0.2
# In layouts where every certain headline has a byline, a lone one is more likely a
# subheading: it must be a far cleaner break to open an article.
_MAX_COHESION_STRICT = 0.05


_CONNECTIVES = (
    r"(?:this|these|that|those|it|its|he|his|she|her|they|their|but|and|or|so|also|however"
    r"|meanwhile|still|yet|instead|moreover|furthermore|then|later|earlier)\b"
)
_CONTINUATION = re.compile(rf"(?i:{_CONNECTIVES})")
_LEAD_CONTINUATION = re.compile(rf"^(?:[“\"‘'«„]|[a-z]|(?i:{_CONNECTIVES}))")


@dataclass(frozen=True, slots=True)
class Candidate:
    index: int  # first item of the start group
    body: int  # first item after the group
    headings: int
    certain: bool


def split_items(items: Sequence[Item]) -> list[list[Item]]:
    """The items of each article, in order. Items before the first article (page chrome
    with no paragraphs) are dropped."""
    candidates = _candidates(items)
    if not candidates:
        return [list(items)] if items else []
    starts = _accepted_starts(items, candidates)
    if _has_content(items[: starts[0]]):
        starts.insert(0, 0)
    bounds = [*starts, len(items)]
    return [list(items[a:b]) for a, b in itertools.pairwise(bounds) if a < b]


def _candidates(items: Sequence[Item]) -> list[Candidate]:
    found: list[Candidate] = []
    i = 0
    while i < len(items):
        kind = items[i].kind
        opens = kind is Kind.HEADING or (kind is Kind.BYLINE and _dated(items[i]))
        if not opens:
            i += 1
            continue
        j = _group_end(items, i)
        headings = sum(1 for it in items[i:j] if it.kind is Kind.HEADING)
        has_byline = any(it.kind is Kind.BYLINE for it in items[i:j])
        if j < len(items) and items[j].kind in _BODY_KINDS and (headings or has_byline):
            after_ending = i > 0 and items[i - 1].kind in (Kind.TEASER_END, Kind.FOOTER)
            certain = has_byline or headings >= 2 or after_ending or not found
            found.append(Candidate(i, j, headings, certain))
        i = max(j, i + 1)
    return found


def _dated(item: Item) -> bool:
    return item.byline is not None and item.byline.date_text is not None


def _group_end(items: Sequence[Item], i: int) -> int:
    """The index after a start group: headlines (at most two), bylines, category lines."""
    headings = 0
    j = i
    while j < len(items) and items[j].kind in _GROUP_KINDS:
        if items[j].kind is Kind.HEADING:
            headings += 1
            if headings > 2 or (headings == 2 and items[j - 1].kind is not Kind.HEADING):
                break
        j += 1
    return j


def _accepted_starts(items: Sequence[Item], candidates: Sequence[Candidate]) -> list[int]:
    doubtful = [n for n, c in enumerate(candidates) if n and not c.certain]
    windows = {
        n: _windows(items, candidates, n) for n in doubtful if not _continues(items, candidates[n])
    }
    bags = {k: cohesion.terms(items[k].text) for pair in windows.values() for w in pair for k in w}
    weights = cohesion.inverse_document_frequencies(bags.values())
    limit = _MAX_COHESION_STRICT if _bylined_layout(items, candidates) else _MAX_COHESION
    starts: list[int] = []
    for n, cand in enumerate(candidates):
        if n in windows:
            before, after = windows[n]
            left = frozenset().union(*(bags[k] for k in before))
            right = frozenset().union(*(bags[k] for k in after))
            if cohesion.similarity(left, right, weights) >= limit:
                continue
        elif n in doubtful:
            continue
        starts.append(cand.index)
    return starts


def _windows(
    items: Sequence[Item], candidates: Sequence[Candidate], n: int
) -> tuple[list[int], list[int]]:
    """The paragraphs just before a candidate (back to the previous one) and the candidate's
    headline with the paragraphs after it (up to the next one)."""
    cand = candidates[n]
    first = candidates[n - 1].body
    stop = candidates[n + 1].index if n + 1 < len(candidates) else len(items)
    before = [k for k in range(cand.index - 1, first - 1, -1) if items[k].kind is Kind.PARA]
    after = [k for k in range(cand.body, stop) if items[k].kind is Kind.PARA]
    return before[:_WINDOW], [cand.index, *after[:_WINDOW]]


def _continues(items: Sequence[Item], cand: Candidate) -> bool:
    """Text that leans on what came before cannot open an article: a headline starting
    "This…"/"But…", or a first paragraph starting with a quotation or a pronoun."""
    if _CONTINUATION.match(items[cand.index].text) is not None:
        return True
    lead = next(
        (items[k] for k in range(cand.body, len(items)) if items[k].kind is Kind.PARA), None
    )
    return lead is not None and _LEAD_CONTINUATION.match(lead.text) is not None


def _bylined_layout(items: Sequence[Item], candidates: Sequence[Candidate]) -> bool:
    certain = [c for c in candidates if c.certain]
    with_byline = [
        c for c in certain if any(it.kind is Kind.BYLINE for it in items[c.index : c.body])
    ]
    return len(with_byline) >= 2 and len(with_byline) == len(certain)


def _has_content(items: Sequence[Item]) -> bool:
    return any(it.kind is Kind.PARA for it in items)


def is_ending(item: Item) -> bool:
    return item.kind in _ENDINGS
