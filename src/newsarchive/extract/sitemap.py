"""Sitemaps: the addresses a site lists for crawlers, with their dates.

A ``<urlset>`` gives article links (a news sitemap also gives each article's title,
date, language and keywords, read as teasers); a ``<sitemapindex>`` gives further
sitemaps. The XML is read as a stream, element by element, with entities, DTDs and the
network off, so a sitemap of any size or a hostile one costs little memory and no fetch.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from dateutil import parser as date_parser
from lxml import etree

from newsarchive.errors import InputError
from newsarchive.extract.links import normalise_url
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.extract.text import normalize
from newsarchive.model import Article, Document, make_article_id, url_key

_ROOTS = ("urlset", "sitemapindex")


@dataclass(frozen=True, slots=True)
class _Entry:
    """One ``<url>`` or ``<sitemap>`` element, by the local names of its children."""

    loc: str
    lastmod: str | None = None
    title: str | None = None
    published: str | None = None
    language: str | None = None
    keywords: tuple[str, ...] = ()


def read_sitemap(document: Document) -> Reading:
    """The links of a sitemap (ARTICLE) or sitemap index (SITEMAP), and a teaser article
    for every news-sitemap entry that names its title."""
    links: list[Link] = []
    articles: list[Article] = []
    for root, entry in _entries(document):
        url = normalise_url(entry.loc, document.url)
        if url is None:
            continue
        if root == "sitemapindex":
            links.append(Link(url, LinkKind.SITEMAP, published=entry.lastmod))
            continue
        links.append(Link(url, LinkKind.ARTICLE, published=entry.published or entry.lastmod))
        if entry.title:
            articles.append(_teaser(document, url, entry))
    return Reading(Kind.SITEMAP, tuple(articles), tuple(links))


def _teaser(document: Document, url: str, entry: _Entry) -> Article:
    return Article(
        id=make_article_id(url_key(url)),
        title=entry.title,
        summary=None,
        paragraphs=(),
        source=document.source_ref(),
        published=entry.published,
        updated=entry.lastmod if entry.lastmod != entry.published else None,
        url=url,
        language=entry.language,
        tags=entry.keywords,
        teaser=True,
    )


def _entries(document: Document) -> Iterator[tuple[str, _Entry]]:
    """Each entry with its sitemap's root name, parsed as a stream; bad XML, or XML that is
    not a sitemap, is an ``InputError`` naming the input."""
    name = document.url or document.path or document.sha256[:12]
    data = document.data or document.text.encode("utf-8")
    if not data.strip():
        raise InputError(name, "is empty", "check the sitemap URL or file")
    events = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    root = ""
    try:
        for event, element in events:
            tag = _local(element.tag)
            if event == "start":
                if not root:
                    root = _check_root(tag, name)
                continue
            if tag in ("url", "sitemap") and element.getparent() is not None:
                entry = _entry(element)
                if entry is not None:
                    yield root, entry
                _forget(element)
    except etree.XMLSyntaxError as exc:
        raise InputError(
            name, f"is not a valid sitemap ({exc.msg})", "check the sitemap URL or file"
        ) from None
    if not root:
        raise InputError(name, "is not a sitemap (empty)", "check the sitemap URL or file")


def _check_root(tag: str, name: str) -> str:
    if tag not in _ROOTS:
        raise InputError(
            name,
            f"is not a sitemap (its root element is <{tag}>, not <urlset> or <sitemapindex>)",
            "check the sitemap URL or file",
        )
    return tag


def _entry(element: etree._Element) -> _Entry | None:
    """An entry from its children, found by local name whatever the namespace prefixes
    (sitemaps in the wild use the sitemap, news and image namespaces, or none)."""
    fields: dict[str, str] = {}
    # the entry's own children first: an image:image holds a <loc> of its own
    nested = (d for d in element.iterdescendants() if d.getparent() is not element)
    for child in (*element, *nested):
        tag = _local(child.tag)
        if tag and tag not in fields and child.text and child.text.strip():
            fields[tag] = normalize(child.text)
    loc = fields.get("loc")
    if not loc:
        return None
    keywords = tuple(k.strip() for k in fields.get("keywords", "").split(",") if k.strip())
    return _Entry(
        loc=loc,
        lastmod=iso_datetime(fields.get("lastmod", "")),
        title=fields.get("title"),
        published=iso_datetime(fields.get("publication_date", "")),
        language=fields.get("language"),
        keywords=keywords,
    )


def _forget(element: etree._Element) -> None:
    """Free a read entry, and the siblings before it, so memory stays flat."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _local(tag: object) -> str:
    """ "{http://www.sitemaps.org/schemas/sitemap/0.9}url" -> "url"."""
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def iso_datetime(value: str) -> str | None:
    """A W3C datetime ("2026-03-03", "2026-03-03T07:15:00-05:00", "2026-03-03T12:15Z") as
    ISO 8601: a date stays a date, a time keeps its timezone. None when it is no date."""
    value = value.strip()
    if not value or not value[:1].isdigit():
        return None
    try:
        parsed = date_parser.isoparse(value)
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(value)
        except (ValueError, OverflowError):
            return None
    if len(value) <= 10 and "T" not in value:
        return parsed.date().isoformat()
    return _seconds(parsed).isoformat()


def _seconds(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)
