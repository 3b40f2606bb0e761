"""Listing pages: told from article pages, their category found, their teasers read,
and full articles on a listing split as a text dump of it would be."""

from __future__ import annotations

import hashlib
import html
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from newsarchive.extract.blocktext import text_blocks
from newsarchive.extract.dump import split_archive_page
from newsarchive.extract.html import parse_html
from newsarchive.extract.listing import is_listing_page, listing_category, read_listing_page
from newsarchive.extract.reading import Kind, Link, LinkKind, Reading
from newsarchive.model import Article, Document, make_article_id, url_key
from tests.conftest import SAMPLE

LISTINGS = Path(__file__).resolve().parent.parent / "data" / "web" / "listings"
URLS = {
    "wordpress-category.html": "https://ledger.example/category/politics/",
    "news-section.html": "https://courier.example/world/",
    "home.html": "https://ledger.example/",
    "full-articles.html": "https://tribune.example/category/science/",
    "article.html": "https://courier.example/world/2026/03/05/ceasefire-talks-resume",
}


def page(name: str, url: str | None = "") -> tuple[Document, lxml_html.HtmlElement]:
    data = (LISTINGS / name).read_bytes()
    doc = Document(
        data.decode("utf-8"),
        hashlib.sha256(data).hexdigest(),
        "utf-8",
        url=URLS[name] if url == "" else url,
        data=data,
        media_type="text/html",
        fetched_at="2026-03-05T10:00:00+00:00",
        http_status=200,
    )
    return doc, parse_html(doc)


def read(name: str) -> Reading:
    doc, tree = page(name)
    return read_listing_page(doc, tree)


def by_title(articles: tuple[Article, ...], start: str) -> Article:
    return next(a for a in articles if a.title and a.title.startswith(start))


# --- listing or article -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["wordpress-category.html", "news-section.html", "home.html", "full-articles.html"]
)
def test_listings_are_listings(name: str) -> None:
    doc, tree = page(name)
    assert is_listing_page(tree, doc.url)


@pytest.mark.parametrize(
    "name", ["wordpress-category.html", "news-section.html", "home.html", "full-articles.html"]
)
def test_listings_are_known_without_their_url(name: str) -> None:
    _, tree = page(name, url=None)
    assert is_listing_page(tree, None)


def test_an_article_page_with_a_related_box_is_not_a_listing() -> None:
    doc, tree = page("article.html")
    assert not is_listing_page(tree, doc.url)
    assert not is_listing_page(tree, None)


def test_an_article_without_declared_type_is_still_an_article() -> None:
    markup = (LISTINGS / "article.html").read_text(encoding="utf-8")
    markup = markup.replace('content="article"', 'content="website"').replace(
        '"@type": "NewsArticle"', '"@type": "Thing"'
    )
    tree = lxml_html.document_fromstring(markup)
    assert not is_listing_page(tree, "https://courier.example/world/2026/03/05/x")


# --- category ------------------------------------------------------------------------------


def test_category_from_the_archive_header() -> None:
    for name, category in (
        ("wordpress-category.html", "Politics"),
        ("full-articles.html", "Science"),
    ):
        _, tree = page(name, url=None)
        assert listing_category(tree, None) == category


def test_category_from_the_h1_of_a_section_page() -> None:
    doc, tree = page("news-section.html")
    assert listing_category(tree, doc.url) == "World"


def test_the_home_page_has_no_category() -> None:
    doc, tree = page("home.html")
    assert listing_category(tree, doc.url) is None


@pytest.mark.parametrize(
    ("markup", "url", "category"),
    [
        ("<title>Tag: Elections | Site</title><h1>Elections</h1>", None, "Elections"),
        ("<title>Site</title><p>x</p>", "https://x.example/category/middle-east/", "Middle East"),
        (
            '<nav class="breadcrumbs"><a href="/">Home</a> › <span>Energy</span></nav>',
            "https://x.example/energy/",
            "Energy",
        ),
        (
            '<head><meta property="og:title" content="Climate – The Post"></head><p>x</p>',
            "https://x.example/climate/",
            "Climate",
        ),
        ("<title>Site</title><p>x</p>", None, None),
    ],
)
def test_category_fallbacks(markup: str, url: str | None, category: str | None) -> None:
    tree = lxml_html.document_fromstring(f"<html>{markup}</html>")
    assert listing_category(tree, url) == category


# --- teasers -------------------------------------------------------------------------------


