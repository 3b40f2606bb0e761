"""One frozen ``Settings`` object, built once at the edge and passed down.

Precedence: built-in defaults < environment (``NEWSARCHIVE_DB``,
``NEWSARCHIVE_INGEST_TOKEN``) < command-line flags.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from newsarchive.errors import InputError

DB_ENV = "NEWSARCHIVE_DB"
TOKEN_ENV = "NEWSARCHIVE_INGEST_TOKEN"
DEFAULT_PAGE_SIZE = 20
DEFAULT_DB = Path("newsarchive.db")
DEFAULT_MAX_BYTES = 512 * 1024**2

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


@dataclass(frozen=True, slots=True)
class Settings:
    db: Path | str = DEFAULT_DB  # a SQLite file, or a PostgreSQL URL (kept as text)
    max_bytes: int = DEFAULT_MAX_BYTES
    encoding: str | None = None  # None: detect per file
    # the web app's write endpoint (POST /api/ingest) is off unless a token is set
    ingest_token: str | None = field(default=None, repr=False)
    page_size: int = DEFAULT_PAGE_SIZE

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str],
        *,
        db: str | Path | None = None,
        max_bytes: int | None = None,
        encoding: str | None = None,
        ingest_token: str | None = None,
    ) -> Settings:
        """Defaults, overridden by the environment, overridden by flags (``None`` = not given)."""
        env_db = environ.get(DB_ENV) or None
        chosen_db = db if db is not None else env_db
        token = ingest_token if ingest_token is not None else environ.get(TOKEN_ENV)
        return cls(
            db=_location(chosen_db) if chosen_db is not None else DEFAULT_DB,
            max_bytes=max_bytes if max_bytes is not None else DEFAULT_MAX_BYTES,
            encoding=check_encoding(encoding) if encoding is not None else None,
            ingest_token=token or None,
        )


def _location(value: str | Path) -> Path | str:
    """A PostgreSQL URL stays text (``Path`` would fold its ``//``); anything else is a file."""
    text = str(value)
    return text if text.startswith(("postgresql://", "postgres://")) else Path(value)


def check_encoding(name: str) -> str:
    """The canonical codec name for ``name``; an unknown name is an ``InputError``."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise InputError(
            f"--encoding {name}",
            "unknown encoding",
            "use a name like utf-8, utf-16, cp1251 or latin-1, or drop --encoding to detect it",
        ) from None


def parse_size(text: str) -> int:
    """``"512MiB"``, ``"2G"``, ``"1000000"`` → bytes (binary units); ``ValueError`` otherwise."""
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a size; use a number of bytes or e.g. 512MiB, 2G")
    number, unit, _ = match.groups()
    size = int(float(number) * _UNITS[unit.lower()])
    if size <= 0:
        raise ValueError(f"{text!r} is not a positive size")
    return size


def format_size(size: int) -> str:
    """A byte count for people: ``512 MiB``, ``2.0 GiB``, ``37 bytes``."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB"):
        value /= 1024
        if value < 1024 or unit == "TiB":
            break
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
