"""A small archive for the web tests: the bundled sample, read by the real reader, plus
dated articles in two categories built here with correct spans."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file
from newsarchive.model import Article, Caption, Document, RelatedLink, SourceRef, make_article_id
from newsarchive.store import Location, open_store

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "newsarchive" / "data"
SAMPLE_FILE = SAMPLE / "category-archive-russia.txt"


@dataclass(frozen=True)
class Draft:
    summary: str
    paragraphs: tuple[str, ...] = ("A paragraph of the body.",)
    title: str | None = None
    categories: tuple[str, ...] = ("Economy",)
    published: str | None = None
    captions: tuple[Caption, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    authors: tuple[str, ...] = ()
    dateline: str | None = None
    key: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return make_article_id(self.key or self.title or self.summary)


def build_document(
    drafts: list[Draft], *, path: str | None = "economy.txt", url: str | None = None
) -> tuple[Document, list[Article]]:
    text = "Category Archive : Economy\n\n"
    spans = []
    for draft in drafts:
        block = "\n\n".join((draft.title or draft.summary, *draft.paragraphs))
        spans.append((len(text), len(text) + len(block)))
        text += block + "\n\n\n"
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    document = Document(text, sha, "utf-8", path=path, url=url, size=len(data), data=data)
    articles = [
        Article(
            id=draft.id,
            title=draft.title,
            summary=draft.summary,
            paragraphs=draft.paragraphs,
            source=SourceRef(sha, start, end, path=path, url=url, encoding="utf-8"),
            captions=draft.captions,
            related=draft.related,
            categories=draft.categories,
            authors=draft.authors,
            published=draft.published,
            dateline=draft.dateline,
            raw=text[start:end],
        )
        for draft, (start, end) in zip(drafts, spans, strict=True)
    ]
    return document, articles


# 25 dated economy articles, one a day in January 2024 (so three pages of ten)
ECONOMY = [
    Draft(
        summary=f"Economy report number {n:02d} on grain exports",
        paragraphs=(f"Grain exports rose for the {n}th day, traders said.",),
        published=f"2024-01-{n:02d}",
        captions=(Caption(f"Port of Novorossiysk, day {n}", "© Sputnik/Ilya Pitalev"),)
        if n % 5 == 0
        else (),
    )
    for n in range(1, 26)
]
LINKED = Draft(
    title="Markets rally after the central bank decision",
    summary="Stocks rose sharply on Friday",
    paragraphs=("Markets rallied.", "Analysts were surprised."),
    categories=("Economy", "Markets"),
    published="2024-02-02T09:30:00Z",
    authors=("Anna Berg", "Sam Reed"),
    dateline="MOSCOW",
    captions=(Caption("Traders at the exchange", "© Reuters/Tom Nicholson"),),
    related=(
        RelatedLink("Economy report number 07 on grain exports"),
        RelatedLink("  ECONOMY report number 08   on grain exports "),
        RelatedLink("A story that was never archived"),
        RelatedLink("An external story", "https://example.org/story?id=1"),
    ),
)


def build_archive(location: Location) -> Location:
    """The sample (read from disk like the CLI does) plus the economy articles."""
    with open_store(location) as store:
        document = read_text_file(SAMPLE_FILE)
        store.add_document(document, split_archive_page(document))
        store.add_document(*build_document([*ECONOMY, LINKED]))
    return location
