"""Telling a dump, an HTML page, a feed and a sitemap apart, before reading any of them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newsarchive.extract.sniff import InputKind, sniff
from newsarchive.model import Document
from tests.conftest import DUMPS

WEB = Path(__file__).resolve().parent.parent / "data" / "web"


def document(path: Path, media_type: str | None = None) -> Document:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    return Document(
        data.decode("utf-8"), sha, "utf-8", path=str(path), data=data, media_type=media_type
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("listings/wordpress-category.html", InputKind.HTML),
        ("listings/article.html", InputKind.HTML),
        ("listings/news-section.html", InputKind.HTML),
        ("feeds/rss.xml", InputKind.FEED),
        ("feeds/atom.xml", InputKind.FEED),
        ("feeds/broken-with-entries.xml", InputKind.FEED),
        ("sitemaps/sitemap.xml", InputKind.SITEMAP),
        ("sitemaps/news-sitemap.xml", InputKind.SITEMAP),
        ("sitemaps/sitemap-index.xml", InputKind.SITEMAP),
    ],
)
def test_each_fixture_is_known_by_its_first_element(name: str, kind: InputKind) -> None:
    assert sniff(document(WEB / name)) is kind


def test_a_text_dump_is_a_dump() -> None:
    for path in sorted(DUMPS.glob("*.txt")):
        assert sniff(document(path)) is InputKind.DUMP, path.name
        assert sniff(document(path, "text/plain; charset=utf-8")) is InputKind.DUMP


@pytest.mark.parametrize(
    ("media_type", "kind"),
    [
        ("text/html; charset=UTF-8", InputKind.HTML),
        ("application/xhtml+xml", InputKind.HTML),
        ("application/rss+xml", InputKind.FEED),
        ("application/atom+xml; charset=utf-8", InputKind.FEED),
    ],
)
def test_a_specific_media_type_decides(media_type: str, kind: InputKind) -> None:
    doc = Document(
        "Category Archive : Russia\n\nSome text.", "0" * 64, "utf-8", media_type=media_type
    )
    assert sniff(doc) is kind


def test_generic_xml_types_are_judged_by_their_root_element() -> None:
    sitemap = document(WEB / "sitemaps/sitemap.xml", "application/xml")
    feed = document(WEB / "feeds/rss.xml", "text/xml")
    served_as_text = document(WEB / "feeds/atom.xml", "text/plain")
    assert sniff(sitemap) is InputKind.SITEMAP
    assert sniff(feed) is InputKind.FEED
    assert sniff(served_as_text) is InputKind.FEED


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        ("\ufeff<!DOCTYPE html>\n<html>", InputKind.HTML),
        ("<!-- saved from url -->\n<html lang=en>", InputKind.HTML),
        ("  <head><title>x</title></head>", InputKind.HTML),
        ("<body><p>Just a body</p></body>", InputKind.HTML),
        (
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            InputKind.FEED,
        ),
        (
            '<?xml version="1.0"?><?xml-stylesheet href="s.xsl"?><feed xmlns="http://www.w3.org/2005/Atom">',
            InputKind.FEED,
        ),
        ('<!DOCTYPE rss PUBLIC "-//Netscape" "http://x">\n<rss version="0.91">', InputKind.FEED),
        ("<sitemapindex>", InputKind.SITEMAP),
        ("", InputKind.DUMP),
        ("Business news\n\n04.02.2026 12:45\n\nShares rose <b>6%</b>.", InputKind.DUMP),
        ("<3 this paper", InputKind.DUMP),
    ],
)
def test_undeclared_inputs_are_judged_by_their_opening(head: str, kind: InputKind) -> None:
    assert sniff(Document(head, "0" * 64, "utf-8")) is kind


def test_only_the_head_of_a_large_input_is_looked_at() -> None:
    # a dump that mentions <rss further down is still a dump; an HTML page stays HTML
    text = "Category Archive : Tech\n\n" + "A paragraph of text. " * 2000 + "<rss>"
    assert sniff(Document(text, "0" * 64, "utf-8")) is InputKind.DUMP
    data = b"<!doctype html><html>" + b"x" * 10_000_000
    assert sniff(Document("", "0" * 64, "utf-8", data=data)) is InputKind.HTML


def test_bytes_in_an_unknown_encoding_are_still_sniffed() -> None:
    doc = Document("", "0" * 64, "x-made-up", data=b'<?xml version="1.0"?><rss version="2.0">')
    assert sniff(doc) is InputKind.FEED
