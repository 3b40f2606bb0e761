"""The bundled sample (a Russia category archive page) as stories and topics: what a reader
sees after ``newsarchive ingest``, ``enrich`` and ``stories`` on it, whichever order the
articles arrive in (the store adds a listing page's articles bottom-up, so ``stories``
sees the page reversed)."""

from __future__ import annotations

import pytest

from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file
from newsarchive.model import Article
from newsarchive.stories.cluster import StoryClusterer, story_item
from tests.conftest import SAMPLE

Grouped = tuple[list[Article], StoryClusterer]


@pytest.fixture(scope="module", params=["page order", "reverse page order"])
def grouped(request: pytest.FixtureRequest) -> Grouped:
    pytest.importorskip("spacy")
    from newsarchive.enrich.enricher import Enricher

    articles = split_archive_page(read_text_file(SAMPLE))
    pairs = list(zip(articles, Enricher().enrich(articles), strict=True))
    if request.param == "reverse page order":
        pairs.reverse()
    clusterer = StoryClusterer()
    for article, enrichment in pairs:
        clusterer.add(story_item(article, enrichment))
    return articles, clusterer


def _mentioning(articles: list[Article], phrase: str) -> list[Article]:
    return [a for a in articles if any(phrase in p for p in (a.summary or "", *a.paragraphs))]


def test_the_abu_dhabi_talks_articles_share_a_topic(grouped: Grouped) -> None:
    articles, clusterer = grouped
    talks = _mentioning(articles, "Abu Dhabi")
    assert len(talks) == 4
    assert len({clusterer.topic_of(a.id) for a in talks}) == 1
    # the four are different developments of the talks: at most three stories
    assert len({clusterer.story_of(a.id) for a in talks}) <= 3


def test_unrelated_articles_stay_out_of_the_talks_topic_and_stories(grouped: Grouped) -> None:
    articles, clusterer = grouped
    talks = _mentioning(articles, "Abu Dhabi")
    talks_stories = {clusterer.story_of(a.id) for a in talks}
    for phrase in ("Auschwitz", "Snow accumulation"):
        (unrelated,) = _mentioning(articles, phrase)
        assert clusterer.topic_of(unrelated.id) != clusterer.topic_of(talks[0].id)
        assert clusterer.story_of(unrelated.id) not in talks_stories
    assert len(clusterer.stories()) >= 5
    assert len(clusterer.topics()) >= 3


def test_every_story_names_its_topic_and_topics_are_labelled(grouped: Grouped) -> None:
    _, clusterer = grouped
    topics = {t.id: t for t in clusterer.topics()}
    for story in clusterer.stories():
        assert story.id in topics[story.topic].story_ids
    talks = next(t for t in topics.values() if len(t.story_ids) > 1)
    labels = {s.label for s in clusterer.stories() if s.id in talks.story_ids}
    assert talks.label in labels
