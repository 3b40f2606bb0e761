"""Read any decoded input into a ``Reading``: a text dump, an article page, a listing page,
a feed or a sitemap, told apart by ``sniff``.

Pure and picklable at module level, so ingest can run it in a worker process with a time
limit (``ingest.workers``).
"""

from __future__ import annotations

from dataclasses import replace

from lxml.html import HtmlElement

from newsarchive.errors import NoArticlesError
from newsarchive.extract.dump import split_archive_page
from newsarchive.extract.feed import read_feed
from newsarchive.extract.html import parse_html
from newsarchive.extract.links import page_links
from newsarchive.extract.listing import is_listing_page, read_listing_page
from newsarchive.extract.page import read_article_page
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.extract.sitemap import read_sitemap
from newsarchive.extract.sniff import InputKind, sniff
from newsarchive.model import Article, Document


def read_document(document: Document, link: Link | None = None, *, follow: bool = True) -> Reading:
    """What ``document`` holds. ``link`` is how a crawler reached it: its category (a
    listing's) goes to the article, and its date fills a page that states none.

    ``follow=False`` leaves out an HTML page's links (a crawl needs them; ingesting a file
    or a WARC does not, and collecting them is a tenth of a page's reading time)."""
    kind = sniff(document)
    if kind is InputKind.DUMP:
        return Reading(Kind.DUMP, tuple(split_archive_page(document)))
    if kind is InputKind.FEED:
        return read_feed(document)
    if kind is InputKind.SITEMAP:
        return read_sitemap(document)
    return _read_html(document, link, follow)


def _read_html(document: Document, link: Link | None, follow: bool) -> Reading:
    tree = parse_html(document)
    links = page_links(tree, document.url) if follow else ()
    expected_article = link is not None and link.kind is LinkKind.ARTICLE
    if not expected_article and is_listing_page(tree, document.url):
        listing = read_listing_page(document, tree)
        if listing.articles:
            return listing
        # a "listing" without a single teaser was an article page after all; else it
        # is a page of links (a home page), read as such
        try:
            return _article_reading(document, tree, link, links)
        except NoArticlesError:
            return listing
    try:
        return _article_reading(document, tree, link, links)
    except NoArticlesError:
        listing = read_listing_page(document, tree)
        if listing.articles or not expected_article:
            return listing
        raise


def _article_reading(
    document: Document, tree: HtmlElement, link: Link | None, links: tuple[Link, ...]
) -> Reading:
    category = link.category if link is not None else None
    article = read_article_page(document, tree, category=category)
    if link is not None and link.published and article.published is None:
        article = replace(article, published=link.published)
    if not links:
        return Reading(Kind.ARTICLE, (article,))
    related = tuple(
        Link(r.url, LinkKind.ARTICLE, category=category) for r in article.related if r.url
    )
    return Reading(Kind.ARTICLE, (article,), _unique(related + links))


def _unique(links: tuple[Link, ...]) -> tuple[Link, ...]:
    seen: set[str] = set()
    kept: list[Link] = []
    for link in links:
        if link.url not in seen:
            seen.add(link.url)
            kept.append(link)
    return tuple(kept)


def full_articles(reading: Reading) -> tuple[Article, ...]:
    """The articles a crawl keeps from a page: not the teasers of pages it will fetch."""
    return tuple(a for a in reading.articles if not a.teaser)
