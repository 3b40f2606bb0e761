"""Teasers: the linked headlines a listing shows, each with its summary, date, byline and
picture, found by the shape of the page rather than by any site's class names.

A teaser block is the largest element around one headline link that holds no other
headline link; what it holds besides the headline is read by role (a summary, a
``<time>``, a byline, a figure). Links in menus, sidebars and "related" boxes are not
teasers of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsarchive.extract import patterns as pt
from newsarchive.extract.blocktext import (
    FURNITURE,
    HEADINGS,
    Element,
    class_words,
    figure_caption,
    names,
)
from newsarchive.extract.dates import to_iso
from newsarchive.extract.links import normalise_url, resolve_base
from newsarchive.extract.sitemap import iso_datetime
from newsarchive.extract.text import normalize, word_count
from newsarchive.model import Article, Caption, Document, make_article_id, url_key

# class words of boxes whose links are not the page's own teasers
NOT_TEASERS = FURNITURE | names(
    "related popular trending most-read mostread footer read-more readmore see-also recommended"
)
# a listing's path: a category, tag or author page (its name and at most one more step
# after it, as articles live deeper under /topics/…), or a further page of a listing
_LISTING_PATH = re.compile(
    r"/(?:category|categories|tag|tags|topic|topics|section|sections|author|archives?|rubri[ck]\w*)"
    r"(?:/[^/.]*){0,2}/?$|/page/\d+/?$",
    re.IGNORECASE,
)
# a lone path step that names a section ("/world/", "/uk/"), not an article's slug
_SECTION_STEP = re.compile(r"^[^\d./-]+(?:-[^\d./-]+)?$")
_FURNITURE_TAGS = ("nav", "aside", "footer", "form")
_SUMMARY_WORDS = names("summary excerpt dek standfirst description teaser lead intro")
_AUTHOR_WORDS = names("author byline creator writer")
_DATE_WORDS = names("date time published posted timestamp meta")
_TRAILER = re.compile(
    r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|(?:continue\s+reading|read\s+more|more)\b.*|[»›→]+)\s*$",
    re.IGNORECASE,
)
_MAX_TITLE_LINKS = 600  # a pathological page is read for its first links only


@dataclass(frozen=True, slots=True)
class Teaser:
    """One teaser block of a listing: its element, its linked headline and address."""

    block: Element
    anchor: Element
    title: str
    url: str


def find_teasers(tree: Element, url: str | None) -> list[Teaser]:
    """The teaser blocks of a page, in page order: each linked headline with the largest
    element around it that holds no other headline. Links in menus, sidebars and
    "related" boxes, and links to other listings, are not teasers."""
    base = resolve_base(tree, url)
    page = normalise_url(url) if url else None
    anchors: list[tuple[Element, str, str]] = []
    seen: set[str] = set()
    for anchor, title in _title_anchors(tree):
        link = normalise_url(anchor.get("href"), base)
        if link is None or link in seen or link == page or is_listing_url(link):
            continue
        seen.add(link)
        anchors.append((anchor, title, link))
        if len(anchors) >= _MAX_TITLE_LINKS:
            break
    blocks = _blocks(tree, [(a, u) for a, _, u in anchors])
    return [Teaser(blocks[n], a, t, u) for n, (a, t, u) in enumerate(anchors)]


def is_listing_url(url: str) -> bool:
    """Whether a URL leads to a listing: the home page, a section ("/world/"), or a
    category, tag or author page or a further page of one. Site logos and section names
    are often linked headings, but lead to no article; "/feedarticle?id=7" is an article."""
    parts = urlsplit(url)
    steps = [step for step in parts.path.split("/") if step]
    if not parts.query and (not steps or (len(steps) == 1 and _SECTION_STEP.match(steps[0]))):
        return True
    return is_category_url(url)


def is_category_url(url: str) -> bool:
    """Whether a URL names itself a listing: a category, tag or author page, or a further
    page of a listing ("/category/politics/", "/tag/x/page/2/")."""
    return _LISTING_PATH.search(urlsplit(url).path) is not None


def _title_anchors(tree: Element) -> Iterator[tuple[Element, str]]:
    """Headline links: a link in or around a heading, or one marked as a title; on a page
    with none, list items that are mostly one long link."""
    found = False
    for element in tree.iter("a", *HEADINGS):
        if element.tag in HEADINGS:
            anchor = element.find(".//a[@href]")
            if anchor is None:
                anchor = next((a for a in element.iterancestors("a") if a.get("href")), None)
        elif class_words(element) & {"title", "headline"} and element.get("href"):
            anchor = element
        else:
            continue
        title = normalize(element.text_content())
        if anchor is not None and title and not in_furniture(anchor):
            found = True
            yield anchor, title
    if found:
        return
    for item in tree.iter("li"):
        anchor = item.find(".//a[@href]")
        if anchor is None or any(p.tag == "p" for p in anchor.iterancestors()):
            continue  # a link inside a sentence is a reference, not a headline
        title = normalize(anchor.text_content())
        headline = len(title) >= 0.6 * len(normalize(item.text_content()))
        if headline and word_count(title) >= 4 and not in_furniture(anchor):
            yield anchor, title


def _blocks(tree: Element, anchors: list[tuple[Element, str]]) -> list[Element]:
    """For each headline link, the highest ancestor whose headline links all lead to the
    same address (found in one pass up from each link, not one search per link)."""
    urls_under: dict[Element, set[str]] = {}
    for anchor, url in anchors:
        for ancestor in anchor.iterancestors():
            urls_under.setdefault(ancestor, set()).add(url)
    stop = {tree, tree.find(".//body")}
    blocks: list[Element] = []
    for anchor, _ in anchors:
        block = anchor
        for ancestor in anchor.iterancestors():
            if ancestor in stop or len(urls_under[ancestor]) > 1:
                break
            block = ancestor
        blocks.append(block)
    return blocks


def in_furniture(element: Element) -> bool:
    """Inside a menu, sidebar, footer, form, the page's header, or a box whose class or id
    names furniture or related links."""
    for node in element.iterancestors():
        if node.tag in _FURNITURE_TAGS or class_words(node) & NOT_TEASERS:
            return True
        if node.tag == "header" and not inside_article(node):
            return True
    return False


def in_box(element: Element, words: frozenset[str]) -> bool:
    """Inside an element whose class or id holds one of ``words``."""
    return any(class_words(node) & words for node in element.iterancestors())


def inside_article(element: Element) -> bool:
    return any(a.tag == "article" for a in element.iterancestors())


# --- what a teaser says -------------------------------------------------------------------


def teaser_article(
    document: Document,
    teaser: Teaser,
    category: str | None,
    base: str | None,
    language: str | None,
) -> Article:
    """A teaser as an ``Article``: known by its link, flagged as a teaser, so the full
    article, once fetched, replaces it."""
    block = teaser.block
    return Article(
        id=make_article_id(url_key(teaser.url)),
        title=teaser.title,
        summary=_summary(teaser),
        paragraphs=(),
        source=document.source_ref(),
        captions=_captions(block, base),
        categories=(category,) if category else (),
        authors=_authors(block),
        published=teaser_date(block),
        raw=normalize(block.text_content()),
        url=teaser.url,
        language=language,
        teaser=True,
    )


def without_trailer(text: str) -> str:
    """A teaser's text without its "Continue reading →", "Read more" or "[…]" ending."""
    return _TRAILER.sub("", text)


