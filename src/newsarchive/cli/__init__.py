"""The ``newsarchive`` command: a thin layer over the library.

``base`` holds the group, its error handling and the shared options; ``reading`` the
commands that read inputs (parse, ingest, crawl); ``archive`` those that read the archive.
"""

from newsarchive.cli import archive, reading
from newsarchive.cli.base import cli, main

__all__ = ["archive", "cli", "main", "reading"]
