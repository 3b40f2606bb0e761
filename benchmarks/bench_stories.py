"""Story clustering: our incremental clusterer against k-means over TF-IDF, same run.

Two labelled sets from ../shared/eval, read at run time (never copied):

- ECB+ (``ecbplus/docs.jsonl``, test split: 210 docs, 20 gold stories = topic x seminal
  event, ``story_id``). Title = the text's first line, text = the rest. Dates: the ecbplus
  docs' URLs and first lines often carry a date (``/2013/may/03/``, ``May 03, 2013``); the
  "+dates" row passes them as ``published``, the plain row passes none.
- WikiRef220 (``wikiref220/``: 5 topics + 35 noise docs in 11 small topics, labels from
  ``labels.tsv``; every topic, noise included, is a gold cluster). Title = first line.

Ours is never told the number of clusters; the peer, scikit-learn's ``KMeans`` (n_init=10,
seed 0) over ``TfidfVectorizer(stop_words="english", sublinear_tf=True)`` of title + text,
is given the true number. Scores: B-cubed precision / recall / F1 and the adjusted Rand
index against the gold stories. Our thresholds come from ``--tune``: a grid searched on the
ECB+ train and dev splits (mean B-cubed F1 of the two), never on test.

Incremental versus batch: the articles are fed to ``StoryClusterer.add`` in a shuffled
arrival order (seed 0) and compared with ``cluster_batch`` (the same algorithm from scratch,
in publication order): B-cubed F1 and ARI between the two partitions.

Scale (``--scale N``): N synthetic articles made from the BBC full-text set (article
``i % 2225``, a random fifth of its sentences dropped, dated in one of several eras), fed
incrementally; wall time, articles/s and peak RSS. Target (issue 6): 100k in < 10 min.

    python benchmarks/bench_stories.py [--tune] [--entities] [--scale 100000] [--write-docs]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import resource
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score

from docs_section import write_section
from newsarchive.stories.cluster import ClusterOptions, StoryClusterer, StoryItem, cluster_batch

SHARED_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
MONTHS = {m: i + 1 for i, m in enumerate(MONTH_NAMES)}
URL_DATE = re.compile(r"/(20\d\d|19\d\d)/(\d\d?|[a-z]{3})[a-z]*/(\d\d?)/", re.I)
TEXT_DATE = re.compile(r"\b([A-Z][a-z]{2})[a-z]*\.? (\d\d?),? (20\d\d|19\d\d)\b")


# -- data ------------------------------------------------------------------------------------


def split_title(text: str) -> tuple[str, str]:
    lines = [line for line in text.splitlines() if line.strip()]
    return (lines[0], "\n".join(lines[1:])) if lines else ("", "")


def sniff_date(url: str | None, text: str) -> str | None:
    """A publication date from the URL or the first lines, when either has one."""
    match = URL_DATE.search(url or "")
    if match:
        year, month, day = match.groups()
        number = int(month) if month.isdigit() else MONTHS.get(month[:3].lower(), 0)
        try:
            return date(int(year), number, int(day)).isoformat()
        except ValueError:
            pass
    for line in text.splitlines()[:3]:
        found = TEXT_DATE.search(line)
        if found and found.group(1).lower()[:3] in MONTHS:
            try:
                month = MONTHS[found.group(1).lower()[:3]]
                return date(int(found.group(3)), month, int(found.group(2))).isoformat()
            except ValueError:
                continue
    return None


def load_ecbplus(split: str, *, dates: bool) -> tuple[list[StoryItem], list[str]]:
    items, gold = [], []
    path = SHARED_EVAL / "ecbplus" / "docs.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        if doc["split"] != split:
            continue
        title, body = split_title(doc["text"])
        published = sniff_date(doc.get("url"), doc["text"]) if dates else None
        items.append(StoryItem(doc["doc_id"], title, body, (), published))
        gold.append(doc["story_id"])
    return items, gold


def load_wikiref() -> tuple[list[StoryItem], list[str]]:
    folder = SHARED_EVAL / "wikiref220"
    items, gold = [], []
    rows = (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        name, topic, _noise = row.split("\t")
        text = (folder / "WikiRef220" / name).read_bytes().decode("cp1252", errors="replace")
        title, body = split_title(text)
        items.append(StoryItem(name, title, body, (), None))
        gold.append(topic)
    return items, gold


def with_entities(items: list[StoryItem]) -> list[StoryItem]:
    """The items with entities from our enricher (spaCy), most mentioned first."""
    from newsarchive.enrich.enricher import Enricher
    from newsarchive.model import Article, SourceRef
    from newsarchive.stories.cluster import story_item

    articles = [
        Article(i.article_id, i.title, None, tuple(i.text.splitlines()), SourceRef("", 0, 0))
        for i in items
    ]
    enriched = Enricher().enrich(articles)
    out = []
    for item, article, enrichment in zip(items, articles, enriched, strict=True):
        entities = story_item(article, enrichment).entities
        out.append(replace(item, entities=entities))
    return out


# -- scores ----------------------------------------------------------------------------------


def bcubed(gold: Sequence[str], pred: Sequence[str]) -> tuple[float, float, float]:
    pairs = Counter(zip(gold, pred, strict=True))
    g_sizes, p_sizes = Counter(gold), Counter(pred)
    precision = sum(n * n / p_sizes[p] for (_, p), n in pairs.items()) / len(gold)
    recall = sum(n * n / g_sizes[g] for (g, _), n in pairs.items()) / len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def kmeans_labels(items: Sequence[StoryItem], k: int) -> list[str]:
    texts = [f"{i.title}\n{i.text}" for i in items]
    matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    labels = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(matrix)
    return [str(label) for label in labels]


def ours_incremental(items: Sequence[StoryItem], options: ClusterOptions) -> list[str]:
    clusterer = StoryClusterer(options)
    for item in items:
        clusterer.add(item)
    return [clusterer.story_of(item.article_id) for item in items]


def ours_batch(items: Sequence[StoryItem], options: ClusterOptions) -> list[str]:
    assigned = cluster_batch(items, options)
    return [assigned[item.article_id] for item in items]


def shuffled(items: Sequence[StoryItem], seed: int = 0) -> list[StoryItem]:
    order = list(items)
    random.Random(seed).shuffle(order)
    return order


# -- tuning ----------------------------------------------------------------------------------


Split = tuple[list[StoryItem], list[str]]


def tune(sets: Sequence[Split], *, dates: bool, entities: bool) -> ClusterOptions:
    """The grid point with the best mean B-cubed F1 over ``sets`` (ECB+ train and dev)."""
    best, best_f1 = ClusterOptions(), -1.0
    grid = itertools.product(
        (0.2, 0.25, 0.3, 0.35, 0.4),  # threshold
        (0.4, 0.5, 0.6, 0.7),  # merge threshold
        (0.0, 0.1, 0.2, 0.3) if dates else (0.0,),  # time penalty
        (0.0, 0.2, 0.35, 0.5) if entities else (0.0,),  # entity weight
    )
    for threshold, merge, penalty, weight in grid:
        options = replace(
            ClusterOptions(),
            threshold=threshold,
            merge_threshold=merge,
            time_penalty=penalty,
            entity_weight=weight,
        )
        f1 = sum(bcubed(g, ours_batch(i, options))[2] for i, g in sets) / len(sets)
        if f1 > best_f1:
            best, best_f1 = options, f1
    print(f"tuned {best}: train/dev F1 {best_f1:.3f}", file=sys.stderr)
    return best


def described(options: ClusterOptions) -> str:
    return (
        f"threshold {options.threshold}, merge {options.merge_threshold}, time penalty"
        f" {options.time_penalty}, entity weight {options.entity_weight}"
    )


def undated(split: Split) -> Split:
    return [replace(i, published=None) for i in split[0]], split[1]


def with_entities_split(split: Split) -> Split:
    return with_entities(split[0]), split[1]


# -- scale -----------------------------------------------------------------------------------


def synthetic(count: int, seed: int = 0) -> list[StoryItem]:
    root = SHARED_EVAL / "bbc-fulltext" / "bbc"
    originals = []
    for path in sorted(root.glob("*/*.txt")):
        title, body = split_title(path.read_bytes().decode("utf-8", errors="replace"))
        originals.append((title, re.split(r"(?<=[.!?])\s+", body)))
    rng = random.Random(seed)
    start = date(2004, 1, 1)
    items = []
    for i in range(count):
        title, sentences = originals[i % len(originals)]
        era = i // len(originals) // 5  # five copies per era, eras 90 days apart
        kept = [s for s in sentences if rng.random() > 0.2] or sentences[:1]
        day = start + timedelta(days=90 * era + (i % len(originals)) % 60 + rng.randint(0, 3))
        items.append(StoryItem(f"a{i}", title, " ".join(kept), (), day.isoformat()))
    return items


def run_scale(count: int) -> list[str]:
    items = synthetic(count)
    clusterer = StoryClusterer()
    started = time.perf_counter()
    cpu = time.process_time()
    for n, item in enumerate(items, 1):
        clusterer.add(item)
        if n % 10000 == 0:
            print(f"  {n:,} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    stories = len(clusterer.stories())
    state = len(clusterer.to_bytes())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        f"Scale: {count:,} synthetic articles (BBC texts perturbed, 5 copies per 90-day era),"
        f" added one at a time: **{wall:.0f} s wall** ({cpu:.0f} s CPU, {count / wall:,.0f}"
        f" articles/s), {stories:,} stories, state {state / 1e6:.1f} MB as bytes,"
        f" peak RSS {rss:.0f} MB. Target: under 600 s.",
    ]


NOTES = """Notes: WikiRef220's gold clusters are topics (a Premier League season, Michelle Obama),
each spanning many events; our thresholds are tuned to events (ECB+ stories), so it splits
those topics into events by design, and k-means told k wins there. Tolerance stated for
incremental versus batch: B-cubed F1 between the two partitions >= 0.85 on ECB+ test
(asserted in tests/stories/test_cluster.py); on WikiRef220, split into many small event
clusters, agreement is lower (0.81-0.85). The scale corpus is near-copies, so its stories
are large; the cost per article is bounded by the candidate stories (30) times the
article's terms (60), so an archive of many small stories costs about the same per
article. Peak RSS includes spaCy when ``--entities`` ran first."""


# -- main ------------------------------------------------------------------------------------


def score_row(name: str, gold: Sequence[str], pred: Sequence[str]) -> str:
    p, r, f1 = bcubed(gold, pred)
    ari = adjusted_rand_score(gold, pred)
    return f"| {name} | {len(set(pred))} | {p:.3f} | {r:.3f} | {f1:.3f} | {ari:.3f} |"


def evaluate(
    title: str, items: list[StoryItem], gold: list[str], options: ClusterOptions
) -> list[str]:
    rows = [
        f"**{title}** ({len(items)} docs, {len(set(gold))} gold clusters)",
        "",
        "| system | clusters | B³ P | B³ R | B³ F1 | ARI |",
        "|---|---|---|---|---|---|",
        score_row("k-means TF-IDF (told k)", gold, kmeans_labels(items, len(set(gold)))),
    ]
    order = shuffled(items)
    by_id = dict(zip((i.article_id for i in items), range(len(items)), strict=True))
    incremental = ours_incremental(order, options)
    inc = [""] * len(items)
    for item, story in zip(order, incremental, strict=True):
        inc[by_id[item.article_id]] = story
    batch = ours_batch(items, options)
    rows.append(score_row("ours, incremental (shuffled arrival)", gold, inc))
    rows.append(score_row("ours, batch (publication order)", gold, batch))
    _, _, agree = bcubed(batch, inc)
    rows += [
        "",
        f"Incremental vs batch: B³ F1 {agree:.3f}, ARI {adjusted_rand_score(batch, inc):.3f}.",
    ]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tune", action="store_true", help="grid-search on ECB+ train+dev")
    parser.add_argument("--entities", action="store_true", help="also run with our enricher")
    parser.add_argument("--scale", type=int, default=0)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    if not (SHARED_EVAL / "ecbplus").is_dir():
        sys.exit(f"skipped: the evaluation sets are not at {SHARED_EVAL}")
    dated = {split: load_ecbplus(split, dates=True) for split in ("train", "dev", "test")}
    variants: dict[str, dict[str, Split]] = {
        "text only": {k: undated(v) for k, v in dated.items()},
        "text + dates from URL/first line": dated,
    }
    if args.entities:
        variants["text + dates + entities (our enricher)"] = {
            k: with_entities_split(v) for k, v in dated.items()
        }
    lines, chosen = [], []
    for n, (name, splits) in enumerate(variants.items()):
        tuning = [splits["train"], splits["dev"]]
        options = tune(tuning, dates=n > 0, entities=n > 1) if args.tune else ClusterOptions()
        chosen.append(options)
        lines += [f"Options for {name}: {described(options)}.", ""]
        lines += [*evaluate(f"ECB+ test, {name}", *splits["test"], options), ""]
    wikiref = load_wikiref()
    lines += [
        *evaluate("WikiRef220, text only (noise topics count as clusters)", *wikiref, chosen[0]),
        "",
    ]
    if args.entities:
        wikiref = with_entities_split(wikiref)
        lines += [*evaluate("WikiRef220, text + entities", *wikiref, chosen[-1]), ""]
    if args.scale:
        lines += run_scale(args.scale)
    body = "\n".join([*lines, "", NOTES])
    print(body)
    if args.write_docs:
        write_section("Story clustering", body)


if __name__ == "__main__":
    main()
