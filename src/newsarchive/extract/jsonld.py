"""Schema.org JSON-LD objects embedded in a page: the most exact metadata a news page has.

Publishers write JSON-LD for search engines, so it names the headline, authors, dates,
section and images as data rather than as layout; it wins over what is read from markup.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lxml import html as lxml_html

JsonObject = dict[str, Any]

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "backgroundnewsarticle",
        "askpublicnewsarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
        "report",
        "scholarlyarticle",
        "techarticle",
    }
)

_CONTROL = re.compile(r"[\x00-\x1f]")


def json_ld_objects(tree: lxml_html.HtmlElement) -> list[JsonObject]:
    """Every JSON object of the page's ``application/ld+json`` scripts, ``@graph`` and lists
    flattened; a script that is not valid JSON is skipped (pages often ship broken ones)."""
    objects: list[JsonObject] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").lower()
        if "ld+json" not in kind or not script.text:
            continue
        objects.extend(_flatten(_loads(script.text)))
    return objects


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    try:  # raw newlines and tabs inside strings are the usual breakage
        return json.loads(_CONTROL.sub(" ", text))
    except ValueError:
        return None


def _flatten(value: Any) -> Iterator[JsonObject]:
    if isinstance(value, list):
        for item in value:
            yield from _flatten(item)
    elif isinstance(value, dict):
        graph = value.get("@graph")
        if graph is not None:
            yield from _flatten(graph)
        if "@type" in value:
            yield value


def types_of(obj: JsonObject) -> set[str]:
    """The object's ``@type`` names, lower-cased (it may be one string or a list)."""
    kind = obj.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {name.casefold() for name in names if isinstance(name, str)}


def article_object(objects: list[JsonObject]) -> JsonObject | None:
    """The object that describes the article itself: the first of an article type that has a
    headline (a page may also describe related articles, which come later and are teasers)."""
    candidates = [obj for obj in objects if types_of(obj) & ARTICLE_TYPES]
    for obj in candidates:
        if obj.get("headline") or obj.get("name"):
            return obj
    return candidates[0] if candidates else None


def texts(value: Any) -> list[str]:
    """Strings of a value that may be a string, a list, or objects with a ``name``."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [text for item in value for text in texts(item)]
    if isinstance(value, dict):
        return texts(value.get("name"))
    return []


def first_text(value: Any) -> str | None:
    found = texts(value)
    return found[0].strip() if found else None


def _position(item: JsonObject) -> int:
    position = item.get("position")
    return position if isinstance(position, int) else 0


def breadcrumb_names(objects: list[JsonObject]) -> list[str]:
    """The names of a ``BreadcrumbList``'s items in order (the trail to the article)."""
    for obj in objects:
        if "breadcrumblist" not in types_of(obj):
            continue
        items = obj.get("itemListElement")
        if not isinstance(items, list):
            continue
        ordered = sorted((item for item in items if isinstance(item, dict)), key=_position)
        names = [first_text(item.get("name")) or first_text(item.get("item")) for item in ordered]
        return [name for name in names if name]
    return []
