"""Settings: defaults < NEWSARCHIVE_DB < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsarchive.errors import InputError
from newsarchive.settings import Settings, format_size, parse_size


def test_precedence() -> None:
    assert Settings.load({}) == Settings(Path("newsarchive.db"), 512 * 1024**2, None)
    assert Settings.load({"NEWSARCHIVE_DB": "env.db"}).db == Path("env.db")
    assert Settings.load({"NEWSARCHIVE_DB": "env.db"}, db="flag.db").db == Path("flag.db")
    assert Settings.load({}, max_bytes=10, encoding="Windows-1251").encoding == "cp1251"


def test_unknown_encoding() -> None:
    with pytest.raises(InputError, match="unknown encoding"):
        Settings.load({}, encoding="nope-8")


@pytest.mark.parametrize(
    ("text", "size"), [("100", 100), ("512MiB", 512 * 1024**2), ("2G", 2 * 1024**3), ("1.5k", 1536)]
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_format_size() -> None:
    assert [format_size(n) for n in (37, 1536, 512 * 1024**2, 2 * 1024**3)] == [
        "37 bytes",
        "1.5 KiB",
        "512 MiB",
        "2 GiB",
    ]
