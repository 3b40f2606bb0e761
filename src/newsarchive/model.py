"""The data model: one small set of frozen dataclasses that every stage passes along.

An ``Article`` is what every reader produces and every store keeps. Its JSON form
(``article_to_dict`` / ``article_from_dict``) is the output contract of
``newsarchive parse``; ``schema/article.schema.json`` describes it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True)
class Caption:
    """A photo caption and its credit ("© Agency/Name"), either may be missing."""

    text: str
    credit: str | None = None
    image_url: str | None = None  # the picture's address, when the source gave one


@dataclass(frozen=True, slots=True)
class RelatedLink:
    """A link to another article: "READ MORE: …", a "Read more" box, a "Related" list item."""

    title: str
    url: str | None = None
    image_caption: str | None = None
    image_credit: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an article came from: a file (path) or a URL, its bytes' sha256,
    and the article's character span ``[start, end)`` in the decoded text."""

    sha256: str
    start: int
    end: int
    path: str | None = None
    url: str | None = None
    encoding: str | None = None
    # web provenance: the WARC record (``path`` is then the WARC file), the fetch
    record_id: str | None = None
    record_offset: int | None = None
    fetched_at: str | None = None  # ISO 8601, UTC
    http_status: int | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A raw input after decoding: the whole text, with where it came from.

    ``text`` is the decoded text exactly as in the input (no normalisation), so
    article spans index into it and nothing is lost; ``data`` holds the input's bytes as
    read, when the reader had them, so the store can keep the original exactly.
    """

    text: str
    sha256: str
    encoding: str
    path: str | None = None
    url: str | None = None
    size: int = 0
    data: bytes = field(default=b"", repr=False, compare=False)
    # what the input is ("text/plain", "text/html", "application/rss+xml", ...), when known
    media_type: str | None = None
    # web provenance: a WARC record (``path`` is the WARC file) or an HTTP fetch
    record_id: str | None = None
    record_offset: int | None = None
    fetched_at: str | None = None
    http_status: int | None = None

    def source_ref(self, start: int = 0, end: int | None = None) -> SourceRef:
        """A reference to ``[start, end)`` of this document (default: all of it)."""
        return SourceRef(
            sha256=self.sha256,
            start=start,
            end=len(self.text) if end is None else end,
            path=self.path,
            url=self.url,
            encoding=self.encoding,
            record_id=self.record_id,
            record_offset=self.record_offset,
            fetched_at=self.fetched_at,
            http_status=self.http_status,
        )


@dataclass(frozen=True, slots=True)
class Article:
    """One article as published. Text fields are normalised (NFC, plain spaces);
    ``raw`` keeps the article's original span of the decoded input."""

    id: str
    title: str | None
    summary: str | None
    paragraphs: tuple[str, ...]
    source: SourceRef
    captions: tuple[Caption, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    categories: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    published: str | None = None
    dateline: str | None = None
    raw: str = field(default="", compare=False)
    # read from the web: the canonical URL (the id comes from it), and page metadata
    url: str | None = None
    updated: str | None = None
    language: str | None = None
    tags: tuple[str, ...] = ()
    # True when only a teaser is known (a feed item, a listing entry): a full article with
    # the same id replaces it, and a teaser never replaces a full article
    teaser: bool = False

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def headline(self) -> str:
        """What a listing shows: the title, else the summary, else the first paragraph."""
        return self.title or self.summary or (self.paragraphs[0] if self.paragraphs else "")


def article_key(
    title: str | None,
    summary: str | None,
    paragraphs: tuple[str, ...],
    published: str | None = None,
) -> str:
    """The identity of an article that has no URL: its normalised lead text, and its date
    when it has one (so a recurring "Morning briefing" is a new article each day).

    The same article in two dumps (or re-fetched with an edited body) gets the same id,
    so the store can merge categories and keep revisions.
    """
    lead = title or summary or (paragraphs[0] if paragraphs else "")
    key = normalise_title(lead)[:300]
    return f"{key} @{published[:10]}" if published else key


def normalise_title(text: str) -> str:
    """A title as compared when resolving related links: case and spacing ignored."""
    return " ".join(text.casefold().split())


def category_slug(name: str) -> str:
    """A category's name in a URL: ``"Russia"`` -> ``russia``, ``"Middle East"`` ->
    ``middle-east``; letters of any script are kept, other runs become one hyphen."""
    slug = "-".join(re.findall(r"\w+", name.casefold())).replace("_", "-")
    return slug or "-"


def url_key(url: str) -> str:
    """The identity of an article that has a (canonical) URL: the URL itself."""
    return f"url:{url}"


def make_article_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def content_hash(article: Article) -> str:
    """A hash of what a reader sees; categories and provenance are not part of it."""
    payload: dict[str, Any] = {
        "title": article.title,
        "summary": article.summary,
        "paragraphs": list(article.paragraphs),
        "captions": [
            [c.text, c.credit] + ([c.image_url] if c.image_url else []) for c in article.captions
        ],
        "related": [[r.title, r.url, r.image_caption, r.image_credit] for r in article.related],
        "authors": list(article.authors),
        "published": article.published,
        "dateline": article.dateline,
    }
    # fields added for web pages count only when set, so hashes of dump articles stored by
    # earlier versions stay valid (no spurious revisions on re-ingest)
    web: dict[str, Any] = {
        "updated": article.updated,
        "tags": list(article.tags),
        "teaser": article.teaser,
    }
    payload.update({key: value for key, value in web.items() if value})
    blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()


def article_to_dict(article: Article, *, with_raw: bool = False) -> dict[str, Any]:
    source: dict[str, Any] = {
        "sha256": article.source.sha256,
        "start": article.source.start,
        "end": article.source.end,
        "encoding": article.source.encoding,
    }
    if article.source.url is not None:
        source["url"] = article.source.url
    if article.source.path is not None or article.source.url is None:
        source["path"] = article.source.path
    for name in ("record_id", "record_offset", "fetched_at", "http_status"):
        value = getattr(article.source, name)
        if value is not None:
            source[name] = value
    out: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "summary": article.summary,
        "paragraphs": list(article.paragraphs),
        "captions": [
            {"text": c.text, "credit": c.credit, "image_url": c.image_url} for c in article.captions
        ],
        "related": [
            {
                "title": r.title,
                "url": r.url,
                "image_caption": r.image_caption,
                "image_credit": r.image_credit,
            }
            for r in article.related
        ],
        "categories": list(article.categories),
        "authors": list(article.authors),
        "published": article.published,
        "dateline": article.dateline,
        "url": article.url,
        "updated": article.updated,
        "language": article.language,
        "tags": list(article.tags),
        "teaser": article.teaser,
        "source": source,
    }
    if with_raw:
        out["raw"] = article.raw
    return out


