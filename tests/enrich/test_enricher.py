"""The enricher over whole articles: order, version, long and odd texts."""

from __future__ import annotations

import pytest
from spacy.language import Language

from newsarchive.enrich.enricher import ENRICHER_VERSION, Enricher, enrich_articles
from newsarchive.enrich.nlp import parse, split_text
from newsarchive.model import enrichment_from_dict, enrichment_text, enrichment_to_dict

from .conftest import make_article


def test_enrichments_come_in_article_order_with_the_version(nlp: Language) -> None:
    articles = [
        make_article(
            "Kremlin spokesman Dmitry Peskov said that the talks would go on.", title="Talks"
        ),
        make_article("Nothing was said here."),
        make_article("“We will win,” Donald Trump told reporters."),
    ]
    enrichments = list(Enricher(nlp).enrich(articles, batch_size=2))
    assert [e.version for e in enrichments] == [ENRICHER_VERSION] * 3
    assert [[q.speaker for q in e.quotes] for e in enrichments] == [
        ["Dmitry Peskov"], [], ["Donald Trump"],
    ]  # fmt: skip
    for article, enrichment in zip(articles, enrichments, strict=True):
        text = enrichment_text(article)
        for quote in enrichment.quotes:
            assert text[quote.start : quote.end] == quote.text
        assert enrichment_from_dict(enrichment_to_dict(enrichment)) == enrichment


def test_the_module_level_function_enriches_like_the_class() -> None:
    article = make_article("Kremlin spokesman Dmitry Peskov said that the talks would go on.")
    (enrichment,) = enrich_articles([article])
    assert [(q.speaker, q.role) for q in enrichment.quotes] == [
        ("Dmitry Peskov", "Kremlin spokesman")
    ]


def test_a_paragraph_of_one_megabyte_is_enriched_with_right_offsets(nlp: Language) -> None:
    sentence = "Dmitry Peskov said that the talks would go on. "
    huge = sentence * (1_000_000 // len(sentence) + 1)
    article = make_article("Kremlin spokesman Dmitry Peskov spoke on Friday.", huge.strip())
    (enrichment,) = Enricher(nlp).enrich([article])
    text = enrichment_text(article)
    assert len(text) > 1_000_000
    assert len(enrichment.quotes) > 10_000
    for quote in enrichment.quotes[-50:]:
        assert text[quote.start : quote.end] == quote.text == "the talks would go on"


def test_a_text_without_spaces_is_cut_anywhere_and_parsed_whole(nlp: Language) -> None:
    text = "x" * 50_000
    (doc,) = parse(nlp, [text])
    assert doc.text == text


@pytest.mark.parametrize("limit", [5, 17, 100])
def test_long_texts_are_cut_into_pieces_that_join_back(limit: int) -> None:
    text = "One sentence. Another one!\n\nA paragraph; with, breaks and wordswithoutspaces " * 3
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(0 < len(piece) <= limit for piece in pieces)


def test_articles_in_other_languages_are_enriched_without_a_crash(nlp: Language) -> None:
    articles = [
        make_article("Песков заявил, что переговоры продолжатся. «Мы ждём», — сказал он."),
        make_article("佩斯科夫说：“我们仍在谈论莫斯科。”"),
        make_article(""),
    ]
    enrichments = list(Enricher(nlp).enrich(articles))
    assert len(enrichments) == 3
    for article, enrichment in zip(articles, enrichments, strict=True):
        text = enrichment_text(article)
        assert all(text[q.start : q.end] == q.text for q in enrichment.quotes)
