"""First pass over a dump: lines grouped into typed items (paragraph, heading, caption,
related link, byline...), with read-more boxes and caption/credit pairs resolved."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum

from newsarchive.extract import patterns as pt
from newsarchive.extract.text import Line, word_count
from newsarchive.model import Caption, RelatedLink


class Kind(Enum):
    PARA = "para"
    HEADING = "heading"
    BYLINE = "byline"
    CATEGORY = "category"
    CAPTION = "caption"
    RELATED = "related"
    TEASER_END = "teaser_end"
    FOOTER = "footer"


@dataclass(slots=True)
class Item:
    kind: Kind
    text: str
    start: int
    end: int
    blanks_before: int = 0
    caption: Caption | None = None
    related: tuple[RelatedLink, ...] = ()
    byline: pt.Byline | None = None
    categories: tuple[str, ...] = ()


def blocks_of(lines: Sequence[Line]) -> list[list[Line]]:
    """Runs of lines with no blank line between them."""
    blocks: list[list[Line]] = []
    for line in lines:
        if blocks and line.blanks_before == 0:
            blocks[-1].append(line)
        else:
            blocks.append([line])
    return blocks


def classify(lines: Sequence[Line]) -> list[Item]:
    """Typed items for a dump's lines (the page header already removed)."""
    blocks = blocks_of(unwrap(lines))
    items: list[Item] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if len(block) > 1 and pt.is_related_marker(block[0].text):
            items.append(_related_list(block))
            i += 1
            continue
        if len(block) == 1 and pt.is_related_marker(block[0].text):
            taken, box = _related_box(blocks, i)
            if box is not None:
                items.append(box)
                i += taken
                continue
        items.extend(_line_item(line) for line in block)
        i += 1
    return attach_credits(items)


