"""Stories and topics on the web: story pages with a timeline chart, the stories index,
topic pages (their stories and a chart of their articles per day) and the topics index,
"same story" and topic links and duplicate badges on article pages, predicted categories
marked as predicted, near-duplicates hidden from listings unless asked, and the JSON
twins. Archived text (a story's or topic's label included) is always escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from newsarchive.model import PredictedCategory
from newsarchive.settings import Settings
from newsarchive.store import Location, open_store
from newsarchive.store.grouping import StoryRecord, TopicRecord
from newsarchive.web import create_app
from tests.backends import Backend, built_once
from tests.web.archive import ECONOMY, LINKED, build_archive

EVIL = '<script>alert("story")</script>'
GRAIN = [d.id for d in ECONOMY[:4]]  # 2024-01-01 .. 04
COPY = ECONOMY[4].id  # 2024-01-05, linked as a near-duplicate of GRAIN[1]
GRAIN_STORY = StoryRecord(
    "grain-1", f"Grain exports {EVIL}", ("Novorossiysk", EVIL), tuple(GRAIN),
    "2024-01-01", "2024-01-04",
)  # fmt: skip
MARKETS = StoryRecord("markets-1", "Markets rally", (), (LINKED.id,), "2024-02-02", "2024-02-02")
ECONOMY_TOPIC = TopicRecord(
    "economy-t", f"Economy {EVIL}", ("Novorossiysk",), ("grain-1", "markets-1"),
    "2024-01-01", "2024-02-02",
)  # fmt: skip


def build_story_archive(location: Location) -> None:
    build_archive(location)
    with open_store(location) as store:
        others = {d.id: None for d in ECONOMY[5:]}
        store.put_groupings(
            {**dict.fromkeys(GRAIN), COPY: GRAIN[1], LINKED.id: None, **others},
            [GRAIN_STORY, MARKETS],
            {},
            topics=[ECONOMY_TOPIC],
        )
        store.put_predictions([(LINKED.id, [PredictedCategory("Finance", 0.91)])])


@pytest.fixture
def archive(
    backend: Backend, session_backend: Backend, built_archives: dict[tuple[str, str], Location]
) -> Location:
    return built_once(built_archives, session_backend, backend, "stories", build_story_archive)


@pytest.fixture
def web(archive: Location) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=archive, page_size=30))) as opened:
        yield opened


def article_links(html: str) -> list[str]:
    return re.findall(r'<a href="/article/([0-9a-f]+)">', html)


def test_story_page_has_a_timeline_chart_and_table(web: TestClient) -> None:
    page = web.get("/story/grain-1")
    assert page.status_code == 200
    html = page.text
    assert "A story of 5 articles" in html
    assert article_links(html)[:3] == [GRAIN[0], GRAIN[1], GRAIN[2]]  # oldest first
    assert html.count('<rect class="bar"') == 5  # one a day, 01-01 to 01-05
    assert "<title>2024-01-02: 1 article</title>" in html
    assert "<td>2024-01-05</td><td>1</td>" in html  # the table fallback
    assert 'near-duplicate</span> of <a href="/article/' + GRAIN[1] in html
    assert "Novorossiysk" in html


def test_stories_index_is_newest_first(web: TestClient) -> None:
    html = web.get("/stories").text
    assert html.index('href="/story/markets-1"') < html.index('href="/story/grain-1"')
    assert "2 stories" in html
    assert '<a href="/stories">Stories</a>' in html


def test_a_label_with_a_script_stays_inert(web: TestClient) -> None:
    for path in ("/story/grain-1", "/stories", f"/article/{GRAIN[0]}"):
        html = web.get(path).text
        assert "<script>" not in html, path
        assert "&lt;script&gt;" in html, path
    api = web.get("/api/stories/grain-1").json()
    assert api["story"]["label"] == f"Grain exports {EVIL}"  # JSON keeps it as data


def test_article_page_links_its_story_and_marks_a_duplicate(web: TestClient) -> None:
    html = web.get(f"/article/{GRAIN[0]}").text
    assert 'Story: <a href="/story/grain-1">' in html
    assert "Same story" in html
    assert set(article_links(html.split("Same story", 1)[1])) >= {GRAIN[1], COPY}
    copy = web.get(f"/article/{COPY}").text
    assert "Near-duplicate" in copy
    assert f'<a href="/article/{GRAIN[1]}">read the original</a>' in copy


def test_predicted_categories_are_marked_with_their_confidence(web: TestClient) -> None:
    html = web.get(f"/article/{LINKED.id}").text
    assert "Predicted categories" in html and "the source gave none" in html
    assert 'Finance <span class="confidence">91%</span>' in html
    body = web.get(f"/api/articles/{LINKED.id}").json()
    assert body["predicted_categories"] == [
        {"name": "Finance", "confidence": 0.91, "predicted": True}
    ]
    assert body["categories"] == ["Economy", "Markets"]  # the source's, untouched


def test_duplicates_are_hidden_from_search_unless_asked(web: TestClient) -> None:
    words = {"q": '"report number 05"'}  # the near-duplicate's own words
    hidden = web.get("/search", params=words).text
    assert COPY not in article_links(hidden) and "Show near-duplicates" in hidden
    shown = web.get("/search", params={**words, "duplicates": "true"}).text
    assert COPY in article_links(shown)
    assert 'name="duplicates" value="true" checked' in shown
    api = web.get("/api/search", params=words).json()
    assert api["total"] == 0
    every = web.get("/api/search", params={**words, "duplicates": "true"}).json()
    assert [h["id"] for h in every["hits"]] == [COPY]


def test_duplicates_are_hidden_from_listings_unless_asked(web: TestClient) -> None:
    hidden = web.get("/category/economy").text
    assert COPY not in article_links(hidden)
    assert "Show near-duplicates" in hidden
    shown = web.get("/category/economy?duplicates=true").text
    assert COPY in article_links(shown) and "near-duplicate</span>" in shown
    api = web.get("/api/articles", params={"category": "economy"}).json()
    assert COPY not in [a["id"] for a in api["articles"]]
    every = web.get("/api/articles", params={"category": "economy", "duplicates": "true"}).json()
    dup = next(a for a in every["articles"] if a["id"] == COPY)
    assert dup["duplicate_of"] == GRAIN[1]
    assert every["page"]["total"] == api["page"]["total"] + 1
    feed = web.get("/category/economy/feed.atom").text
    assert COPY not in feed


def test_story_api_and_grouping_in_the_article_api(web: TestClient) -> None:
    listed = web.get("/api/stories").json()
    assert [s["id"] for s in listed["stories"]] == ["markets-1", "grain-1"]
    assert listed["page"]["total"] == 2
    story = web.get("/api/stories/grain-1").json()
    assert story["bucket"] == "day"
    assert story["timeline"][0] == {"bucket": "2024-01-01", "articles": 1}
    assert [a["id"] for a in story["articles"]][:2] == GRAIN[:2]
    article = web.get(f"/api/articles/{COPY}").json()
    assert article["duplicate_of"] == GRAIN[1]
    assert article["story"] == {
        "id": "grain-1", "label": GRAIN_STORY.label, "url": "/story/grain-1"
    }  # fmt: skip
    assert web.get("/api/stories/nope").status_code == 404
    assert web.get("/story/nope").status_code == 404


def test_a_merged_story_redirects_to_the_one_it_joined(archive: Location) -> None:
    merged = StoryRecord("grain-1", "Grain", (), (*GRAIN, LINKED.id), "2024-01-01", "2024-02-02")
    with open_store(archive) as store:
        store.put_groupings({}, [merged], {})
    with TestClient(create_app(Settings(db=archive))) as web:
        moved = web.get("/story/markets-1", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "/story/grain-1"
        assert web.get("/api/stories/markets-1").json()["story"]["id"] == "grain-1"


def test_topic_page_lists_its_stories_with_a_chart(web: TestClient) -> None:
    page = web.get("/topic/economy-t")
    assert page.status_code == 200
    html = page.text
    assert "A topic of 2 stories and 6 articles" in html
    assert "Key entities: Novorossiysk" in html
    stories = html.split('id="stories-heading"', 1)[1]
    assert stories.index('href="/story/grain-1"') < stories.index('href="/story/markets-1"')
    assert "(5 articles)" in stories and "(1 article)" in stories
    # one bar a day from 2024-01-01 to 2024-02-02, and the numbers as a table
    assert html.count('<rect class="bar"') == 33
    assert "<td>2024-02-02</td><td>1</td>" in html and "<td>2024-01-10</td><td>0</td>" in html
    assert '<link rel="alternate" type="application/json" href="/api/topics/economy-t"' in html


def test_topics_index_and_navigation(web: TestClient) -> None:
    html = web.get("/topics").text
    assert 'href="/topic/economy-t"' in html and "1 topic." in html
    assert "2 stories, 6 articles" in html
    assert '<a href="/stories">Stories</a>\n    <a href="/topics">Topics</a>' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_story_and_article_pages_link_their_topic(web: TestClient) -> None:
    topic_link = 'Topic: <a href="/topic/economy-t">Economy &lt;script&gt;'
    assert topic_link in web.get("/story/grain-1").text
    assert topic_link in web.get(f"/article/{COPY}").text
    assert "<script>" not in web.get("/topic/economy-t").text


def test_topic_api_and_topic_in_story_and_article_json(web: TestClient) -> None:
    listed = web.get("/api/topics").json()
    assert [t["id"] for t in listed["topics"]] == ["economy-t"]
    assert listed["page"]["total"] == 1
    assert listed["topics"][0]["stories"] == 2 and listed["topics"][0]["articles"] == 6
    topic = web.get("/api/topics/economy-t").json()
    assert topic["topic"]["label"] == f"Economy {EVIL}"  # JSON keeps it as data
    assert topic["topic"]["url"] == "/topic/economy-t"
    assert [s["id"] for s in topic["stories"]] == ["grain-1", "markets-1"]
    assert topic["bucket"] == "day" and len(topic["timeline"]) == 33
    assert topic["timeline"][0] == {"bucket": "2024-01-01", "articles": 1}
    ref = {"id": "economy-t", "label": f"Economy {EVIL}", "url": "/topic/economy-t"}
    assert web.get("/api/stories/grain-1").json()["story"]["topic"] == ref
    assert web.get("/api/stories").json()["stories"][0]["topic"] == ref
    assert web.get(f"/api/articles/{COPY}").json()["topic"] == ref
    assert web.get("/api/topics/nope").status_code == 404
    assert web.get("/topic/nope").status_code == 404


def test_a_merged_topic_redirects_to_the_one_it_joined(archive: Location) -> None:
    grain = TopicRecord("grain-t", "Grain", (), ("grain-1",), "2024-01-01", "2024-01-05")
    markets = TopicRecord("markets-t", "Markets", (), ("markets-1",), "2024-02-02", "2024-02-02")
    with open_store(archive) as store:
        store.put_groupings({}, [GRAIN_STORY, MARKETS], {}, topics=[grain, markets])
        assert store.topic("economy-t") is not None  # split: it went to one of them
        merged = TopicRecord("grain-t", "Grain and markets", (), ("grain-1", "markets-1"),
                             "2024-01-01", "2024-02-02")  # fmt: skip
        store.put_groupings({}, [GRAIN_STORY, MARKETS], {}, topics=[merged])
    with TestClient(create_app(Settings(db=archive))) as web:
        moved = web.get("/topic/markets-t", follow_redirects=False)
        assert moved.status_code == 307 and moved.headers["location"] == "/topic/grain-t"
        assert web.get("/api/topics/markets-t").json()["topic"]["id"] == "grain-t"
        assert web.get("/api/topics").json()["page"]["total"] == 1
