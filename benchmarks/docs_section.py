"""Replace one "## Section" of docs/benchmarks.md with fresh figures, keeping the others."""

from __future__ import annotations

import sys
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(name: str, body: str) -> None:
    """``body`` under ``## name``, after the command that produced it (this process's own,
    less ``--write-docs``)."""
    command = " ".join(["python", *sys.argv]).replace(" --write-docs", "")
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    section = f"## {name}\n\nCommand: `{command}`\n\n{body.strip()}\n"
    head, marker, rest = text.partition(f"## {name}\n")
    if marker:
        tail = rest.split("\n## ", 1)
        text = head + section + ("\n## " + tail[1] if len(tail) > 1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")
