"""A synthetic news corpus made by recombining real BBC paragraphs.

The BBC full-text set (2,225 articles, 5 categories) is read from
``../shared/eval/bbc-fulltext/bbc`` at run time and never copied into the repository.
From it this module streams any number of ``Article`` objects (unique ids, published
dates spread over ten years in ingest order) grouped into ``Document`` batches rendered
as a category-archive dump, and writes dump files to disk.

    python benchmarks/corpus.py --out /tmp/dumps --megabytes 100
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from newsarchive.model import Article, Caption, Document, RelatedLink, SourceRef, make_article_id

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "shared" / "eval" / "bbc-fulltext" / "bbc"
AGENCIES = ("Getty Images", "Reuters", "AFP", "Sputnik", "AP", "EPA")
PHOTOGRAPHERS = ("Tom Nicholson", "Yuri Kochetkov", "Ilya Pitalev", "Anna Berg", "Sam Reed")
PLACES = ("London, UK", "Moscow, Russia", "Paris, France", "Brussels, Belgium", "Kyiv, Ukraine")
START = datetime(2015, 1, 1)
SPAN = timedelta(days=3652)


@dataclass(frozen=True, slots=True)
class Pool:
    """Headlines, ledes (each article's first paragraph, same order as its headline) and
    all paragraphs of the real articles, per category folder."""

    headlines: dict[str, list[str]]
    ledes: dict[str, list[str]]
    paragraphs: dict[str, list[str]]

    @property
    def categories(self) -> list[str]:
        return sorted(self.headlines)


def load_pool(root: Path = DEFAULT_ROOT) -> Pool:
    """Read every ``<category>/*.txt``: line 1 headline, blank line, paragraphs."""
    if not root.is_dir():
        sys.exit(f"skipped: the BBC corpus is not at {root} (pass --bbc DIR)")
    headlines: dict[str, list[str]] = {}
    ledes: dict[str, list[str]] = {}
    paragraphs: dict[str, list[str]] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.txt")):
            text = path.read_bytes().decode("utf-8", errors="replace")
            head, _, rest = text.partition("\n")
            paras = [" ".join(p.split()) for p in rest.split("\n\n")]
            paras = [p for p in paras if p]
            if not paras:
                continue
            headlines.setdefault(folder.name, []).append(head.strip())
            ledes.setdefault(folder.name, []).append(paras[0])
            paragraphs.setdefault(folder.name, []).extend(paras[1:])
    return Pool(headlines, ledes, paragraphs)


@dataclass(frozen=True, slots=True)
class Draft:
    """An article before it is placed in a document (no source span yet)."""

    summary: str
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    related: tuple[RelatedLink, ...]
    category: str
    published: str


def make_draft(pool: Pool, rng: random.Random, index: int, total: int, category: str) -> Draft:
    """A real headline with its real lede, then real paragraphs of the same category."""
    heads, paras = pool.headlines[category], pool.paragraphs[category]
    pick = rng.randrange(len(heads))
    when = START + SPAN * (index / max(total, 1)) + timedelta(minutes=rng.randrange(600))
    captions: tuple[Caption, ...] = ()
    if rng.random() < 0.2:
        credit = f"© {rng.choice(AGENCIES)}/{rng.choice(PHOTOGRAPHERS)}"
        place = rng.choice(PLACES)
        captions = (Caption(f"{place}, {when:%B} {when.day}, {when.year}.", credit),)
    related = (RelatedLink(rng.choice(heads)),) if rng.random() < 0.3 else ()
    return Draft(
        summary=heads[pick].rstrip("."),
        paragraphs=(pool.ledes[category][pick], *rng.sample(paras, rng.randint(2, 8))),
        captions=captions,
        related=related,
        category=category,
        published=when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def render_draft(draft: Draft) -> str:
    """One article in dump style: summary line, paragraphs, READ MORE and captions."""
    blocks = [draft.summary, *draft.paragraphs]
    if draft.related:
        blocks.insert(min(3, len(blocks)), f"READ MORE: {draft.related[0].title}")
    for caption in draft.captions:
        blocks.insert(min(2, len(blocks)), f"{caption.text}\n\n{caption.credit}")
    return "\n\n".join(blocks) + "\n\n\n"


def build_document(drafts: list[Draft], serial: int) -> tuple[Document, list[Article]]:
    """Render drafts as one category-archive page, with each article's span and raw text."""
    parts = [f"Category Archive : {drafts[0].category.title()}\n\n"]
    spans: list[tuple[int, int]] = []
    offset = len(parts[0])
    for draft in drafts:
        text = render_draft(draft)
        parts.append(text)
        spans.append((offset, offset + len(text.rstrip("\n"))))
        offset += len(text)
    text = "".join(parts)
    data = text.encode("utf-8")
    sha = hashlib.sha256(data).hexdigest()
    path = f"synthetic/category-archive-{serial:07d}.txt"
    document = Document(text=text, sha256=sha, encoding="utf-8", path=path, size=len(data))
    articles = [
        Article(
            id=make_article_id(f"synthetic:{serial}:{i}"),
            title=None,
            summary=draft.summary,
            paragraphs=draft.paragraphs,
            source=SourceRef(sha, start, end, path=path, encoding="utf-8"),
            captions=draft.captions,
            related=draft.related,
            categories=(draft.category,),
            published=draft.published,
            raw=text[start:end],
        )
        for i, (draft, (start, end)) in enumerate(zip(drafts, spans, strict=True))
    ]
    return document, articles


def iter_documents(
    pool: Pool, total: int, batch: int = 1000, seed: int = 7
) -> Iterator[tuple[Document, list[Article]]]:
    """``total`` articles in documents of ``batch`` articles, oldest first."""
    rng = random.Random(seed)
    for serial, first in enumerate(range(0, total, batch)):
        category = rng.choice(pool.categories)
        count = min(batch, total - first)
        drafts = [make_draft(pool, rng, first + i, total, category) for i in range(count)]
        yield build_document(drafts, serial)


def iter_articles(pool: Pool, total: int, seed: int = 7) -> Iterator[Article]:
    for _, articles in iter_documents(pool, total, seed=seed):
        yield from articles


def write_dumps(pool: Pool, out: Path, megabytes: int, per_file: int = 2000) -> int:
    """Write dump files until ``megabytes`` MB are on disk; return the bytes written."""
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    articles = megabytes * 1_000_000 // 2000 + per_file
    for serial, (document, _) in enumerate(iter_documents(pool, articles, per_file)):
        target = out / f"category-archive-{serial:04d}.txt"
        target.write_text(document.text, encoding="utf-8")
        written += document.size
        if written >= megabytes * 1_000_000:
            break
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bbc", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--megabytes", type=int, default=100)
    args = parser.parse_args()
    written = write_dumps(load_pool(args.bbc), args.out, args.megabytes)
    print(f"wrote {written / 1e6:.1f} MB of dumps to {args.out}")


if __name__ == "__main__":
    main()
