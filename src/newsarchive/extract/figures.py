"""Images with their captions and credits, and links to related articles, read from markup.

Both are kept as fields of the article so they never leak into its body: the page reader
removes every paragraph that is one of them from the main text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lxml.html import HtmlElement

from newsarchive.extract import patterns as pt
from newsarchive.extract.credits import clean_credit, looks_like_credit, split_credit
from newsarchive.extract.jsonld import JsonObject, first_text, texts, types_of
from newsarchive.extract.links import normalise_url
from newsarchive.model import Caption, RelatedLink

# attribute steps (``//@class[…]/..``) let libxml2 test only elements that have the
# attribute: about twice as fast as an element predicate over the whole page
_CAPTION_XPATH = "//figure|//@class[contains(., 'caption') or contains(., 'Caption')]/.."
_CREDIT_XPATH = (
    ".//small|.//cite|.//*[contains(@class, 'credit') or contains(@class, 'Credit')"
    " or contains(@class, 'copyright') or contains(@class, 'byline') or contains(@class, 'source')"
    " or contains(@class, 'author') or contains(@class, 'photographer')]"
)
_RELATED_XPATH = (
    "//@class[contains(., 'related') or contains(., 'Related') or contains(., 'read-more')"
    " or contains(., 'more-on') or contains(., 'also-read') or contains(., 'see-also')]/.."
    "|//@id[contains(., 'related')]/..|//a[contains(@rel, 'related')]"
)
_MARKER_TAGS = ("h2", "h3", "h4", "h5", "h6", "strong", "b", "p", "span", "header", "div")
# the words a "Related" / "Read more" marker starts with; ``is_related_marker`` decides
_MARKER_START = re.compile(
    r"\s*(?:relat|read|more|also|recommend|further|see\b|you\s+m)", re.IGNORECASE
)
_IMAGE_SOURCES = ("src", "data-src", "data-original", "data-lazy-src", "data-srcset", "srcset")
_MAX_RELATED = 30
_HEADLINE_WORDS = 4
_NAVIGATION = frozenset({"nav", "header", "footer"})
_CHROME = frozenset({"nav", "footer", "form"})  # an article's <header> has its picture
_PICTURE_TAGS = ("img", "picture", "video", "iframe", "svg", "amp-img", "noscript")
_MORE_LINK = re.compile(
    r"^(?:read|watch|see|view|show|load|more|all|view\s+all)\b.{0,25}"
    r"\b(?:stories|articles|news|videos|more|posts|coverage)\W*$",
    re.IGNORECASE,
)
_MAX_BOX_LINKS = 15  # more links than this around a marker is a page region, not a box


def find_captions(
    tree: HtmlElement, base_url: str | None, json_images: list[JsonObject]
) -> tuple[Caption, ...]:
    """Captions of the page's figures (``<figure>`` and ``class="…caption…"`` markup) with
    their credits separated, then JSON-LD image captions and credits the markup lacked."""
    captions: list[Caption] = []
    for element in tree.xpath(_CAPTION_XPATH):
        if element.tag != "figure" and _inside_caption_holder(element):
            continue
        if not _beside_picture(element) or _in_site_chrome(element) or _in_link(element):
            continue
        caption = _figure_caption(element, base_url)
        if caption is not None:
            captions.append(caption)
    captions = _merge_json_images(captions, json_images, base_url)
    return _unique_captions(captions)


def _inside_caption_holder(element: HtmlElement) -> bool:
    """A caption element inside a figure (or inside another caption element) is read with it."""
    for ancestor in element.iterancestors():
        if ancestor.tag == "figure" or "caption" in (ancestor.get("class") or "").lower():
            return True
    return False


def _beside_picture(holder: HtmlElement) -> bool:
    """A caption sits with its picture: inside the figure, or next to it (the parent or the
    grandparent holds the image). A "caption" class far from any image is a label, a form
    hint or a menu."""
    if holder.tag == "figcaption":
        return True
    if holder.tag == "figure":
        return _has_picture(holder) or holder.find(".//figcaption") is not None
    element = holder
    for _ in range(3):
        if _has_picture(element):
            return True
        parent = element.getparent()
        if parent is None:
            return False
        element = parent
    return False


def _has_picture(element: HtmlElement) -> bool:
    return next(element.iter(_PICTURE_TAGS), None) is not None


_IMAGE_HREF = re.compile(r"\.(?:jpe?g|png|gif|webp|avif|svg)(?:[?#]|$)", re.IGNORECASE)


def _in_link(element: HtmlElement) -> bool:
    """Inside a link to a page: the picture of a teaser or "Read more" box, not of this
    article (a link to the picture itself, to enlarge it, does not count)."""
    return any(
        a.tag == "a" and not _IMAGE_HREF.search(a.get("href") or "")
        for a in element.iterancestors()
    )


def _in_site_chrome(element: HtmlElement) -> bool:
    """Inside navigation, a footer or a form: not the article's pictures."""
    return any(a.tag in _CHROME for a in element.iterancestors())


