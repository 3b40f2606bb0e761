"""Batch mode: the steps of ``parse`` and ``ingest`` (read, extract, enrich, near-duplicates)
over many files on Apache Spark, with the same results as one process.

``plan`` cuts the inputs into tasks (WARC files into ranges of records); ``steps`` is what a
task runs (plain functions, no Spark); ``groups`` decides near-duplicates and stories in
input order on the driver; ``rows`` makes the Parquet rows (the export's columns); ``job``
wires them into a Spark job; ``session`` starts a quiet Spark session or says what is
missing. See docs/scale.md.
"""

from newsarchive.batch.job import BatchOptions, BatchReport, load_store, run_batch
from newsarchive.batch.rows import COLUMNS, record_of_row
from newsarchive.batch.session import BatchError, SparkRun, spark_session

__all__ = [
    "COLUMNS",
    "BatchError",
    "BatchOptions",
    "BatchReport",
    "SparkRun",
    "load_store",
    "record_of_row",
    "run_batch",
    "spark_session",
]
