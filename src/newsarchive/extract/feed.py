"""RSS and Atom feeds: each entry a teaser article, each entry's link one to follow.

feedparser reads every feed dialect and recovers from broken XML; it is given the bytes
as a stream, never a string, since it would take a string for a URL to fetch or a file
to open. Media captions and credits (``media:content`` with ``media:description`` and
``media:credit``) are read from the XML directly, because feedparser flattens them per
entry and lets a picture's description overwrite the entry's summary.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser
from dateutil import parser as date_parser
from lxml import etree
from lxml import html as lxml_html

from newsarchive.errors import InputError
from newsarchive.extract import patterns as pt
from newsarchive.extract.blocktext import figure_caption, text_blocks
from newsarchive.extract.links import normalise_url
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.extract.teasers import without_trailer
from newsarchive.extract.text import normalize, word_count
from newsarchive.model import (
    Article,
    Caption,
    Document,
    article_key,
    make_article_id,
    url_key,
)

_MEDIA_NS = ("http://search.yahoo.com/mrss/", "http://search.yahoo.com/mrss")
_REAL_TEXT_WORDS = 25  # content shorter than this is a teaser line, not the article
_TAG_SCHEMES = ("tag", "keyword")


def read_feed(document: Document) -> Reading:
    """Every entry of an RSS or Atom feed as a teaser ``Article`` and an ARTICLE link."""
    parsed = _parse(document)
    feed_categories = _terms(parsed.feed.get("tags") or ())
    language = _language(parsed.feed.get("language"))
    # text given without its bytes was encoded as UTF-8, whatever its declaration says
    media = _media_captions(_bytes(document), document.url, None if document.data else "utf-8")
    articles: list[Article] = []
    links: list[Link] = []
    for n, entry in enumerate(parsed.entries):
        article = _article(document, entry, feed_categories, language, media, n)
        articles.append(article)
        if article.url is not None:
            category = feed_categories[0] if feed_categories else None
            links.append(Link(article.url, LinkKind.ARTICLE, category, article.published))
    return Reading(Kind.FEED, tuple(articles), tuple(links))


def _parse(document: Document) -> Any:
    """The feedparser result; a feed it could not read any entry from is an InputError
    with the parser's own reason."""
    headers = {"content-type": "application/xml"}
    if not document.data:  # the text was encoded as UTF-8 below, whatever it declares
        headers["content-type"] = "application/xml; charset=utf-8"
    if document.url:
        headers["content-location"] = document.url
    parsed = feedparser.parse(io.BytesIO(_bytes(document)), response_headers=headers)
    if parsed.entries:
        return parsed
    name = document.url or document.path or document.sha256[:12]
    if parsed.get("bozo"):
        reason = str(parsed.get("bozo_exception") or "unreadable XML")
        raise InputError(
            name,
            f"is not a valid RSS/Atom feed ({reason})",
            "check the feed URL or file: it should be an RSS or Atom document",
        )
    if not parsed.get("version"):
        raise InputError(
            name,
            "is not an RSS/Atom feed (no channel or feed element)",
            "check the feed URL or file: it should be an RSS or Atom document",
        )
    return parsed


def _bytes(document: Document) -> bytes:
    return document.data or document.text.encode("utf-8")


def _article(
    document: Document,
    entry: dict[str, Any],  # a FeedParserDict
    feed_categories: tuple[str, ...],
    language: str | None,
    media: Mapping[str, tuple[Caption, ...]],
    index: int,
) -> Article:
    url = normalise_url(entry.get("link"), document.url)
    title = _field(entry, "title") or None
    # the summary's type cannot be trusted: feedparser lets media:description overwrite it
    summary = without_trailer(_plain(entry.get("summary"))) or None
    paragraphs, figures = _content(entry, summary, document.url)
    published = _date(entry.get("published"), entry.get("published_parsed"))
    # dict.get: feedparser's own get("updated") falls back to the published date, and warns
    updated = _date(dict.get(entry, "updated"), dict.get(entry, "updated_parsed"))
    captions = _unique((*media.get(url or "", ()), *media.get(f"#{index}", ()), *figures))
    categories, tags = _categories_and_tags(entry, feed_categories)
    key = url_key(url) if url else article_key(title, summary, paragraphs, published)
    return Article(
        id=make_article_id(key),
        title=title,
        summary=summary,
        paragraphs=paragraphs,
        source=document.source_ref(),
        captions=captions,
        categories=categories,
        authors=_authors(entry),
        published=published,
        url=url,
        updated=updated if updated != published else None,
        language=_language(_entry_language(entry)) or language,
        tags=tags,
        teaser=True,
    )


def _field(entry: Mapping[str, Any], name: str) -> str:
    """A text field as plain text: markup stripped when the feed marks it as HTML (or
    does not say), kept when it is declared plain ("Why x<y" is a title, not a tag)."""
    value = entry.get(name)
    detail = entry.get(f"{name}_detail")
    if isinstance(detail, Mapping) and detail.get("type") == "text/plain":
        return normalize(value) if isinstance(value, str) else ""
    return _plain(value)


