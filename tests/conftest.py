"""Shared fixtures: paths to the bundled sample, our own dumps and the public eval data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "src" / "newsarchive" / "data" / "category-archive-russia.txt"
DUMPS = Path(__file__).resolve().parent / "data" / "dumps"
GOLDEN = Path(__file__).resolve().parent / "golden"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: the public evaluation data is needed for this test")
    return SHARED
