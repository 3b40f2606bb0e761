"""Decoding web pages: BOM, HTTP header, <meta>, detection, and never an exception."""

from __future__ import annotations

import codecs
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsarchive.errors import InputError
from newsarchive.ingest.decode import decode_html, make_document, split_content_type

RUSSIAN = (
    "<html><head><title>Новости дня</title></head><body><h1>Выборы в Москве</h1>"
    "<p>Президент России заявил сегодня в Москве, что правительство подготовит новый закон "
    "о выборах и бюджете на следующий год. Депутаты обсудят его на этой неделе.</p>"
    "</body></html>"
)


def test_cp1251_page_without_any_charset_decodes_right() -> None:
    text, encoding = decode_html(RUSSIAN.encode("cp1251"))
    assert text == RUSSIAN
    assert encoding == "cp1251"


def test_http_header_charset_wins_over_meta_when_the_bytes_agree() -> None:
    page = '<meta charset="utf-8">' + RUSSIAN
    text, encoding = decode_html(page.encode("cp1251"), declared="windows-1251")
    assert (text, encoding) == (page, "cp1251")


def test_meta_charset_is_used_when_the_header_is_contradicted_by_the_bytes() -> None:
    page = '<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">' + RUSSIAN
    text, encoding = decode_html(page.encode("cp1251"), declared="utf-8")
    assert (text, encoding) == (page, "cp1251")


def test_valid_utf8_wins_over_a_stale_legacy_declaration() -> None:
    page = '<meta charset="windows-1256"><p>It’s “quoted” – £5</p>'
    assert decode_html(page.encode("utf-8"), declared="iso-8859-1") == (page, "utf-8")


def test_meta_charset_without_header() -> None:
    page = '<html><head><meta charset="koi8-r"></head>' + RUSSIAN
    assert decode_html(page.encode("koi8-r")) == (page, "koi8-r")


def test_xml_declaration_gives_the_encoding_of_a_feed() -> None:
    feed = '<?xml version="1.0" encoding="windows-1251"?><rss><title>Новости</title></rss>'
    assert decode_html(feed.encode("cp1251")) == (feed, "cp1251")


def test_byte_order_mark_comes_first() -> None:
    page = "<p>Grüße</p>"
    data = codecs.BOM_UTF8 + page.encode("utf-8")
    assert decode_html(data, declared="iso-8859-1") == (page, "utf-8-sig")


def test_latin1_label_means_windows_1252_as_in_browsers() -> None:
    page = "<p>“Quoted” – dash</p>"
    assert decode_html(page.encode("cp1252"), declared="ISO-8859-1") == (page, "cp1252")


def test_unknown_labels_are_ignored() -> None:
    assert decode_html(b"<p>plain</p>", declared="no-such-charset") == ("<p>plain</p>", "utf-8")


def test_bad_bytes_after_a_bom_are_replaced_and_say_so() -> None:
    text, encoding = decode_html(codecs.BOM_UTF8 + b"<p>ok \xff\xfe broken</p>")
    assert encoding == "utf-8-sig (replaced)"
    assert "\ufffd" in text and text.startswith("<p>ok")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600), st.sampled_from([None, "utf-8", "cp1251", "bogus", "utf-16"]))
def test_any_bytes_decode_without_raising(data: bytes, declared: str | None) -> None:
    text, encoding = decode_html(data, declared)
    assert isinstance(text, str)
    if not encoding.endswith("(replaced)"):
        assert data.decode(encoding) == text


def test_make_document_keeps_bytes_hash_and_provenance() -> None:
    data = RUSSIAN.encode("cp1251")
    document = make_document(
        data,
        url="https://example.ru/a",
        path=None,
        media_type="text/html",
        declared_charset=None,
        fetched_at="2026-01-02T03:04:05Z",
        http_status=200,
    )
    assert document.text == RUSSIAN
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data) and document.data == data
    assert (document.url, document.media_type, document.http_status) == (
        "https://example.ru/a",
        "text/html",
        200,
    )
    assert document.source_ref().fetched_at == "2026-01-02T03:04:05Z"


def test_make_document_reads_text_plain_as_a_dump() -> None:
    document = make_document(
        "Заголовок\n\nТекст.\n".encode("cp1251"),
        url=None,
        path="dump.txt",
        media_type="text/plain",
        declared_charset="windows-1251",
    )
    assert document.encoding == "cp1251" and document.text.startswith("Заголовок")
    with pytest.raises(InputError, match="PNG"):
        make_document(
            b"\x89PNG\r\n\x1a\nxxxx",
            url=None,
            path="x",
            media_type="text/plain",
            declared_charset=None,
        )


def test_split_content_type() -> None:
    assert split_content_type('Text/HTML; Charset="UTF-8"') == ("text/html", "UTF-8")
    assert split_content_type("application/rss+xml") == ("application/rss+xml", None)
    assert split_content_type(None) == (None, None)
