"""Expand command-line arguments (files, folders, globs) into input files, lazily.

Folders are walked depth-first with each folder's entries sorted by name, so only one
folder's names are held at a time and a folder of 100k files keeps memory flat. Hidden
entries (``.name``) inside folders are skipped; symlinked folders are not followed (no
loops). A missing path, an empty folder or a glob matching nothing is yielded as an
``InputError`` item and the remaining arguments still expand.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from newsarchive.errors import InputError

_GLOB_CHARS = frozenset("*?[")


def iter_input_paths(arguments: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Every file named by ``arguments``, in order; problems as ``InputError`` items."""
    for argument in arguments:
        yield from _expand(str(argument))


def _expand(argument: str) -> Iterator[Path | InputError]:
    path = Path(argument)
    if path.is_dir():
        yield from _expand_folder(path)
    elif path.exists():
        yield path
    elif _GLOB_CHARS.intersection(argument):
        yield from _expand_glob(argument)
    else:
        yield InputError(argument, "does not exist", "check the path")


def _expand_glob(pattern: str) -> Iterator[Path | InputError]:
    matches = sorted(glob.iglob(pattern, recursive=True))
    if not matches:
        yield InputError(pattern, "matches no file", "check the pattern")
    for match in matches:
        path = Path(match)
        yield from _expand_folder(path) if path.is_dir() else iter((path,))


def _expand_folder(folder: Path) -> Iterator[Path | InputError]:
    found = False
    for item in _walk(folder):
        found = found or isinstance(item, Path)
        yield item
    if not found:
        yield InputError(str(folder), "is a folder with no files", "put text dumps in it")


def _walk(folder: Path) -> Iterator[Path | InputError]:
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if not entry.name.startswith("."))
    except OSError as exc:
        yield InputError(str(folder), f"cannot be listed ({exc.strerror})", "check permissions")
        return
    for name in names:
        path = folder / name
        if path.is_dir() and not path.is_symlink():
            yield from _walk(path)
        elif path.is_file():
            yield path
