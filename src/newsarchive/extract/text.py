"""Text normalisation and splitting a decoded dump into lines with their offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Non-breaking, narrow, figure, ideographic and other Unicode spaces, and the
# zero-width characters editors leave behind.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# A line is a run of characters between line breaks (the breaks str.splitlines knows).
_CONTENT = re.compile("[^\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


def normalize(text: str) -> str:
    """NFC, every kind of space as one plain space, invisible characters dropped, trimmed."""
    if (
        text.isascii()
        and "  " not in text
        and "\t" not in text
        and "\x0b" not in text
        and "\x0c" not in text
    ):
        return text.strip()  # the common case, made cheap
    if _INVISIBLE.search(text):
        text = _INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on every Unicode space, non-breaking and narrow ones included
    return " ".join(text.split())


@dataclass(slots=True)
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
    previous_end = 0
    lone_cr = "\r" in text
    for match in _CONTENT.finditer(text):
        clean = normalize(match.group())
        if not clean:
            continue
        start = match.start()
        breaks = text.count("\n", previous_end, start)
        if lone_cr:  # old Mac line ends; "\r\n" counts once
            breaks += text.count("\r", previous_end, start) - text.count(
                "\r\n", previous_end, start
            )
        lines.append(Line(clean, start, match.end(), max(breaks - 1, 0)))
        previous_end = match.end()
    return lines


def word_count(text: str) -> int:
    return len(text.split())
