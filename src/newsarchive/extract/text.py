"""Text normalisation and splitting a decoded dump into lines with their offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Non-breaking, narrow, figure, ideographic and other Unicode spaces, and the
# zero-width characters editors leave behind.
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def normalize(text: str) -> str:
    """NFC, every kind of space as one plain space, invisible characters dropped, trimmed."""
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line: normalised text, its span in the decoded input, and how many
    blank lines stood before it."""

    text: str
    start: int
    end: int
    blanks_before: int


def split_lines(text: str) -> list[Line]:
    """Non-blank lines with their original character offsets (end excludes the newline)."""
    lines: list[Line] = []
    blanks = 0
    for match in _LINE.finditer(text):
        chunk = match.group(0)
        if not chunk:
            break
        content = chunk.rstrip("\r\n")
        clean = normalize(content)
        if not clean:
            blanks += 1
            continue
        lines.append(Line(clean, match.start(), match.start() + len(content), blanks))
        blanks = 0
    return lines


def word_count(text: str) -> int:
    return len(text.split())
