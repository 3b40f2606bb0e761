"""Archived content is untrusted: script payloads stored in every field never run.

``data/xss-payloads.txt`` puts a payload in each field the dump reader fills (the header
category, title, summary, paragraphs, caption and credit, a related box's title, image
caption and credit, a related URL that breaks out of its attribute, the byline); the
``payload_archive`` fixture adds, through the store, an article whose related URLs and
source URL are ``javascript:`` and ``data:`` URLs. Every page is loaded in Chromium: nothing
may set ``window.__xss`` or open a dialog, the payloads must show as text, no ``javascript:``
URL may be linked, and each response carries the security headers.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file

from .conftest import Server

# the article of data/xss-payloads.txt
ARTICLE = split_archive_page(read_text_file(Path(__file__).parent / "data" / "xss-payloads.txt"))[
    0
].id
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
SVG = '"><svg onload=window.__xss=1>'
SHOWN_ON_ARTICLE = (
    f"Headline {SCRIPT} xsstitle",
    f"A summary with {IMG} xsssummary in it",
    f"The first paragraph carries {SVG} an attribute breakout",
    f"The second paragraph has {SCRIPT} a script tag and {IMG} an image.",
    f"Caption {IMG} xsscaption on the scene.",
    f"Evil{SCRIPT}/Credit",
    f"Box title {SCRIPT} xssbox",
    f"Box image {IMG} xssboximage",
    f"Related {SCRIPT} xssrelated",
    "Mallory <svg onload=window.__xss=1> Payload",
    f"Xss{SCRIPT}",
)
# Any element attribute through which a payload could run or be sent.
FIND_ACTIVE_MARKUP = """() => {
  const bad = [];
  const risky = /^\\s*(javascript|data|vbscript):/i;
  for (const el of document.querySelectorAll('*')) {
    const tag = el.tagName.toUpperCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) bad.push(`${tag} ${name}`);
      if (name === 'autofocus' && tag !== 'INPUT') bad.push(`${tag} autofocus`);
      const linked = ['xlink:href', 'action', 'formaction'].includes(name)
        || (name === 'href' && ['A', 'AREA'].includes(tag))
        || (name === 'src' && ['SCRIPT', 'IFRAME', 'EMBED', 'OBJECT', 'FRAME'].includes(tag));
      if (linked && risky.test(attr.value)) bad.push(`${tag} ${name}=${attr.value}`);
    }
    if (tag === 'SCRIPT' && (el.textContent || '').includes('__xss')) bad.push('<script>');
  }
  return bad;
}"""


def visit(page: Any, url: str, screenshots: Path, name: str, status: int = 200) -> str:
    """Load ``url``, check that nothing ran and the headers are there; return the page text."""
    response = page.goto(url)
    assert response is not None, url
    assert response.status == status, f"{url}: {response.status}, expected {status}"
    page.wait_for_load_state("load")
    page.screenshot(path=str(screenshots / f"xss-{name}.png"), full_page=True)
    assert page.evaluate("() => typeof window.__xss") == "undefined", f"{url}: a payload ran"
    assert page.dialogs == [], f"{url}: a dialog opened: {page.dialogs}"
    assert page.evaluate(FIND_ACTIVE_MARKUP) == [], f"{url}: payload markup became live"
    check_security_headers(response.headers, url)
    return str(page.locator("body").inner_text())


def check_security_headers(headers: dict[str, str], url: str) -> None:
    policy = headers.get("content-security-policy", "")
    assert policy, f"{url}: no Content-Security-Policy header"
    assert "unsafe-inline" not in directive(policy, "script-src") + directive(
        policy, "default-src"
    ), f"{url}: the CSP allows inline scripts: {policy}"
    assert headers.get("x-content-type-options", "").lower() == "nosniff", url
    assert headers.get("referrer-policy"), f"{url}: no Referrer-Policy header"


def directive(policy: str, name: str) -> str:
    for part in policy.split(";"):
        if part.strip().startswith(name):
            return part
    return ""


def test_payloads_on_the_article_page(
    page: Any, payload_archive: Server, screenshots: Path
) -> None:
    text = visit(page, f"{payload_archive.url}/article/{ARTICLE}", screenshots, "article")
    for payload in SHOWN_ON_ARTICLE:
        assert payload in text, f"the article page does not show {payload!r} as text"
    # The related URL that tries to break out of its attribute stays one inert URL.
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        assert not href.lower().startswith(("javascript:", "data:"))


def test_javascript_urls_are_never_links(
    page: Any, payload_archive: Server, screenshots: Path
) -> None:
    article = payload_archive.extra["javascript_article"]
    text = visit(page, f"{payload_archive.url}/article/{article}", screenshots, "javascript-urls")
    assert "Related javascript alert link" in text and "Related data url link" in text
    page.get_by_text("Related javascript alert link").first.click()
    page.get_by_text("Related data url link").first.click()
    page.wait_for_timeout(300)
    assert page.dialogs == [], f"clicking a related title opened a dialog: {page.dialogs}"
    assert page.evaluate("() => typeof window.__xss") == "undefined"


def test_payloads_on_home_and_category_pages(
    page: Any, payload_archive: Server, screenshots: Path
) -> None:
    text = visit(page, payload_archive.url + "/", screenshots, "home")
    assert f"Xss{SCRIPT}" in text, "home does not list the payload category as text"
    link = page.locator('a[href*="/category/"]', has_text=re.compile("^Xss<script>"))
    assert link.count() >= 1, "home does not link the payload category"
    href = link.first.get_attribute("href")
    text = visit(page, payload_archive.url + href, screenshots, "category")
    assert f"Headline {SCRIPT} xsstitle" in text
    text = visit(page, f"{payload_archive.url}/category/russia", screenshots, "category-russia")
    assert "Javascript url article xssjsurl" in text


@pytest.mark.parametrize("query", ["xsstitle", "xssbody", "xsscaption", "xsssummary", "script"])
def test_payloads_in_search_results(
    page: Any, payload_archive: Server, screenshots: Path, query: str
) -> None:
    text = visit(page, f"{payload_archive.url}/search?q={query}", screenshots, f"search-{query}")
    assert f"Headline {SCRIPT} xsstitle" in text, f"search {query!r}: the payload title is missing"


def test_payload_as_a_search_query(page: Any, payload_archive: Server, screenshots: Path) -> None:
    """The query is echoed back (in the field, the heading, the error): it must stay text.
    Its unbalanced quote makes it an FTS syntax error: a helpful 400 page, not a 500."""
    url = f"{payload_archive.url}/search?q=%22%3E%3Csvg%20onload%3Dwindow.__xss%3D1%3E"
    text = visit(page, url, screenshots, "search-query-payload", status=400)
    assert SVG in text
    value = page.get_by_role("searchbox").first.input_value()
    assert value == SVG


def test_raw_source_is_text(page: Any, payload_archive: Server, screenshots: Path) -> None:
    text = visit(page, f"{payload_archive.url}/article/{ARTICLE}/raw", screenshots, "raw")
    assert f"Headline {SCRIPT} xsstitle" in text


def test_atom_feed_escapes_payloads(payload_archive: Server, browser_context: Any) -> None:
    home = browser_context.request.get(payload_archive.url + "/")
    links = re.findall(r'href="(/category/[^"]+/feed\.atom)"', home.text())
    links += [f"/category/{slug}/feed.atom" for slug in _category_slugs(home.text())]
    feeds = sorted({link for link in links if "russia" not in link})
    assert feeds, "no Atom feed for the payload category"
    response = browser_context.request.get(payload_archive.url + feeds[0])
    assert response.status == 200
    assert "xml" in response.headers.get("content-type", "")
    root = ET.fromstring(response.body())  # well-formed: every payload was escaped
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text or "" for t in root.iterfind("a:entry/a:title", ns)]
    assert f"Headline {SCRIPT} xsstitle" in titles
    for link in root.iter("{http://www.w3.org/2005/Atom}link"):
        assert not link.get("href", "").lower().startswith(("javascript:", "data:"))
    assert root.find(".//{http://www.w3.org/1999/xhtml}script") is None


def _category_slugs(html: str) -> list[str]:
    return [m for m in re.findall(r'href="/category/([^"/?]+)"', html) if m != "russia"]


def test_the_checks_catch_a_live_payload(page: Any) -> None:
    """The same checks on a page that does run its payloads (no CSP, no escaping) fail."""
    html = (
        '<a href="javascript:alert(1)">x</a><img src="/missing.png" onerror="window.__xss=1">'
        '<a href="https://x.example/" onfocus="window.__xss=2" autofocus>y</a>'
    )

    def fulfil(route: Any) -> None:
        if route.request.url.endswith("/page"):
            route.fulfill(body=html, content_type="text/html")
        else:
            route.abort()

    page.route("http://payload.test/**", fulfil)
    page.goto("http://payload.test/page")
    page.wait_for_function("() => window.__xss !== undefined")
    found = page.evaluate(FIND_ACTIVE_MARKUP)
    assert any("onerror" in f for f in found) and any("javascript:" in f for f in found)
    assert any("autofocus" in f for f in found) and any("onfocus" in f for f in found)
