"""Atom feeds (RFC 4287) of category listings, built with ElementTree (which escapes)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from newsarchive.store.base import ListedArticle
from newsarchive.web.views import article_path

ATOM = "http://www.w3.org/2005/Atom"
# characters XML 1.0 cannot hold, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MINUTES = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")
_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def rfc3339(published: str | None, fallback: str) -> str:
    """An Atom date: the publication date (a day alone is taken as midnight UTC) or,
    when there is none or it is not a full date, ``fallback`` (when it was archived)."""
    value = published or ""
    if _DAY.match(value):
        return f"{value}T00:00:00Z"
    if _MINUTES.match(value):
        return f"{value}:00Z"
    if _SECONDS.match(value):  # printed without a time zone: read as UTC
        return f"{value}Z"
    if re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", value):
        return value
    return fallback


def category_feed(
    name: str, slug: str, base_url: str, items: Sequence[ListedArticle], generated: str
) -> bytes:
    """The newest ``items`` of category ``name``; ``base_url`` ends without a slash."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    page = f"{base_url}/category/{slug}"
    _sub(feed, "id", f"urn:newsarchive:category:{slug}")
    _sub(feed, "title", f"{name} — newsarchive")
    dates = [rfc3339(i.published, rfc3339(i.first_seen, generated)) for i in items]
    _sub(feed, "updated", max(dates, default=generated))
    _link(feed, f"{page}/feed.atom", "self", "application/atom+xml")
    _link(feed, page, "alternate", "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _sub(author, "name", "newsarchive")
    for item, updated in zip(items, dates, strict=True):
        _entry(feed, item, base_url, updated)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def _entry(feed: ET.Element, item: ListedArticle, base_url: str, updated: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    _sub(entry, "id", f"urn:newsarchive:article:{item.id}")
    _sub(entry, "title", item.headline)
    _sub(entry, "updated", updated)
    if item.published and rfc3339(item.published, ""):
        _sub(entry, "published", updated)
    _link(entry, base_url + article_path(item.id), "alternate", "text/html")
    summary = item.summary if item.title else item.lead
    _sub(entry, "summary", summary or item.headline)
    for category in item.categories:
        ET.SubElement(entry, f"{{{ATOM}}}category", term=xml_text(category))


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = xml_text(text)


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", href=xml_text(href), rel=rel, type=kind)
