"""``newsarchive enrich``, ``parse --enrich``, ``show`` and ``export`` with who said what,
on the seed, with the real language model."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import subprocess
import time
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest

from newsarchive.enrich.enricher import ENRICHER_VERSION
from newsarchive.model import article_from_dict, enrichment_text
from newsarchive.store import Location, archive_exists, open_store
from tests.backends import Backend
from tests.cli_support import NEWSARCHIVE, invoke, stderr_lines, write_dumps
from tests.conftest import SAMPLE
from tests.test_schema import load_schema


@pytest.fixture(scope="module")
def ingested(module_backend: Backend) -> Location:
    db = module_backend.fresh()
    assert invoke(["ingest", SAMPLE, "--db", db]).exit_code == 0
    return db


@pytest.fixture(scope="module")
def enriched(ingested: Location, module_backend: Backend) -> Location:
    db = module_backend.clone(ingested)
    result = invoke(["enrich", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("10 articles enriched, 0 up to date")
    return db


def enrichments(db: Location) -> dict[str, object]:
    with open_store(db, readonly=True) as store:
        return {a.id: store.enrichment(a.id) for a in store.iter_articles()}


def test_enrich_computes_what_is_missing_then_nothing_then_all_with_force(
    enriched: Location, backend: Backend
) -> None:
    db = backend.clone(enriched)
    before = enrichments(db)

    again = invoke(["enrich", "--db", db])
    assert again.exit_code == 0
    assert again.stdout.startswith("0 articles enriched, 10 up to date")

    forced = invoke(["enrich", "--force", "--db", db, "--batch-size", "4"])
    assert forced.exit_code == 0
    assert forced.stdout.startswith("10 articles enriched, 0 up to date")
    assert enrichments(db) == before
    assert all(e is not None for e in before.values())


def test_enriched_seed_has_its_speakers_merged_across_articles(enriched: Location) -> None:
    with open_store(enriched, readonly=True) as store:
        speakers = {c.entity.name: c.count for c in store.speakers()}
        for name in ("Dmitry Peskov", "Vladimir Zelensky", "Antonio Guterres", "Yury Ushakov"):
            assert speakers.get(name, 0) >= 1, name
        assert "Peskov" not in speakers  # the surname joined the full name
        peskov = store.speaker_quotes("Peskov")
        assert peskov.total == speakers["Dmitry Peskov"]
        assert len({q.article_id for q in peskov.items}) >= 2


def test_two_workers_give_the_same_enrichments_as_one(
    ingested: Location, enriched: Location, backend: Backend
) -> None:
    db = backend.clone(ingested)

    result = invoke(["enrich", "--workers", "2", "--batch-size", "3", "--db", db])

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("10 articles enriched, 0 up to date")
    assert enrichments(db) == enrichments(enriched)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ingest_enrich_stores_what_ingest_then_enrich_would(
    enriched: Location, backend: Backend, workers: str
) -> None:
    db = backend.fresh()
    result = invoke(["ingest", SAMPLE, "--enrich", workers, "--db", db])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "1 file: 10 added, 0 updated, 0 unchanged, 0 failed",
        f"10 articles enriched (enricher version {ENRICHER_VERSION})",
    ]
    assert enrichments(db) == enrichments(enriched)

    again = invoke(["ingest", SAMPLE, "--enrich", "--db", db])  # nothing new, nothing to do
    assert (
        again.stdout.splitlines()[-1]
        == f"0 articles enriched (enricher version {ENRICHER_VERSION})"
    )
    assert invoke(["enrich", "--db", db]).stdout.startswith("0 articles enriched, 10 up to date")


def test_parse_enrich_adds_quotes_that_follow_the_schema() -> None:
    result = invoke(["parse", "--enrich", SAMPLE])

    assert result.exit_code == 0
    validator = jsonschema.Draft202012Validator(load_schema())
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 10
    for data in lines:
        assert not [e.message for e in validator.iter_errors(data)]
        text = enrichment_text(article_from_dict(data))
        for quote in data["quotes"]:
            assert {"speaker", "text", "cue", "direct", "start", "end"} <= set(quote)
            assert text[quote["start"] : quote["end"]] == quote["text"]
    said = {(q["speaker"], q["direct"]) for data in lines for q in data["quotes"]}
    assert ("Dmitry Peskov", True) in said or ("Dmitry Peskov", False) in said
    assert all(data["enrichment_version"] for data in lines)


def test_parse_without_enrich_has_no_enrichment() -> None:
    data = json.loads(invoke(["parse", SAMPLE]).stdout.splitlines()[0])
    assert "quotes" not in data and "entities" not in data


def test_show_prints_the_quotes_with_their_speakers(enriched: Location) -> None:
    with open_store(enriched, readonly=True) as store:
        quote = store.speaker_quotes("Dmitry Peskov", limit=1).items[0]
    shown = invoke(["show", quote.article_id, "--db", enriched])
    assert shown.exit_code == 0
    assert "Quotes (" in shown.stdout
    assert "Dmitry Peskov" in shown.stdout.split("Quotes (", 1)[1]
    as_json = json.loads(invoke(["show", quote.article_id, "--json", "--db", enriched]).stdout)
    assert any(q["speaker"] == "Dmitry Peskov" for q in as_json["quotes"])


def test_export_carries_enrichment_when_present(
    enriched: Location, ingested: Location, tmp_path: Path
) -> None:
    rows = [
        json.loads(line)
        for line in invoke(["export", "--format", "jsonl", "--db", enriched]).stdout.splitlines()
    ]
    assert len(rows) == 10 and all("quotes" in row for row in rows)
    validator = jsonschema.Draft202012Validator(load_schema())
    assert not [e.message for row in rows for e in validator.iter_errors(row)]
    table = list(
        csv.DictReader(io.StringIO(invoke(["export", "--format", "csv", "--db", enriched]).stdout))
    )
    assert [json.loads(r["quotes"]) for r in table] == [row["quotes"] for row in rows]
    target = tmp_path / "out.parquet"
    assert invoke(["export", "--format", "parquet", "-o", target, "--db", enriched]).exit_code == 0
    frame = pq.read_table(target).to_pylist()
    assert [json.loads(r["figures"]) for r in frame] == [row["figures"] for row in rows]
    assert {r["enrichment_version"] for r in frame} == {ENRICHER_VERSION}
    plain = [
        json.loads(line)
        for line in invoke(["export", "--format", "jsonl", "--db", ingested]).stdout.splitlines()
    ]
    assert all("quotes" not in row for row in plain)


def _enriched_count(backend: Backend, db: Location) -> int:
    try:
        return int(backend.query(db, "SELECT count(*) FROM enrichments")[0][0])
    except Exception:  # not created yet
        return 0


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_keeps_the_batches_written(
    tmp_path: Path, backend: Backend, archive_location: Location, workers: int
) -> None:
    write_dumps(tmp_path / "dumps", 150)  # 450 articles
    db = archive_location
    assert invoke(["ingest", tmp_path / "dumps", "--db", db]).exit_code == 0
    proc = subprocess.Popen(
        [str(NEWSARCHIVE), "enrich", "--db", str(db), "--batch-size", "10",
         "--workers", str(workers)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while _enriched_count(backend, db) < 30 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)

    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert stderr_lines(stderr)[-1].startswith("newsarchive: interrupted;")
    summary = re.match(r"(\d+) articles enriched, 0 up to date", stdout)
    assert summary is not None, stdout
    stored = _enriched_count(backend, db)
    assert 30 <= stored < 450 and int(summary[1]) == stored
    assert stored % 10 == 0  # whole batches only
    with open_store(db) as store:  # opens, and the rest is still to do
        assert store.enrichment_backlog(ENRICHER_VERSION) == 450 - stored


def test_enrich_needs_an_archive(empty_location: Location) -> None:
    result = invoke(["enrich", "--db", empty_location])
    assert result.exit_code == 1
    assert result.stderr.startswith("newsarchive: ") and "does not exist" in result.stderr
    assert not archive_exists(empty_location)
