"""Turning the dates printed on archive pages into ISO 8601."""

from __future__ import annotations

import re
from datetime import datetime

from dateutil import parser as date_parser

from newsarchive.extract.patterns import DATE_RE

_TIME_RE = re.compile(r"\b([0-2]?\d)[:.]([0-5]\d)(?::([0-5]\d))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_TZ_RE = re.compile(r"\b(GMT|UTC|Z)\b|([+-]\d\d:?\d\d)\b")


def to_iso(text: str) -> str | None:
    """ "Posted on January 5, 2026 at 14:30 GMT" -> "2026-01-05T14:30:00+00:00"; a date alone
    gives "2026-01-05". Returns None when no full date (with a year) is printed."""
    match = DATE_RE.search(text)
    if not match:
        return None
    day = _parse_day(match.group(0))
    if day is None:
        return None
    rest = text[: match.start()] + " " + text[match.end() :]
    time = _TIME_RE.search(rest) or _TIME_RE.search(match.group(0))
    if not time:
        return day.date().isoformat()
    hour, minute = int(time.group(1)), int(time.group(2))
    second = int(time.group(3) or 0)
    meridiem = (time.group(4) or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    if meridiem == "am" and hour == 12:
        hour = 0
    if hour > 23:
        return day.date().isoformat()
    stamp = day.replace(hour=hour, minute=minute, second=second).isoformat()
    return stamp + _timezone(rest)


def _parse_day(text: str) -> datetime | None:
    dayfirst = bool(re.match(r"^\d{1,2}[./]\d{1,2}[./]\d{4}$", text.strip()))
    try:
        return date_parser.parse(text, dayfirst=dayfirst, fuzzy=True, ignoretz=True)
    except (ValueError, OverflowError):
        return None


def _timezone(text: str) -> str:
    match = _TZ_RE.search(text)
    if not match:
        return ""
    if match.group(1):
        return "+00:00"
    offset = match.group(2).replace(":", "")
    return f"{offset[:3]}:{offset[3:]}"
