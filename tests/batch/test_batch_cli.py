"""``newsarchive batch`` as a user runs it: one line per problem, no Spark noise, the
summary, the Parquet folder; and the one-line errors before Spark starts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.batch.conftest import Inputs
from tests.cli_support import NEWSARCHIVE, invoke, run


@pytest.mark.spark
def test_batch_writes_parquet_reports_bad_inputs_and_keeps_spark_quiet(
    inputs: Inputs, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    args = ["batch", *inputs.mixed, "--out", out, "--cores", "2", "--no-enrich"]
    result = run(args, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    errors = result.stderr.splitlines()
    assert errors and all(line.startswith("newsarchive: ") for line in errors), errors
    assert errors[0] == f"newsarchive: {inputs.missing}: does not exist; check the path"
    assert any(str(inputs.image) in line for line in errors)
    summary = result.stdout.splitlines()
    assert summary[0].startswith(f"{31} documents: {31 - len(errors)} read, {len(errors)} failed;")
    assert summary[1] == f"Parquet: {out}"
    table = pq.read_table(out)
    assert table.num_rows > 40 and "duplicate_of" in table.column_names


def test_batch_says_when_there_is_no_java(inputs: Inputs, tmp_path: Path) -> None:
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": "/nonexistent"}
    result = subprocess.run(
        [str(NEWSARCHIVE), "batch", str(inputs.warc), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "newsarchive: Spark needs a Java runtime (17+); install default-jre-headless or set"
        " JAVA_HOME\n"
    )


def test_batch_needs_somewhere_to_put_the_articles(inputs: Inputs, tmp_path: Path) -> None:
    result = invoke(["batch", str(inputs.warc)])
    assert result.exit_code == 2
    assert "--out DIR and/or --db FILE_OR_URL" in result.stderr
    (tmp_path / "out").mkdir()
    result = invoke(["batch", str(inputs.warc), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"newsarchive: {tmp_path / 'out'} exists; pass --overwrite")
    result = invoke(["batch", str(inputs.warc), "--out", "x", "--cores", "2", "--master", "yarn"])
    assert result.exit_code == 2 and "--cores N means --master local[N]" in result.stderr
