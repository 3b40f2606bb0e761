"""A quiet Spark session, or one clear line saying what is missing.

Spark runs on a Java runtime (17 or later) and comes with pyspark (the ``spark`` extra);
both are checked before anything starts. Spark's own output (its start-up banner, log
lines, progress bars) goes to a log file instead of the terminal: the JVM inherits that
file as its standard error. The file is removed after a run that went well and named in
the message of one that did not.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from newsarchive.errors import NewsarchiveError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

MIN_JAVA = 17
NO_JAVA = "Spark needs a Java runtime (17+); install default-jre-headless or set JAVA_HOME"
SUBMITTED = "PYSPARK_GATEWAY_PORT"  # set by spark-submit for the Python it starts
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


class BatchError(NewsarchiveError):
    """A batch that cannot start or did not finish (no Java, no pyspark, a failed job)."""


@dataclass(frozen=True, slots=True)
class SparkRun:
    """A started session, and where Spark's own output goes."""

    session: SparkSession
    log: Path


def java_major(java: str) -> int | None:
    """The major version of the ``java`` executable (8 for "1.8.0"), None if it will not
    say."""
    try:
        done = subprocess.run(
            [java, "-version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = _JAVA_VERSION.search(done.stderr + done.stdout)
    if match is None:
        return None
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def find_java() -> str:
    """The ``java`` Spark will run: ``$JAVA_HOME/bin/java``, else the first on the PATH."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if java is None or not Path(java).is_file():
        raise BatchError(NO_JAVA)
    major = java_major(java)
    if major is None or major < MIN_JAVA:
        found = "an unknown version" if major is None else f"Java {major}"
        raise BatchError(f"{NO_JAVA} (found {found} at {java})")
    return java


def require_pyspark() -> None:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise BatchError(
            "batch runs on Apache Spark, and pyspark is not installed;"
            " pip install 'newsarchive[spark]'"
        ) from None


@contextmanager
def spark_session(master: str | None, *, app_name: str = "newsarchive batch") -> Iterator[SparkRun]:
    """A Spark session on ``master`` (``local[N]``, ``spark://``, ``yarn``, ``k8s://``; None
    under ``spark-submit``, whose ``--master`` counts), stopped at the end; Spark's output
    goes to a log file (see the module's docstring)."""
    require_pyspark()
    find_java()
    handle, name = tempfile.mkstemp(prefix="newsarchive-spark-", suffix=".log")
    log = Path(name)
    try:
        session = _started(master, app_name, handle)
    except Exception as exc:  # Py4J and Spark raise their own kinds: one line, and the log
        where = master or "the spark-submit master"
        raise BatchError(f"Spark did not start on {where} ({_first_line(exc)}); see {log}") from exc
    finally:
        os.close(handle)
    failed = True
    try:
        yield SparkRun(session, log)
        failed = False
    finally:
        session.stop()
        if not failed:
            log.unlink(missing_ok=True)


def default_master() -> str | None:
    """``local[*]``, or None when ``spark-submit`` started this Python (its JVM is up, and
    its ``--master`` is the one to use)."""
    return None if SUBMITTED in os.environ else "local[*]"


def _started(master: str | None, app_name: str, log_fd: int) -> SparkSession:
    """The session, its JVM started with ``log_fd`` as its standard error."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    for key, value in spark_config(master or "").items():
        builder = builder.config(key, value)
    use_this_python(master or "")
    sys.stderr.flush()
    saved = os.dup(2)
    os.dup2(log_fd, 2)
    try:
        session = builder.getOrCreate()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    session.sparkContext.setLogLevel("WARN")
    return session


def spark_config(master: str) -> dict[str, str]:
    """Settings for a batch: no console progress bars; on a local master, no web UI and
    the driver on loopback."""
    config = {"spark.ui.showConsoleProgress": "false"}
    if master.startswith("local"):
        config.update(
            {
                "spark.ui.enabled": "false",
                "spark.driver.host": "127.0.0.1",
                "spark.driver.bindAddress": "127.0.0.1",
            }
        )
    return config


def use_this_python(master: str) -> None:
    """On a local master, run the Spark workers on this Python (the one newsarchive is
    installed in; pyspark reads only ``$PYSPARK_PYTHON``, else runs ``python3``). A
    cluster's workers are set by the cluster's own configuration (docs/scale.md)."""
    if master.startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc).__name__)[:300]
