"""A WARC file cut into ranges of records reads as the whole file does."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from newsarchive.batch.plan import Task, expand_inputs, plan_tasks, split_bytes_for
from newsarchive.batch.warc_ranges import cut_ranges, iter_warc_range, record_starts
from newsarchive.errors import InputError
from newsarchive.ingest.warc import iter_warc
from tests.batch.conftest import HOST, Inputs, site_pages
from tests.e2e.warcs import Page, write_warc

MAX = 1 << 30


def _described(items: list[object]) -> list[object]:
    return [
        str(item) if isinstance(item, InputError) else (item.url, item.record_offset, item.text)
        for item in items
    ]


@pytest.mark.parametrize("gzip", [True, False], ids=["gzipped", "plain"])
def test_the_ranges_of_a_warc_give_its_documents_in_order(tmp_path: Path, gzip: bool) -> None:
    warc = tmp_path / ("site.warc.gz" if gzip else "site.warc")
    write_warc(warc, [Page(f"{HOST}/{path}", body) for path, body in site_pages()], gzip=gzip)
    starts = record_starts(warc)
    assert starts is not None and starts[0] == 0
    ranges = cut_ranges(starts, warc.stat().st_size, target_bytes=5000)
    assert len(ranges) > 5
    pieces = [
        item for start, stop in ranges for item in iter_warc_range(warc, start, stop, max_bytes=MAX)
    ]
    whole = list(iter_warc(warc, max_bytes=MAX))
    assert _described(pieces) == _described(whole)
    assert len(whole) == len(site_pages())


def test_a_damaged_or_single_stream_warc_is_read_whole(inputs: Inputs, tmp_path: Path) -> None:
    assert record_starts(inputs.truncated) is None
    one_stream = tmp_path / "one-stream.warc.gz"
    import gzip

    plain = tmp_path / "site.warc"
    write_warc(plain, [Page(f"{HOST}/a.html", b"<html><body><p>x</p></body></html>")], gzip=False)
    one_stream.write_bytes(gzip.compress(plain.read_bytes()))
    assert record_starts(one_stream) is None
    tasks = plan_tasks([inputs.truncated, one_stream], _starts, split_bytes=1000, cores=2)
    assert [(t.start, t.stop) for t in tasks] == [(None, None), (None, None)]


def _starts(paths: object) -> list[list[int] | None]:
    return [record_starts(p) for p in paths]  # type: ignore[attr-defined]


def test_the_plan_keeps_input_order_and_cuts_warcs_so_every_core_has_work(inputs: Inputs) -> None:
    arguments = [
        str(inputs.missing),
        str(inputs.warc),
        "https://example.org/",
        *map(str, inputs.pages),
    ]
    tasks = plan_tasks(expand_inputs(arguments), _starts, split_bytes=64 << 20, cores=2)
    assert [t.index for t in tasks] == list(range(len(tasks)))
    assert tasks[0] == Task(
        0, str(inputs.missing), failure=f"{inputs.missing}: does not exist; check the path"
    )
    warc_tasks = [t for t in tasks if t.path == str(inputs.warc)]
    assert len(warc_tasks) >= 4  # cut finer than one a core, however small the file
    assert warc_tasks[0].start == 0 and warc_tasks[-1].stop == inputs.warc.stat().st_size
    assert all(a.stop == b.start for a, b in itertools.pairwise(warc_tasks))
    url = next(t for t in tasks if t.path == "https://example.org/")
    assert url.failure is not None and "batch reads files" in url.failure
    assert [t.path for t in tasks[-len(inputs.pages) :]] == list(map(str, inputs.pages))
    assert split_bytes_for(10 << 30, 64 << 20, cores=2) == 64 << 20