def _figure_caption(holder: HtmlElement, base_url: str | None) -> Caption | None:
    """One figure's caption: the text of its caption element with credit markup taken out;
    the credit from that markup, else from the text ("… (AP Photo/X)")."""
    credit_elements = [e for e in holder.xpath(_CREDIT_XPATH) if _own_text(e)]
    skip = set(credit_elements)
    caption_element = _caption_element(holder)
    text = clean(_text_without(caption_element, skip)) if caption_element is not None else ""
    text = text.strip(" -–—|")
    credits = [clean_credit(clean(_text_without(e, set()))) for e in credit_elements]
    credit = next((found for found in credits if found), "")
    if text and not credit:
        text, found = split_credit(text)
        credit = found or ""
    if text and not credit and looks_like_credit(text):
        text, credit = "", clean_credit(text)
    if not text and not credit:
        return None
    return Caption(text, credit or None, _image_url(holder, base_url))


def _caption_element(holder: HtmlElement) -> HtmlElement | None:
    if holder.tag != "figure":
        return holder
    found = holder.find(".//figcaption")
    if found is not None:
        return found
    for element in holder.iter():
        if "caption" in (element.get("class") or "").lower():
            return element
    return None


def _own_text(element: HtmlElement) -> bool:
    return bool(clean(element.text_content()))


def _text_without(element: HtmlElement, skip: set[HtmlElement]) -> str:
    """The element's text, leaving out the subtrees in ``skip`` (credit markup)."""
    return " ".join(_texts(element, skip))


def _texts(element: HtmlElement, skip: set[HtmlElement]) -> Iterator[str]:
    if element in skip or not isinstance(element.tag, str):
        return
    if element.tag in ("script", "style", "noscript", "button", "svg"):
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child, skip)
        if child.tail:
            yield child.tail


def _image_url(holder: HtmlElement, base_url: str | None) -> str | None:
    """The picture's address: the holder's own ``<img>`` (lazy-loading attributes too), or
    the nearest one before a caption that sits outside its figure."""
    image = holder.find(".//img")
    if image is None and holder.tag != "figure":
        parent = holder.getparent()
        image = parent.find(".//img") if parent is not None else None
    if image is None:
        image = holder.find(".//source")  # a <picture> with only <source srcset>
    if image is None:
        return None
    for attribute in _IMAGE_SOURCES:
        value = image.get(attribute)
        if value and not value.startswith("data:"):
            first = value.split(",")[0].strip().split(" ")[0]
            return normalise_url(first, base_url)
    return None


def _merge_json_images(
    captions: list[Caption], json_images: list[JsonObject], base_url: str | None
) -> list[Caption]:
    """JSON-LD ``ImageObject`` captions and credits: a credit the markup lacked is added to
    the caption of the same picture; a captioned picture the markup lacked is appended."""
    by_url = {caption.image_url: i for i, caption in enumerate(captions) if caption.image_url}
    known = {clean(caption.text).casefold() for caption in captions}
    for image in json_images:
        url = normalise_url(first_text(image.get("url") or image.get("contentUrl")), base_url)
        text = clean(first_text(image.get("caption")) or "")
        credit = _json_credit(image)
        index = by_url.get(url) if url else None
        if index is not None:
            if credit and not captions[index].credit:
                old = captions[index]
                captions[index] = Caption(old.text or text, credit, old.image_url)
        elif text and text.casefold() not in known:
            captions.append(Caption(text, credit, url))
            known.add(text.casefold())
    return captions


def _json_credit(image: JsonObject) -> str | None:
    for key in ("creditText", "copyrightHolder", "author", "creator"):
        names = texts(image.get(key))
        if names:
            return clean_credit(", ".join(names))
    return None


def json_images(article: JsonObject | None, objects: list[JsonObject]) -> list[JsonObject]:
    """The page's JSON-LD ``ImageObject``s: the article's ``image``, ``hasPart`` and
    ``associatedMedia``, and those standing alone in the graph (a bare URL has no caption)."""
    values: list[Any] = [obj for obj in objects if "imageobject" in types_of(obj)]
    for key in ("image", "hasPart", "associatedMedia"):
        value = (article or {}).get(key)
        values.extend(value if isinstance(value, list) else [value])
    images = [item for item in values if isinstance(item, dict)]
    return [image for image in images if not types_of(image) - {"imageobject"}]


