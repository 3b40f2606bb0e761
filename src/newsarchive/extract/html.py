"""Parse decoded HTML into an lxml tree once, for every HTML reader to share."""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.etree import ParserError

from newsarchive.errors import InputError
from newsarchive.model import Document


def parse_html(document: Document) -> lxml_html.HtmlElement:
    """The document's HTML as a tree; a page that is not HTML at all is an ``InputError``.

    libxml2 keeps its default limits (no ``huge_tree``): a 50 MB attribute or text node is
    dropped rather than parsed, and very deep nesting is cut, so a hostile page cannot take
    the memory or time of a worker.
    """
    name = document.url or document.path or document.sha256[:12]
    text = document.text
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
