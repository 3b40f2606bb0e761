"""Listing, category and home pages: telling them from article pages, and reading them.

A listing shows many articles: usually as teasers (a linked headline, a line of summary,
a date, a picture), sometimes in full, one after another, as a WordPress category archive
does. Teasers become teaser ``Article``s and links for the crawler; full articles are
flattened to block text and read by ``split_archive_page``, so they come out exactly as
they would from a text dump of the same page.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, replace
from urllib.parse import unquote, urlsplit

from lxml import etree

from newsarchive.errors import NoArticlesError
from newsarchive.extract import patterns as pt
from newsarchive.extract.blocktext import (
    FURNITURE,
    HEADINGS,
    SKIP_TAGS,
    Element,
    class_words,
    names,
    text_blocks,
)
from newsarchive.extract.dump import split_archive_page
from newsarchive.extract.jsonld import ARTICLE_TYPES, breadcrumb_names, json_ld_objects, types_of
from newsarchive.extract.links import normalise_url, page_links, resolve_base
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.extract.teasers import (
    NOT_TEASERS,
    Teaser,
    find_teasers,
    in_box,
    in_furniture,
    inside_article,
    is_category_url,
    is_listing_url,
    teaser_article,
    teaser_date,
)
from newsarchive.extract.text import normalize, word_count
from newsarchive.model import Article, Document, make_article_id, normalise_title, url_key

_LISTING_TYPES = names("collectionpage searchresultspage")
_WEAK_LISTING_TYPES = names("itemlist")  # article pages list their related links so
_LISTING_BODY = names("archive category tag home blog section taxonomy")
_ARTICLE_BODY = names("single single-post article")
_CATEGORY_SLUG = re.compile(
    r"/(?:category|categories|section|topics?|rubri[ck]\w*)/(?:[^/]+/)*?([^/]+)/?$"
)
_MENU = names("nav menu navigation")
_PAGINATION = names("pagination pager page-numbers nav-links")
_NOT_PROSE = names("a nav aside footer form option label")
_SITE_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•]{1,2}|::)\s+")
_EXPLICIT_HEADER = re.compile(
    r"\b(?:archives?|category|categories|tag|tagged|topic|section|browsing)\b", re.IGNORECASE
)
_ARCHIVES_SUFFIX = re.compile(r"^(?P<name>.{2,40}?)\s+archives?$", re.IGNORECASE)
_IDEOGRAPHS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_FULL_ARTICLE = 600  # text per block (about 100 words) above which a listing holds articles
_LONG_ARTICLE = 1500  # text in one place (about 250 words) that makes an article's body
# a dated path ending in a slug: /2008/01/11/nhl-pho-van.html, /2026/02/10/comet-return/
# (a date archive, /2026/02/10/, has no slug)
_ARTICLE_URL = re.compile(
    r"/(?:19|20)\d\d/[01]?\d/(?:[0-3]?\d/)?(?:[^/]+/)?[^/]*[^\W\d_]{2,}[-_][^/]*/?$"
)
_MIN_LISTING_VOTES = 3  # a "next" link or a couple of headline links alone make no listing
_SKIPPED = object()  # the region of text that is no prose (links, scripts, furniture)


# --- telling listings from articles -------------------------------------------------------


def is_listing_page(tree: Element, url: str | None) -> bool:
    """Whether the page lists many articles (a category, section, tag or home page) rather
    than being one article. The declared type, the URL, the header, pagination and the
    shape of the text are weighed together, since any one of them misleads somewhere: an
    article's "More stories" box is a run of teasers, and article pages declare ItemLists
    too. The shape decides most pages: on a listing the text sits in its teasers, on an
    article page in one body outside them."""
    shape = _shape(tree, url)
    article = 3 * bool(_declared_types(tree) & ARTICLE_TYPES)
    article += 3 * bool(_body_classes(tree) & _ARTICLE_BODY)
    article += 3 * (shape.bodies == 1 and shape.articles <= 1)
    article += 5 * (url is not None and _ARTICLE_URL.search(urlsplit(url).path) is not None)
    listing = _listing_votes(tree, url, shape)
    return listing >= _MIN_LISTING_VOTES and listing > article


@dataclass(frozen=True, slots=True)
class _Shape:
    """Where a page's text is: in teasers, in blocks of an article's length, or outside."""

    teasers: list[Teaser]
    inside: int  # text in teaser blocks of a teaser's length
    outside: int  # all other text: outside teaser blocks, or in blocks of an article's length
    articles: int  # headline blocks (or <article>s) holding an article's text
    bodies: int  # places holding an article's text: such blocks, and the text outside them


def _shape(tree: Element, url: str | None) -> _Shape:
    teasers = find_teasers(tree, url)
    blocks = {t.block for t in teasers if t.block.tag not in (*HEADINGS, "a")}
    body = tree.find(".//body")
    sizes = _text_sizes(body if body is not None else tree, blocks)
    outside = sizes.get(None, 0)
    big = [sizes[b] for b in blocks if sizes.get(b, 0) >= _FULL_ARTICLE]
    inside = sum(sizes.get(b, 0) for b in blocks) - sum(big)
    posts = [t for t in teasers if sizes.get(t.block, 0) >= _FULL_ARTICLE and _headed(t)]
    articles = max(len(posts), len(_long_article_blocks(tree)))
    bodies = len(big) + (outside >= _LONG_ARTICLE)
    return _Shape(teasers, inside, outside + sum(big), articles, bodies)


def _headed(teaser: Teaser) -> bool:
    """Whether the teaser's headline opens its block, as a post's title opens the post
    (a big block around a credit link or a box heading is no post)."""
    for text in teaser.block.itertext():
        if first := normalize(text):
            return teaser.title.startswith(first) or first.startswith(teaser.title)
    return False


def _listing_votes(tree: Element, url: str | None, shape: _Shape) -> int:
    types = _declared_types(tree)
    votes = 3 * bool(types & _LISTING_TYPES) + bool(types & _WEAK_LISTING_TYPES)
    votes += 3 * bool(_body_classes(tree) & _LISTING_BODY)
    if url is not None and is_listing_url(url):
        votes += 2
    votes += 5 * (_header_category(tree, explicit=True) is not None)
    votes += _has_next_page(tree)
    teasers = len(shape.teasers)
    votes += (teasers >= 3) + (teasers >= 6)
    votes += 3 * (teasers >= 2 and shape.inside > shape.outside)
    votes += 3 * (shape.articles >= 2)
    return votes


def _long_article_blocks(tree: Element) -> list[Element]:
    """Outermost ``<article>`` (or ``articleBody``) elements holding an article's text."""
    found = [
        el
        for el in tree.iter("article", "div", "section")
        if (el.tag == "article" or el.get("itemprop") == "articleBody")
        and not inside_article(el)
        and not in_furniture(el)
    ]
    return [el for el in found if _text_size(el) >= _FULL_ARTICLE]


