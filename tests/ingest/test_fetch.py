"""The Fetcher against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from newsarchive import __version__
from newsarchive.errors import InputError
from newsarchive.ingest.fetch import (
    USER_AGENT,
    Fetched,
    Fetcher,
    FetchOptions,
    HTTPStatusError,
    NotModified,
)
from newsarchive.model import FetchState
from tests.httpserver import (
    Response,
    conditional,
    huge,
    in_turn,
    never_answers,
    page,
    redirect,
    redirect_loop,
    serve,
    slow,
    status,
)

HTML = "<html><head><title>Hello</title></head><body><p>Grüße aus Köln</p></body></html>"
LOCAL = FetchOptions(allow_private=True, retries=2, backoff=0.0, timeout=5.0)


class Sleeps:
    """Records the delays the fetcher asks for instead of sleeping."""

    def __init__(self) -> None:
        self.asked: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def fetcher(sleeps: Sleeps) -> Iterator[Fetcher]:
    with Fetcher(LOCAL, sleep=sleeps) as client:
        yield client


def test_fetches_a_page_with_provenance_and_a_clear_user_agent(fetcher: Fetcher) -> None:
    with serve({"/a": page(HTML)}) as site:
        result = fetcher.fetch(site.url("/a"))
        assert site.requests[0].headers["User-Agent"] == USER_AGENT
    assert isinstance(result, Fetched)
    assert USER_AGENT.startswith(f"newsarchive/{__version__} (+https://")
    document = result.document
    assert document.text == HTML and document.encoding == "utf-8"
    assert (document.url, document.http_status, document.media_type) == (
        site.url("/a"),
        200,
        "text/html",
    )
    assert document.fetched_at and document.fetched_at.endswith("Z")
    assert result.state.sha256 == document.sha256 and result.state.url == site.url("/a")


def test_loopback_is_refused_unless_allowed() -> None:
    with serve({"/": page(HTML)}) as site, Fetcher(FetchOptions()) as strict:
        with pytest.raises(
            InputError, match=r"private or local address \(127\.0\.0\.1\)"
        ) as caught:
            strict.fetch(site.url("/"))
        assert "--allow-private" in caught.value.advice
        assert site.hits["/"] == 0  # refused before connecting
        with Fetcher(FetchOptions(allow_private=True)) as lenient:
            assert isinstance(lenient.fetch(site.url("/")), Fetched)


def test_a_redirect_to_a_private_address_is_refused(sleeps: Sleeps) -> None:
    def resolve(host: str, port: int) -> list[str]:  # 127.0.0.1 "public", localhost not
        return ["127.0.0.1"] if host == "localhost" else ["93.184.216.34"]

    options = FetchOptions(allow_private=False, backoff=0.0)
    with serve({}) as site, Fetcher(options, sleep=sleeps, resolve=resolve) as client:
        port = site.base.rsplit(":", 1)[1]
        site_routes = {"/hop": redirect(f"http://localhost:{port}/inside")}
        with serve(site_routes) as hop:
            with pytest.raises(InputError, match="private or local address"):
                client.fetch(hop.url("/hop"))
            assert hop.hits["/hop"] == 1


def test_other_schemes_are_refused(fetcher: Fetcher) -> None:
    with pytest.raises(InputError, match="not an http"):
        fetcher.fetch("ftp://example.com/file")
    with pytest.raises(InputError, match="not an http"):
        fetcher.fetch("file:///etc/passwd")


def test_redirects_are_followed_and_the_final_url_kept(fetcher: Fetcher) -> None:
    routes = {"/old": redirect("/middle", 301), "/middle": redirect("/new"), "/new": page(HTML)}
    with serve(routes) as site:
        result = fetcher.fetch(site.url("/old"))
    assert isinstance(result, Fetched)
    assert result.final_url == site.url("/new") == result.document.url
    assert result.state.url == site.url("/old")


def test_redirect_loop_is_an_error(fetcher: Fetcher) -> None:
    with serve(redirect_loop("/a", "/b")) as site, pytest.raises(InputError, match="redirect loop"):
        fetcher.fetch(site.url("/a"))


def test_too_many_redirects(fetcher: Fetcher) -> None:
    routes = {f"/{n}": redirect(f"/{n + 1}") for n in range(10)}
    with serve(routes) as site:
        with pytest.raises(InputError, match="more than 5 redirects"):
            fetcher.fetch(site.url("/0"))
        assert site.hits["/5"] == 1 and site.hits["/6"] == 0


def test_a_server_that_never_answers_times_out() -> None:
    options = FetchOptions(allow_private=True, timeout=0.3, retries=0)
    expected = pytest.raises(InputError, match=r"did not answer within 0\.3 s")
    with serve({"/": never_answers()}) as site, Fetcher(options) as client, expected:
        client.fetch(site.url("/"))


def test_a_slow_server_within_the_timeout_is_fine() -> None:
    options = FetchOptions(allow_private=True, timeout=5.0)
    with serve({"/": slow(0.2, page(HTML))}) as site, Fetcher(options) as client:
        assert isinstance(client.fetch(site.url("/")), Fetched)


def test_429_with_retry_after_then_success(fetcher: Fetcher, sleeps: Sleeps) -> None:
    busy = status(429, {"Retry-After": "7"})
    with serve({"/": in_turn(busy, page(HTML))}) as site:
        result = fetcher.fetch(site.url("/"))
        assert site.hits["/"] == 2
    assert isinstance(result, Fetched)
    assert sleeps.asked == [7.0]


def test_retry_after_is_capped(sleeps: Sleeps) -> None:
    options = FetchOptions(allow_private=True, max_retry_after=2.5, backoff=0.0)
    busy = status(503, {"Retry-After": "3600"})
    with serve({"/": in_turn(busy, page(HTML))}) as site, Fetcher(options, sleep=sleeps) as f:
        assert isinstance(f.fetch(site.url("/")), Fetched)
    assert sleeps.asked == [2.5]


def test_server_errors_are_retried_then_reported(fetcher: Fetcher, sleeps: Sleeps) -> None:
    with serve({"/": status(503)}) as site:
        with pytest.raises(HTTPStatusError, match="HTTP 503") as caught:
            fetcher.fetch(site.url("/"))
        assert site.hits["/"] == 3  # retries=2
    assert caught.value.status == 503
    assert len(sleeps.asked) == 2


def test_backoff_grows_with_jitter(sleeps: Sleeps) -> None:
    options = FetchOptions(allow_private=True, retries=3, backoff=1.0)
    with (
        serve({"/": status(500)}) as site,
        Fetcher(options, sleep=sleeps) as client,
        pytest.raises(HTTPStatusError),
    ):
        client.fetch(site.url("/"))
    for attempt, delay in enumerate(sleeps.asked):
        assert 2**attempt <= delay <= 1.5 * 2**attempt


@pytest.mark.parametrize("code", [404, 410, 403])
def test_client_errors_are_not_retried(fetcher: Fetcher, code: int) -> None:
    with serve({"/": status(code)}) as site:
        with pytest.raises(HTTPStatusError, match=f"HTTP {code}") as caught:
            fetcher.fetch(site.url("/gone" if code == 404 else "/"))
        assert sum(site.hits.values()) == 1
    assert caught.value.status == code and caught.value.advice


def test_connection_refused_is_retried_then_reported(fetcher: Fetcher, sleeps: Sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens once the socket closes
    with pytest.raises(InputError, match="cannot be reached"):
        fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert len(sleeps.asked) == 2


@pytest.mark.parametrize("declare_length", [True, False])
def test_a_response_over_the_limit_is_an_error(declare_length: bool) -> None:
    options = FetchOptions(allow_private=True, max_bytes=100_000)
    with (
        serve({"/": huge(5_000_000, declare_length=declare_length)}) as site,
        Fetcher(options) as client,
        pytest.raises(InputError, match=r"over the 97\.7 KiB limit"),
    ):
        client.fetch(site.url("/"))


def test_etag_gives_not_modified(fetcher: Fetcher) -> None:
    with serve({"/": conditional(HTML.encode(), etag='"v1"')}) as site:
        first = fetcher.fetch(site.url("/"))
        assert isinstance(first, Fetched) and first.state.etag == '"v1"'
        second = fetcher.fetch(site.url("/"), first.state)
        assert site.requests[1].headers["If-None-Match"] == '"v1"'
    assert isinstance(second, NotModified)
    assert second.url == site.url("/") and second.state.http_status == 304
    assert second.state.etag == '"v1"' and second.state.sha256 == first.state.sha256


def test_last_modified_gives_not_modified(fetcher: Fetcher) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    known = FetchState("x", None, stamp, "abc", 200, "2026-10-21T07:28:00Z")
    with serve({"/": conditional(HTML.encode(), last_modified=stamp)}) as site:
        result = fetcher.fetch(site.url("/"), known)
        assert site.requests[0].headers["If-Modified-Since"] == stamp
    assert isinstance(result, NotModified)


def test_changed_page_is_fetched_again(fetcher: Fetcher) -> None:
    known = FetchState("x", '"old"', None, "abc", 200, "2026-10-21T07:28:00Z")
    with serve({"/": conditional(HTML.encode(), etag='"new"')}) as site:
        result = fetcher.fetch(site.url("/"), known)
    assert isinstance(result, Fetched) and result.state.etag == '"new"'


def test_charset_from_the_header(fetcher: Fetcher) -> None:
    body = "<p>Привет, мир! Новости сегодня.</p>".encode("koi8-r")
    with serve({"/": Response(200, {"Content-Type": "text/html; charset=KOI8-R"}, body)}) as site:
        result = fetcher.fetch(site.url("/"))
    assert isinstance(result, Fetched)
    assert result.document.encoding == "koi8-r" and "Привет" in result.document.text
