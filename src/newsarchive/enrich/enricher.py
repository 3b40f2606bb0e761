"""Enrichment of articles: parse each article's text once, then find its entities, its
quotations and its figures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from newsarchive.enrich.entities import find_entities
from newsarchive.enrich.figures import find_figures
from newsarchive.enrich.nlp import load_pipeline, parse
from newsarchive.enrich.quotes import find_quotes
from newsarchive.model import Article, Enrichment, enrichment_text

# bump when the output for the same article changes, so stored enrichments are redone
ENRICHER_VERSION = "1"


class Enricher:
    """Enriches articles with one spaCy pipeline (the process's cached one by default)."""

    def __init__(self, nlp: Language | None = None) -> None:
        self.nlp = nlp if nlp is not None else load_pipeline()

    def enrich(self, articles: Iterable[Article], *, batch_size: int = 32) -> Iterator[Enrichment]:
        """One Enrichment per article, in the articles' order (texts are parsed in batches)."""
        texts = (enrichment_text(article) for article in articles)
        for doc in parse(self.nlp, texts, batch_size=batch_size):
            yield enrich_doc(doc)


def enrich_doc(doc: Doc) -> Enrichment:
    """What one parsed article holds: entities, then quotations and figures that use them."""
    entities = find_entities(doc)
    quotes = find_quotes(doc, entities)
    figures = find_figures(doc, entities, quotes)
    return Enrichment(ENRICHER_VERSION, entities, quotes, figures)


def enrich_articles(articles: Iterable[Article]) -> Iterator[Enrichment]:
    """``Enricher().enrich`` as a module-level function, for worker processes."""
    return Enricher().enrich(articles)
