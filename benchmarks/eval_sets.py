"""Load the public evaluation sets of ``../shared/eval`` for the extraction benchmarks.

The data stays where it is (next to the repository, resolved from this file's path) and
is never copied into the repository. Three sets, see ``../shared/eval/README.md``:

- ``aeb``: 181 pages with the expected article body (scrapinghub benchmark);
- ``trafilatura``: 990 pages with "with" / "without" snippets (trafilatura's corpus);
- ``fundus``: 258 pages with title, authors, date, body, image captions and credits.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsarchive.model import Document

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = ("aeb", "trafilatura", "fundus")


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a set: an id, its address and its bytes as stored (gzip undone)."""

    id: str
    url: str | None
    data: bytes


@dataclass(frozen=True, slots=True)
class AebCase:
    page: Page
    body: str


@dataclass(frozen=True, slots=True)
class SnippetCase:
    page: Page
    with_: tuple[str, ...]
    without: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FundusCase:
    """Fundus's expected values; ``captions`` and ``credits`` come from its images
    (``caption`` and ``authors``), ``body`` joins summary, headlines and paragraphs."""

    page: Page
    title: str | None
    authors: tuple[str, ...]
    published: str | None
    body: str
    captions: tuple[str, ...]
    credits: tuple[str, ...]


def require(name: str, root: Path = SHARED_EVAL) -> Path:
    """The folder of set ``name``; a missing folder says where it was expected."""
    folder = root / name
    if not folder.is_dir():
        raise FileNotFoundError(f"the {name} evaluation set is not at {folder}")
    return folder


def _gunzip(path: Path) -> bytes:
    with gzip.open(path, "rb") as stream:
        return stream.read()


def _limited(items: list[Any], limit: int | None) -> list[Any]:
    return items if limit is None else items[:limit]


def load_aeb(limit: int | None = None, root: Path = SHARED_EVAL) -> list[AebCase]:
    folder = require("aeb", root)
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    cases = [
        AebCase(Page(key, item.get("url"), _gunzip(folder / "html" / f"{key}.html.gz")), body)
        for key, item in sorted(truth.items())
        for body in [item.get("articleBody") or ""]
    ]
    return _limited(cases, limit)


def load_aeb_output(system: str, root: Path = SHARED_EVAL) -> dict[str, str]:
    """A stored output of the benchmark (``output/<system>.json``), unwrapped."""
    data = json.loads((require("aeb", root) / "output" / f"{system}.json").read_text("utf-8"))
    if set(data) == {"version", "output"}:
        data = data["output"]
    return {key: (item or {}).get("articleBody") or "" for key, item in data.items()}


def load_trafilatura(limit: int | None = None, root: Path = SHARED_EVAL) -> list[SnippetCase]:
    folder = require("trafilatura", root)
    items = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    cases = [
        SnippetCase(
            Page(item["file"], url, _gunzip(folder / "html" / f"{item['file']}.gz")),
            tuple(item.get("with") or ()),
            tuple(item.get("without") or ()),
        )
        for url, item in items.items()
    ]
    return _limited(cases, limit)


def load_fundus(limit: int | None = None, root: Path = SHARED_EVAL) -> list[FundusCase]:
    folder = require("fundus", root)
    lines = (folder / "cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [_fundus_case(folder, json.loads(line)) for line in lines if line.strip()]
    return _limited(cases, limit)


def _fundus_case(folder: Path, record: dict[str, Any]) -> FundusCase:
    expected = record["expected"]
    images = expected.get("images") or []
    return FundusCase(
        page=Page(record["id"], record.get("url"), _gunzip(folder / record["html_file"])),
        title=expected.get("title"),
        authors=tuple(expected.get("authors") or ()),
        published=expected.get("publishing_date"),
        body="\n\n".join(_fundus_body(expected.get("body") or {})),
        captions=tuple(i["caption"] for i in images if i.get("caption")),
        credits=tuple(dict.fromkeys(a for i in images for a in i.get("authors") or () if a)),
    )


def _fundus_body(body: dict[str, Any]) -> Iterator[str]:
    yield from body.get("summary") or ()
    for section in body.get("sections") or ():
        yield from section.get("headline") or ()
        yield from section.get("paragraphs") or ()


# ---------------------------------------------------------------------- decoding pages


def decode_html(data: bytes) -> str:
    """The page's text, its encoding detected the way trafilatura does it (for the peers
    that take a string)."""
    from trafilatura.utils import decode_file

    return str(decode_file(data))


def has_module(name: str) -> bool:
    """Whether ``name`` imports (a module being written may exist but not import yet)."""
    try:
        importlib.import_module(name)
    except Exception:
        return False
    return True


def document_for(page: Page) -> Document:
    """The ``Document`` our readers take: ``ingest.decode.make_document`` when it exists,
    else decoded here the same way."""
    if has_module("newsarchive.ingest.decode"):
        from newsarchive.ingest.decode import make_document

        document: Document = make_document(
            page.data, url=page.url, path=None, media_type="text/html", declared_charset=None
        )
        return document
    text = decode_html(page.data)
    return Document(
        text=text,
        sha256=hashlib.sha256(page.data).hexdigest(),
        encoding="utf-8",
        url=page.url,
        size=len(page.data),
        data=page.data,
        media_type="text/html",
    )