def _text_size(element: Element) -> int:
    """How much prose an element holds (see ``_text_sizes``)."""
    return _text_sizes(element, set()).get(None, 0)


def _text_sizes(root: Element, blocks: set[Element]) -> dict[object, int]:
    """The prose in each of ``blocks`` and outside them (key None), in one pass: text
    that is not a link, a script or page furniture, in characters, an ideograph counting
    three (Chinese and Japanese print no spaces and pack a word in one or two). Text in
    ``<div>``s and after ``<br>``s counts as much as text in ``<p>``s: pages use both."""
    sizes: dict[object, int] = {}
    regions: list[object] = []  # the region of each open element
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        if event == "start":
            region = _region(element, regions[-1] if regions else None, blocks)
            regions.append(region)
            if region is _SKIPPED:
                walker.skip_subtree()
            elif element.text:
                _add(sizes, region, element.text)
            continue
        regions.pop()
        if regions and regions[-1] is not _SKIPPED and element.tail:
            _add(sizes, regions[-1], element.tail)
    return sizes


def _region(element: Element, parent: object, blocks: set[Element]) -> object:
    tag = element.tag if isinstance(element.tag, str) else ""
    if not tag or tag in SKIP_TAGS or tag in _NOT_PROSE or class_words(element) & NOT_TEASERS:
        return _SKIPPED
    if tag == "header" and parent is None:  # the page's header, not an article's
        return _SKIPPED
    return element if element in blocks else parent


def _add(sizes: dict[object, int], region: object, text: str) -> None:
    if size := len(text.strip()):
        sizes[region] = sizes.get(region, 0) + size + 2 * len(_IDEOGRAPHS.findall(text))


def _declared_types(tree: Element) -> frozenset[str]:
    """The page's declared kind: ``og:type`` and JSON-LD ``@type`` values, lower-cased."""
    types = {t for node in json_ld_objects(tree) for t in types_of(node)}
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:type":
            types.add((meta.get("content") or "").strip().casefold())
    return frozenset(types)


def _body_classes(tree: Element) -> frozenset[str]:
    body = tree.find(".//body")
    return frozenset((body.get("class") or "").lower().split()) if body is not None else frozenset()


def _is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/") and not urlsplit(url).query


def _has_next_page(tree: Element) -> bool:
    return any("next" in (el.get("rel") or "").lower().split() for el in tree.iter("a", "link"))


# --- the listing's category ---------------------------------------------------------------


