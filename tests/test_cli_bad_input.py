"""Bad inputs: one stderr line naming the file, a non-zero exit only when nothing could
be read, and the good files of a batch still go in."""

from __future__ import annotations

import gzip
import random
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from newsarchive.store import Location, open_store
from tests.backends import PostgresServer, sqlite_only
from tests.cli_support import invoke, run, stderr_lines, wire_dump

RUSSIAN = "Президент России заявил в пятницу, что переговоры продолжатся.\n" * 5


def _empty(folder: Path) -> Path:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def _png(folder: Path) -> Path:
    path = folder / "photo.txt"  # the name lies; the bytes do not
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + random.Random(1).randbytes(500))
    return path


def _gzip(folder: Path) -> Path:
    path = folder / "dump.txt.gz"  # cut short, as by an interrupted download
    whole = gzip.compress(wire_dump("gz").encode())
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _random(folder: Path) -> Path:
    path = folder / "noise.bin"
    path.write_bytes(random.Random(2).randbytes(20_000))
    return path


def _missing(folder: Path) -> Path:
    return folder / "not-there.txt"


def _huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)
    return path


def _no_article(folder: Path) -> Path:
    path = folder / "menu.txt"
    path.write_text("Home\nAbout us\nContact\n", encoding="utf-8")
    return path


def _empty_folder(folder: Path) -> Path:
    path = folder / "nothing-here"
    path.mkdir()
    return path


BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (_empty, "is empty"),
    "png": (_png, "looks like a PNG image"),
    "gzip": (_gzip, "is a truncated gzip file; re-download or re-copy it"),
    "random": (_random, "looks like a binary file"),
    "missing": (_missing, "does not exist"),
    "huge": (_huge, "2 GiB is over the 512 MiB limit; split the file or raise --max-bytes"),
    "no article": (_no_article, "no article found"),
    "empty folder": (_empty_folder, "is a folder with no files"),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "inputs"
    path.mkdir()
    return path


def _one_bad_input(folder: Path, kind: str, args: list[str | Path]) -> None:
    make, phrase = BAD[kind]
    path = make(folder)
    started = time.monotonic()
    result = invoke([*args[:1], path, *args[1:]])
    assert time.monotonic() - started < 5
    assert result.exit_code == 1
    errors = [line for line in stderr_lines(result.stderr) if line.startswith("newsarchive:")]
    assert errors == [line for line in stderr_lines(result.stderr)]
    assert len(errors) == 1
    assert errors[0].startswith(f"newsarchive: {path}")
    assert phrase in errors[0]


@pytest.mark.parametrize("kind", list(BAD))
def test_one_bad_input_to_parse_is_one_line_and_exit_1(folder: Path, kind: str) -> None:
    _one_bad_input(folder, kind, ["parse"])


@pytest.mark.parametrize("kind", list(BAD))
def test_one_bad_input_to_ingest_is_one_line_and_exit_1(
    folder: Path, empty_location: Location, kind: str
) -> None:
    _one_bad_input(folder, kind, ["ingest", "--db", empty_location])


@pytest.mark.parametrize("kind", list(BAD))
def test_batch_with_a_bad_input_still_ingests_the_good_file(
    folder: Path, empty_location: Location, kind: str
) -> None:
    good = folder / "good.txt"
    good.write_text(wire_dump("good"), encoding="utf-8")
    bad = BAD[kind][0](folder)
    db = empty_location
    result = invoke(["ingest", bad, good, "--db", db])
    assert result.exit_code == 0
    assert len(stderr_lines(result.stderr)) == 1
    assert str(bad) in result.stderr
    assert result.stdout.strip() == "2 files: 3 added, 0 updated, 0 unchanged, 1 failed"
    with open_store(db, readonly=True) as store:
        assert store.stats().articles == 3


def test_wrongly_declared_encoding(folder: Path) -> None:
    path = folder / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    result = invoke(["parse", "--encoding", "utf-8", path])
    assert result.exit_code == 1
    assert stderr_lines(result.stderr) == [
        f"newsarchive: {path}: is not valid utf-8 (byte 0); drop --encoding to detect it"
    ]


