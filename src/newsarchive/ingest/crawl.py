"""A polite breadth-first crawler that reports what happened to each page as an event.

The crawler fetches, the caller reads: ``read(document, link)`` turns a fetched page into
a ``Reading`` (its articles and the links to follow), so no extraction lives here. ``link``
is the link the page was reached through (None for a seed given as a plain URL): its
``category`` is the listing's, for the article reader to give the article.

Rules: URLs are normalised (fragment dropped, courlan) and fetched at most once; the
frontier is breadth-first, listings before articles within a depth; depth counts from the
seeds, but links to sitemaps and feeds, and the pages they list, cost none;
``same_site`` keeps to the seeds' registered domains (or hosts, for IP addresses and
``localhost``); robots.txt is obeyed; each host gets ``delay`` seconds (or its
Crawl-delay, if longer) between requests; ``max_pages`` bounds the pages fetched
(robots.txt files not counted).

Re-crawls: a page already known (``known(url)`` returns its ``FetchState``) is fetched
conditionally only when its links are not needed (an article link, or a page at the depth
limit), since an unchanged listing's links would otherwise be lost.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from courlan import extract_domain

from newsarchive.errors import InputError
from newsarchive.extract.links import normalise_url
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.ingest.fetch import (
    DEFAULT_MAX_BYTES,
    USER_AGENT,
    Fetched,
    Fetcher,
    FetchOptions,
    Redirected,
    Resolver,
)
from newsarchive.ingest.robots import RobotsCache
from newsarchive.model import Document, FetchState

ReadPage = Callable[[Document, Link | None], Reading]
KnownState = Callable[[str], FetchState | None]
_FREE_KINDS = frozenset({LinkKind.SITEMAP, LinkKind.FEED})
# the pages a sitemap or feed lists are as near as the sitemap or feed itself: an index
_INDEX_KINDS = frozenset({Kind.SITEMAP, Kind.FEED})


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    depth: int = 2
    max_pages: int = 100
    same_site: bool = True
    allow_private: bool = False
    delay: float = 1.0  # seconds between two requests to one host
    timeout: float = 30.0
    max_bytes: int = DEFAULT_MAX_BYTES
    retries: int = 2
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class PageRead:
    document: Document
    reading: Reading
    state: FetchState  # state.url is the URL as queued (before redirects)
    link: Link | None = None  # how the page was reached; None for a seed given as a URL


@dataclass(frozen=True, slots=True)
class PageUnchanged:
    url: str
    state: FetchState


@dataclass(frozen=True, slots=True)
class PageFailed:
    error: InputError


@dataclass(frozen=True, slots=True)
class PageSkipped:
    url: str
    reason: str  # "robots.txt disallows it", "other site", "over depth 2"


@dataclass(frozen=True, slots=True)
class PageCategorised:
    """A page already read (``url`` as in its ``PageRead.state.url``) was also linked from a
    listing with ``category``: the caller adds the category to the page's articles."""

    url: str
    category: str


CrawlEvent = PageRead | PageUnchanged | PageFailed | PageSkipped | PageCategorised


def crawl(
    seeds: Iterable[str | Link],
    options: CrawlOptions,
    read: ReadPage,
    known: KnownState,
    *,
    fetcher: Fetcher | None = None,
    resolve: Resolver | None = None,
) -> Iterator[CrawlEvent]:
    """Crawl from ``seeds``; events in the order things happen (see the module's notes).

    A seed given as a ``Link`` (a sitemap's entry, a listing's teaser) is read with that
    link, so its category and kind travel with it; a plain URL is read with ``None``.
    """
    own = fetcher is None
    fetcher = fetcher or Fetcher(_fetch_options(options), resolve=resolve)
    try:
        yield from _Crawl(options, read, known, fetcher).run(seeds)
    finally:
        if own:
            fetcher.close()


def site_of(url: str) -> str:
    """The registered domain of ``url`` (``news.example.co.uk`` -> ``example.co.uk``), or the
    host itself for IP addresses and single-label hosts."""
    host = (urlsplit(url).hostname or "").lower()
    domain = extract_domain(url) if host else None
    return str(domain) if domain else host


def _fetch_options(options: CrawlOptions) -> FetchOptions:
    return FetchOptions(
        timeout=options.timeout,
        max_bytes=options.max_bytes,
        retries=options.retries,
        allow_private=options.allow_private,
        user_agent=options.user_agent,
    )


@dataclass(slots=True)
class _Queued:
    link: Link
    depth: int
    plain: bool = False  # a seed given as a plain URL: read with no link


