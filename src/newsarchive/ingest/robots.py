"""robots.txt, fetched once per host and crawl, read with Protego.

As Google does: a missing robots.txt (any 4xx) allows everything; a server error (5xx) or
an unreachable robots.txt disallows the whole host for this crawl. A ``Crawl-delay`` is
returned so the crawler can wait that long between requests when it is more than its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from newsarchive.errors import InputError
from newsarchive.ingest.fetch import Fetched, Fetcher, HTTPStatusError


@dataclass(frozen=True, slots=True)
class HostRules:
    """What one host's robots.txt says; ``parser`` None means a blanket rule (``allow_all``)."""

    parser: Protego | None
    allow_all: bool
    reason: str  # why a blanket rule applies ("no robots.txt", "robots.txt gave HTTP 503")

    def allows(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return bool(self.parser.can_fetch(url, user_agent))

    def delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        value = self.parser.crawl_delay(user_agent)
        return float(value) if value is not None else None

    def sitemaps(self) -> tuple[str, ...]:
        return tuple(self.parser.sitemaps) if self.parser is not None else ()


class RobotsCache:
    """One ``HostRules`` per scheme and host, fetched on first use with ``fetcher``."""

    def __init__(self, fetcher: Fetcher, user_agent: str) -> None:
        self._fetcher = fetcher
        self._user_agent = user_agent
        self._rules: dict[str, HostRules] = {}

    def rules(self, url: str) -> HostRules:
        key = robots_url(url)
        if key not in self._rules:
            self._rules[key] = self._load(key)
        return self._rules[key]

    def allows(self, url: str) -> bool:
        return self.rules(url).allows(url, self._user_agent)

    def delay(self, url: str) -> float | None:
        return self.rules(url).delay(self._user_agent)

    def is_loaded(self, url: str) -> bool:
        return robots_url(url) in self._rules

    def _load(self, url: str) -> HostRules:
        try:
            result = self._fetcher.fetch(url)
        except HTTPStatusError as exc:
            if exc.status < 500:
                return HostRules(None, True, f"no robots.txt (HTTP {exc.status})")
            return HostRules(None, False, f"robots.txt gave HTTP {exc.status}")
        except InputError as exc:
            return HostRules(None, False, f"robots.txt could not be read ({exc.problem})")
        if not isinstance(result, Fetched):  # never conditional, but be safe
            return HostRules(None, True, "robots.txt not modified")
        return HostRules(Protego.parse(result.document.text), True, "robots.txt")


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"
