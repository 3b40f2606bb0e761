"""The links of an HTML page, absolute and normalised, for the crawler and the readers.

One URL has one spelling in the archive: ``normalise_url`` resolves it against the page
(``<base href>`` honoured), lower-cases the host, drops tracking parameters (courlan) and
the fragment, so a teaser's link, a feed item's link and the fetched page's URL meet.
"""

from __future__ import annotations

from urllib.parse import urldefrag, urljoin, urlsplit

from courlan import normalize_url
from lxml import html as lxml_html

from newsarchive.extract.reading import Link, LinkKind

_WEB_SCHEMES = ("http", "https")
_FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
_MAX_URL = 4096  # longer hrefs are data blobs or attacks, never article addresses


def normalise_url(href: str | None, base: str | None = None) -> str | None:
    """``href`` as an absolute, normalised http(s) URL without fragment, or None when it
    is not a web address (``javascript:``, ``mailto:``, a bare fragment, a relative link
    with no base to resolve it against, a malformed host)."""
    if not href:
        return None
    href = href.strip()
    if not href or href.startswith("#") or len(href) > _MAX_URL:
        return None
    try:
        absolute = urljoin(base, href) if base else href
        parts = urlsplit(absolute)
        if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
            return None
        _ = parts.port  # raises ValueError on a port out of range or not a number
        if any(c.isspace() for c in parts.netloc):
            return None
        normalised: str = normalize_url(absolute)
    except ValueError:  # "http://[::1", "http://host:99999" and other unusable addresses
        return None
    return urldefrag(normalised).url


def resolve_base(tree: lxml_html.HtmlElement, page_url: str | None) -> str | None:
    """What relative links resolve against: the page's ``<base href>`` (itself resolved
    against the page URL), else the page URL."""
    for base in tree.iter("base"):
        href = str(base.get("href") or "").strip()
        if href:
            resolved = urljoin(page_url, href) if page_url else href
            if urlsplit(resolved).scheme.lower() in _WEB_SCHEMES:
                return resolved
    return page_url


def page_links(tree: lxml_html.HtmlElement, base_url: str | None) -> tuple[Link, ...]:
    """Every ``<a href>`` of the page as a PAGE link, and every
    ``<link rel=alternate type=rss/atom>`` as a FEED link: absolute, normalised,
    deduplicated, in page order."""
    base = resolve_base(tree, base_url)
    seen: set[str] = set()
    links: list[Link] = []
    for element in tree.iter("a", "link"):
        kind = _link_kind(element)
        if kind is None:
            continue
        url = normalise_url(element.get("href"), base)
        if url is None or url in seen:
            continue
        seen.add(url)
        links.append(Link(url, kind))
    return tuple(links)


def _link_kind(element: lxml_html.HtmlElement) -> LinkKind | None:
    if element.tag == "a":
        return LinkKind.PAGE
    rel = (element.get("rel") or "").lower().split()
    media_type = (element.get("type") or "").lower().split(";")[0].strip()
    if "alternate" in rel and media_type in _FEED_TYPES:
        return LinkKind.FEED
    return None
