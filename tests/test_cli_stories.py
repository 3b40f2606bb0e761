"""``newsarchive stories`` and ``categorize`` on a real archive (SQLite and PostgreSQL):
near-duplicates are linked and hidden, stories are kept across runs (a second run groups
only new articles, and agrees with a rebuild), groupings survive re-ingest, predicted
categories are marked as such, stories are grouped into topics (stored, kept across
re-ingest, recomputed by a rebuild), and ``export`` / ``parse --stories`` carry ``story``,
``duplicate_of``, ``predicted_categories`` and ``topic`` within the published schema."""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path

import jsonschema
import pytest

from newsarchive.model import Grouping
from newsarchive.store import Location, open_store
from newsarchive.store.base import ListingQuery
from tests.backends import Backend
from tests.cli_support import invoke
from tests.store.documents import Draft, build_document
from tests.test_schema import load_schema


def needs_stories() -> None:
    pytest.importorskip("newsarchive.stories.dedup", reason="the near-duplicate index is not built")
    pytest.importorskip("newsarchive.stories.cluster", reason="the story clusterer is not built")


TALKS_TEXT = (
    "Delegations from Russia, Ukraine and the United States met in Abu Dhabi for a {n} round"
    " of trilateral talks on a ceasefire, prisoner exchanges and the security of the"
    " Zaporizhzhia nuclear power plant, officials in the Emirati capital said on {day}."
)
SPORT_TEXT = (
    "The football club won its {n} league match of the season after a late goal from"
    " the striker, and the coach praised the defence, the goalkeeper and the midfield."
)
ECONOMY_TEXT = (
    "The central bank kept its key interest rate unchanged for the {n} time as inflation"
    " slowed, and economists expect exports, wages and the currency to stay stable."
)
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]


def talks(n: int) -> Draft:
    text = TALKS_TEXT.format(n=ORDINALS[n], day=f"day {n + 1}")
    return Draft(f"Abu Dhabi talks, round {n + 1}", (text, text.replace("said", "added")),
                 published=f"2026-01-{n + 10:02d}")  # fmt: skip


def topical(template: str, category: str, n: int, categories: tuple[str, ...]) -> Draft:
    text = template.format(n=ORDINALS[n])
    return Draft(f"{category.title()} news {n}", (text,), categories=categories,
                 published=f"2025-0{1 + n % 9}-0{1 + n % 9}")  # fmt: skip


FIRST = [talks(n) for n in range(3)]
COPY = Draft("Abu Dhabi talks, round 2 (wire)", FIRST[1].paragraphs, published="2026-01-11")
LATER = [talks(n) for n in range(3, 5)]
LABELLED = [topical(SPORT_TEXT, "sport", n, ("sport",)) for n in range(6)] + [
    topical(ECONOMY_TEXT, "economy", n, ("economy",)) for n in range(6)
]
UNLABELLED = [
    Draft("Cup final tonight", (SPORT_TEXT.format(n="eighth"),), categories=()),
    Draft("Rates on hold", (ECONOMY_TEXT.format(n="eighth"),), categories=()),
]
SUMMARY = re.compile(
    r"^(\d+) articles? grouped: (\d+) duplicates?, (\d+) stor(?:y|ies) \((\d+) new\),"
    r" (\d+) topics?$"
)


def ingest(db: Location, drafts: list[Draft], name: str) -> None:
    with open_store(db) as store:
        store.add_document(*build_document(drafts, path=name))


def run_stories(db: Location, *flags: str) -> tuple[int, int, int, int, int]:
    """grouped, duplicates, stories, new stories, topics."""
    result = invoke(["stories", "--db", db, *flags])
    assert result.exit_code == 0, result.output
    found = SUMMARY.match(result.stdout.strip())
    assert found, result.stdout
    grouped, dups, stories, new, topics = (int(g) for g in found.groups())
    return grouped, dups, stories, new, topics


def stored_topics(db: Location) -> dict[str, set[str]]:
    """topic id -> its stories' ids, as the archive keeps them."""
    with open_store(db, readonly=True) as store:
        listed = store.topics(limit=1000)
        assert listed.total == len(listed.items)
        found = {}
        for topic in listed.items:
            page = store.topic(topic.id)
            assert page is not None and page.topic == topic
            assert topic.stories == len(page.stories)
            assert topic.articles == sum(s.articles for s in page.stories)
            found[topic.id] = {s.id for s in page.stories}
        return found


