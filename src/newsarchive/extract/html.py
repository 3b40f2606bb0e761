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


def parse_html(document: Document) -> lxml_html.HtmlElement:
    """The document's HTML as a tree; a page that is not HTML at all is an ``InputError``.

    libxml2 keeps its default limits (no ``huge_tree``): a 50 MB attribute or text node is
    dropped rather than parsed, and very deep nesting is cut, so a hostile page cannot take
    the memory or time of a worker.
    """
    name = document.url or document.path or document.sha256[:12]
    text = _FORBIDDEN.sub("", _XML_DECLARATION.sub("", document.text, count=1))
    if not text.strip():
        raise InputError(name, "is an empty page", "check that the URL or file is an HTML page")
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        tree = lxml_html.document_fromstring(text, parser=parser)
    except (ParserError, ValueError) as exc:
        raise InputError(name, f"cannot be parsed as HTML ({exc})", "check the page") from None
    if tree is None or (tree.find(".//body") is None and not len(tree)):
        raise InputError(name, "holds no HTML elements", "check that it is an HTML page")
    return tree