def teaser_date(block: Element) -> str | None:
    """ISO 8601 from ``<time datetime>``, else from a printed date in the block."""
    for time in block.iter("time"):
        iso = iso_datetime(time.get("datetime") or "") or to_iso(normalize(time.text_content()))
        if iso:
            return iso
    for element in block.iter("span", "div", "p", "small"):
        if class_words(element) & (_DATE_WORDS | _AUTHOR_WORDS):
            iso = to_iso(normalize(element.text_content()))
            if iso:
                return iso
    return None


def _summary(teaser: Teaser) -> str | None:
    """The teaser's summary: an element marked as one, else its first sentence-like
    paragraph; "Continue reading →" and "[…]" trailers dropped."""
    candidates = [
        el
        for el in teaser.block.iter("p", "div", "span")
        if not _in_headline(el, teaser.anchor) and not _in_byline_or_figure(el, teaser.block)
    ]
    marked = [el for el in candidates if class_words(el) & _SUMMARY_WORDS]
    for element in (*marked, *(el for el in candidates if el.tag == "p")):
        text = without_trailer(normalize(element.text_content()))
        if word_count(text) >= 4 and text != teaser.title and pt.parse_byline(text) is None:
            return text
    return None


def _in_headline(element: Element, anchor: Element) -> bool:
    """Part of the headline: the link itself, inside it, around it, or in a heading."""
    if element is anchor or anchor in element.iterancestors() or element in anchor.iterancestors():
        return True
    return element.tag in HEADINGS or any(a.tag in HEADINGS for a in element.iterancestors())


def _in_byline_or_figure(element: Element, block: Element) -> bool:
    node: Element | None = element
    while node is not None and node is not block:
        words = class_words(node)
        if node.tag in ("figure", "figcaption", "time") or words & (_AUTHOR_WORDS | _DATE_WORDS):
            return True
        node = node.getparent()
    return False


def _authors(block: Element) -> tuple[str, ...]:
    """The names of the block's byline ("By Anna Lee and Mark Chen", a marked author)."""
    for element in block.iter():
        if not isinstance(element.tag, str):
            continue
        marked = class_words(element) & _AUTHOR_WORDS or element.get("rel") == "author"
        if not (marked or element.get("itemprop") == "author"):
            continue
        text = normalize(element.text_content())
        byline = pt.parse_byline(text) if text else None
        if byline is not None and byline.authors:
            return byline.authors
        if text and word_count(text) <= 6:
            return pt.split_authors(re.sub(r"^by\s+", "", text, flags=re.IGNORECASE))
    return ()


def _captions(block: Element, base: str | None) -> tuple[Caption, ...]:
    for figure in block.iter("figure"):
        caption = figure_caption(figure, base)
        if caption is not None:
            return (caption,)
    return ()
