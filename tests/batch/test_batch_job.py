"""A batch on a real Spark (local[2]) gives what one process gives: ``parse --enrich
--stories`` row for row, the same near-duplicates, the same failures in the same order,
and, loaded into an archive, the archive ``ingest`` then ``enrich`` make."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import pytest

from newsarchive.batch import BatchOptions, BatchReport, record_of_row, run_batch
from newsarchive.model import make_article_id, url_key
from newsarchive.pipeline import ReadOptions
from newsarchive.store import Location, open_store
from tests.backends import Backend
from tests.batch.conftest import COPY, HOST, ORIGINAL, Inputs
from tests.cli_support import invoke

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

pytestmark = pytest.mark.spark

READ = ReadOptions(max_bytes=512 << 20)
SMALL_SPLITS = 4000  # bytes of WARC a task: the test WARC is cut into many tasks


def _parsed(arguments: list[str], *flags: str) -> tuple[list[dict[str, Any]], list[str]]:
    """What ``newsarchive parse FLAGS ARGUMENTS`` prints: its JSON objects, its errors."""
    result = invoke(["parse", *flags, *arguments])
    lines = result.stdout.splitlines()
    return [json.loads(line) for line in lines], result.stderr.splitlines()


def _rows(out: Path) -> list[dict[str, Any]]:
    return [record_of_row(row) for row in pq.read_table(out).to_pylist()]


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    """An article's id and where it was read: one id may be read twice (a teaser on a
    listing and the article's page; the same record in two WARC files)."""
    source = record["source"]
    return record["id"], source.get("path"), source["sha256"], source["start"], source["end"]


def _canonical(records: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records)


@pytest.fixture(scope="module")
def stories_run(
    spark: SparkSession, inputs: Inputs, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, BatchReport, list[str]]:
    out = tmp_path_factory.mktemp("batch") / "articles"
    failures: list[str] = []
    options = BatchOptions(READ, enrich=True, stories=True, split_bytes=SMALL_SPLITS)
    report = run_batch(spark, inputs.mixed, options, out=str(out), on_failure=failures.append)
    return out, report, failures


def test_rows_equal_parse_enrich_stories_field_by_field(
    stories_run: tuple[Path, BatchReport, list[str]], inputs: Inputs
) -> None:
    out, report, _ = stories_run
    expected, _ = _parsed(inputs.mixed, "--enrich", "--stories")
    rows = _rows(out)
    assert report.tasks > len(inputs.mixed)  # the WARC was cut into ranges
    assert len(rows) == len(expected) == report.articles
    assert all("entities" in row and "story" in row for row in rows)
    by_key = {_key(row): row for row in rows}
    assert len(by_key) == len(rows)
    for want in expected:
        got = by_key[_key(want)]
        for field in want:
            assert got[field] == want[field], (want["id"], field)
        assert set(got) == set(want)
    assert _canonical(rows) == _canonical(expected)
    assert [r["id"] for r in rows] == [r["id"] for r in expected]  # input order, too


def test_a_near_duplicate_is_linked_to_its_original(
    stories_run: tuple[Path, BatchReport, list[str]],
) -> None:
    out, report, _ = stories_run
    original = make_article_id(url_key(f"{HOST}/{ORIGINAL}"))
    copy = make_article_id(url_key(f"{HOST}/{COPY}"))
    rows = {row["id"]: row for row in _rows(out)}
    # the earliest reading of that article is the site's HTML file, read before the WARC
    first = rows[copy]["duplicate_of"]
    assert first is not None and first not in (original, copy)
    assert rows[first]["title"] == "Council approves £40m budget for the riverside district"
    assert rows[first]["duplicate_of"] is None
    assert rows[copy]["story"] == rows[first]["story"]
    assert original in rows and report.duplicates >= 1


def test_bad_inputs_are_reported_in_order_and_the_rest_is_written(
    stories_run: tuple[Path, BatchReport, list[str]], inputs: Inputs
) -> None:
    _, report, failures = stories_run
    _, parse_errors = _parsed(inputs.mixed)
    assert failures == report.failures
    assert [f"newsarchive: {f}" for f in failures] == parse_errors
    assert any(str(inputs.missing) in f for f in failures)
    assert any(str(inputs.image) in f for f in failures)
    assert any(str(inputs.truncated) in f for f in failures)
    assert report.documents > len(failures) > 0


def test_without_stories_rows_equal_parse_and_still_carry_duplicate_of(
    spark: SparkSession, inputs: Inputs, tmp_path: Path,
    stories_run: tuple[Path, BatchReport, list[str]],
) -> None:  # fmt: skip
    out = tmp_path / "plain"
    options = BatchOptions(READ, enrich=False, split_bytes=SMALL_SPLITS, partitions=3)
    run_batch(spark, inputs.good, options, out=str(out))
    expected, _ = _parsed(inputs.good)
    rows = _rows(out)
    with_stories = {r["id"]: r["duplicate_of"] for r in _rows(stories_run[0])}
    for row in rows:
        assert row.pop("duplicate_of") == with_stories[row["id"]]
    assert _canonical(rows) == _canonical(expected)


def _export(location: Location) -> list[str]:
    result = invoke(["export", "--format", "jsonl", "--db", str(location)])
    assert result.exit_code == 0, result.stderr
    return sorted(result.stdout.splitlines())


def test_loading_an_archive_gives_what_ingest_and_enrich_give(
    spark: SparkSession, inputs: Inputs, backend: Backend
) -> None:
    batched, ingested = backend.fresh(), backend.fresh()
    options = BatchOptions(READ, enrich=True, split_bytes=SMALL_SPLITS)
    with open_store(batched) as store:
        report = run_batch(spark, inputs.mixed, options, store=store)
    result = invoke(["ingest", *inputs.mixed, "--db", str(ingested)])
    summary = result.stdout.strip().splitlines()[-1]
    assert invoke(["enrich", "--db", str(ingested)]).exit_code == 0
    c = report.counts
    assert f"{c.added} added, {c.updated} updated, {c.unchanged} unchanged" in summary
    assert _export(batched) == _export(ingested)