def test_wordpress_teasers_become_teaser_articles() -> None:
    reading = read("wordpress-category.html")
    assert reading.kind is Kind.LISTING
    assert [a.title for a in reading.articles] == [
        "Council approves new budget after marathon session",
        "State senator announces run for governor",
        "Voters to decide on transit tax in November",
        "Mayor vetoes downtown parking plan",
    ]
    assert all(a.teaser and a.categories == ("Politics",) for a in reading.articles)
    assert all(not a.paragraphs for a in reading.articles)
    council = reading.articles[0]
    # tracking parameters and the fragment are gone; the id is the URL's
    assert council.url == "https://ledger.example/2026/03/03/council-approves-budget/"
    assert council.id == make_article_id(url_key(council.url))
    assert council.published == "2026-03-03T07:15:00-05:00"
    assert council.authors == ("Jane Doe",)
    assert council.summary is not None and council.summary.endswith("police and library funding.")
    assert "Continue reading" not in council.summary
    assert council.captions[0].text == "Council members vote on the budget at City Hall."
    assert council.captions[0].credit == "Ledger/Tom Reyes"
    assert council.captions[0].image_url == (
        "https://ledger.example/wp-content/uploads/2026/03/council.jpg"
    )
    assert council.language == "en"
    assert council.source.url == URLS["wordpress-category.html"]
    assert council.source.http_status == 200


def test_relative_teaser_links_are_made_absolute_and_dates_read_as_printed() -> None:
    articles = read("wordpress-category.html").articles
    senator = by_title(articles, "State senator")
    assert senator.url == "https://ledger.example/2026/03/01/senator-runs-for-governor/"
    assert senator.published == "2026-03-01"
    assert senator.summary is not None and not senator.summary.endswith("[…]")
    # no datetime attribute: the printed date is read
    assert by_title(articles, "Mayor vetoes").published == "2026-02-20"


def test_sidebars_and_related_boxes_are_not_teasers() -> None:
    urls = {a.url for a in read("wordpress-category.html").articles}
    assert "https://ledger.example/2026/03/04/bakery-wins-award/" not in urls  # widget
    assert "https://ledger.example/2026/01/10/year-ahead/" not in urls  # aside heading
    section = {a.url for a in read("news-section.html").articles}
    assert "https://courier.example/uk/2026/03/05/rail-strike" not in section  # most read


def test_listing_links_are_teasers_then_pages_to_follow() -> None:
    links = read("wordpress-category.html").links
    articles = [link for link in links if link.kind is LinkKind.ARTICLE]
    assert links[: len(articles)] == tuple(articles), "teasers come first"
    assert articles[0] == Link(
        "https://ledger.example/2026/03/03/council-approves-budget/",
        LinkKind.ARTICLE,
        category="Politics",
        published="2026-03-03T07:15:00-05:00",
    )
    others = {link.url: link.kind for link in links[len(articles) :]}
    assert others["https://ledger.example/category/politics/page/2/"] is LinkKind.PAGE
    assert others["https://ledger.example/category/business/"] is LinkKind.PAGE
    assert others["https://ledger.example/category/politics/feed/"] is LinkKind.FEED
    # the page itself, footers, mail and script links are not followed
    assert URLS["wordpress-category.html"] not in others
    assert "https://ledger.example/privacy/" not in others
    assert not any(url.startswith(("mailto:", "javascript:")) for url in others)


def test_news_section_teasers() -> None:
    reading = read("news-section.html")
    assert len(reading.articles) == 4
    lead = reading.articles[0]
    assert lead.title == "Ceasefire talks resume in Geneva as both sides signal flexibility"
    # <base href> resolves the relative link
    assert lead.url == "https://courier.example/world/2026/03/05/ceasefire-talks-resume"
    assert lead.summary == (
        "Negotiators returned to the table after a two-week pause, with mediators reporting"
        " progress on prisoner exchanges."
    )
    assert lead.authors == ("Anna Lee", "Mark Chen")
    assert lead.published == "2026-03-05T09:30:00+00:00"
    assert [(c.text, c.credit) for c in lead.captions] == [
        ("Delegates arrive for the talks in Geneva on Thursday.", "© Reuters/Denis Balibouse")
    ]
    drought = by_title(reading.articles, "Drought")
    assert drought.published == "2026-03-05T08:10:00"  # printed as 05.03.2026 08:10
    assert all(a.categories == ("World",) for a in reading.articles)
    assert Link("https://courier.example/world/?page=2") in reading.links
    assert Link("https://courier.example/world/atom.xml", LinkKind.FEED) in reading.links


