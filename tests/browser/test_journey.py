"""A reader's journey through the archive in a real browser, with a screenshot at each step:
home -> category Russia -> an article -> a related link -> back -> search "Peskov" -> a result."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file

from .conftest import SAMPLE, Server


def _ids(path: Path) -> list[str]:
    return [a.id for a in split_archive_page(read_text_file(path))]


# the sample's article whose related box names an archived title, and its snow article
# with four captions and © credits; "Putin will halt strikes on Kiev – Trump"
MORATORIUM, SNOW = _ids(SAMPLE)[2], _ids(SAMPLE)[7]
STRIKES = _ids(Path(__file__).parent / "data" / "related-russia.txt")[0]
RELATED_TITLE = "Putin will halt strikes on Kiev – Trump"


def shot(page: Any, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def heading(page: Any) -> str:
    h1 = page.locator("h1")
    assert h1.count() == 1, f"{page.url}: expected one <h1>, found {h1.count()}"
    return str(h1.inner_text()).strip()


def has_horizontal_scroll(page: Any) -> bool:
    return bool(
        page.evaluate(
            "() => document.documentElement.scrollWidth > document.documentElement.clientWidth"
        )
    )


def test_reader_journey(page: Any, archive: Server, screenshots: Path) -> None:
    base = archive.url
    # Home: the categories with their counts, the latest articles, the archive's size.
    page.goto(base + "/")
    heading(page)
    assert page.locator("main").count() == 1, "home: no <main> landmark"
    russia = page.locator('a[href$="/category/russia"]').first
    assert russia.is_visible()
    body = page.locator("main").inner_text()
    assert "Russia" in body and "Business" in body
    shot(page, screenshots, "01-home")

    # Category Russia, newest first: the sample's articles are listed.
    russia.click()
    page.wait_for_url(re.compile(r"/category/russia(\?.*)?$"))
    assert "Russia" in heading(page)
    entry = page.get_by_role("link", name=re.compile("week-long moratorium"))
    assert entry.count() >= 1, "category Russia does not list the moratorium article"
    shot(page, screenshots, "02-category-russia")

    # An article: its text, its related box linking to the archived article, provenance.
    entry.first.click()
    page.wait_for_url(re.compile(f"/article/{MORATORIUM}$"))
    assert "week-long moratorium" in heading(page) + page.locator("main").inner_text()
    text = page.locator("main").inner_text()
    assert "Peskov" in text
    sha = hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert "category-archive-russia.txt" in text, "provenance: the source file is not shown"
    assert sha[:12] in text, "provenance: the source's sha256 is not shown"
    related = page.get_by_role("link", name=RELATED_TITLE)
    assert related.count() == 1, f"the related title {RELATED_TITLE!r} is not linked"
    assert related.get_attribute("href").endswith(f"/article/{STRIKES}")
    shot(page, screenshots, "03-article")

    # The related link leads to the archived article it names.
    related.click()
    page.wait_for_url(re.compile(f"/article/{STRIKES}$"))
    assert heading(page) == RELATED_TITLE
    assert "Anna Berg" in page.locator("main").inner_text()
    shot(page, screenshots, "04-related-article")

    page.go_back()
    page.wait_for_url(re.compile(f"/article/{MORATORIUM}$"))
    assert "week-long moratorium" in page.locator("main").inner_text()

    # Search with the keyboard: Tab reaches the labelled search field; Enter submits.
    search = focus_search_field_with_tab(page)
    search.type("Peskov")
    shot(page, screenshots, "05-search-typed")
    search.press("Enter")
    page.wait_for_url(re.compile(r"/search\?(.*&)?q=Peskov"))
    marks = page.locator("main mark")
    assert marks.count() >= 3, "search results: no highlighted <mark> in the snippets"
    assert {m.strip().lower() for m in marks.all_inner_texts()} == {"peskov"}
    shot(page, screenshots, "06-search-results")

    # A result opens its article, which mentions what was searched for.
    result = page.locator('main a[href*="/article/"]').first
    result.click()
    page.wait_for_url(re.compile(r"/article/[0-9a-f]{16}$"))
    heading(page)
    assert "Peskov" in page.locator("main").inner_text()
    shot(page, screenshots, "07-search-result-article")


def focus_search_field_with_tab(page: Any) -> Any:
    """Press Tab from the top of the page until the search field has the focus."""
    field = page.get_by_role("searchbox", name=re.compile("search", re.I))
    assert field.count() >= 1, "no search field labelled 'Search' on the page"
    page.locator("body").focus()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(40):
        page.keyboard.press("Tab")
        if field.first.evaluate("el => el === document.activeElement"):
            return field.first
    pytest.fail("the search field cannot be reached with Tab")


def test_captions_and_credits(page: Any, archive: Server, screenshots: Path) -> None:
    page.goto(f"{archive.url}/article/{SNOW}")
    assert "Snow accumulation" in heading(page) + page.locator("main").inner_text()
    captions = page.locator("main figcaption")
    assert captions.count() == 4, "the snow article's four photo captions are not <figcaption>s"
    credits = " ".join(captions.all_inner_texts())
    for credit in ("© Sputnik/Yuri Kochetkov", "© Sputnik/Mikhail Voskresensky"):
        assert credit in credits
    assert "© Sputnik/Ilya Pitalev" in credits
    shot(page, screenshots, "08-article-captions")


def test_unknown_article_is_a_404_page(page: Any, archive: Server, screenshots: Path) -> None:
    response = page.goto(f"{archive.url}/article/0000000000000000")
    assert response is not None and response.status == 404
    heading(page)
    shot(page, screenshots, "09-not-found")


@pytest.mark.parametrize(
    "path",
    ["/", "/category/russia", f"/article/{MORATORIUM}", f"/article/{SNOW}", "/search?q=Peskov"],
)
def test_narrow_screen_has_no_horizontal_scroll(
    page: Any, archive: Server, screenshots: Path, path: str
) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(archive.url + path)
    heading(page)
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    shot(page, screenshots, f"mobile-390-{name}")
    assert not has_horizontal_scroll(page), f"{path}: scrolls sideways at 390 px"
