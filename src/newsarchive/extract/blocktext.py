"""HTML as the text a flattened dump of it would be: one line per block element, figures as
caption and credit lines, "Read more" boxes as their marker, caption and title.

The dump reader (``split_archive_page``) already knows how to find articles, captions,
credits and related boxes in such text; giving it HTML in that shape reads a listing of
full articles exactly as a dump of the same page, with no second set of rules to keep.
Feeds use the same walk to turn ``content:encoded`` into paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeAlias

from lxml import etree
from lxml import html as lxml_html

from newsarchive.extract import patterns as pt
from newsarchive.extract.links import normalise_url
from newsarchive.extract.text import normalize, word_count
from newsarchive.model import Caption

Element: TypeAlias = lxml_html.HtmlElement


def names(text: str) -> frozenset[str]:
    """A set of names written as one string, for long word lists."""
    return frozenset(text.split())


# class and id words of page furniture: never article text
FURNITURE = names(
    "nav navbar navigation menu share sharing social comments sidebar widget newsletter"
    " subscribe advert advertisement ads ad cookie cookies breadcrumb breadcrumbs pagination"
    " pager sr-only screen-reader-text visually-hidden"
)
SKIP_TAGS = names(
    "script style noscript template nav form button svg iframe select textarea input object"
    " embed video audio canvas head"
)
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCK_TAGS = names(
    "p div section article main header footer aside figure figcaption ul ol li blockquote pre"
    " table tr td th dl dt dd address hr details summary center"
) | frozenset(HEADINGS)
_CREDIT_WORDS = names("credit copyright photographer source attribution")
_BOX_MAX_WORDS = 80  # a "Related" box is short; a longer element is a section of text
_IMAGE_SOURCES = ("src", "data-src", "data-lazy-src", "data-original")


def class_words(element: Element) -> set[str]:
    """The words of an element's class and id: ``"post-nav widget"`` -> post, nav, widget
    and the whole names, so "most-read" and "read" are both seen."""
    found = f"{element.get('class') or ''} {element.get('id') or ''}".lower().split()
    return set(found) | {w for n in found for w in re.split(r"[-_]", n) if w}


def text_blocks(root: Element, base: str | None = None) -> list[list[str]]:
    """The visible text of ``root`` as blocks of lines, the shape of a text dump: one block
    per block element (paragraph, heading, list item, caption), a credit as its own block
    after its caption, a "Read more" box as its marker then its caption and title (with
    the link's address, resolved against ``base``), ``<br>`` as a line break. Menus,
    scripts and page furniture are left out."""
    tokens: list[str | None] = []  # None ends a block, "\n" ends a line
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "end":
            tokens.append(None if tag in _BLOCK_TAGS else "")
            if element.tail and element is not root:
                tokens.append(element.tail)
            continue
        if not tag or tag in SKIP_TAGS or class_words(element) & FURNITURE:
            walker.skip_subtree()
            continue
        special = _special_block(element, root, base)
        if special is not None:
            tokens.extend(special)
            walker.skip_subtree()
            continue
        tokens.append("\n" if tag == "br" else None if tag in _BLOCK_TAGS else "")
        if element.text:
            tokens.append(element.text)
    return _assemble(tokens)


def figure_caption(figure: Element, base: str | None) -> Caption | None:
    """A figure's caption and credit: the credit element when marked ("credit",
    "copyright"), else one printed inside the caption ("… © Agency/Name")."""
    credit_el = next((el for el in figure.iterdescendants() if _is_credit(el)), None)
    credit = normalize(credit_el.text_content()) if credit_el is not None else None
    figcaption = figure.find(".//figcaption")
    text = text_without(figcaption, credit_el) if figcaption is not None else ""
    if not credit and text:
        text, credit = pt.split_inline_credit(text)
    if not text and not credit:
        return None
    return Caption(text, credit or None, _image_url(figure, base))


def text_without(element: Element, left_out: Element | None) -> str:
    """An element's text without one of its descendants (a credit inside a caption)."""
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        if event == "start":
            if node is left_out or not isinstance(node.tag, str):
                walker.skip_subtree()
            elif node.text:
                parts.append(node.text)
        elif node is not element and node.tail:
            parts.append(node.tail)
    return normalize("".join(parts))


def _image_url(figure: Element, base: str | None) -> str | None:
    """The picture's address; lazy-loading pages put it in ``data-src`` behind a
    ``data:`` placeholder."""
    image = figure.find(".//img")
    if image is None:
        return None
    sources = (image.get(name) for name in _IMAGE_SOURCES)
    return next((url for src in sources if (url := normalise_url(src, base))), None)


def _is_credit(element: Element) -> bool:
    return isinstance(element.tag, str) and bool(class_words(element) & _CREDIT_WORDS)


def _special_block(element: Element, root: Element, base: str | None) -> list[str | None] | None:
    """Figures and "Read more" boxes, which a text dump prints in their own shape."""
    if element.tag == "figure":
        caption = figure_caption(element, base)
        if caption is None:
            return []
        lines: list[str | None] = [None, caption.text, None]
        if caption.credit:
            lines += [_credit_line(caption.credit), None]
        return lines
    if element.tag in ("div", "aside", "section") and element is not root:
        return _related_box(element, base)
    return None


def _credit_line(credit: str) -> str:
    """A credit as a dump prints it, so the dump reader knows it for one: as published
    when it reads as a credit ("© Agency/Name"), else labelled ("Photo: ESO/Lars Holm")."""
    for line in (credit, f"Photo: {credit}"):
        if pt.is_credit(line):
            return line
    return f"© {credit}"


def _related_box(element: Element, base: str | None) -> list[str | None] | None:
    """A box that opens with a "Read more" / "Related" marker and holds links: the marker,
    then a caption line and the title with its address, or a list of titles."""
    marker = _first_text(element)
    if marker is None or not pt.is_related_marker(marker) or _longer_than(element):
        return None
    anchors = [a for a in element.iter("a") if normalize(a.text_content()) not in ("", marker)]
    if not anchors:
        return None
    out: list[str | None] = [None, marker, None]
    if len(anchors) == 1:
        caption = _box_caption(element)
        title = text_without(anchors[0], element.find(".//figcaption"))
        if caption:
            out += [caption, "\n"]
        out.append(_with_url(title, anchors[0], base))
    else:
        for anchor in anchors:
            out += ["- " + _with_url(normalize(anchor.text_content()), anchor, base), "\n"]
    return [*out, None]


def _first_text(element: Element) -> str | None:
    for text in element.itertext():
        if clean := normalize(text):
            return clean
    return None


def _longer_than(element: Element) -> bool:
    """Whether the element holds more words than a box (read only as far as needed)."""
    seen = 0
    for text in element.itertext():
        seen += word_count(text)
        if seen > _BOX_MAX_WORDS:
            return True
    return False


def _box_caption(element: Element) -> str | None:
    figcaption = element.find(".//figcaption")
    if figcaption is not None and (text := normalize(figcaption.text_content())):
        return text
    return None


def _with_url(title: str, anchor: Element, base: str | None) -> str:
    url = normalise_url(anchor.get("href"), base)
    return f"{title} ({url})" if url else title


def _assemble(tokens: Iterable[str | None]) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] = []
    for token in [*tokens, None]:
        if token is not None:
            current.append(token)
            continue
        lines = [normalize(line) for line in "".join(current).split("\n")]
        if any(lines):
            blocks.append([line for line in lines if line])
        current = []
    return blocks
