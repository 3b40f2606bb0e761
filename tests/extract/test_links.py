"""Links of a page: absolute, normalised, deduplicated, in page order."""

from __future__ import annotations

from lxml import html as lxml_html

from newsarchive.extract.links import normalise_url, page_links
from newsarchive.extract.reading import Link, LinkKind


def tree(markup: str) -> lxml_html.HtmlElement:
    return lxml_html.document_fromstring(markup)


def test_relative_links_are_resolved_and_fragments_dropped() -> None:
    page = tree(
        '<html><body><a href="/world/">World</a> <a href="story.html#comments">Story</a>'
        ' <a href="https://Other.Example/a?utm_source=x&id=3">Other</a></body></html>'
    )
    assert [link.url for link in page_links(page, "https://news.example/world/today/")] == [
        "https://news.example/world/",
        "https://news.example/world/today/story.html",
        "https://other.example/a?id=3",
    ]


def test_non_web_links_are_dropped_and_duplicates_kept_once() -> None:
    page = tree(
        "<html><body>"
        '<a href="javascript:void(0)">Top</a><a href="mailto:desk@news.example">Mail</a>'
        '<a href="tel:+441234">Call</a><a href="#main">Skip</a><a>no href</a>'
        '<a href="/a">A</a><a href="/a#again">A again</a><a href="/b">B</a><a href="/a">A</a>'
        "</body></html>"
    )
    links = page_links(page, "https://news.example/")
    assert [link.url for link in links] == ["https://news.example/a", "https://news.example/b"]
    assert all(link.kind is LinkKind.PAGE for link in links)


def test_base_href_is_honoured() -> None:
    page = tree(
        '<html><head><base href="/archive/2026/"></head>'
        '<body><a href="march.html">March</a></body></html>'
    )
    assert page_links(page, "https://news.example/index.html") == (
        Link("https://news.example/archive/2026/march.html"),
    )


def test_feeds_announced_in_the_head_are_feed_links() -> None:
    page = tree(
        '<html><head><link rel="alternate" type="application/rss+xml" href="/feed/">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml">'
        '<link rel="stylesheet" href="/style.css"><link rel="canonical" href="/here">'
        '</head><body><a href="/feed/">Our feed</a></body></html>'
    )
    assert page_links(page, "https://news.example/") == (
        Link("https://news.example/feed/", LinkKind.FEED),
        Link("https://news.example/atom.xml", LinkKind.FEED),
    )


def test_without_a_base_only_absolute_links_are_kept() -> None:
    page = tree(
        '<html><body><a href="/rel">R</a><a href="https://x.example/abs">A</a></body></html>'
    )
    assert page_links(page, None) == (Link("https://x.example/abs"),)


def test_malformed_addresses_are_not_links() -> None:
    assert normalise_url("http://[::1", None) is None
    assert normalise_url("http://news.example:99999/a", None) is None
    assert normalise_url("https://exa mple.com/", None) is None
    assert normalise_url("ftp://files.example/a", None) is None
    assert normalise_url("https://x.example/" + "a" * 5000, None) is None
    assert normalise_url("  https://X.example/path/#frag ", None) == "https://x.example/path/"