def _unique_captions(captions: list[Caption]) -> tuple[Caption, ...]:
    seen: set[tuple[str, str | None]] = set()
    out: list[Caption] = []
    for caption in captions:
        key = (caption.text.casefold(), caption.credit)
        if key not in seen:
            seen.add(key)
            out.append(caption)
    return tuple(out)


def find_related(
    tree: HtmlElement, base_url: str | None, own_url: str | None
) -> tuple[RelatedLink, ...]:
    """Links to other articles from "Related" / "Read more" / "More on this story" boxes,
    ``rel="related"`` links and "READ MORE: <a>…</a>" paragraphs. A link's text must read
    like a headline (four words or more), and site navigation (``<nav>``, ``<header>``,
    ``<footer>``) is left out, so topic, section and service links do not count."""
    links: list[RelatedLink] = []
    for holder in _related_holders(tree):
        anchors = [holder] if holder.tag == "a" else holder.iter("a")
        for anchor in anchors:
            link = _related_link(anchor, base_url)
            if link is not None:
                links.append(link)
    return _unique_links(links, own_url)


def _related_holders(tree: HtmlElement) -> Iterator[HtmlElement]:
    """Elements whose links are related articles: boxes named so in their class or id,
    and what a "Related" / "Read more" marker introduces."""
    yield from tree.xpath(_RELATED_XPATH)
    for marker in tree.iter(_MARKER_TAGS):
        # a marker's words are its own text: "<h2>Related</h2>", "<b>Read more:</b>"
        own = marker.text
        if not own or len(own) > 60 or not _MARKER_START.match(own):
            continue
        text = clean(own)
        if pt.is_related_marker(text) or pt.is_related_marker(text.rstrip(":")):
            if marker.find(".//a") is not None:
                yield marker
            elif marker.tag in ("strong", "b", "span") and marker.getparent() is not None:
                yield marker.getparent()
            else:
                container = _marker_container(marker)
                if container is not None:
                    yield container


def _marker_container(marker: HtmlElement) -> HtmlElement | None:
    """The links a "Related" heading introduces: the list right after it, else the nearest
    small ancestor that holds links (the box); never the whole article or page."""
    following = marker.getnext()
    if following is not None and following.find(".//a") is not None:
        return following
    element = marker
    for _ in range(3):
        parent = element.getparent()
        if parent is None or parent.tag in ("body", "html", "article", "main"):
            return None
        links = sum(1 for _ in parent.iter("a"))
        if links > _MAX_BOX_LINKS:
            return None
        if links:
            return parent
        element = parent
    return None


def _related_link(anchor: HtmlElement, base_url: str | None) -> RelatedLink | None:
    url = normalise_url(anchor.get("href"), base_url)
    if not url or _in_site_navigation(anchor):
        return None
    heading = next(anchor.iter("h2", "h3", "h4"), None)
    if heading is None:
        heading = next(iter(anchor.xpath(".//*[contains(@class, 'title')]")), None)
    figure = anchor.find(".//figure")
    if figure is None:
        figure = anchor.find(".//figcaption")
    skip = {figure} if figure is not None else set()
    title = clean(_text_without(heading if heading is not None else anchor, skip))
    title = pt.related_inline(title) or title
    if not _reads_like_headline(title):
        return None
    caption = _figure_caption(figure, base_url) if figure is not None else None
    if caption is None:
        return RelatedLink(title, url)
    return RelatedLink(title, url, caption.text or None, caption.credit)


def _in_site_navigation(anchor: HtmlElement) -> bool:
    return any(a.tag in _NAVIGATION for a in anchor.iterancestors())


def _reads_like_headline(title: str) -> bool:
    """Four words or more (twelve characters in scripts without spaces), and not itself
    a "Read more stories" / "Watch more videos" marker."""
    words = len(title.split())
    long_enough = words >= _HEADLINE_WORDS or (words == 1 and len(title) >= 12)
    return long_enough and len(title) <= 300 and not _MORE_LINK.match(title)


def _unique_links(links: list[RelatedLink], own_url: str | None) -> tuple[RelatedLink, ...]:
    seen: set[str] = {own_url} if own_url else set()
    out: list[RelatedLink] = []
    for link in links:
        if link.url and link.url not in seen:
            seen.add(link.url)
            out.append(link)
    return tuple(out[:_MAX_RELATED])


def clean(text: str | None) -> str:
    """Spacing collapsed to single spaces; an empty string for ``None``."""
    return " ".join(text.split()) if text else ""
