"""Read one HTML article page into an ``Article``: main text, metadata, captions, related links.

trafilatura finds the main text (its default, balanced settings without comments: the mode
of its published benchmark runs); ``metadata`` reads the page's JSON-LD, meta tags and
microdata first and falls back on trafilatura's and htmldate's markup heuristics only for
what they lack; ``figures`` finds captions with credits and related links. Paragraphs that
are the headline, a caption, a credit or a related title are removed from the body, so each
piece of the page is in exactly one field.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from lxml import html as lxml_html
from trafilatura import bare_extraction
from trafilatura.utils import load_html

from newsarchive.errors import InputError, NoArticlesError
from newsarchive.extract import patterns as pt
from newsarchive.extract.figures import clean, find_captions, find_related, json_images
from newsarchive.extract.html import parse_html
from newsarchive.extract.jsonld import article_object, json_ld_objects
from newsarchive.extract.links import normalise_url, resolve_base
from newsarchive.extract.metadata import (
    PageMetadata,
    latest_date,
    normalise_date,
    read_page_metadata,
    unique,
    with_fallbacks,
)
from newsarchive.model import (
    Article,
    Caption,
    Document,
    RelatedLink,
    article_key,
    make_article_id,
    url_key,
)

# trafilatura and htmldate log every page they discard; our error says it once, better
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)

_WORDS = re.compile(r"\w+")
_MIN_CHARACTERS = 80  # less text in all is a page without an article
_MIN_SENTENCE = 30  # and one paragraph, at least, is a sentence


def read_article_page(
    document: Document,
    tree: lxml_html.HtmlElement | None = None,
    *,
    category: str | None = None,
) -> Article:
    """The article an HTML page holds. ``tree`` is ``parse_html(document)`` when the caller
    has it (it is not modified); ``category`` (a listing's, given by a crawler) comes first
    among the article's categories. A page without main text is a ``NoArticlesError``."""
    if tree is None:
        tree = _parse(document)
    objects = json_ld_objects(tree)
    base_url = resolve_base(tree, document.url)  # what relative links resolve against
    meta = read_page_metadata(tree, base_url, objects)
    url = meta.canonical or _page_url(document)
    captions = find_captions(tree, base_url or url, json_images(article_object(objects), objects))
    related = find_related(tree, base_url or url, url)
    text = _main_text(document, tree)
    meta = with_fallbacks(meta, tree, url)
    paragraphs = without_headline(body_paragraphs(text, captions, related), meta)
    if not is_main_text(paragraphs):
        raise _no_text(document)
    summary = _summary(meta.description, paragraphs)
    key = url_key(url) if url else article_key(meta.title, summary, paragraphs, meta.published)
    return Article(
        id=make_article_id(key),
        title=meta.title,
        summary=summary,
        paragraphs=paragraphs,
        source=document.source_ref(),
        captions=captions,
        related=related,
        categories=unique(([category] if category else []) + list(meta.sections)),
        authors=meta.authors,
        published=meta.published,
        dateline=pt.wire_dateline(paragraphs[0]),
        url=url,
        updated=updated_date(meta, tree, url),
        language=meta.language,
        tags=meta.tags,
    )


def _parse(document: Document) -> lxml_html.HtmlElement:
    """The shared parse; a page it refuses is given to trafilatura's loader, which repairs
    what libxml2 rejects in a decoded string (an XML declaration naming an encoding, as
    XHTML pages have; control characters). A page neither can read stays an error."""
    try:
        return parse_html(document)
    except InputError:
        repaired = load_html(document.text) if document.text.strip() else None
        if repaired is None:
            raise
        return repaired


def _main_text(document: Document, tree: lxml_html.HtmlElement) -> str:
    """trafilatura's main text of the page. It copies a tree it is given before pruning
    it, so the caller's tree stays intact. When the shared tree gives nothing, the text is
    tried through trafilatura's own loader, which first repairs what trips libxml2 (control
    characters, the doctype line): a second parse, on failures only."""
    for source in (tree, document.text):
        found = bare_extraction(
            source,
            url=document.url,
            with_metadata=False,  # metadata is read by ``metadata``, from data first
            include_comments=False,  # comments pruned before extraction: the tuned mode
            include_tables=True,
        )
        text = getattr(found, "text", None)
        if isinstance(text, str) and text.strip():
            return text
    raise _no_text(document)


def _no_text(document: Document) -> NoArticlesError:
    return NoArticlesError(
        document.url or document.path or document.sha256[:12],
        "has no main text (it may be a listing, a login wall or a page built by scripts)",
        "check the page in a browser; a listing page is read with the listing reader",
    )


def _page_url(document: Document) -> str | None:
    return normalise_url(document.url) if document.url else None


def body_paragraphs(
    text: str, captions: tuple[Caption, ...], related: tuple[RelatedLink, ...]
) -> tuple[str, ...]:
    """The main text's paragraphs, less those that are a caption, a credit, a related
    article's title or a "Read more" line: these are fields of the article already."""
    drop = _known_texts(captions, related)
    lines = [clean(line) for line in text.split("\n")]
    kept = [line for line in lines if line and not _is_aside(line, drop)]
    return tuple(kept)


def without_headline(paragraphs: tuple[str, ...], meta: PageMetadata) -> tuple[str, ...]:
    """The text without the headline trafilatura keeps at its top: it is the title field."""
    titles = {_key(title) for title in (meta.title, meta.headline) if title}
    lead = 0
    while lead < min(len(paragraphs), 2) and _key(paragraphs[lead]) in titles:
        lead += 1
    return paragraphs[lead:]


def is_main_text(paragraphs: tuple[str, ...]) -> bool:
    """Whether what is left reads as an article: a sentence or more, not a few menu words
    (a login wall or an empty template leaves "Home", "News", "Sign in")."""
    sizes = [len(paragraph) for paragraph in paragraphs]  # characters: CJK has no spaces
    return sum(sizes) >= _MIN_CHARACTERS and max(sizes, default=0) >= _MIN_SENTENCE


def _known_texts(captions: tuple[Caption, ...], related: tuple[RelatedLink, ...]) -> set[str]:
    known: set[str] = set()
    for caption in captions:
        known.update(_key(part) for part in (caption.text, caption.credit) if part)
        if caption.text and caption.credit:
            known.add(_key(f"{caption.text} {caption.credit}"))
    known.update(_key(link.title) for link in related)
    known.discard("")
    return known


def _is_aside(line: str, known: set[str]) -> bool:
    key = _key(line)
    if key in known or pt.is_related_marker(line):
        return True
    inline = pt.related_inline(line)
    return inline is not None and (_key(inline) in known or len(line.split()) <= 25)


def _key(text: str) -> str:
    """A line as compared with captions and titles: its words only (case, spacing and
    punctuation ignored, so "Caption. Credit" is "Caption Credit")."""
    return " ".join(_WORDS.findall(text.casefold()))


def _summary(description: str | None, paragraphs: tuple[str, ...]) -> str | None:
    """The page's description, unless it is only the start of the first paragraph (many
    sites fill the meta description with the lead, cut at some length)."""
    if not description:
        return None
    lead = _key(paragraphs[0]) if paragraphs else ""
    short = _key(description.rstrip("…").removesuffix("..."))
    if short and lead.startswith(short):
        return None
    return description


def updated_date(meta: PageMetadata, tree: lxml_html.HtmlElement, url: str | None) -> str | None:
    """When the article was last changed: the page's stated modified date, else the latest
    date htmldate finds (quick search only) when it is later than the publication date."""
    if meta.updated:
        return meta.updated if _is_after(meta.updated, meta.published) else None
    if not meta.published:
        return None
    latest = normalise_date(latest_date(tree, url))
    return latest if _is_after(latest, meta.published[:10]) else None


def _is_after(updated: str | None, published: str | None) -> bool:
    """Whether ``updated`` is a later moment than ``published`` (as instants when both
    carry an offset; by their common precision otherwise, so a bare day compares by day)."""
    if not updated:
        return False
    if not published:
        return True
    later, earlier = _parse_iso(updated), _parse_iso(published)
    if later and earlier and later.tzinfo and earlier.tzinfo:
        return later > earlier
    width = min(len(updated), len(published), 19)
    return updated[:width] > published[:width]


def _parse_iso(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
