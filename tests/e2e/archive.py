"""Running ``newsarchive`` on the web inputs and reading the archive back, as a user would
(``export --format jsonl``, ``show --json``, ``stats --json``), and comparing what it
holds with what the test site says it holds (``tests/site/expected.json``)."""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsarchive.store import Location
from tests.cli_support import run, stderr_lines
from tests.site_server import expected as site_expected

Article = dict[str, Any]


def newsarchive(
    args: Sequence[str | Path], cwd: Path | None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """``newsarchive ARGS`` as a real process; a traceback is never an answer."""
    result = run(args, cwd=cwd, timeout=timeout)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def crawl(
    start: Sequence[str], db: Location, cwd: Path, *extra: str | Path
) -> subprocess.CompletedProcess[str]:
    """``newsarchive crawl`` as the tests run it: loopback allowed, no delay."""
    return newsarchive(
        ["crawl", *start, "--db", db, "--allow-private", "--delay", "0", *extra], cwd=cwd
    )


def folder_of(db: Location) -> Path | None:
    """Where commands on ``db`` run: a SQLite file's folder (a URL has none)."""
    return db.parent if isinstance(db, Path) else None


def export(db: Location) -> list[Article]:
    result = newsarchive(["export", "--format", "jsonl", "--db", db], cwd=folder_of(db))
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def show(db: Location, article_id: str, *, revisions: bool = False) -> Article:
    flags = ["--revisions"] if revisions else []
    result = newsarchive(["show", article_id, "--json", *flags, "--db", db], cwd=folder_of(db))
    assert result.returncode == 0, result.stderr
    data: Article = json.loads(result.stdout)
    return data


def stats(db: Location) -> dict[str, Any]:
    result = newsarchive(["stats", "--json", "--db", db], cwd=folder_of(db))
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def counts(summary: str) -> dict[str, int]:
    """The numbers of a run's summary line: "... 3 added, 0 updated, 1 unchanged, 1 failed"."""
    found = re.findall(r"(\d+) (added|updated|unchanged|failed)", summary)
    assert found, f"no added/updated/unchanged/failed counts in {summary!r}"
    return {word: int(number) for number, word in found}


def error_lines(stderr: str) -> list[str]:
    """The stderr lines, each checked to be one of ours (``newsarchive: ...``)."""
    lines = stderr_lines(stderr)
    assert all(line.startswith("newsarchive: ") for line in lines), lines
    return lines


def lines_about(stderr: str, source: str | Path) -> list[str]:
    return [line for line in error_lines(stderr) if line.startswith(f"newsarchive: {source}")]


def problem(line: str, source: str | Path) -> str:
    """What an error line says about ``source``, without the name (which may itself
    contain words such as "feed" or "loop")."""
    return line.removeprefix(f"newsarchive: {source}").casefold()


def by_url(articles: list[Article]) -> dict[str, Article]:
    """Articles keyed by canonical URL; each URL held once."""
    twice = [url for url, n in Counter(a["url"] for a in articles).items() if n > 1]
    assert not twice, f"stored more than once: {twice}"
    return {a["url"]: a for a in articles}


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def body(article: Article) -> str:
    return norm(" ".join(article["paragraphs"]))


MOJIBAKE = ("Ð", "Ñ", "Ã", "â€", "\ufffd")


def problems(article: Article, expected: dict[str, Any], base: str) -> list[str]:
    """Every way ``article`` differs from the site's statement of it (empty: none)."""
    found: list[str] = []

    def check(ok: bool, what: str) -> None:
        if not ok:
            found.append(what)

    check(article["url"] == base + expected["path"], f"url {article['url']!r}")
    check(norm(article["title"]) == expected["title"], f"title {article['title']!r}")
    if expected["summary"] is not None:
        check(norm(article["summary"]) == expected["summary"], f"summary {article['summary']!r}")
    check(article["authors"] == expected["authors"], f"authors {article['authors']!r}")
    check(
        (article["published"] or "")[:10] == expected["published"][:10],
        f"published {article['published']!r}, expected the day of {expected['published']}",
    )
    if expected["updated"] is not None:
        check(
            (article["updated"] or "")[:10] == expected["updated"][:10],
            f"updated {article['updated']!r}",
        )
    check(
        (article["language"] or "").split("-")[0].lower() == expected["language"],
        f"language {article['language']!r}",
    )
    categories = {c.casefold() for c in article["categories"]}
    for category in expected["categories"]:
        check(category.casefold() in categories, f"category {category!r} not in {categories}")
    tags = {t.casefold() for t in article["tags"]}
    for tag in expected["tags"]:
        check(tag.casefold() in tags, f"tag {tag!r} not in {sorted(tags)}")
    check(article["teaser"] is False, "stored as a teaser, not the full article")
    found += _caption_problems(article, expected)
    found += _related_problems(article, expected)
    text = body(article)
    for phrase in expected["body_phrases"]:
        check(phrase in text, f"body lacks {phrase!r}")
    for phrase in expected["not_in_body"]:
        check(phrase not in text, f"body holds {phrase!r}")
    whole = json.dumps(article, ensure_ascii=False)
    check(not any(m in whole for m in MOJIBAKE), "mojibake: the page was decoded wrong")
    return found


CREDIT_LABEL = re.compile(r"^(?:©|\(c\)|copyright\b|(?:photo|image|picture|credit)s?\s*:)\s*", re.I)


def credit_owner(credit: str | None) -> str:
    """A credit without its label: "© Agency/Name" and "Photo: Agency/Name" name the same
    owner; whether the label is kept is the reader's choice, the owner is not."""
    return CREDIT_LABEL.sub("", norm(credit))


def essentials(article: Article, expected: dict[str, Any], base: str) -> list[str]:
    """What any route into the archive must get right (the extraction's finer points are
    checked field by field once, on the crawl): the article, whole, under its URL."""
    found = []
    if article["url"] != base + expected["path"]:
        found.append(f"url {article['url']!r}")
    if norm(article["title"]) != expected["title"]:
        found.append(f"title {article['title']!r}")
    if article["authors"] != expected["authors"]:
        found.append(f"authors {article['authors']!r}")
    if (article["published"] or "")[:10] != expected["published"][:10]:
        found.append(f"published {article['published']!r}")
    if article["teaser"] is not False:
        found.append("stored as a teaser, not the full article")
    text = body(article)
    found += [f"body lacks {phrase!r}" for phrase in expected["body_phrases"] if phrase not in text]
    return found


def _caption_problems(article: Article, expected: dict[str, Any]) -> list[str]:
    found = []
    captions = [(norm(c["text"]), credit_owner(c["credit"])) for c in article["captions"]]
    if len(captions) != len(expected["captions"]):
        found.append(f"{len(captions)} captions, expected {len(expected['captions'])}: {captions}")
    for want in expected["captions"]:
        match = [(text, credit) for text, credit in captions if want["text"] in text]
        if not match:
            found.append(f"no caption {want['text']!r} in {captions}")
            continue
        text, credit = match[0]
        owner = credit_owner(want["credit"])
        if owner != credit:
            found.append(f"caption {want['text']!r}: credit {credit!r}, expected {want['credit']}")
        if owner in text:
            found.append(f"caption {text!r} keeps its credit in the text")
    return found


def _related_problems(article: Article, expected: dict[str, Any]) -> list[str]:
    found = []
    related = {norm(r["title"]): r for r in article["related"]}
    site_titles = {a["title"] for a in _site_articles()} | {
        r["title"] for a in _site_articles() for r in a["related"]
    }
    for title in related:
        if title not in site_titles:
            found.append(f"related link {title!r} is not an article of the site")
    for want in expected["related"]:
        got = related.get(want["title"])
        if got is None:
            found.append(f"related {want['title']!r} missing from {sorted(related)}")
            continue
        if not (got["url"] or "").endswith(want["path"]):
            found.append(f"related {want['title']!r}: url {got['url']!r}")
        if "image_caption" in want and want["image_caption"] not in norm(got["image_caption"]):
            found.append(f"related {want['title']!r}: image caption {got['image_caption']!r}")
        if "image_credit" in want and credit_owner(want["image_credit"]) != credit_owner(
            got.get("image_credit")
        ):
            found.append(f"related {want['title']!r}: image credit {got.get('image_credit')!r}")
    return found


def _site_articles() -> list[dict[str, Any]]:
    articles: list[dict[str, Any]] = site_expected()["articles"]
    return articles
