"""Reading one HTML article page: the fields a reader of the archive sees.

The pages are small hand-written fixtures in tests/data/pages, one per kind of markup.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from lxml import html as lxml_html

from newsarchive.errors import NoArticlesError
from newsarchive.extract.html import parse_html
from newsarchive.extract.page import read_article_page
from newsarchive.model import Article, Document, article_key, make_article_id, url_key

PAGES = Path(__file__).resolve().parent.parent / "data" / "pages"


def page(name: str, url: str | None = None, encoding: str = "utf-8") -> Document:
    """A fixture page as the ingest step hands it over: decoded text and its provenance."""
    data = (PAGES / name).read_bytes()
    return Document(
        text=data.decode(encoding),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        path=str(PAGES / name),
        url=url,
        size=len(data),
        media_type="text/html",
    )


def read(name: str, url: str | None = None, **kwargs: str) -> Article:
    return read_article_page(page(name, url), **kwargs)


def body(article: Article) -> str:
    return "\n".join(article.paragraphs)


# --- a news article with JSON-LD -----------------------------------------------------------


@pytest.fixture(scope="module")
def jsonld() -> Article:
    return read(
        "jsonld_article.html", "https://coastal-times.example/news/harbour-bridge-reopens?ref=rss"
    )


def test_jsonld_page_gives_title_summary_and_language(jsonld: Article) -> None:
    assert jsonld.title == "Harbour bridge reopens after storm repairs"
    assert jsonld.summary == (
        "The crossing was closed for six weeks while engineers replaced damaged cables."
    )
    assert jsonld.language == "en"


def test_jsonld_authors_are_a_list_of_people(jsonld: Article) -> None:
    assert jsonld.authors == ("Maria Lopez", "Tom Becker")


def test_jsonld_dates_keep_time_and_offset(jsonld: Article) -> None:
    assert jsonld.published == "2024-03-05T08:30:00+00:00"
    assert jsonld.updated == "2024-03-05T14:10:00+00:00"


def test_jsonld_section_and_keywords(jsonld: Article) -> None:
    assert jsonld.categories == ("Transport",)
    assert jsonld.tags == ("bridges", "storms", "Transport")


def test_canonical_url_is_the_id(jsonld: Article) -> None:
    assert jsonld.url == "https://coastal-times.example/news/harbour-bridge-reopens"
    assert jsonld.id == make_article_id(url_key(jsonld.url))


def test_body_is_the_article_text_without_headline_or_navigation(jsonld: Article) -> None:
    assert jsonld.paragraphs[0].startswith("PORTSMOUTH (Reuters) - The harbour bridge reopened")
    assert len(jsonld.paragraphs) == 5
    assert "Harbour bridge reopens after storm repairs" not in jsonld.paragraphs
    assert "Sport" not in body(jsonld)
    assert "2024 The Coastal Times" not in body(jsonld)


def test_wire_dateline_opening_the_text(jsonld: Article) -> None:
    assert jsonld.dateline == "PORTSMOUTH (Reuters)"


def test_jsonld_image_caption_and_credit(jsonld: Article) -> None:
    caption = jsonld.captions[0]
    assert caption.text == "Engineers inspect the new cables on the harbour bridge"
    assert caption.credit == "Kim Osei/Coastal Times"
    assert caption.image_url == "https://cdn.coastal-times.example/img/bridge.jpg"


def test_caption_paragraph_in_the_text_flow_is_not_body(jsonld: Article) -> None:
    assert not any("Engineers inspect" in paragraph for paragraph in jsonld.paragraphs)
    assert not any("Kim Osei" in paragraph for paragraph in jsonld.paragraphs)


def test_provenance_and_raw(jsonld: Article) -> None:
    document = page("jsonld_article.html")
    assert jsonld.source.sha256 == document.sha256
    assert (jsonld.source.start, jsonld.source.end) == (0, len(document.text))
    assert jsonld.raw == ""


# --- OpenGraph and meta tags only ------------------------------------------------------------


@pytest.fixture(scope="module")
def opengraph() -> Article:
    return read("opengraph_article.html")


def test_opengraph_page_without_json_ld(opengraph: Article) -> None:
    assert opengraph.title == "Village library saved by volunteers"
    assert (
        opengraph.summary == "Forty residents now run the library that the county planned to close."
    )
    assert opengraph.url == "https://valley-gazette.example/community/village-library-saved"
    assert opengraph.language == "en"


def test_meta_author_line_is_split_and_unprefixed(opengraph: Article) -> None:
    assert opengraph.authors == ("Jane Doe", "John Roe")


def test_opengraph_dates_section_and_tags(opengraph: Article) -> None:
    assert opengraph.published == "2023-11-20T09:00:00-05:00"
    assert opengraph.updated == "2023-11-21T10:15:00-05:00"
    assert opengraph.categories == ("Community",)
    assert opengraph.tags == ("Libraries", "Volunteering")


def test_category_given_by_a_listing_comes_first() -> None:
    article = read("opengraph_article.html", category="Local")
    assert article.categories == ("Local", "Community")


# --- figures, captions and credits -----------------------------------------------------------


@pytest.fixture(scope="module")
def figures() -> Article:
    return read("figures_article.html", "https://river-news.example/world/floods-force-thousands")


def test_caption_and_credit_in_credit_markup(figures: Article) -> None:
    caption = figures.captions[0]
    assert caption.text == "A rescue boat carries residents through a flooded street"
    assert caption.credit == "Anna Weber/Reuters"
    assert caption.image_url == "https://river-news.example/images/rescue-boat.jpg"


def test_wire_photo_credit_in_caption_text_is_split(figures: Article) -> None:
    caption = figures.captions[1]
    assert caption.text == "Volunteers fill sandbags outside the town hall on Friday."
    assert caption.credit == "AP Photo/Markus Klein"
    assert caption.image_url == "https://cdn.river-news.example/images/sandbags.jpg"  # lazy src


def test_copyright_in_small_is_the_credit(figures: Article) -> None:
    caption = figures.captions[2]
    assert (caption.text, caption.credit) == (
        "The old stone bridge was closed to traffic",
        "Stefan Braun",
    )


def test_caption_outside_a_figure(figures: Article) -> None:
    caption = figures.captions[3]
    assert caption.text == "The areas under evacuation orders on Saturday"
    assert caption.credit is None
    assert caption.image_url == "https://cdn.river-news.example/images/map.png"


def test_caption_class_with_photo_label(figures: Article) -> None:
    caption = figures.captions[4]
    assert caption.text == "Residents queue for drinking water at a shelter in the old town."
    assert caption.credit == "Lena Vogt"
    assert caption.image_url == "https://cdn.river-news.example/images/queue.jpg"


def test_captions_and_credits_are_not_in_the_body(figures: Article) -> None:
    text = body(figures)
    for caption in figures.captions:
        assert caption.text not in text
        assert not caption.credit or caption.credit not in text
    assert len(figures.paragraphs) == 5


# --- related links ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def related() -> Article:
    return read(
        "related_article.html", "https://city-herald.example/local/council-approves-cycle-lanes"
    )


def test_related_box_and_read_more_line_become_links(related: Article) -> None:
    assert [(link.title, link.url) for link in related.related][:3] == [
        (
            "Bus fares to rise by ten percent in June",
            "https://city-herald.example/local/bus-fares-rise-in-june",
        ),
        (
            "Plans unveiled for station square redesign",
            "https://city-herald.example/local/station-square-redesign",
        ),
        (
            "Parking charges to be reviewed after complaints",
            "https://city-herald.example/local/parking-charges-review",
        ),
    ]


def test_topic_links_and_site_footer_are_not_related_articles(related: Article) -> None:
    titles = [link.title for link in related.related]
    assert "Transport" not in titles
    assert "Work at the City Herald today" not in titles
    assert "Read more stories" not in titles
    assert len(titles) == 5


def test_more_on_this_story_list_becomes_links(related: Article) -> None:
    titles = [link.title for link in related.related[3:]]
    assert titles == [
        "How the first cycle lane changed one street",
        "Cyclists say safety is their main worry, survey finds",
    ]


def test_related_titles_and_markers_are_not_in_the_body(related: Article) -> None:
    text = body(related)
    for link in related.related:
        assert link.title not in text
    assert "Read more" not in text
    assert "More on this story" not in text
    assert "Related" not in related.paragraphs
    assert related.paragraphs[-1].startswith("The council's leader said the study would be done")
    assert len(related.paragraphs) == 5


# --- bylines, encodings, URLs, errors --------------------------------------------------------


def test_byline_markup_with_several_authors() -> None:
    article = read("byline_article.html")
    assert article.authors == ("Anna Lee", "Mark Chen", "Sara Holm")
    assert "By Anna Lee" not in body(article)


def test_breadcrumb_trail_gives_the_sections() -> None:
    article = read("byline_article.html")
    assert article.categories == ("Science", "Oceans")
    assert "Home" not in article.paragraphs


def test_page_without_a_url_gets_an_id_from_its_text() -> None:
    article = read("byline_article.html")
    assert article.url is None
    expected = article_key(article.title, article.summary, article.paragraphs, article.published)
    assert article.id == make_article_id(expected)


def test_cp1251_page_given_as_decoded_text() -> None:
    document = page("cp1251_article.html", encoding="cp1251")
    article = read_article_page(document)
    assert article.title == "Новый мост через Волгу откроют в декабре"
    assert article.language == "ru"
    assert article.authors == ("Иван Петров",)
    assert article.paragraphs[0].startswith("Движение по новому мосту через Волгу")
    assert article.source.encoding == "cp1251"


def test_relative_canonical_is_resolved_and_cleaned() -> None:
    article = read(
        "relative_canonical.html",
        "https://art.example/culture/museum-returns-stolen-painting?ref=home",
    )
    assert article.url == "https://art.example/culture/museum-returns-stolen-painting"
    assert article.id == make_article_id(url_key(article.url))


def test_page_without_main_text_is_an_error_that_says_what_to_do() -> None:
    with pytest.raises(NoArticlesError) as caught:
        read("no_text.html", "https://example.org/login")
    assert caught.value.source == "https://example.org/login"
    assert "no main text" in caught.value.problem


def test_a_given_tree_is_used_and_left_unchanged() -> None:
    document = page("figures_article.html")
    tree = parse_html(document)
    before = lxml_html.tostring(tree)
    article = read_article_page(document, tree)
    assert lxml_html.tostring(tree) == before
    assert article == read_article_page(document)
