"""Telling inputs apart before reading them: a text dump, an HTML page, a feed, a sitemap.

The declared media type decides when it is specific (``text/html``, an RSS or Atom type);
generic types (``text/plain``, ``application/xml``, ``application/octet-stream``) and
undeclared inputs are judged by their first element, found in the first few KB only, so
sniffing a 1 GB input costs the same as sniffing a small one.
"""

from __future__ import annotations

import re
from enum import Enum

from newsarchive.model import Document

_HEAD_CHARS = 4096


class InputKind(Enum):
    """What an input is, before it is read."""

    DUMP = "dump"  # a flattened text dump
    HTML = "html"  # an HTML page: an article or a listing
    FEED = "feed"  # RSS 0.9x/1.0/2.0 or Atom
    SITEMAP = "sitemap"  # a sitemap, news sitemap or sitemap index


_DECLARED = {
    "text/html": InputKind.HTML,
    "application/xhtml+xml": InputKind.HTML,
    "application/rss+xml": InputKind.FEED,
    "application/atom+xml": InputKind.FEED,
    "application/rdf+xml": InputKind.FEED,
    "application/feed+xml": InputKind.FEED,
}
# the prologue before the first element: BOM, space, XML declaration, comments, doctype
_PROLOGUE = re.compile(r"\A(?:\ufeff|\s+|<\?.*?\?>|<!--.*?-->|<!(?!(?i:doctype))[^>]*>)*", re.S)
_DOCTYPE = re.compile(r"<!doctype\s+(?P<name>[\w:.-]+)", re.I)
_FIRST_TAG = re.compile(r"<(?P<name>[A-Za-z][\w:.-]*)(?P<attrs>[^>]*)")
_FEED_ROOTS = ("rss", "feed", "rdf:rdf", "rdf")
_SITEMAP_ROOTS = ("urlset", "sitemapindex")
# elements an HTML fragment or a page without <html> starts with
_HTML_STARTS = (
    "html",
    "head",
    "body",
    "meta",
    "title",
    "link",
    "script",
    "style",
    "div",
    "p",
    "article",
    "section",
    "main",
    "header",
    "nav",
    "h1",
    "h2",
    "table",
    "ul",
)


def sniff(document: Document) -> InputKind:
    """What ``document`` holds, from its declared media type or its first element."""
    declared = _media_type(document.media_type)
    if declared in _DECLARED:
        return _DECLARED[declared]
    return sniff_text(_head(document))


def sniff_text(head: str) -> InputKind:
    """The kind of an input from its opening characters: plain text is a dump."""
    rest = head[_PROLOGUE.match(head).end() :]  # type: ignore[union-attr]  # \A(...)* matches
    doctype = _DOCTYPE.match(rest)
    if doctype is not None:
        return InputKind.HTML if doctype.group("name").lower() == "html" else _after_doctype(rest)
    tag = _FIRST_TAG.match(rest)
    if tag is None:
        return InputKind.DUMP
    return _root_kind(tag.group("name").lower())


def _after_doctype(rest: str) -> InputKind:
    """An XML doctype (``<!DOCTYPE rss ...>``): the element after it decides."""
    after = rest[rest.find(">") + 1 :] if ">" in rest else ""
    after = after[_PROLOGUE.match(after).end() :]  # type: ignore[union-attr]
    tag = _FIRST_TAG.match(after)
    return _root_kind(tag.group("name").lower()) if tag else InputKind.DUMP


def _root_kind(name: str) -> InputKind:
    local = name.split(":")[-1]
    if name in _FEED_ROOTS or local in ("rss", "feed"):
        return InputKind.FEED
    if local in _SITEMAP_ROOTS:
        return InputKind.SITEMAP
    if name in _HTML_STARTS:
        return InputKind.HTML
    return InputKind.DUMP


def _media_type(value: str | None) -> str:
    """ "Text/HTML; charset=utf-8" -> "text/html"."""
    return (value or "").split(";")[0].strip().lower()


def _head(document: Document) -> str:
    if document.text:
        return document.text[:_HEAD_CHARS]
    try:
        return document.data[:_HEAD_CHARS].decode(document.encoding or "utf-8", errors="replace")
    except LookupError:  # an encoding Python does not know: the markup is ASCII anyway
        return document.data[:_HEAD_CHARS].decode("latin-1")
