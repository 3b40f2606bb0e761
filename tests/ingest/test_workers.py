"""TimedReader: real child processes, a per-item time limit, errors as values, input order."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from newsarchive.errors import InputError, NoArticlesError
from newsarchive.ingest.decode import make_document
from newsarchive.ingest.fetch import HTTPStatusError
from newsarchive.ingest.workers import TimedReader
from newsarchive.model import Document


def doc(text: str) -> Document:
    return make_document(
        text.encode(),
        url=f"http://t/{text}",
        path=None,
        media_type="text/html",
        declared_charset=None,
    )


def read_page(document: Document) -> str:
    """The stand-in reader: misbehaves on request, else returns the text upper-cased."""
    if document.text == "endless":
        while True:
            time.sleep(0.01)
    if document.text == "input-error":
        raise NoArticlesError(document.url or "?", "holds no article", "check it")
    if document.text == "status-error":
        raise HTTPStatusError(document.url or "?", 404, "HTTP 404", "check the URL")
    if document.text == "bug":
        raise ValueError("something broke")
    if document.text == "crash":
        os._exit(3)
    return document.text.upper()


@pytest.fixture
def reader() -> Iterator[TimedReader[Document, str]]:
    with TimedReader(read_page, seconds=1.0, workers=2) as timed:
        yield timed


def test_results_in_input_order(reader: TimedReader[Document, str]) -> None:
    words = [f"page{n}" for n in range(12)]
    assert list(reader.map(doc(w) for w in words)) == [w.upper() for w in words]


def test_an_endless_item_is_killed_and_the_next_ones_read(
    reader: TimedReader[Document, str],
) -> None:
    results = list(reader.map([doc("one"), doc("endless"), doc("two"), doc("three")]))
    assert results[0] == "ONE" and results[2:] == ["TWO", "THREE"]
    error = results[1]
    assert isinstance(error, InputError)
    assert error.source == "http://t/endless"
    assert error.problem == "took longer than 1 s to read; skipped"
    # the worker was replaced: the reader still works afterwards
    assert list(reader.map([doc("after")])) == ["AFTER"]


def test_exceptions_come_back_as_values(reader: TimedReader[Document, str]) -> None:
    items = [doc("input-error"), doc("status-error"), doc("bug"), doc("fine")]
    no_articles, status, bug, fine = reader.map(items)
    assert isinstance(no_articles, NoArticlesError)
    assert str(no_articles) == "http://t/input-error: holds no article; check it"
    assert isinstance(status, HTTPStatusError) and status.status == 404
    assert isinstance(bug, InputError) and "ValueError: something broke" in bug.problem
    assert fine == "FINE"


def test_a_crashing_worker_is_replaced(reader: TimedReader[Document, str]) -> None:
    crashed, after = reader.map([doc("crash"), doc("after")])
    assert isinstance(crashed, InputError) and "exit code 3" in crashed.problem
    assert after == "AFTER"


def test_one_worker_and_an_empty_input() -> None:
    with TimedReader(read_page, seconds=1.0) as timed:
        assert list(timed.map([])) == []
        assert list(timed.map([doc("x")])) == ["X"]
