"""What reading one input gives: its articles, and the links a crawler may follow.

Every reader (text dumps, article pages, listing pages, feeds, sitemaps) returns a
``Reading``; the CLI stores its articles and the crawler follows its links.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from newsarchive.model import Article


class Kind(Enum):
    """What an input turned out to be."""

    DUMP = "dump"  # a flattened text dump of a category-archive page
    ARTICLE = "article"  # an HTML article page
    LISTING = "listing"  # an HTML listing, category or home page
    FEED = "feed"  # RSS or Atom
    SITEMAP = "sitemap"  # a sitemap, news sitemap or sitemap index


class LinkKind(Enum):
    PAGE = "page"  # an HTML page (an article, or a listing to read further)
    ARTICLE = "article"  # a teaser's link: the page is expected to be an article
    FEED = "feed"
    SITEMAP = "sitemap"


@dataclass(frozen=True, slots=True)
class Link:
    """A link found on a page, absolute and normalised (fragment dropped).

    ``category`` is the listing's category, given to the article the link leads to;
    ``published`` is the date a sitemap or teaser states for it, when it does.
    """

    url: str
    kind: LinkKind = LinkKind.PAGE
    category: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    kind: Kind
    articles: tuple[Article, ...] = ()
    links: tuple[Link, ...] = ()