def test_home_page_teasers_and_category_pages() -> None:
    reading = read("home.html")
    assert [a.title for a in reading.articles] == [
        "Council approves new budget after marathon session",
        "State senator announces run for governor",
        "Riverside bakery wins national bread award",
        "Battery plant to hire 300 workers by summer",
    ]
    assert all(a.categories == () for a in reading.articles)
    pages = [link.url for link in reading.links if link.kind is LinkKind.PAGE]
    assert pages == [
        "https://ledger.example/category/politics/",
        "https://ledger.example/category/business/",
    ]


# --- a listing of full articles ------------------------------------------------------------


def test_full_articles_split_like_a_dump() -> None:
    reading = read("full-articles.html")
    assert reading.kind is Kind.LISTING
    assert [a.title for a in reading.articles] == [
        "Astronomers prepare for the return of a bright comet",
        "Fjords are warming faster than the open sea, study finds",
        "Lynx numbers recover in the northern forests",
    ]
    # each has a page of its own (its headline links there): the listing's copy is a teaser
    assert all(a.teaser == (a.url is not None) for a in reading.articles)
    comet, fjords, lynx = reading.articles
    assert comet.authors == ("Nora Lindqvist",)
    assert comet.published == "2026-02-10"
    assert comet.categories == ("Science", "Space")
    assert len(comet.paragraphs) == 5
    assert [(c.text, c.credit) for c in comet.captions] == [
        ("The comet photographed from La Palma in January.", "ESO/Lars Holm")
    ]
    [box] = comet.related
    assert box.title == "Record meteor shower lights up the Arctic sky"
    assert box.url == "https://tribune.example/2025/11/02/meteor-shower/"
    assert box.image_caption == "Tribune"
    assert [r.title for r in fjords.related] == [
        "Cod stocks move north as the sea warms",
        "Salmon farms face stricter rules on sea lice",
        "Ice core reveals a warm spell 8,000 years ago",
    ]
    assert [(c.text, c.credit) for c in lynx.captions] == [
        (
            "A lynx caught by a camera trap near Kiruna, Sweden, January 12, 2026.",
            "© Naturfoto/Ida Berg",
        )
    ]
    # the listing's category when the article names none; furniture stays out of bodies
    assert lynx.categories == ("Science",)
    body = "\n".join(p for a in reading.articles for p in a.paragraphs)
    for furniture in ("Read more", "READ MORE", "Posted", "©", "Newsletter", "Older posts"):
        assert furniture not in body


def test_full_articles_are_the_articles_a_dump_of_the_page_gives() -> None:
    doc, tree = page("full-articles.html")
    reading = read_listing_page(doc, tree)
    first = reading.articles[0]
    # the raw span is the article's block text: reading it as a dump gives the same article
    again = split_archive_page(Document(first.raw, doc.sha256, "utf-8", url=doc.url))
    assert [a.title for a in again] == [first.title]
    assert (again[0].paragraphs, again[0].captions) == (first.paragraphs, first.captions)
    # its headline links to the post's own page: that is its URL, and its id
    assert first.url == "https://tribune.example/2026/02/10/comet-return/"
    assert first.id == make_article_id(url_key(first.url))
    assert first.source.sha256 == doc.sha256 and first.source.fetched_at == doc.fetched_at
    links = [link for link in reading.links if link.kind is LinkKind.ARTICLE]
    assert links[0].url == "https://tribune.example/2026/02/10/comet-return/"
    assert all(link.category == "Science" for link in links)


def test_the_seed_as_an_html_page_reads_exactly_as_the_seed_dump() -> None:
    text = SAMPLE.read_text(encoding="utf-8")
    header, *blocks = [b.strip("\n") for b in text.split("\n\n") if b.strip()]
    paragraphs = "".join(
        "<p>" + "<br>".join(html.escape(line) for line in block.split("\n")) + "</p>\n"
        for block in blocks
    )
    markup = f"<html><body><main><h1>{header}</h1>{paragraphs}</main></body></html>"
    doc = Document(markup, "0" * 64, "utf-8", url="https://news.example/russia/")
    tree = parse_html(doc)
    assert is_listing_page(tree, doc.url)
    got = read_listing_page(doc, tree).articles
    want = split_archive_page(Document(text, "0" * 64, "utf-8"))
    assert len(got) == len(want) == 10
    for ours, dumped in zip(got, want, strict=True):
        assert ours.id == dumped.id
        assert (ours.summary, ours.paragraphs, ours.captions, ours.related, ours.categories) == (
            dumped.summary,
            dumped.paragraphs,
            dumped.captions,
            dumped.related,
            dumped.categories,
        )


