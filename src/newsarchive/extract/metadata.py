"""An article page's metadata: title, summary, authors, dates, language, sections, tags, URL.

Structured sources come first because publishers fill them for machines: JSON-LD, then
OpenGraph / ``<meta>`` tags, then microdata. What they leave out is taken from the markup
with trafilatura's title and byline heuristics and htmldate's date search (run only then:
they are the slow part), so a page with no structured data still gets a title, an author
and a date.
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from dateutil import parser as date_parser
from htmldate import find_date
from lxml import html as lxml_html
from trafilatura.metadata import extract_author, extract_title

from newsarchive.extract.jsonld import (
    JsonObject,
    article_object,
    breadcrumb_names,
    first_text,
    texts,
)
from newsarchive.extract.links import normalise_url


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """What a page says about its article, each field from the best source that had it."""

    title: str | None = None
    description: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    updated: str | None = None
    language: str | None = None
    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    canonical: str | None = None
    headline: str | None = None  # the page's visible <h1>, to check titles against


MetaTags = dict[str, list[str]]

_PUBLISHED_KEYS = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.date",
    "date",
)
_MODIFIED_KEYS = (
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "datemodified",
    "last-modified",
    "dcterms.modified",
)
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|text|words|story)\s+)?"
    r"(?:by|von|par|por|di|door|av|af|de|autor(?:in)?|author)\s*:?\s+",
    re.IGNORECASE,
)
_STANDFIRST_XPATH = (
    "//*[contains(concat(' ', normalize-space(@class), ' '), ' standfirst ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' dek ')"
    " or contains(@class, 'article-standfirst') or contains(@class, 'article__standfirst')"
    " or contains(@class, 'subheadline') or contains(@class, 'article-summary')]"
)
_BREADCRUMB_XPATH = "//@class[contains(., 'breadcrumb') or contains(., 'Breadcrumb')]/.."
_AUTHOR_SPLIT = re.compile(r"\s*(?:;|\||,|&|\band\b|\bund\b|\bet\b|\by\b|\bog\b|\boch\b)\s*")
_SURNAME_FIRST = re.compile(r"^(?P<last>[^\s,]+),\s*(?P<first>[^\s,]+(?:\s[A-Z]\.)?)$")
_PROFILE_URL = re.compile(r"\s*(?:https?:|www\.)", re.IGNORECASE)
_NOT_A_NAME = re.compile(
    r"https?:|www\.|@|\d{3}|^\W+$|[()\[\]]|\b(?:image|photo|getty|reuters|copyright)\b",
    re.IGNORECASE,
)


def meta_tags(tree: lxml_html.HtmlElement) -> MetaTags:
    """Every ``<meta>`` tag's content by its lower-cased name, property or itemprop, read in
    one pass over the page's meta elements."""
    tags: MetaTags = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = element.get(attribute)
            if key:
                tags.setdefault(key.strip().lower(), []).append(content.strip())
    return tags