class _Crawl:
    def __init__(
        self, options: CrawlOptions, read: ReadPage, known: KnownState, fetcher: Fetcher
    ) -> None:
        self.options = options
        self.read = read
        self.known = known
        self.fetcher = fetcher
        self.robots = RobotsCache(fetcher, options.user_agent)
        # breadth-first; within a depth, listings before articles, so that an article's
        # category is known (merged into its queued link) before it is read
        self.frontier: list[tuple[int, bool, int, _Queued]] = []
        self.order = itertools.count()
        self.queued: dict[str, _Queued] = {}  # URL -> its entry, until fetched
        self.done: set[str] = set()  # URLs fetched or given up
        # categories of pages read (or unchanged), under the URL their event carried; a
        # redirect's target maps to the URL that was queued
        self.categories: dict[str, set[str | None]] = {}
        self.aliases: dict[str, str] = {}
        self.later_categories: dict[str, list[str]] = {}  # for pages still queued
        self.sites: set[str] = set()
        self.last_request: dict[str, float] = {}  # host -> monotonic time
        self.fetched = 0

    def run(self, seeds: Iterable[str | Link]) -> Iterator[CrawlEvent]:
        for seed in seeds:
            link = seed if isinstance(seed, Link) else Link(seed)
            url = normalise_url(link.url)
            if url is None:
                yield PageFailed(InputError(link.url, "is not an http(s) URL", "check the seed"))
                continue
            self.sites.add(site_of(url))
            yield from self._enqueue(link, 0, seed=True, plain=isinstance(seed, str))
        while self.frontier and self.fetched < self.options.max_pages:
            entry = heapq.heappop(self.frontier)[-1]
            url = entry.link.url
            del self.queued[url]
            if url in self.done:  # read already, as the target of a redirect
                continue
            self.done.add(url)
            yield from self._visit(entry)
            for category in self.later_categories.pop(url, ()):
                yield from self._categorised(url, category)

    def _enqueue(
        self, link: Link, depth: int, *, seed: bool = False, plain: bool = False
    ) -> Iterator[CrawlEvent]:
        url = normalise_url(link.url)
        if url is None:
            return
        link = replace(link, url=url)
        if url in self.done or url in self.queued:
            yield from self._merge_category(url, link)
            return
        if not seed and self.options.same_site and site_of(url) not in self.sites:
            self.done.add(url)
            yield PageSkipped(url, "other site")
        elif depth > self.options.depth:
            self.done.add(url)
            yield PageSkipped(url, f"over depth {self.options.depth}")
        else:
            entry = _Queued(link, depth, plain)
            self.queued[url] = entry
            is_article = link.kind == LinkKind.ARTICLE
            heapq.heappush(self.frontier, (depth, is_article, next(self.order), entry))

    def _merge_category(self, url: str, link: Link) -> Iterator[CrawlEvent]:
        """A second link to a page: its category is not lost (see ``PageCategorised``)."""
        if link.category is None:
            return
        entry = self.queued.get(url)
        if entry is not None and entry.link.category is None:
            entry.link = replace(entry.link, category=link.category)
        elif entry is not None and entry.link.category != link.category:
            self.later_categories.setdefault(url, []).append(link.category)
        elif entry is None:
            yield from self._categorised(url, link.category)

    def _categorised(self, url: str, category: str) -> Iterator[CrawlEvent]:
        """``PageCategorised`` once per page and category, for pages read or unchanged."""
        url = self.aliases.get(url, url)
        given = self.categories.get(url)
        if given is not None and category not in given:
            given.add(category)
            yield PageCategorised(url, category)

    def _visit(self, entry: _Queued) -> Iterator[CrawlEvent]:
        url = entry.link.url
        try:
            self.fetcher.check_target(url)  # a refused address is a failure, not a skip
        except InputError as exc:
            yield PageFailed(exc)
            return
        refusal = self._robots_refusal(url)
        if refusal is not None:
            yield PageSkipped(url, refusal)
            return
        self.fetched += 1
        known = self.known(url) if self._leaf(entry) else None
        self._pause(url, max(self.options.delay, self.robots.delay(url) or 0.0))
        try:
            result = self.fetcher.fetch(url, known, have=self._have)
        except InputError as exc:
            yield PageFailed(exc)
            return
        if isinstance(result, Fetched):
            yield from self._read(entry, result)
        elif isinstance(result, Redirected):
            yield PageSkipped(url, f"redirects to {result.target}, already read")
        else:
            self._reached(entry, url)
            yield PageUnchanged(url, result.state)

    def _read(self, entry: _Queued, result: Fetched) -> Iterator[CrawlEvent]:
        url = entry.link.url
        final = normalise_url(result.final_url) or url
        if final != url and final in self.done:
            yield PageSkipped(url, f"redirects to {final}, already read")
            return
        self.done.add(final)
        via = self._reached(entry, final)
        try:
            reading = self.read(result.document, via)
        except InputError as exc:
            yield PageFailed(exc)
            return
        yield PageRead(result.document, reading, result.state, via)
        for link in reading.links:
            cost = 0 if link.kind in _FREE_KINDS or reading.kind in _INDEX_KINDS else 1
            yield from self._enqueue(link, entry.depth + cost)

    def _have(self, url: str) -> bool:
        """Whether a redirect target has been read in this crawl already."""
        normal = normalise_url(url)
        return normal is not None and normal in self.done

    def _reached(self, entry: _Queued, final: str) -> Link | None:
        """Note a page read (or unchanged) for ``PageCategorised``; the link to read it with."""
        via = None if entry.plain else entry.link
        self.categories[entry.link.url] = {via.category if via else None}
        self.aliases[final] = entry.link.url
        return via

    def _leaf(self, entry: _Queued) -> bool:
        return entry.link.kind == LinkKind.ARTICLE or entry.depth >= self.options.depth

    def _robots_refusal(self, url: str) -> str | None:
        """Why robots.txt keeps the crawler from ``url``, or None when it may go."""
        if not self.robots.is_loaded(url):
            self._pause(url, self.options.delay)
        if self.robots.allows(url):
            return None
        rules = self.robots.rules(url)
        return "robots.txt disallows it" if rules.parser else f"{rules.reason}: host not crawled"

    def _pause(self, url: str, delay: float) -> None:
        """Wait until ``delay`` seconds have passed since the last request to ``url``'s host."""
        host = urlsplit(url).netloc
        last = self.last_request.get(host)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.last_request[host] = time.monotonic()
