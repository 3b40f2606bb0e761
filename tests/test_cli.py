"""Round trips through the command line on the bundled sample dump."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsarchive import __version__
from newsarchive.extract.dump import split_archive_page
from newsarchive.ingest.textfile import read_text_file
from newsarchive.model import article_from_dict, article_to_dict
from newsarchive.store import Location, archive_exists
from tests.backends import sqlite_only
from tests.cli_support import invoke, run, stderr_lines
from tests.conftest import SAMPLE


@pytest.fixture
def db(empty_location: Location) -> Location:
    result = invoke(["ingest", SAMPLE, "--db", empty_location])
    assert result.exit_code == 0, result.stderr
    return empty_location


def _jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_version() -> None:
    result = invoke(["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_parse_prints_the_reader_output_as_json_lines() -> None:
    result = invoke(["parse", SAMPLE])
    assert result.exit_code == 0
    assert result.stderr == ""
    expected = split_archive_page(read_text_file(SAMPLE))
    rows = _jsonl(result.stdout)
    assert rows == [article_to_dict(a) for a in expected]
    assert [article_from_dict(r) for r in rows] == expected
    assert "“" in result.stdout  # ensure_ascii=False: text as text


def test_parse_raw_adds_the_original_span() -> None:
    rows = _jsonl(invoke(["parse", "--raw", SAMPLE]).stdout)
    text = SAMPLE.read_text(encoding="utf-8")
    for row in rows:
        source = row["source"]
        assert isinstance(source, dict)
        assert row["raw"] == text[source["start"] : source["end"]]


def test_ingest_twice_adds_nothing_the_second_time(empty_location: Location) -> None:
    db = empty_location
    first = invoke(["ingest", SAMPLE, "--db", db])
    second = invoke(["ingest", SAMPLE, "--db", db])
    assert first.stdout.strip() == "1 file: 10 added, 0 updated, 0 unchanged, 0 failed"
    assert second.stdout.strip() == "1 file: 0 added, 0 updated, 10 unchanged, 0 failed"
    assert first.stderr == second.stderr == ""  # not a terminal: no progress bar


def test_db_defaults_to_env(empty_location: Location) -> None:
    result = invoke(["ingest", SAMPLE], env={"NEWSARCHIVE_DB": str(empty_location)})
    assert result.exit_code == 0
    assert archive_exists(empty_location)


@sqlite_only
def test_db_defaults_to_a_file_in_the_cwd(tmp_path: Path) -> None:
    proc = run(["ingest", SAMPLE], cwd=tmp_path)
    assert proc.returncode == 0
    assert (tmp_path / "newsarchive.db").exists()


def test_search_human_and_json(db: Location) -> None:
    human = invoke(["search", "Kursk", "--db", db])
    assert human.exit_code == 0
    assert "[Kursk]" in human.stdout
    assert "\x02" not in human.stdout
    hits = _jsonl(invoke(["search", "Kursk", "--json", "--db", db]).stdout)
    assert hits
    assert all("[Kursk]" in str(hit["snippet"]) for hit in hits)
    assert {str(hit["id"]) for hit in hits} <= {str(r["id"]) for r in _export_jsonl(db)}


def test_search_filters_and_limit(db: Location) -> None:
    hits = _jsonl(invoke(["search", "Russia", "--json", "--limit", "2", "--db", db]).stdout)
    assert len(hits) == 2
    none = invoke(["search", "Russia", "--category", "Sport", "--db", db])
    assert none.exit_code == 0
    assert none.stdout == ""
    assert "nothing matches" in none.stderr
    ranged = invoke(["search", "Russia", "--from", "2000-01-01", "--to", "2100-01-01", "--db", db])
    assert ranged.exit_code == 0


def test_search_errors(db: Location) -> None:
    bad_query = invoke(["search", '"unclosed', "--db", db])
    assert bad_query.exit_code == 2
    assert len(stderr_lines(bad_query.stderr)) == 1
    bad_date = invoke(["search", "x", "--from", "yesterday", "--db", db])
    assert bad_date.exit_code == 2
    assert len(stderr_lines(bad_date.stderr)) == 1


def test_show_readable_json_raw_and_unknown(db: Location) -> None:
    rows = _export_jsonl(db)
    article = next(r for r in rows if r["related"]) if any(r["related"] for r in rows) else rows[0]
    article_id = str(article["id"])
    readable = invoke(["show", article_id, "--db", db])
    assert readable.exit_code == 0
    assert f"Id: {article_id}" in readable.stdout
    assert "Categories: Russia" in readable.stdout
    assert "Source: " in readable.stdout
    paragraphs = article["paragraphs"]
    assert isinstance(paragraphs, list)
    assert paragraphs[0] in readable.stdout
    as_json = json.loads(invoke(["show", article_id, "--json", "--revisions", "--db", db]).stdout)
    assert as_json["id"] == article_id
    assert as_json["revisions"] == [] or as_json["revisions"][-1]["article"]["id"] == article_id
    raw = invoke(["show", article_id, "--raw", "--db", db]).stdout
    text = SAMPLE.read_text(encoding="utf-8")
    assert raw.rstrip("\n") in text
    unknown = invoke(["show", "0000000000000000", "--db", db])
    assert unknown.exit_code == 1
    assert stderr_lines(unknown.stderr) == [
        "newsarchive: 0000000000000000: no article with this id; find ids with search"
    ]


def test_categories_and_stats(db: Location) -> None:
    assert invoke(["categories", "--db", db]).stdout.split() == ["10", "Russia"]
    assert _jsonl(invoke(["categories", "--json", "--db", db]).stdout) == [
        {"name": "Russia", "count": 10}
    ]
    stats = json.loads(invoke(["stats", "--json", "--db", db]).stdout)
    assert (stats["articles"], stats["sources"]) == (10, 1)
    assert "articles   10" in invoke(["stats", "--db", db]).stdout


def _export_jsonl(db: Location) -> list[dict[str, object]]:
    result = invoke(["export", "--format", "jsonl", "--db", db])
    assert result.exit_code == 0
    return _jsonl(result.stdout)


def test_export_jsonl_csv_parquet_agree(db: Location, tmp_path: Path) -> None:
    rows = _export_jsonl(db)
    ids = [r["id"] for r in rows]
    assert len(ids) == 10
    parsed = {a.id: a for a in split_archive_page(read_text_file(SAMPLE))}
    assert {article_from_dict(r).paragraphs for r in rows} == {
        a.paragraphs for a in parsed.values()
    }

    table = list(
        csv.DictReader(io.StringIO(invoke(["export", "--format", "csv", "--db", db]).stdout))
    )
    assert [r["id"] for r in table] == ids
    assert [json.loads(r["paragraphs"]) for r in table] == [r["paragraphs"] for r in rows]
    assert all(json.loads(r["categories"]) == ["Russia"] for r in table)

    target = tmp_path / "out.parquet"
    result = invoke(["export", "--format", "parquet", "--output", target, "--db", db])
    assert result.exit_code == 0
    assert "10 articles written" in result.stderr
    frame = pq.read_table(target).to_pylist()
    assert [r["id"] for r in frame] == ids
    assert [r["paragraphs"] for r in frame] == [r["paragraphs"] for r in rows]
    assert list(tmp_path.glob(".*partial")) == []


def test_export_by_category_and_to_a_file(db: Location, tmp_path: Path) -> None:
    none = invoke(["export", "--format", "jsonl", "--category", "Sport", "--db", db])
    assert none.stdout == ""
    assert "no articles to export in category 'Sport'" in none.stderr
    target = tmp_path / "russia.jsonl"
    invoke(["export", "--format", "jsonl", "--category", "Russia", "-o", target, "--db", db])
    assert len(target.read_text(encoding="utf-8").splitlines()) == 10


def test_parquet_needs_an_output(db: Location) -> None:
    result = invoke(["export", "--format", "parquet", "--db", db])
    assert result.exit_code == 2
    assert len(stderr_lines(result.stderr)) == 1


def test_real_process_round_trip(empty_location: Location) -> None:
    db = empty_location
    ingest = run(["ingest", SAMPLE, "--db", db])
    assert ingest.returncode == 0
    assert ingest.stdout.strip() == "1 file: 10 added, 0 updated, 0 unchanged, 0 failed"
    search = run(["search", "Zelensky", "--db", db])
    assert search.returncode == 0
    assert "[Zelensky]" in search.stdout
    assert "Traceback" not in search.stderr
    unknown = run(["show", "nope", "--db", db])
    assert unknown.returncode == 1
    assert "Traceback" not in unknown.stderr


def test_unexpected_errors_are_one_line_unless_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("newsarchive.cli.archive.open_store", broken)
    quiet = invoke(["stats", "--db", tmp_path / "a.db"])
    assert quiet.exit_code == 1
    assert stderr_lines(quiet.stderr) == [
        "newsarchive: internal error (RuntimeError: disk on fire); run with --debug for the"
        " traceback, and report it"
    ]
    loud = invoke(["--debug", "stats", "--db", tmp_path / "a.db"])
    assert isinstance(loud.exception, RuntimeError)


def test_usage_errors_are_one_line() -> None:
    for args in (["bogus"], ["search"], ["export"], ["ingest"], ["parse", "--nope", "x"]):
        result = invoke(args)
        assert result.exit_code == 2, args
        assert len(stderr_lines(result.stderr)) == 1, result.stderr
        assert result.stderr.startswith("newsarchive: ")


def test_an_edited_article_keeps_its_earlier_revision(
    tmp_path: Path, archive_location: Location
) -> None:
    db = archive_location
    first = SAMPLE.read_text(encoding="utf-8")
    edited = tmp_path / "russia-later.txt"
    old = "Nine months of negotiations have yielded no progress, she said."
    new = "Ten months of negotiations have yielded no progress, she said."
    edited.write_text(first.replace(old, new), encoding="utf-8")
    assert invoke(["ingest", SAMPLE, "--db", db]).exit_code == 0
    again = invoke(["ingest", edited, "--db", db])
    assert again.stdout.strip() == "1 file: 0 added, 1 updated, 9 unchanged, 0 failed"
    article_id = split_archive_page(read_text_file(SAMPLE))[0].id
    shown = invoke(["show", article_id, "--db", db, "--json", "--revisions"])
    assert shown.exit_code == 0, shown.stderr
    assert new in shown.stdout and old in shown.stdout  # current text and the earlier one
    current = invoke(["show", article_id, "--db", db])
    assert new in current.stdout and old not in current.stdout


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig", "cp1252"])
def test_the_same_dump_in_another_encoding_gives_the_same_articles(
    tmp_path: Path, encoding: str
) -> None:
    text = (Path(__file__).parent / "data" / "dumps" / "business-teasers.txt").read_text("utf-8")
    path = tmp_path / f"business-{encoding}.txt"
    path.write_bytes(text.encode(encoding))
    utf8 = _jsonl(
        invoke(["parse", Path(__file__).parent / "data/dumps/business-teasers.txt"]).stdout
    )
    other = _jsonl(invoke(["parse", path]).stdout)
    assert [a["paragraphs"] for a in other] == [a["paragraphs"] for a in utf8]
    assert [a["id"] for a in other] == [a["id"] for a in utf8]
    assert all(a["source"]["sha256"] != utf8[0]["source"]["sha256"] for a in other)


def test_export_into_a_missing_folder_is_one_clear_line(db: Location, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.parquet"
    result = invoke(["export", "--db", db, "--format", "parquet", "--output", target])
    assert result.exit_code == 1
    assert stderr_lines(result.stderr) == [
        f"newsarchive: {target}: the folder {target.parent} does not exist; create it first"
    ]
    assert not target.parent.exists()


def test_show_source_gives_back_the_page_exactly_as_read(archive_location: Location) -> None:
    page = Path(__file__).parent / "data" / "pages" / "cp1251_article.html"
    db = archive_location
    assert invoke(["ingest", page, "--db", db]).exit_code == 0
    (line,) = invoke(["export", "--format", "jsonl", "--db", db]).stdout.splitlines()
    article_id = json.loads(line)["id"]
    original = invoke(["show", article_id, "--source", "--db", db])
    assert original.exit_code == 0
    assert original.stdout_bytes == page.read_bytes()


def test_parse_reads_pages_in_several_workers_in_input_order() -> None:
    site = Path(__file__).resolve().parent / "site"
    pages = sorted(str(p) for p in site.rglob("*.html"))
    assert len(pages) >= 5
    one = run(["parse", "--workers", "1", *pages])
    two = run(["parse", "--workers", "2", *pages])
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stdout and two.stdout == one.stdout  # same articles, same order
    assert two.stderr == one.stderr