def test_a_listing_without_teasers_reads_as_empty_with_its_links() -> None:
    tree = lxml_html.document_fromstring(
        '<html><body class="archive"><h1>Category: Empty</h1><p>Nothing here yet.</p>'
        '<nav><a href="/category/other/">Other</a></nav></body></html>'
    )
    doc = Document("x", "0" * 64, "utf-8", url="https://x.example/category/empty/")
    reading = read_listing_page(doc, tree)
    assert reading.articles == ()
    assert reading.links == (Link("https://x.example/category/other/"),)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<article>",
                "</article>",
                "<h2><a href='/a'>Title one here</a></h2>",
                "<h3><a href='https://x.example/b'>Another title</a></h3>",
                "<p>Some text of a teaser.</p>",
                "<figure><figcaption>Cap © A/B</figcaption></figure>",
                "<div class='related'><span>Read more</span><a href='/c'>C</a></div>",
                "<time datetime='not a date'>yesterday</time>",
                "<li>",
                "<aside>",
                "</div>",
            ]
        ),
        max_size=40,
    )
)
def test_any_page_reads_without_crashing(parts: list[str]) -> None:
    markup = "<html><body>" + "".join(parts) + "</body></html>"
    tree = lxml_html.document_fromstring(markup)
    doc = Document(markup, "0" * 64, "utf-8", url="https://x.example/category/a/")
    is_listing_page(tree, doc.url)
    reading = read_listing_page(doc, tree)
    assert all(a.url is None or a.url.startswith("https://x.example/") for a in reading.articles)


# --- block text ----------------------------------------------------------------------------


def test_block_text_has_the_shape_of_a_dump() -> None:
    root = lxml_html.fragment_fromstring(
        "<div><h2>A headline</h2><p>First line<br>second line</p>"
        '<nav class="menu"><a href="/x">Menu</a></nav><script>var x = 1;</script>'
        '<figure><img src="/a.jpg"><figcaption>Harbour at dawn <span class="credit">'
        "Jane Roe/Agency</span></figcaption></figure>"
        '<aside class="read-more"><span>Read more</span><a href="/story">'
        "<figure><figcaption>RT</figcaption></figure>Another story</a></aside>"
        '<div class="share-buttons">Share this</div><p>Last <b>word</b>.</p></div>'
    )
    assert text_blocks(root, "https://news.example/") == [
        ["A headline"],
        ["First line", "second line"],
        ["Harbour at dawn"],
        ["Photo: Jane Roe/Agency"],
        ["Read more"],
        ["RT", "Another story (https://news.example/story)"],
        ["Last word."],
    ]


def test_a_plain_list_of_headlines_is_a_listing() -> None:
    items = "".join(
        f'<li><a href="/2026/03/0{n}/story-{n}">Story number {n} about the harbour</a></li>'
        for n in range(1, 6)
    )
    tree = lxml_html.document_fromstring(
        f"<html><body><h1>Archive</h1><ul>{items}</ul></body></html>"
    )
    doc = Document("x", "0" * 64, "utf-8", url="https://x.example/archive/")
    assert is_listing_page(tree, doc.url)
    reading = read_listing_page(doc, tree)
    assert [a.url for a in reading.articles][:2] == [
        "https://x.example/2026/03/01/story-1",
        "https://x.example/2026/03/02/story-2",
    ]
    assert all(a.teaser and a.summary is None for a in reading.articles)


def test_a_story_with_headline_boxes_at_a_dated_story_url_is_an_article() -> None:
    """Old news sites (no JSON-LD, no og:type) print a story beside boxes of other
    headlines with a few lines each; the dated story URL tips it (seen in L3S-GN1)."""
    box = "".join(
        f'<div class="box"><h3><a href="/story/2008/01/1{n}/other-{n}.html">Other story'
        f" number {n} about the city council</a></h3><p>"
        + f"Councillors argued for hours about item {n} on the agenda. " * 12
        + "</p></div>"
        for n in range(3)
    )
    story = "<p>" + "The Canucks beat the Coyotes 3-2 in overtime on Friday night. " * 30
    markup = f"<html><body><div id='story'><h1>Canucks edge Coyotes</h1>{story}</p></div>"
    markup += f"<div id='more'>{box}</div></body></html>"
    doc = Document(markup, "0" * 64, "utf-8")
    tree = parse_html(doc)
    dated = "https://www.cbc.example/sports/story/2008/01/11/nhl-canucks-coyotes.html"
    assert not is_listing_page(tree, dated)