def listing_category(tree: Element, url: str | None) -> str | None:
    """The category the page lists: its header ("Category Archive : Russia" -> "Russia"),
    else (on a page that is not the home page) its ``<h1>``, the last breadcrumb, its
    ``og:title``, else the ``/category/<slug>/`` of its URL."""
    header = _header_category(tree)
    if header is not None:
        return header
    if (url is not None and _is_home(url)) or "home" in _body_classes(tree):
        return None
    for name in (_h1(tree), _breadcrumb_last(tree), _og_title(tree)):
        if name and word_count(name) <= 6 and not pt.has_terminal_punctuation(name):
            return name
    return _url_category(url)


def _header_category(tree: Element, *, explicit: bool = False) -> str | None:
    """A category named by an archive header: in the ``<h1>``, the ``<title>`` or the
    first lines of the main content (a header styled without a heading element). Beyond
    the ``<h1>``, or when ``explicit``, the header must say it is an archive, category,
    tag or section ("Category Archive : Russia"): "World news" may be a banner. A first
    line must have the form of one, as "Magazine Archive" is as likely a menu item."""
    h1 = _h1(tree)
    for text in (h1, _title(tree)):
        if not text or ((explicit or text is not h1) and not _EXPLICIT_HEADER.search(text)):
            continue
        for part in (_SITE_SEPARATOR.split(text)[0], text):
            found = pt.header_category(part)
            if found is None and (match := _ARCHIVES_SUFFIX.match(part)):
                found = match.group("name")
            if found:
                return found
    for text in _leading_texts(tree, 3):
        if _EXPLICIT_HEADER.search(text) and (found := pt.header_category(text)):
            return found
    return None


def _leading_texts(tree: Element, count: int) -> list[str]:
    """The first ``count`` lines of text of the main content, menus and scripts skipped."""
    main = tree.find(".//main")
    root = main if main is not None else tree.find(".//body")
    texts: list[str] = []
    if root is None:
        return texts
    walker = etree.iterwalk(root, events=("start",))
    for _, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in SKIP_TAGS or tag == "header" or class_words(element) & FURNITURE:
            walker.skip_subtree()
        elif element.text and (text := normalize(element.text)):
            texts.append(text)
            if len(texts) >= count:
                break
    return texts


def _h1(tree: Element) -> str | None:
    for h1 in tree.iter("h1"):
        if not in_box(h1, FURNITURE) and (text := normalize(h1.text_content())):
            return text
    return None


def _title(tree: Element) -> str | None:
    title = tree.find(".//title")
    return normalize(title.text_content()) if title is not None else None


def _og_title(tree: Element) -> str | None:
    for meta in tree.iter("meta"):
        if (meta.get("property") or meta.get("name") or "").lower() == "og:title":
            text = normalize(meta.get("content") or "")
            return _SITE_SEPARATOR.split(text)[0] if text else None
    return None


def _breadcrumb_last(tree: Element) -> str | None:
    """The last step of the page's breadcrumb trail (JSON-LD, else marked up)."""
    trail = breadcrumb_names(json_ld_objects(tree))
    if trail:
        return normalize(trail[-1])
    for element in tree.iter():
        if isinstance(element.tag, str) and class_words(element) & {"breadcrumb", "breadcrumbs"}:
            texts = [normalize(x.text_content()) for x in element.iter("a", "span", "li")]
            texts = [t for t in texts if len(t) > 1]
            return texts[-1] if texts else None
    return None


def _url_category(url: str | None) -> str | None:
    """ "/category/middle-east/" -> "Middle East"."""
    match = _CATEGORY_SLUG.search(urlsplit(url).path) if url else None
    if match is None:
        return None
    words = unquote(match.group(1)).replace("_", "-").split("-")
    return " ".join(w.capitalize() for w in words if w) or None


# --- reading a listing --------------------------------------------------------------------


def read_listing_page(document: Document, tree: Element) -> Reading:
    """The articles of a listing (teasers, or full articles split like a dump) and the
    links to follow: every teaser's article, then pagination, other listings and feeds."""
    category = listing_category(tree, document.url)
    teasers = find_teasers(tree, document.url)
    articles: tuple[Article, ...] = ()
    if _holds_full_articles(tree, teasers):
        articles = _full_articles(document, tree, teasers, category)
    if not articles:
        base, language = resolve_base(tree, document.url), _language(tree)
        articles = tuple(teaser_article(document, t, category, base, language) for t in teasers)
    article_links = [
        Link(t.url, LinkKind.ARTICLE, category=category, published=teaser_date(t.block))
        for t in teasers
    ]
    return Reading(Kind.LISTING, articles, (*article_links, *_other_links(tree, document, teasers)))


