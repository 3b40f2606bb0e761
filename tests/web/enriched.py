"""An enriched archive for the web tests: dated articles in "Politics" whose enrichments
are built here as data (what the enricher gives), so no language model is needed.

Peskov is "Dmitry Peskov" in two articles and only "Peskov" in one; a speaker's name holds
markup that must stay text.
"""

from __future__ import annotations

from newsarchive.model import Article, Document, Enrichment, Entity, Figure, Quote, enrichment_text
from newsarchive.store import Location, open_store
from tests.web.archive import Draft, build_archive, build_document

EVIL_NAME = '<script>alert("name")</script> Smith'
PAUSE_WORDS = "“create favorable conditions for negotiations,”"
EVIL_QUOTE = "<img src=x onerror=alert(1)> we will win"
TRUCE = Draft(
    title="Kremlin confirms a pause in strikes",
    summary="The pause lasts a week",
    paragraphs=(
        "The pause is meant to “create favorable conditions for negotiations,” Peskov said.",
        "He declined to give details.",
    ),
    categories=("Politics",),
    published="2026-01-30",
)
TALKS = Draft(
    title="Talks in Abu Dhabi end",
    summary="Delegations met for two days",
    paragraphs=(
        "Dmitry Peskov said the talks went well.",
        "Vladimir Zelensky claimed 6,483 civilian casualties in 2025.",
    ),
    categories=("Politics",),
    published="2026-02-03",
)
SUMMIT = Draft(
    title="Summit planned for March",
    summary="A date is not set",
    paragraphs=(
        "“We are ready,” Dmitry Peskov told reporters.",
        f"{EVIL_NAME} said: “{EVIL_QUOTE}”.",
        "Someone claimed the venue was chosen.",
    ),
    categories=("Politics",),
    published="2026-02-10",
)


def span(article: Article, part: str) -> tuple[int, int]:
    start = enrichment_text(article).index(part)
    return start, start + len(part)


def quote(article: Article, speaker: str | None, text: str, cue: str, direct: bool) -> Quote:
    return Quote(speaker, text, cue, direct, *span(article, text), speaker_text=speaker)


def person(article: Article, name: str, mention: str | None = None) -> Entity:
    return Entity(name, "PERSON", (span(article, mention or name),))


def enrichments(
    truce: Article, talks: Article, summit: Article
) -> list[tuple[Article, Enrichment]]:
    return [
        (truce, Enrichment(
            "1",
            (person(truce, "Peskov"), Entity("Kremlin", "ORG", (span(truce, "Kremlin"),))),
            (quote(truce, "Peskov", PAUSE_WORDS, "said", True),),
        )),
        (talks, Enrichment(
            "1",
            (person(talks, "Dmitry Peskov"), person(talks, "Vladimir Zelensky"),
             Entity("Abu Dhabi", "GPE", (span(talks, "Abu Dhabi"),))),
            (quote(talks, "Dmitry Peskov", "the talks went well", "said", False),),
            (Figure("6,483", 6483.0, "civilian casualties",
                    *span(talks, "6,483 civilian casualties"), "in 2025", "Vladimir Zelensky"),),
        )),
        (summit, Enrichment(
            "1",
            (person(summit, "Dmitry Peskov"), person(summit, EVIL_NAME)),
            (quote(summit, "Dmitry Peskov", "“We are ready,”", "told", True),
             quote(summit, EVIL_NAME, f"“{EVIL_QUOTE}”", "said", True),
             quote(summit, None, "the venue was chosen", "claimed", False)),
        )),
    ]  # fmt: skip


Politics = tuple[Article, Article, Article]


def politics() -> tuple[Document, Politics]:
    """The three Politics articles, in their document."""
    document, (truce, talks, summit) = build_document([TRUCE, TALKS, SUMMIT], path="politics.txt")
    return document, (truce, talks, summit)


def build_enriched_archive(location: Location) -> tuple[Location, Politics]:
    """The web tests' archive plus the three Politics articles above, enriched."""
    build_archive(location)
    document, articles = politics()
    with open_store(location) as store:
        store.add_document(document, list(articles))
        assert store.put_enrichments(enrichments(*articles)) == 3
    return location, articles