def test_unknown_encoding_is_a_usage_error(folder: Path) -> None:
    path = folder / "ok.txt"
    path.write_text(wire_dump("ok"), encoding="utf-8")
    result = invoke(["parse", "--encoding", "martian", path])
    assert result.exit_code == 2
    assert len(stderr_lines(result.stderr)) == 1
    assert "unknown encoding 'martian'" in result.stderr


def test_max_bytes_flag(folder: Path) -> None:
    path = folder / "ok.txt"
    path.write_text(wire_dump("ok"), encoding="utf-8")
    result = invoke(["parse", "--max-bytes", "1k", path])
    assert result.exit_code == 1
    assert "over the 1 KiB limit" in result.stderr


def test_real_process_exit_codes_and_no_traceback(
    folder: Path, tmp_path: Path, empty_location: Location
) -> None:
    bad = [make(folder) for make, _ in BAD.values()]
    nothing = run(["ingest", *bad, "--db", empty_location], cwd=tmp_path)
    assert nothing.returncode == 1
    assert "Traceback" not in nothing.stderr
    assert len(stderr_lines(nothing.stderr)) == len(bad)
    assert nothing.stdout.strip().endswith(f"{len(bad)} failed")

    good = folder / "good.txt"
    good.write_text(wire_dump("good"), encoding="utf-8")
    some = run(["parse", *bad, good], cwd=tmp_path)
    assert some.returncode == 0
    assert "Traceback" not in some.stderr
    assert len(some.stdout.splitlines()) == 3

    usage = run(["search"], cwd=tmp_path)
    assert usage.returncode == 2
    assert len(stderr_lines(usage.stderr)) == 1
    assert "Traceback" not in usage.stderr


@sqlite_only
def test_store_errors_are_one_line(tmp_path: Path) -> None:
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_text("just some text, not a database\n" * 100, encoding="utf-8")
    for args in (["stats"], ["search", "x"], ["categories"], ["show", "abc"]):
        result = run([*args, "--db", not_a_db], cwd=tmp_path)
        assert result.returncode == 1, args
        assert stderr_lines(result.stderr) == [
            f"newsarchive: {not_a_db} is not a newsarchive database; pass another --db"
        ]
    missing = run(["stats", "--db", tmp_path / "none.db"], cwd=tmp_path)
    assert missing.returncode == 1
    assert len(stderr_lines(missing.stderr)) == 1
    assert not (tmp_path / "none.db").exists()


def test_a_gzipped_dump_is_read_as_the_dump(folder: Path, archive_location: Location) -> None:
    path = folder / "dump.txt.gz"
    path.write_bytes(gzip.compress(wire_dump("zipped").encode()))
    result = invoke(["ingest", path, "--db", archive_location])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1 file: 3 added, 0 updated, 0 unchanged, 0 failed"
    found = invoke(["search", "zipped", "--db", archive_location, "--json"])
    assert len(found.stdout.splitlines()) == 3


@pytest.mark.postgresql
def test_postgresql_errors_are_one_line_without_the_password(
    postgres_server: PostgresServer, tmp_path: Path
) -> None:
    empty = postgres_server.create()  # a database without an archive in it
    try:
        good = urlsplit(empty)
        wrong_password = good._replace(
            netloc=f"{good.username}:not-the-password@{good.netloc.split('@')[1]}"
        )
        nobody_listens = good._replace(netloc=f"{good.username}:secret-pw@127.0.0.1:1")
        missing_database = good._replace(path="/na_test_no_such_database")
        for url in (wrong_password, nobody_listens, missing_database, good):
            for args in (["stats"], ["search", "x"], ["serve"]):
                result = run([*args, "--db", urlunsplit(url)], cwd=tmp_path, timeout=60)
                assert result.returncode == 1, (args, url.netloc, result.stderr)
                lines = stderr_lines(result.stderr)
                assert len(lines) == 1 and lines[0].startswith("newsarchive: "), lines
                assert "not-the-password" not in lines[0] and "secret-pw" not in lines[0]
                assert "Traceback" not in result.stderr
            if url is good:
                assert "newsarchive ingest" in lines[0]  # no archive yet: how to make one
    finally:
        postgres_server.drop_later(empty)