def unwrap(lines: Sequence[Line]) -> list[Line]:
    """Join hard-wrapped paragraphs ("…text at 72 columns\\ncontinues here") into one line."""
    lengths = sorted(len(line.text) for line in lines)
    if len(lengths) < 8 or lengths[int(len(lengths) * 0.95)] > 110:
        return list(lines)
    width = lengths[int(len(lengths) * 0.9)]
    out: list[Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and line.blanks_before == 0 and _continues_line(prev, line, width):
            out[-1] = Line(prev.text + " " + line.text, prev.start, line.end, prev.blanks_before)
        else:
            out.append(line)
    return out


def _continues_line(prev: Line, line: Line, width: int) -> bool:
    """A wrapped line: the previous one runs close to the wrap width (or this one starts in
    lower case), and neither is a credit, byline or other line with a role of its own."""
    full = len(prev.text) >= width * 0.8
    lower = line.text[:1].islower() and len(prev.text) >= width * 0.5
    if not (full or lower):
        return False
    # a sentence ending short of the wrap width, then a capital: a new paragraph
    if len(prev.text) < width * 0.9 and pt.has_terminal_punctuation(prev.text) and not lower:
        return False
    joinable = (Kind.PARA, Kind.HEADING, Kind.CAPTION)
    return _line_item(prev).kind in joinable and _line_item(line).kind in (Kind.PARA, Kind.HEADING)


def _line_item(line: Line) -> Item:
    text = line.text
    span = (line.start, line.end, line.blanks_before)
    if pt.is_plain_paragraph(text):
        return Item(Kind.PARA, text, *span)
    if pt.is_credit(text):
        return Item(Kind.CAPTION, text, *span, caption=Caption("", pt.clean_credit(text)))
    related = pt.related_inline(text)
    if related is not None:
        return Item(Kind.RELATED, text, *span, related=(_link(related, None),))
    if pt.is_teaser_end(text):
        return Item(Kind.TEASER_END, text, *span)
    if pt.is_footer(text):
        return Item(Kind.FOOTER, text, *span)
    cats = pt.category_line(text)
    if cats is not None:
        return Item(Kind.CATEGORY, text, *span, categories=cats)
    byline = pt.parse_byline(text)
    if byline is not None:
        return Item(Kind.BYLINE, text, *span, byline=byline)
    caption = _caption(text)
    if caption is not None:
        return Item(Kind.CAPTION, text, *span, caption=caption)
    kind = Kind.PARA if pt.has_terminal_punctuation(text) or word_count(text) > 45 else Kind.HEADING
    return Item(kind, text, *span)


def _caption(text: str) -> Caption | None:
    prefixed = pt.caption_prefix(text)
    if prefixed is not None:
        body, credit = pt.split_inline_credit(prefixed)
        return Caption(body, credit)
    if pt.is_dateline_caption(text):
        return Caption(text, None)
    if word_count(text) <= 60 and pt.has_inline_credit(text):
        body, credit = pt.split_inline_credit(text)
        return Caption(body, credit)
    return None


def attach_credits(items: list[Item]) -> list[Item]:
    """A lone credit line belongs to the short line before it: that line is its caption."""
    out: list[Item] = []
    for item in items:
        if _is_lone_credit(item) and out and _can_be_caption(out[-1]):
            prev = out.pop()
            text = prev.caption.text if prev.caption else prev.text
            credit = item.caption.credit if item.caption else None
            out.append(
                Item(
                    Kind.CAPTION,
                    text,
                    prev.start,
                    item.end,
                    prev.blanks_before,
                    caption=Caption(text, credit),
                )
            )
        else:
            out.append(item)
    return out


def _is_lone_credit(item: Item) -> bool:
    return item.kind is Kind.CAPTION and item.caption is not None and not item.caption.text


def _can_be_caption(item: Item) -> bool:
    """Captions describe a picture; a line that reports speech is body text."""
    if item.kind is Kind.CAPTION:
        return item.caption is not None and item.caption.credit is None
    if item.kind not in (Kind.PARA, Kind.HEADING) or word_count(item.text) > 40:
        return False
    return pt.ends_with_date(item.text) or not pt.reports_speech(item.text)


def _related_box(blocks: Sequence[Sequence[Line]], i: int) -> tuple[int, Item | None]:
    """A "Read more" / "Related" marker and what follows it: an image caption and a title,
    or a list of titles (bulleted, or one per line, or blocks of bulleted lines)."""
    marker = blocks[i][0]
    following = list(_list_blocks(blocks, i + 1))
    if not following:
        return 1, None
    lines = [line for block in following for line in block]
    if len(following) == 1 and not all(pt.list_item(x.text) for x in lines):
        links = _box_links(lines)
        if links is None or _is_new_article(blocks, i + 2):
            return 1, None
    else:
        links = tuple(_link(*pt.title_and_url(pt.list_item(x.text) or x.text)) for x in lines)
    end = lines[-1].end
    item = Item(Kind.RELATED, marker.text, marker.start, end, marker.blanks_before, related=links)
    return 1 + len(following), item


def _related_list(block: Sequence[Line]) -> Item:
    """A marker line with its list right under it ("Related:\n- One\n- Two")."""
    marker, rest = block[0], block[1:]
    links = tuple(_link(*pt.title_and_url(pt.list_item(x.text) or x.text)) for x in rest)
    return Item(
        Kind.RELATED, marker.text, marker.start, rest[-1].end, marker.blanks_before, related=links
    )


def _list_blocks(blocks: Sequence[Sequence[Line]], j: int) -> Iterator[Sequence[Line]]:
    """The block after a marker, then any further blocks that are bulleted lists."""
    if j >= len(blocks):
        return
    yield blocks[j]
    if not all(pt.list_item(x.text) for x in blocks[j]):
        return
    j += 1
    while j < len(blocks) and all(pt.list_item(x.text) for x in blocks[j]):
        yield blocks[j]
        j += 1


def _box_links(lines: Sequence[Line]) -> tuple[RelatedLink, ...] | None:
    texts = [x.text for x in lines]
    if len(texts) == 1:
        if pt.has_terminal_punctuation(texts[0]) and word_count(texts[0]) > 25:
            return None
        return (_link(*pt.title_and_url(texts[0])),)
    if len(texts) == 2 and pt.is_url(texts[1]):
        return (_link(texts[0], texts[1]),)
    if len(texts) == 2:
        caption, credit = pt.split_inline_credit(texts[0])
        title, url = pt.title_and_url(texts[1])
        return (RelatedLink(title, url, caption, credit),)
    if len(texts) == 3 and pt.is_url(texts[2]):
        caption, credit = pt.split_inline_credit(texts[0])
        return (RelatedLink(texts[1], texts[2], caption, credit),)
    return tuple(_link(*pt.title_and_url(t)) for t in texts)


def _is_new_article(blocks: Sequence[Sequence[Line]], j: int) -> bool:
    """A marker followed by a headline and a byline is a teaser's "Read more", not a box."""
    return j < len(blocks) and pt.parse_byline(blocks[j][0].text) is not None


def _link(title: str, url: str | None) -> RelatedLink:
    return RelatedLink(title=title, url=url)