def groupings(db: Location) -> dict[str, Grouping]:
    with open_store(db, readonly=True) as store:
        return {a.id: store.grouping(a.id) for a in store.iter_articles()}


def rand_index(a: dict[str, Grouping], b: dict[str, Grouping]) -> float:
    def story(g: Grouping) -> str | None:
        return g.story.id if g.story else None

    pairs = list(combinations(sorted(a), 2))
    same = sum((story(a[x]) == story(a[y])) == (story(b[x]) == story(b[y])) for x, y in pairs)
    return same / len(pairs)


@pytest.fixture
def db(archive_location: Location) -> Location:
    needs_stories()
    path = archive_location
    ingest(path, FIRST, "first.txt")
    ingest(path, [COPY], "copy.txt")  # later: the copy, not the original
    return path


def test_stories_links_duplicates_and_groups_the_talks(db: Location) -> None:
    grouped, dups, stories, new, topics = run_stories(db)
    assert (grouped, dups) == (4, 1)
    assert stories == new >= 1
    found = groupings(db)
    assert found[COPY.id].duplicate_of == FIRST[1].id
    talk_stories = {found[d.id].story for d in FIRST}
    assert len(talk_stories) == 1 and None not in talk_stories  # one story: the talks
    assert found[COPY.id].story in talk_stories  # the copy follows its original
    talk_topics = {found[d.id].topic for d in (*FIRST, COPY)}
    assert len(talk_topics) == 1 and None not in talk_topics
    assert 1 <= topics <= stories
    kept = stored_topics(db)
    assert len(kept) == topics
    first = found[FIRST[0].id]
    assert first.story is not None and first.topic is not None
    assert first.story.id in kept[first.topic.id]
    with open_store(db, readonly=True) as store:
        listed = [a.id for a in store.list_articles(ListingQuery()).items]
        assert COPY.id not in listed and store.get(COPY.id) is not None


def test_a_second_run_groups_only_new_articles_and_agrees_with_a_rebuild(db: Location) -> None:
    run_stories(db)
    assert run_stories(db)[0] == 0  # nothing new
    ingest(db, LATER, "later.txt")
    grouped, dups, _, _, topics = run_stories(db)
    assert (grouped, dups) == (2, 0)
    assert len(stored_topics(db)) == topics
    incremental = groupings(db)
    rebuild = run_stories(db, "--rebuild")
    assert rebuild[:2] == (6, 1)
    rebuilt = groupings(db)
    assert len(stored_topics(db)) == rebuild[4]  # recomputed from scratch
    assert all(g.topic is not None for g in rebuilt.values())
    assert {k: g.duplicate_of for k, g in incremental.items()} == {
        k: g.duplicate_of for k, g in rebuilt.items()
    }
    assert rand_index(incremental, rebuilt) >= 0.9  # the stated tolerance (docs/stories.md)


def test_groupings_survive_re_ingest_of_a_new_revision(db: Location) -> None:
    run_stories(db)
    before = groupings(db)
    edited = Draft(FIRST[0].summary, (*FIRST[0].paragraphs, "A correction was added."),
                   published=FIRST[0].published)  # fmt: skip
    ingest(db, [edited], "edited.txt")
    assert groupings(db) == before  # stories and topics alike
    assert run_stories(db)[0] == 0


def test_an_archive_grouped_before_topics_gets_them_on_the_next_run(
    db: Location, backend: Backend
) -> None:
    _, _, _, _, topics = run_stories(db)
    before = stored_topics(db)
    backend.execute(db, "UPDATE stories SET topic = NULL")  # as an archive of v6 upgraded
    backend.execute(db, "DELETE FROM topics")
    assert all(g.topic is None for g in groupings(db).values())
    assert run_stories(db)[::4] == (0, topics)  # nothing to group, the topics stored
    assert stored_topics(db) == before
    assert all(g.topic is not None for g in groupings(db).values())


