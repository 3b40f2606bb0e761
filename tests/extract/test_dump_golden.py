"""Golden tests: each dump layout segments exactly as reviewed in tests/golden/*.json.

Regenerate on purpose only, then review the diff:
    NEWSARCHIVE_REGEN_GOLDEN=1 pytest tests/extract/test_dump_golden.py
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from newsarchive.extract.dump import split_archive_page
from newsarchive.model import Document, article_to_dict
from tests.conftest import DUMPS, GOLDEN, SAMPLE

CASES = {
    "category-archive-russia": SAMPLE,
    "wordpress-politics": DUMPS / "wordpress-politics.txt",
    "wire-world": DUMPS / "wire-world.txt",
    "business-teasers": DUMPS / "business-teasers.txt",
    "science-longform": DUMPS / "science-longform.txt",
    "briefings-repeated": DUMPS / "briefings-repeated.txt",
}


def parse_file(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    doc = Document(
        text=data.decode("utf-8"),
        sha256=hashlib.sha256(data).hexdigest(),
        encoding="utf-8",
        path=path.name,
        size=len(data),
    )
    return [article_to_dict(a) for a in split_archive_page(doc)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_layout_matches_golden(name: str) -> None:
    got = parse_file(CASES[name])
    golden = GOLDEN / f"{name}.json"
    if os.environ.get("NEWSARCHIVE_REGEN_GOLDEN"):
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        pytest.skip(f"regenerated {golden}")
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert [a["summary"] or a["title"] for a in got] == [
        a["summary"] or a["title"] for a in expected
    ], "article boundaries moved"
    for g, e in zip(got, expected, strict=True):
        assert g == e, f"article {e['title'] or e['summary']!r} differs"