def article_from_dict(data: dict[str, Any]) -> Article:
    src = data["source"]
    return Article(
        id=data["id"],
        title=data.get("title"),
        summary=data.get("summary"),
        paragraphs=tuple(data.get("paragraphs", ())),
        captions=tuple(
            Caption(c["text"], c.get("credit"), c.get("image_url"))
            for c in data.get("captions", ())
        ),
        related=tuple(
            RelatedLink(r["title"], r.get("url"), r.get("image_caption"), r.get("image_credit"))
            for r in data.get("related", ())
        ),
        categories=tuple(data.get("categories", ())),
        authors=tuple(data.get("authors", ())),
        published=data.get("published"),
        dateline=data.get("dateline"),
        source=SourceRef(
            sha256=src["sha256"],
            start=src["start"],
            end=src["end"],
            path=src.get("path"),
            url=src.get("url"),
            encoding=src.get("encoding"),
            record_id=src.get("record_id"),
            record_offset=src.get("record_offset"),
            fetched_at=src.get("fetched_at"),
            http_status=src.get("http_status"),
        ),
        raw=data.get("raw", ""),
        url=data.get("url"),
        updated=data.get("updated"),
        language=data.get("language"),
        tags=tuple(data.get("tags", ())),
        teaser=bool(data.get("teaser", False)),
    )


def with_categories(article: Article, categories: tuple[str, ...]) -> Article:
    return replace(article, categories=categories)


@dataclass(frozen=True, slots=True)
class FetchState:
    """What the archive remembers of its last fetch of a URL, for conditional re-fetches
    (``If-None-Match`` / ``If-Modified-Since``) and to tell a changed page from the same."""

    url: str
    etag: str | None
    last_modified: str | None
    sha256: str | None  # of the body last fetched
    http_status: int
    fetched_at: str  # ISO 8601, UTC


# -- who said what (enrichment) ------------------------------------------------------------
#
# Offsets of entities, quotes and figures index ``enrichment_text(article)``: the title,
# the summary and the paragraphs, each that is present, joined by a blank line.

ENRICHMENT_SEPARATOR = "\n\n"


