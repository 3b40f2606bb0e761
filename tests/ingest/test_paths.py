"""Expanding command-line arguments into input files."""

from __future__ import annotations

from pathlib import Path

from newsarchive.errors import InputError
from newsarchive.ingest.paths import iter_input_paths


def _tree(root: Path) -> None:
    for name in ("b.txt", "a.txt", "sub/z.txt", "sub/deeper/y.txt", ".hidden.txt", "c.md"):
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_folders_expand_recursively_sorted_without_hidden_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = list(iter_input_paths([tmp_path]))
    assert [p.relative_to(tmp_path).as_posix() for p in found if isinstance(p, Path)] == [
        "a.txt",
        "b.txt",
        "c.md",
        "sub/deeper/y.txt",
        "sub/z.txt",
    ]


def test_files_globs_and_missing_paths_in_order(tmp_path: Path) -> None:
    _tree(tmp_path)
    arguments: list[str | Path] = [
        tmp_path / "c.md",
        tmp_path / "missing.txt",
        f"{tmp_path}/**/*.txt",
    ]
    items = list(iter_input_paths(arguments))
    assert items[0] == tmp_path / "c.md"
    assert isinstance(items[1], InputError)
    assert str(items[1]) == f"{tmp_path / 'missing.txt'}: does not exist; check the path"
    names = [p.name for p in items[2:] if isinstance(p, Path)]
    assert names == ["a.txt", "b.txt", "y.txt", "z.txt"]


def test_empty_folder_and_unmatched_glob_are_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    items = list(iter_input_paths([tmp_path / "empty", f"{tmp_path}/*.nothing"]))
    assert all(isinstance(item, InputError) for item in items)
    assert "is a folder with no files" in str(items[0])
    assert "matches no file" in str(items[1])


def test_expansion_is_lazy(tmp_path: Path) -> None:
    _tree(tmp_path)
    items = iter_input_paths([tmp_path / "a.txt", tmp_path / "missing"])
    assert next(items) == tmp_path / "a.txt"  # nothing after it was looked at yet
