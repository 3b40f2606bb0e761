"""Pages that are broken in the ways real pages are: the reader returns an article or says
why not with our own error, and never crashes or lets bad metadata through."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.errors import NewsarchiveError, NoArticlesError
from newsarchive.extract.page import read_article_page
from newsarchive.model import Article, Document

LEAD = (
    "The regional parliament approved the budget on Thursday after a debate that lasted "
    "more than eleven hours and ended shortly before midnight."
)
SECOND = (
    "Opposition members said the spending plans left too little for hospitals and schools, "
    "and promised to bring the question back after the summer recess."
)


def document(html: str, url: str | None = "https://news.example/politics/budget") -> Document:
    data = html.encode("utf-8", "surrogatepass")
    return Document(text=html, sha256=hashlib.sha256(data).hexdigest(), encoding="utf-8", url=url)


def article_page(head: str = "", before: str = "") -> str:
    return (
        f"<html><head><title>Budget approved</title>{head}</head><body><article>"
        f"<h1>Budget approved</h1>{before}<p>{LEAD}</p><p>{SECOND}</p></article></body></html>"
    )


def test_broken_json_ld_is_skipped_and_meta_tags_still_read() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'
        '<meta property="og:title" content="Regional budget approved after long debate">'
    )
    article = read_article_page(document(article_page(head)))
    assert article.title == "Regional budget approved after long debate"
    assert article.paragraphs == (LEAD, SECOND)


def test_json_ld_of_unexpected_shapes_gives_no_junk() -> None:
    head = (
        '<script type="application/ld+json">[{"@type": ["NewsArticle"],'
        ' "headline": "Budget approved", "author": 42, "datePublished": "not a date",'
        ' "keywords": {"x": 1},'
        ' "image": "https://news.example/a.jpg", "articleSection": null}]</script>'
    )
    article = read_article_page(document(article_page(head)))
    assert article.title == "Budget approved"
    assert article.authors == ()
    assert article.published is None
    assert article.tags == ()
    assert article.categories == ()


def test_profile_urls_and_credits_are_not_authors() -> None:
    head = (
        '<meta property="article:author" content="https://facebook.com/some.reporter">'
        '<meta name="author" content="By Ana Ruiz, (Image: Getty Images) and ana@news.example">'
    )
    article = read_article_page(document(article_page(head)))
    assert article.authors == ("Ana Ruiz",)


def test_modified_before_published_is_no_update() -> None:
    head = (
        '<meta property="article:published_time" content="2024-06-02T10:00:00+02:00">'
        '<meta property="article:modified_time" content="2024-06-02T07:00:00+00:00">'
    )
    article = read_article_page(document(article_page(head)))
    assert article.published == "2024-06-02T10:00:00+02:00"
    assert article.updated is None  # 07:00 UTC is 09:00 in Berlin: before publication


def test_summary_that_only_repeats_the_lead_is_dropped() -> None:
    head = f'<meta name="description" content="{LEAD[:80]}...">'
    article = read_article_page(document(article_page(head)))
    assert article.summary is None


def test_xhtml_page_with_an_encoding_declaration_is_read() -> None:
    """lxml refuses a decoded string that declares its encoding; such pages are common."""
    xhtml = '<?xml version="1.0" encoding="UTF-8"?>\n' + article_page().replace(
        "<html>", '<html xmlns="http://www.w3.org/1999/xhtml">'
    )
    article = read_article_page(document(xhtml))
    assert article.title == "Budget approved"
    assert article.paragraphs == (LEAD, SECOND)


def test_a_huge_attribute_is_dropped_and_the_article_read() -> None:
    huge = f'<img src="a.jpg" data-blob="{"x" * 2_000_000}">'
    article = read_article_page(document(article_page(before=huge)))
    assert article.paragraphs == (LEAD, SECOND)


def test_nesting_deeper_than_the_parser_keeps_is_our_error_not_a_crash() -> None:
    """libxml2 stops descending at its depth limit (so a hostile page cannot exhaust a
    worker); the text past that point is lost, and the page says it has none."""
    nested = "<div>" * 3000 + "</div>" * 3000
    with pytest.raises(NoArticlesError):
        read_article_page(document(article_page(before=nested)))
    shallow = "<div>" * 150 + "</div>" * 150
    assert read_article_page(document(article_page(before=shallow))).paragraphs == (LEAD, SECOND)


_TAGS = st.sampled_from(["p", "div", "figure", "figcaption", "aside", "h2", "a", "small", "span"])
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(_TAGS)
        attribute = draw(
            st.sampled_from(["", ' class="caption"', ' class="related"', ' href="/x"'])
        )
        parts.append(f"<{tag}{attribute}>{draw(_TEXT)}</{tag}>")
    return "<html><body>" + "".join(parts) + draw(_TEXT) + "</body></html>"


@settings(max_examples=60, deadline=None)
@given(html_pages())
def test_any_page_gives_an_article_or_our_error(html: str) -> None:
    try:
        article = read_article_page(document(html))
    except NewsarchiveError:
        return
    assert isinstance(article, Article)
    assert article.paragraphs and all(p.strip() == p and p for p in article.paragraphs)