def enrichment_text(article: Article) -> str:
    """The text an enricher reads, and that its offsets index."""
    parts = [p for p in (article.title, article.summary) if p] + list(article.paragraphs)
    return ENRICHMENT_SEPARATOR.join(parts)


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation or place named in an article, under one canonical name.

    ``label`` is PERSON, ORG or GPE/LOC (places); ``mentions`` are the ``[start, end)``
    spans where it is named (full name, surname, description); ``role`` is what the
    article calls it when stated ("Kremlin spokesman")."""

    name: str
    label: str
    mentions: tuple[tuple[int, int], ...] = ()
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation attributed to a speaker, as the article attributes it.

    ``speaker`` is a canonical entity name, None when the article's speaker could not be
    resolved (never guessed); ``speaker_text`` is how the article names the speaker at the
    cue ("he", "the diplomat", "Peskov"); ``text`` is the quoted (or reported) content and
    ``[start, end)`` its span; ``direct`` is True for words in quotation marks."""

    speaker: str | None
    text: str
    cue: str | None
    direct: bool
    start: int
    end: int
    speaker_text: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """A number with what it counts ("6,483 civilian casualties"), the date or period it
    refers to when stated, and who claims it when it sits inside an attribution."""

    value: str  # as printed: "6,483", "1,550", "62", "$1.2 billion"
    number: float | None  # parsed, when it parses
    counts: str | None  # "civilian casualties", "deployed strategic nuclear warheads", "cm"
    start: int
    end: int
    period: str | None = None  # "since February 2022", "in 2024"
    claimed_by: str | None = None  # a canonical entity name


@dataclass(frozen=True, slots=True)
class Enrichment:
    """What the enricher found in one article, and which version of it did."""

    version: str
    entities: tuple[Entity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    figures: tuple[Figure, ...] = ()


def enrichment_to_dict(enrichment: Enrichment) -> dict[str, Any]:
    """The JSON form added to an article's by ``parse --enrich`` and the exports."""
    return {
        "enrichment_version": enrichment.version,
        "entities": [
            {
                "name": e.name,
                "label": e.label,
                "role": e.role,
                "mentions": [list(m) for m in e.mentions],
            }
            for e in enrichment.entities
        ],
        "quotes": [
            {
                "speaker": q.speaker,
                "text": q.text,
                "cue": q.cue,
                "direct": q.direct,
                "start": q.start,
                "end": q.end,
                "speaker_text": q.speaker_text,
                "role": q.role,
            }
            for q in enrichment.quotes
        ],
        "figures": [
            {
                "value": f.value,
                "number": f.number,
                "counts": f.counts,
                "period": f.period,
                "claimed_by": f.claimed_by,
                "start": f.start,
                "end": f.end,
            }
            for f in enrichment.figures
        ],
    }


def enrichment_from_dict(data: dict[str, Any]) -> Enrichment:
    return Enrichment(
        version=data["enrichment_version"],
        entities=tuple(
            Entity(e["name"], e["label"], tuple((m[0], m[1]) for m in e["mentions"]), e.get("role"))
            for e in data.get("entities", ())
        ),
        quotes=tuple(
            Quote(
                q["speaker"], q["text"], q.get("cue"), q["direct"], q["start"], q["end"],
                q.get("speaker_text"), q.get("role"),
            )
            for q in data.get("quotes", ())
        ),
        figures=tuple(
            Figure(
                f["value"], f.get("number"), f.get("counts"), f["start"], f["end"],
                f.get("period"), f.get("claimed_by"),
            )
            for f in data.get("figures", ())
        ),
    )  # fmt: skip


# -- stories, near-duplicates, predicted categories ---------------------------------------


@dataclass(frozen=True, slots=True)
class StoryRef:
    """The story an article belongs to: its id and label (its most central headline)."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class TopicRef:
    """The topic an article's story belongs to (related stories: a season, a public
    figure, a peace process): its id and label (its most central story's label)."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class PredictedCategory:
    """A category the archive's classifier gives an article its source gave none; always
    marked predicted, with the classifier's confidence in [0, 1]."""

    name: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Grouping:
    """Where an article stands among the others: its story, the article it near-duplicates
    (None for an original), predicted categories (empty when the source gave some), and
    its story's topic."""

    story: StoryRef | None = None
    duplicate_of: str | None = None
    predicted_categories: tuple[PredictedCategory, ...] = ()
    topic: TopicRef | None = None


def grouping_to_dict(grouping: Grouping) -> dict[str, Any]:
    """The JSON fields ``export`` and ``parse`` add: ``story``, ``duplicate_of``,
    ``predicted_categories`` and ``topic`` (added later, so last)."""
    story, topic = grouping.story, grouping.topic
    return {
        "story": None if story is None else {"id": story.id, "label": story.label},
        "duplicate_of": grouping.duplicate_of,
        "predicted_categories": [
            {"name": p.name, "confidence": p.confidence, "predicted": True}
            for p in grouping.predicted_categories
        ],
        "topic": None if topic is None else {"id": topic.id, "label": topic.label},
    }
