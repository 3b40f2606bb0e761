"""The one HTML parse every reader shares: pages as they come from the web."""

from __future__ import annotations

import hashlib

import pytest

from newsarchive.errors import InputError
from newsarchive.extract.dispatch import read_document
from newsarchive.extract.html import parse_html
from newsarchive.extract.reading import Kind
from newsarchive.model import Document

PARAGRAPH = (
    "The harbour authority said on Tuesday that the new breakwater would be finished by the"
    " spring, two years later than planned, after storms damaged the first section."
)


def _page(text: str, url: str | None = "https://news.example.org/a/breakwater") -> Document:
    data = text.encode("utf-8")
    return Document(
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        url=url,
        size=len(data),
        media_type="text/html",
    )


XHTML = f"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>
<title>Breakwater delayed again</title>
<meta property="og:type" content="article"/>
</head><body><article><h1>Breakwater delayed again</h1>
<p>{PARAGRAPH}</p><p>{PARAGRAPH.replace("spring", "summer")}\x0b</p>
<p>{PARAGRAPH.replace("Tuesday", "Monday")}</p></article></body></html>"""


def test_an_xhtml_page_with_an_xml_declaration_is_read() -> None:
    reading = read_document(_page(XHTML))
    assert reading.kind is Kind.ARTICLE
    (article,) = reading.articles
    assert article.title == "Breakwater delayed again"
    assert article.paragraphs[0] == PARAGRAPH
    assert all("\x0b" not in p for p in article.paragraphs)


def test_an_empty_page_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="is an empty page"):
        parse_html(_page("   \n"))


ARTICLE = (
    "<article><h1>Breakwater delayed again</h1>"
    + "".join(f"<p>{PARAGRAPH.replace('Tuesday', day)}</p>" for day in ("Monday", "Tuesday"))
    + "</article>"
)


def test_a_50_mb_attribute_is_dropped_and_the_article_still_read() -> None:
    huge = "<html><body><div data-blob='" + "x" * 50_000_000 + "'></div>" + ARTICLE
    (article,) = read_document(_page(huge + "</body></html>")).articles
    assert article.title == "Breakwater delayed again"
    assert len(article.paragraphs) == 2


def test_tags_nested_100000_deep_do_not_hide_the_article() -> None:
    deep = "<div>" * 100_000 + "<p>Deep inside.</p>" + "</div>" * 100_000
    (article,) = read_document(_page(f"<html><body>{deep}{ARTICLE}</body></html>")).articles
    assert article.title == "Breakwater delayed again"
    assert article.paragraphs[1] == PARAGRAPH


def test_a_title_never_closed_does_not_swallow_the_page() -> None:
    broken = XHTML.replace("<title>Breakwater delayed again</title>", "<title>Breakwater")
    (article,) = read_document(_page(broken)).articles
    assert article.paragraphs[0] == PARAGRAPH
