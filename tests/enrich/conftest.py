"""Shared fixtures for enrichment tests: the real English pipeline, loaded once."""

from __future__ import annotations

import hashlib

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from newsarchive.enrich.entities import find_entities
from newsarchive.enrich.nlp import load_pipeline, parse
from newsarchive.enrich.quotes import find_quotes
from newsarchive.model import Article, Quote, SourceRef, enrichment_text


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_pipeline()


def make_article(*paragraphs: str, title: str | None = None) -> Article:
    """An article with these paragraphs (and title), as a reader would produce it."""
    body = "\n\n".join(paragraphs)
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
    return Article(
        id=digest[:16],
        title=title,
        summary=None,
        paragraphs=tuple(paragraphs),
        source=SourceRef(sha256=digest, start=0, end=len(body)),
    )


def parse_text(nlp: Language, text: str) -> Doc:
    return next(parse(nlp, [text]))


def quotes_of(nlp: Language, *paragraphs: str) -> tuple[Quote, ...]:
    """The quotations found in an article of these paragraphs."""
    doc = parse_text(nlp, enrichment_text(make_article(*paragraphs)))
    return find_quotes(doc, find_entities(doc))