def _holds_full_articles(tree: Element, teasers: list[Teaser]) -> bool:
    """Full articles rather than teasers, decided from the text each block holds: in its
    own element (``<article>`` per post), or in the page's main content per headline
    (headline and paragraphs side by side)."""
    own = [_text_size(t.block) for t in teasers if t.block.tag not in (*HEADINGS, "a")]
    if own:
        return statistics.median(own) >= _FULL_ARTICLE
    main_size = _text_size(_main(tree, teasers))
    if teasers:
        return main_size / len(teasers) >= _FULL_ARTICLE
    return len(_long_article_blocks(tree)) >= 2 or main_size >= 2 * _LONG_ARTICLE


def _full_articles(
    document: Document, tree: Element, teasers: list[Teaser], category: str | None
) -> tuple[Article, ...]:
    """The listing's main content as block text, read by ``split_archive_page``: the same
    articles, captions and related boxes a text dump of the page gives. Spans index that
    text (kept as each article's ``raw``); the provenance is the HTML document's. An
    article whose title is a headline link gets that link as its URL, and its id from it,
    so the post's own page, fetched later, is the same article."""
    blocks = text_blocks(_main(tree, teasers), resolve_base(tree, document.url))
    text = "\n\n".join("\n".join(lines) for lines in blocks)
    flat = Document(
        text,
        document.sha256,
        document.encoding,
        path=document.path,
        url=document.url,
        size=len(text),
        media_type="text/plain",
    )
    try:
        found = split_archive_page(flat)
    except NoArticlesError:
        return ()
    links: dict[str, list[Teaser]] = {}
    for teaser in teasers:
        links.setdefault(normalise_title(teaser.title), []).append(teaser)
    categories = (category,) if category else ()
    return tuple(
        _with_link(
            replace(
                a,
                source=document.source_ref(a.source.start, a.source.end),
                categories=a.categories or categories,
            ),
            links,
        )
        for a in found
    )


def _with_link(article: Article, links: dict[str, list[Teaser]]) -> Article:
    """The article with the URL of the headline link that bears its title, if one does
    (each link is given once: two posts with one title keep their own links), and the
    post's ``<time datetime>`` when the text printed only its day.

    Such an article is the listing's copy of a page of its own, so it is marked a teaser:
    kept when the archive has nothing better, never replacing the post's own page (which a
    crawl reads instead), and no revision ping-pong between the two renderings."""
    teasers = links.get(normalise_title(article.title or ""))
    if not teasers:
        return article
    teaser = teasers.pop(0)
    published = teaser_date(teaser.block)
    if not published or not published.startswith(article.published or published):
        published = article.published
    return replace(
        article,
        url=teaser.url,
        id=make_article_id(url_key(teaser.url)),
        published=published,
        teaser=True,
    )


def _main(tree: Element, teasers: list[Teaser]) -> Element:
    """The page's main content: ``<main>``, else the element around every teaser or
    article, else the body."""
    for element in tree.iter("main", "div", "section"):
        if element.tag == "main" or element.get("role") == "main":
            return element
    blocks = [t.block for t in teasers] or _long_article_blocks(tree)
    if len(blocks) == 1:
        return blocks[0]
    if blocks:
        common = set(blocks[0].iterancestors())
        for block in blocks[1:]:
            common &= set(block.iterancestors())
        return next(a for a in blocks[0].iterancestors() if a in common)
    body = tree.find(".//body")
    return body if body is not None else tree


def _language(tree: Element) -> str | None:
    lang = (tree.get("lang") or tree.get("xml:lang") or "").strip().lower()
    return (lang.split("-")[0] or None) if lang else None


def _other_links(tree: Element, document: Document, teasers: list[Teaser]) -> list[Link]:
    """Links worth following besides the teasers: the next page, other listings of the
    site (menus, category and tag pages) and the page's feeds."""
    base = resolve_base(tree, document.url)
    host = _host(base)
    follow: set[str] = set()
    for anchor in tree.iter("a"):
        url = normalise_url(anchor.get("href"), base)
        if url is None or (host is not None and _host(url) != host):
            continue
        if _is_pagination(anchor) or is_category_url(url) or _in_menu(anchor):
            follow.add(url)
    taken = {t.url for t in teasers} | {normalise_url(document.url) if document.url else ""}
    return [
        link
        for link in page_links(tree, document.url)
        if link.url not in taken and (link.kind is LinkKind.FEED or link.url in follow)
    ]


def _in_menu(anchor: Element) -> bool:
    return in_box(anchor, _MENU) or any(a.tag == "nav" for a in anchor.iterancestors())


def _is_pagination(anchor: Element) -> bool:
    if {"next", "prev"} & set((anchor.get("rel") or "").lower().split()):
        return True
    return in_box(anchor, _PAGINATION)


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None
