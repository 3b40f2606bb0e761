"""The ``newsarchive`` command: a thin layer over the library.

``base`` holds the group, its error handling and the shared options; ``reading`` the
commands that read inputs (parse, ingest, crawl); ``archive`` those that read the archive;
``enrich`` the one that finds who said what in it; ``stories`` those that group it into
stories and near-duplicates and predict categories; ``manage`` those that migrate and copy
whole archives; ``batch`` the one that reads many files on Apache Spark.
"""

from newsarchive.cli import archive, batch, enrich, manage, reading, stories
from newsarchive.cli.base import cli, main

__all__ = ["archive", "batch", "cli", "enrich", "main", "manage", "reading", "stories"]
