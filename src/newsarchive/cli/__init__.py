"""The ``newsarchive`` command: a thin layer over the library.

``base`` holds the group, its error handling and the shared options; ``reading`` the
commands that read inputs (parse, ingest, crawl); ``archive`` those that read the archive;
``enrich`` the one that finds who said what in it; ``stories`` those that group it into
stories and near-duplicates and predict categories.
"""

from newsarchive.cli import archive, enrich, reading, stories
from newsarchive.cli.base import cli, main

__all__ = ["archive", "cli", "enrich", "main", "reading", "stories"]
