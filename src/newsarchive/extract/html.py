"""Parse decoded HTML into an lxml tree once, for every HTML reader to share."""

from __future__ import annotations

import re

from lxml import html as lxml_html
from lxml.etree import ParserError

from newsarchive.errors import InputError
from newsarchive.model import Document

# lxml refuses a str that declares its own encoding (XHTML pages start so); the text is
# already decoded, so the declaration is dropped. Control characters that XML forbids are
# dropped too, as trafilatura's own loader does, so every reader sees the same tree.
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>", re.IGNORECASE)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What makes libxml2 stop early (its limits hold without ``huge_tree``): an attribute of
# megabytes, and elements nested thousands deep. Such a page is parsed again without them.
_HUGE_ATTRIBUTE = re.compile(r"""\s[^\s=<>"']+\s*=\s*(?:"[^"]{65536,}"|'[^']{65536,}')""")
_DEEP_OPEN = re.compile(r"(<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*>\s*)(?:<\2\b[^<>]*>\s*){64,}")
_DEEP_CLOSE = re.compile(r"(</([a-zA-Z][a-zA-Z0-9]*)\s*>\s*)(?:</\2\s*>\s*){64,}")
_OPEN_TITLE = re.compile(r"(<title\b[^>]*>[^<]*)", re.IGNORECASE)
_CUT_SHORT = 20  # a tree holding under 1/20 of the page's characters as text was cut short


def parse_html(document: Document) -> lxml_html.HtmlElement:
    """The document's HTML as a tree; a page that is not HTML at all is an ``InputError``.

    libxml2 keeps its default limits (no ``huge_tree``), so a hostile page cannot take the
    memory or time of a worker; when they cut a page short (a 50 MB attribute, tags nested
    100,000 deep), the page is parsed again with those attributes dropped and each run of
    identical nested tags collapsed to one, so the rest of the page is still read.
    """
    name = document.url or document.path or document.sha256[:12]
    text = _closed_title(_FORBIDDEN.sub("", _XML_DECLARATION.sub("", document.text, count=1)))
    if not text.strip():
        raise InputError(name, "is an empty page", "check that the URL or file is an HTML page")
    tree = _parse(text, name)
    if tree is not None and len(text) > 50_000 and _cut_short(tree, text):
        tree = _parse(_tamed(text), name)
    if tree is None or (tree.find(".//body") is None and not len(tree)):
        raise InputError(name, "holds no HTML elements", "check that it is an HTML page")
    return tree


def _parse(text: str, name: str) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        return lxml_html.document_fromstring(text, parser=parser)
    except ValueError:  # a declaration the pattern missed (broken, unclosed): go by bytes
        utf8 = lxml_html.HTMLParser(
            remove_comments=True, remove_pis=True, huge_tree=False, encoding="utf-8"
        )
        try:
            return lxml_html.document_fromstring(text.encode("utf-8", "replace"), parser=utf8)
        except (ParserError, ValueError) as exc:
            raise InputError(name, f"cannot be parsed as HTML ({exc})", "check the page") from None
    except ParserError as exc:
        raise InputError(name, f"cannot be parsed as HTML ({exc})", "check the page") from None


def _cut_short(tree: lxml_html.HtmlElement, text: str) -> bool:
    """Whether the tree lost most of the page: little text in it, and more in the page."""
    kept = sum(len(t) for t in tree.itertext())
    if kept * _CUT_SHORT >= len(text):
        return False
    return _HUGE_ATTRIBUTE.search(text) is not None or _DEEP_OPEN.search(text) is not None


def _tamed(text: str) -> str:
    text = _HUGE_ATTRIBUTE.sub(" ", text)
    text = _DEEP_OPEN.sub(r"\1", text)
    return _DEEP_CLOSE.sub(r"\1", text)


def _closed_title(text: str) -> str:
    """A ``<title>`` never closed (a damaged page) would hold the whole page as its text
    (it is raw text to an HTML parser): it is closed where the next tag begins."""
    start = text[:200_000].lower()
    if "<title" not in start or "</title" in start:
        return text
    return _OPEN_TITLE.sub(r"\1</title>", text, count=1)