def _first(tags: MetaTags, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        values = tags.get(key)
        if values:
            return values[0]
    return None


def read_page_metadata(
    tree: lxml_html.HtmlElement,
    page_url: str | None,
    objects: list[JsonObject],
) -> PageMetadata:
    """The metadata JSON-LD, meta tags and microdata give; ``objects`` are the page's JSON-LD
    objects (read once by the caller, who also needs their images)."""
    tags = meta_tags(tree)
    article = article_object(objects) or {}
    return PageMetadata(
        title=clean_text(first_text(article.get("headline")) or _first(tags, ("og:title",))),
        description=clean_text(
            first_text(article.get("description"))
            or _first(tags, ("description", "og:description", "twitter:description"))
            or _standfirst(tree)
        ),
        authors=split_authors(_author_names(article, tags, tree)),
        published=normalise_date(
            first_text(article.get("datePublished")) or _first(tags, _PUBLISHED_KEYS)
        ),
        updated=normalise_date(
            first_text(article.get("dateModified")) or _first(tags, _MODIFIED_KEYS)
        ),
        language=normalise_language(
            tree.get("lang")
            or tree.get("xml:lang")
            or _first(tags, ("content-language", "og:locale", "language", "dc.language"))
            or first_text(article.get("inLanguage"))
        ),
        sections=_sections(article, tags, objects, tree),
        tags=unique(_keywords(article, tags)),
        canonical=_canonical(tree, tags, page_url),
        headline=_visible_headline(tree),
    )


def _author_names(article: JsonObject, tags: MetaTags, tree: lxml_html.HtmlElement) -> list[str]:
    """Author names from JSON-LD, else meta tags, else microdata ``itemprop="author"``.
    (A JSON-LD author that is the publisher is kept: on the Fundus pages a person from the
    meta tags or the byline in its place was as often wrong as right.)"""
    names = texts(article.get("author")) or texts(article.get("creator"))
    return names or _meta_authors(tags) or _microdata_authors(tree)


def _meta_authors(tags: MetaTags) -> list[str]:
    for key in ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator"):
        names = [name for name in tags.get(key, []) if not _PROFILE_URL.match(name)]
        if names:
            return names
    return []


def _microdata_authors(tree: lxml_html.HtmlElement) -> list[str]:
    found = []
    for element in tree.xpath('//*[@itemprop="author"]'):
        inner = element.xpath('.//*[@itemprop="name"]')
        holder = inner[0] if inner else element
        found.append(holder.get("content") or holder.text_content())
    return found


def split_authors(names: list[str]) -> tuple[str, ...]:
    """One entry per person: "By A and B, C" is three names; prefixes, e-mail addresses,
    profile URLs and repeats are dropped."""
    people: list[str] = []
    for name in names:
        name = _BYLINE_PREFIX.sub("", " ".join(html.unescape(name).split()))
        surname_first = _SURNAME_FIRST.match(name)
        if surname_first:  # "You, Xiaoying" is one person, named surname first
            name = f"{surname_first['first']} {surname_first['last']}"
        for part in _AUTHOR_SPLIT.split(name):
            person = _BYLINE_PREFIX.sub("", part).strip(" .:-–—")
            if person and len(person) <= 60 and not _NOT_A_NAME.search(person):
                people.append(person)
    return unique(people)


def _sections(
    article: JsonObject, tags: MetaTags, objects: list[JsonObject], tree: lxml_html.HtmlElement
) -> tuple[str, ...]:
    """The article's section: JSON-LD ``articleSection``, ``article:section``, else the
    breadcrumb trail (JSON-LD, else ``class="breadcrumb…"`` links) without its first
    ("Home") step and the article's own title."""
    found = texts(article.get("articleSection")) or tags.get("article:section", [])
    if not found:
        trail = breadcrumb_names(objects) or _breadcrumb_links(tree)
        title = (
            first_text(article.get("headline")) or _first(tags, ("og:title",)) or ""
        ).casefold()
        found = [name for name in trail[1:] if name.casefold() != title]
    return unique([clean for name in found if (clean := clean_text(name))])


def _breadcrumb_links(tree: lxml_html.HtmlElement) -> list[str]:
    for trail in tree.xpath(_BREADCRUMB_XPATH):
        names = [clean_text(link.text_content()) for link in trail.iter("a")]
        if names:
            return [name for name in names if name and len(name) <= 60]
    return []


def _keywords(article: JsonObject, tags: MetaTags) -> list[str]:
    """Tags: ``article:tag`` entries, ``news_keywords`` / ``keywords`` and JSON-LD keywords,
    comma-separated lists split."""
    values = list(tags.get("article:tag", []))
    values += tags.get("news_keywords", []) + tags.get("keywords", [])
    values += texts(article.get("keywords"))
    words = [word.strip() for value in values for word in value.split(",")]
    return [word for word in words if word and len(word) <= 80]


def _canonical(tree: lxml_html.HtmlElement, tags: MetaTags, page_url: str | None) -> str | None:
    """``<link rel="canonical">``, else ``og:url``, resolved against the page's address."""
    for link in tree.iter("link"):
        if (link.get("rel") or "").strip().lower() == "canonical":
            url = normalise_url(link.get("href"), page_url)
            if url:
                return url
    return normalise_url(_first(tags, ("og:url",)), page_url)


def _standfirst(tree: lxml_html.HtmlElement) -> str | None:
    """The dek or standfirst under the headline, for pages without a meta description."""
    for element in tree.xpath(_STANDFIRST_XPATH):
        text = clean_text(element.text_content())
        if text:
            return text
    return None


def _visible_headline(tree: lxml_html.HtmlElement) -> str | None:
    for heading in tree.iter("h1"):
        text = clean_text(heading.text_content())
        if text:
            return text
    return None


def with_fallbacks(
    meta: PageMetadata, tree: lxml_html.HtmlElement, url: str | None
) -> PageMetadata:
    """Fill what structured data left empty from the markup, with trafilatura's title and
    byline heuristics and htmldate's search for the publication date. Each runs only when
    needed: most news pages state all three as data, and these searches are the slow part."""
    title = meta.title or clean_text(_heuristic(extract_title, tree))
    authors = meta.authors
    if not authors:
        byline = _heuristic(extract_author, tree)
        authors = split_authors([byline]) if byline else ()
    published = meta.published or normalise_date(published_date(tree, url))
    return replace(
        meta, title=choose_title(replace(meta, title=title)), authors=authors, published=published
    )


def published_date(tree: lxml_html.HtmlElement, url: str | None) -> str | None:
    """htmldate's publication date, with the settings trafilatura uses for its metadata."""
    return _heuristic(
        find_date,
        tree,
        original_date=True,
        extensive_search=True,
        url=url,
        max_date=date.today().isoformat(),
    )


def latest_date(tree: lxml_html.HtmlElement, url: str | None) -> str | None:
    """htmldate's most recent date of the page (a quick search: headers and markup only)."""
    return _heuristic(find_date, tree, original_date=False, extensive_search=False, url=url)


def _heuristic(search: Callable[..., str | None], *args: Any, **kwargs: Any) -> str | None:
    """A third-party markup heuristic's answer, or ``None`` when it fails on the page: they
    are fallbacks, and lxml refuses some of the text they copy (control characters)."""
    try:
        return search(*args, **kwargs)
    except (ValueError, TypeError, AttributeError):
        return None


def choose_title(meta: PageMetadata) -> str | None:
    """The structured title (JSON-LD, og:title: the publisher's own headline, free of the
    site name ``<title>`` carries), unless it was cut short ("…") and the visible ``<h1>``
    is its full form."""
    title, headline = meta.title, meta.headline
    if not title or not headline:
        return title or headline
    if not title.endswith(("…", "...")):
        return title
    short = title.rstrip("….").strip().casefold()
    return headline if headline.casefold().startswith(short) else title


def normalise_date(value: str | None) -> str | None:
    """ISO 8601 for what a page gives as a date: with time and offset when it has them, else
    ``YYYY-MM-DD``; ``None`` for what is not a plausible date."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            with warnings.catch_warnings():  # "CEST" and other names it cannot place
                warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
                parsed = date_parser.parse(text, fuzzy=False)
        except (ValueError, OverflowError):
            return None
    if not 1990 <= parsed.year <= date.today().year + 1:
        return None
    midnight = (parsed.hour, parsed.minute, parsed.second) == (0, 0, 0)
    if len(text) <= 10 or (midnight and "T" not in text):
        return parsed.date().isoformat()
    return parsed.isoformat()


def normalise_language(value: str | None) -> str | None:
    """The primary language subtag, lower-case: ``en-GB`` and ``en_US`` are ``en``."""
    if not value:
        return None
    primary = re.split(r"[-_\s,;]", value.strip(), maxsplit=1)[0].lower()
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else None


def clean_text(value: str | None) -> str | None:
    """Spacing collapsed and HTML entities decoded (JSON-LD and meta values often keep
    ``&#8217;``); ``None`` for an empty string."""
    if not value:
        return None
    text = " ".join(html.unescape(value).split())
    return text or None


def unique(values: list[str]) -> tuple[str, ...]:
    """Values in order, repeats (ignoring case) dropped."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            out.append(value)
    return tuple(out)
