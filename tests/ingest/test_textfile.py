"""Reading files into Documents: every common encoding decodes to the exact text."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import random
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsarchive.errors import InputError
from newsarchive.ingest.textfile import decode, read_text_file

RUSSIAN = (
    "Президент России заявил в пятницу, что переговоры с Украиной продолжатся на следующей"
    " неделе. Министр иностранных дел подтвердил, что делегации встретятся в Абу-Даби.\n\n"
    "«Мы готовы к диалогу», — сказал он журналистам в Москве.\n"
)
RUSSIAN_PLAIN = RUSSIAN.replace("«", '"').replace("»", '"').replace("—", "-")
FRENCH = (
    "Le président français a déclaré vendredi à Genève que les négociations continueraient."
    " « Ça a été très intéressant », a-t-il ajouté, même si où et quand restent à décider.\n\n"
    "Les ministres se réuniront à nouveau le 12 février à Bruxelles.\n"
)
ENGLISH = "Kiev continues to hold 12 civilians, the ambassador said on Friday.\n"

CASES = [
    ("utf-8", RUSSIAN, RUSSIAN.encode("utf-8"), "utf-8"),
    ("utf-8 ascii", ENGLISH, ENGLISH.encode("ascii"), "utf-8"),
    ("utf-8 bom", RUSSIAN, codecs.BOM_UTF8 + RUSSIAN.encode("utf-8"), "utf-8-sig"),
    ("utf-16 le bom", FRENCH, codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16"),
    ("utf-16 be bom", RUSSIAN, codecs.BOM_UTF16_BE + RUSSIAN.encode("utf-16-be"), "utf-16"),
    ("utf-16 le", RUSSIAN, RUSSIAN.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 be", RUSSIAN, RUSSIAN.encode("utf-16-be"), "utf-16-be"),
    ("utf-16 le latin", FRENCH, FRENCH.encode("utf-16-le"), "utf-16-le"),
    ("utf-16 be latin", ENGLISH, ENGLISH.encode("utf-16-be"), "utf-16-be"),
    ("utf-32 bom", RUSSIAN, RUSSIAN.encode("utf-32"), "utf-32"),
    ("cp1251", RUSSIAN, RUSSIAN.encode("cp1251"), "cp1251"),
    ("koi8-r", RUSSIAN_PLAIN, RUSSIAN_PLAIN.encode("koi8-r"), "koi8-r"),
    ("latin-1", FRENCH, FRENCH.encode("latin-1"), "cp1252"),
    ("cp1252", FRENCH + "“quoted” – €5\n", (FRENCH + "“quoted” – €5\n").encode("cp1252"), "cp1252"),
]


@pytest.mark.parametrize(("label", "text", "data", "encoding"), CASES, ids=[c[0] for c in CASES])
def test_each_encoding_decodes_to_the_exact_text(
    tmp_path: Path, label: str, text: str, data: bytes, encoding: str
) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(data)
    document = read_text_file(path)
    assert document.text == text
    assert document.encoding == encoding
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.path == str(path)
    assert data.decode(document.encoding) == document.text


def test_text_is_not_normalised(tmp_path: Path) -> None:
    text = "Cafe\u0301\u00a0 and\r\n\ttabs  \u200b\n"
    path = tmp_path / "raw.txt"
    path.write_bytes(text.encode("utf-8"))
    assert read_text_file(path).text == text


def test_declared_encoding_wins(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    document = read_text_file(path, encoding="windows-1251")
    assert (document.text, document.encoding) == (RUSSIAN, "cp1251")


def test_declared_encoding_that_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode("cp1251"))
    with pytest.raises(InputError) as caught:
        read_text_file(path, encoding="utf-8")
    assert str(caught.value).startswith(f"{path}: is not valid utf-8")
    assert "drop --encoding" in str(caught.value)


def test_unknown_encoding_name(tmp_path: Path) -> None:
    path = tmp_path / "en.txt"
    path.write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(InputError, match="unknown encoding"):
        read_text_file(path, encoding="klingon-8")


BINARY = {
    "png": (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    "gzip": (gzip.compress(ENGLISH.encode() * 20), "gunzip it first"),
    "zip": (b"PK\x03\x04" + bytes(100), "zip archive"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(100), "PDF"),
    "random": (random.Random(7).randbytes(8192), "binary file"),
    "nul": (bytes(4096), "binary file"),
    "elf": (b"\x7fELF\x02\x01\x01" + bytes(100), "executable"),
}


@pytest.mark.parametrize("kind", sorted(BINARY))
def test_binary_files_are_refused_with_advice(tmp_path: Path, kind: str) -> None:
    data, phrase = BINARY[kind]
    path = tmp_path / f"input.{kind}"
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    assert phrase in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_missing_and_empty_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        read_text_file(tmp_path / "nope.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputError, match="is empty"):
        read_text_file(tmp_path / "empty.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_text_file(tmp_path)


def test_huge_file_is_refused_from_stat_alone(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: no disk used, and reading it would take long
    started = time.monotonic()
    with pytest.raises(InputError) as caught:
        read_text_file(path)
    assert time.monotonic() - started < 1
    assert str(caught.value) == (
        f"{path}: 2 GiB is over the 512 MiB limit; split the file or raise --max-bytes"
    )


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "en.txt"
    path.write_text(ENGLISH * 10, encoding="utf-8")
    with pytest.raises(InputError, match="over the 100 bytes limit"):
        read_text_file(path, max_bytes=100)
    assert read_text_file(path, max_bytes=len(ENGLISH) * 10).text == ENGLISH * 10


@given(st.binary(max_size=3000))
def test_any_bytes_decode_exactly_or_raise_our_error(data: bytes) -> None:
    try:
        text, encoding = decode(data, "input")
    except InputError:
        return
    assert data.decode(encoding) == text


PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("\n\t\r")


@given(st.text(PRINTABLE, min_size=1, max_size=500))
def test_any_utf8_text_without_controls_round_trips(text: str) -> None:
    assert decode(text.encode("utf-8"), "input") == (text, "utf-8")