def _plain(value: object) -> str:
    """Text from a field that may hold HTML ("<p>The council <b>approved</b>…")."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if "<" not in value:
        return normalize(value)
    return " ".join(" ".join(lines) for lines in text_blocks(_fragment(value)))


def _fragment(markup: str) -> lxml_html.HtmlElement:
    parser = lxml_html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml_html.Element("div")
        root.text = markup
    return root


def _content(
    entry: Mapping[str, Any], summary: str | None, base: str | None
) -> tuple[tuple[str, ...], tuple[Caption, ...]]:
    """Paragraphs (and figure captions) of ``content:encoded`` / Atom ``content``, when it
    holds the article's text rather than the summary again or a "Read more" line."""
    contents = entry.get("content") or ()
    values = [c.get("value", "") for c in contents if isinstance(c, Mapping)]
    markup = max(values, key=len, default="")
    if not markup.strip():
        return (), ()
    root = _fragment(markup)
    captions = [c for f in root.iter("figure") if (c := figure_caption(f, base)) is not None]
    for figure in list(root.iter("figure")):
        figure.drop_tree()
    paragraphs = tuple(" ".join(lines) for lines in text_blocks(root))
    text = " ".join(paragraphs)
    if word_count(text) < _REAL_TEXT_WORDS or normalize(text) == summary:
        return (), tuple(captions)
    return paragraphs, tuple(captions)


def _categories_and_tags(
    entry: Mapping[str, Any], feed_categories: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The feed's own category first, then the entry's; terms in a tag or keyword scheme
    are tags."""
    entry_tags = entry.get("tags") or ()
    tag_like = [t for t in entry_tags if any(s in str(t.get("scheme") or "") for s in _TAG_SCHEMES)]
    categories = _terms(t for t in entry_tags if t not in tag_like)
    merged = tuple(dict.fromkeys((*feed_categories, *categories)))
    return merged, _terms(tag_like)


def _terms(tags: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    names = (normalize(str(t.get("label") or t.get("term") or "")) for t in tags)
    return tuple(dict.fromkeys(n for n in names if n))


def _authors(entry: Mapping[str, Any]) -> tuple[str, ...]:
    names = [a.get("name") for a in entry.get("authors") or () if isinstance(a, Mapping)]
    if not any(names) and entry.get("author"):
        names = [entry.get("author")]
    # one field often names several ("Anna Lee, Tom Hartley", "Anna Lee and Tom Hartley")
    split = (a for n in names if isinstance(n, str) for a in pt.split_authors(normalize(n)))
    return tuple(dict.fromkeys(split))


def _date(raw: object, parsed: time.struct_time | None) -> str | None:
    """ISO 8601 with its timezone: the date as printed when it names its offset, else
    feedparser's reading of it (UTC, it knows "EST" and other names)."""
    if isinstance(raw, str) and raw.strip():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # dateutil warns about unknown zone names
            try:
                moment = date_parser.parse(raw)
            except (ValueError, OverflowError):
                moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment.isoformat()
    if parsed is not None:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    return None


def _language(value: object) -> str | None:
    """ "en-US" -> "en"."""
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower().replace("_", "-").split("-")[0] or None


def _entry_language(entry: Mapping[str, Any]) -> str | None:
    for field in ("title_detail", "summary_detail"):
        detail = entry.get(field)
        if isinstance(detail, Mapping) and detail.get("language"):
            return str(detail["language"])
    return None


def _unique(captions: Iterable[Caption]) -> tuple[Caption, ...]:
    seen: set[tuple[str, str | None]] = set()
    out: list[Caption] = []
    for caption in captions:
        if (caption.text, caption.credit) not in seen:
            seen.add((caption.text, caption.credit))
            out.append(caption)
    return tuple(out)


# --- media captions, read from the XML ----------------------------------------------------


def _media_captions(
    data: bytes, base: str | None, encoding: str | None
) -> dict[str, tuple[Caption, ...]]:
    """Captions of each entry's pictures, by the entry's normalised link and by its
    position ("#0", "#1", ...) for entries without one. Broken XML is read as far as
    libxml2 can recover it; entities and the network stay off."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        recover=True,
        load_dtd=False,
        encoding=encoding,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return {}
    if root is None:
        return {}
    found: dict[str, tuple[Caption, ...]] = {}
    items = [el for el in root.iter() if _local(el.tag) in ("item", "entry")]
    for n, item in enumerate(items):
        captions = _item_captions(item, base)
        if captions:
            link = normalise_url(_item_link(item), base)
            found[link or f"#{n}"] = captions
    return found


def _item_captions(item: etree._Element, base: str | None) -> tuple[Caption, ...]:
    contents = [el for el in item.iter() if _is_media(el, "content")]
    pictures = [el for el in contents if _is_picture(el)] or [
        el for el in item.iter() if _is_media(el, "thumbnail")
    ]
    captions = []
    for picture in pictures:
        text = _media_field(picture, item, "description")
        credit = _media_field(picture, item, "credit")
        if text or credit:
            url = normalise_url(picture.get("url"), base)
            captions.append(Caption(text or "", credit, url))
    return tuple(captions)


def _media_field(picture: etree._Element, item: etree._Element, name: str) -> str | None:
    """A media field of the picture itself, else of its ``media:group``, else the item's."""
    scopes = [picture]
    parent = picture.getparent()
    if parent is not None and _is_media(parent, "group"):
        scopes.append(parent)
    scopes.append(item)
    for scope in scopes:
        for child in scope:
            if _is_media(child, name):
                text = normalize("".join(child.itertext()))
                if text:
                    return _plain(text) if name == "description" else text
    return None


def _is_media(element: etree._Element, name: str) -> bool:
    tag = element.tag
    return isinstance(tag, str) and any(tag == f"{{{ns}}}{name}" for ns in _MEDIA_NS)


def _is_picture(element: etree._Element) -> bool:
    medium = (element.get("medium") or "").lower()
    media_type = (element.get("type") or "").lower()
    return medium == "image" or media_type.startswith("image/") or not (medium or media_type)


def _item_link(item: etree._Element) -> str | None:
    for child in item:
        if _local(child.tag) != "link":
            continue
        if child.get("href") and child.get("rel", "alternate") == "alternate":
            return str(child.get("href"))
        if child.text and child.text.strip():
            return str(child.text.strip())
    return None


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