def test_export_carries_story_duplicate_and_predictions_within_the_schema(db: Location) -> None:
    run_stories(db)
    result = invoke(["export", "--format", "jsonl", "--db", db])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows[COPY.id]["duplicate_of"] == FIRST[1].id
    assert rows[FIRST[0].id]["story"]["id"] == rows[COPY.id]["story"]["id"]
    assert rows[FIRST[0].id]["topic"] == rows[COPY.id]["topic"] != None  # noqa: E711
    assert set(rows[COPY.id]["topic"]) == {"id", "label"}
    assert rows[FIRST[0].id]["predicted_categories"] == []
    validator = jsonschema.Draft202012Validator(load_schema())
    for row in rows.values():
        assert not [e.message for e in validator.iter_errors(row)]


def test_categorize_predicts_only_where_the_source_gave_none(backend: Backend) -> None:
    pytest.importorskip("newsarchive.stories.categorize")
    db = backend.fresh()
    ingest(db, [*LABELLED, *UNLABELLED], "labelled.txt")
    missing = invoke(["categorize", "--db", db])
    assert missing.exit_code != 0 and "categorize --train" in missing.stderr
    trained = invoke(["categorize", "--train", "--db", db])
    assert trained.exit_code == 0, trained.output
    assert "2 categories" in trained.stdout
    result = invoke(["categorize", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("2 articles without categories")
    found = groupings(db)
    assert found[UNLABELLED[0].id].predicted_categories[0].name == "sport"
    assert found[UNLABELLED[1].id].predicted_categories[0].name == "economy"
    assert found[LABELLED[0].id].predicted_categories == ()
    exported = invoke(["export", "--format", "jsonl", "--db", db]).stdout.splitlines()
    row = next(r for r in map(json.loads, exported) if r["id"] == UNLABELLED[0].id)
    assert row["categories"] == [] and row["predicted_categories"][0]["predicted"] is True


def wire_page(drafts: list[Draft]) -> str:
    """The drafts as a wire-style archive page, the layout ``parse`` segments."""
    lines = ["Archive for Testing", ""]
    for n, draft in enumerate(drafts):
        lines += [draft.summary, "By Anna Lee | Reuters", f"February {n + 1}, 2026 9:12 AM GMT", ""]
        for paragraph in draft.paragraphs:
            lines += [paragraph, ""]
    return "\n".join(lines)


def test_parse_adds_stories_only_when_asked(tmp_path: Path) -> None:
    needs_stories()
    dump = tmp_path / "dump.txt"
    dump.write_text(wire_page([*FIRST, COPY, *LABELLED[:2]]), encoding="utf-8")
    plain = [json.loads(line) for line in invoke(["parse", dump]).stdout.splitlines()]
    assert len(plain) == 6 and all("story" not in r for r in plain)
    result = invoke(["parse", "--stories", dump])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [r["id"] for r in plain]
    by_headline = {r["title"] or r["summary"]: r for r in rows}  # the reader's own ids
    copy, original = by_headline[COPY.summary], by_headline[FIRST[1].summary]
    assert copy["duplicate_of"] == original["id"]
    assert len({by_headline[d.summary]["story"]["id"] for d in FIRST}) == 1
    assert copy["story"] == original["story"]
    assert copy["topic"] == original["topic"] and original["topic"]["label"]
    assert by_headline[LABELLED[0].summary]["story"] != original["story"]
    assert all("topic" not in r for r in plain)
    assert all(r["predicted_categories"] == [] for r in rows)  # no archive model given
    validator = jsonschema.Draft202012Validator(load_schema())
    for row in rows:
        assert not [e.message for e in validator.iter_errors(row)]


def test_show_says_story_and_original(db: Location) -> None:
    run_stories(db)
    story = groupings(db)[COPY.id].story
    assert story is not None
    copy = invoke(["show", COPY.id, "--db", db])
    assert copy.exit_code == 0
    assert f"Near-duplicate of: {FIRST[1].id}" in copy.stdout
    assert f"Story: {story.label} ({story.id})" in copy.stdout
    topic = groupings(db)[COPY.id].topic
    assert topic is not None and f"Topic: {topic.label} ({topic.id})" in copy.stdout
    data = json.loads(invoke(["show", COPY.id, "--json", "--db", db]).stdout)
    assert data["duplicate_of"] == FIRST[1].id
    assert data["story"] == {"id": story.id, "label": story.label}
    assert data["topic"] == {"id": topic.id, "label": topic.label}
