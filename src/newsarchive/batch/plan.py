"""The driver's plan: command-line arguments -> tasks, in input order.

A task is a whole file (a text dump, an HTML page, a feed, a gzipped file, a WARC file
that cannot be cut), a byte range of whole records of a WARC file (``warc_ranges``), or
an argument that failed before anything could be read (a missing path, a URL). Tasks are
numbered in the order ``newsarchive parse`` and ``ingest`` read the same arguments
(folders walked in name order, globs sorted), and every result carries its task's number,
so the batch can put the results back in that order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsarchive.batch.warc_ranges import cut_ranges
from newsarchive.errors import InputError
from newsarchive.ingest.inputs import is_url
from newsarchive.ingest.paths import iter_input_paths

DEFAULT_SPLIT_BYTES = 64 * 1024 * 1024  # of a WARC file, per task
TASKS_PER_CORE = 4  # small inputs are cut finer, so every core has work to the end
_WARC_HEAD = (b"WARC/1.0\r\n", b"WARC/1.1\r\n", b"WARC/1.0\n", b"WARC/1.1\n")
_NOT_WARC = (".arc", ".arc.gz", ".gz")  # read by ``read_path`` (an error, or gunzipped)

Input = Path | InputError
StartsOf = Callable[[Sequence[Path]], Sequence[list[int] | None]]


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of work. ``start``/``stop`` bound a WARC range; ``failure`` is the message
    of an argument that could not be read at all."""

    index: int
    path: str
    start: int | None = None
    stop: int | None = None
    failure: str | None = None


def expand_inputs(arguments: Iterable[str]) -> list[Input]:
    """Every file the arguments name, in order; a URL or a missing path as an error (the
    batch reads files: fetching is ``ingest``'s and ``crawl``'s job)."""
    inputs: list[Input] = []
    for argument in arguments:
        if is_url(argument):
            inputs.append(
                InputError(
                    argument,
                    "is a URL; batch reads files and does not fetch",
                    "fetch it with 'newsarchive ingest URL', or pass a WARC file of it",
                )
            )
            continue
        inputs.extend(iter_input_paths([argument]))
    return inputs


def is_splittable_warc(path: Path) -> bool:
    """A WARC file ``read_path`` would read as one (by its name, or its first line)."""
    name = path.name.lower()
    if name.endswith((".warc", ".warc.gz")):
        return True
    if name.endswith(_NOT_WARC):
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(10).startswith(_WARC_HEAD)
    except OSError:
        return False


def split_bytes_for(total: int, split_bytes: int, cores: int) -> int:
    """The bytes per WARC task: ``split_bytes``, less when the WARC files are too small to
    give every core ``TASKS_PER_CORE`` tasks."""
    return max(1, min(split_bytes, math.ceil(total / (TASKS_PER_CORE * max(1, cores)))))


def plan_tasks(
    inputs: Sequence[Input], starts_of: StartsOf, *, split_bytes: int, cores: int
) -> list[Task]:
    """The tasks for ``inputs``: WARC files cut where ``starts_of`` (their record starts,
    or None for a file to read whole) allows, every other input whole."""
    warcs = [item for item in inputs if isinstance(item, Path) and is_splittable_warc(item)]
    starts = dict(zip(warcs, starts_of(warcs), strict=True))
    sizes = {path: path.stat().st_size for path in warcs}
    target = split_bytes_for(sum(sizes.values()), split_bytes, cores)
    tasks: list[Task] = []
    for item in inputs:
        if isinstance(item, InputError):
            tasks.append(Task(len(tasks), item.source, failure=str(item)))
            continue
        record_starts = starts.get(item)
        if record_starts is None:
            tasks.append(Task(len(tasks), str(item)))
            continue
        for start, stop in cut_ranges(record_starts, sizes[item], target):
            tasks.append(Task(len(tasks), str(item), start, stop))
    return tasks
