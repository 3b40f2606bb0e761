"""Helpers for the CLI tests: synthetic dumps, and running ``newsarchive`` for real."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from newsarchive.cli import cli

NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")


def wire_dump(tag: str, articles: int = 3) -> str:
    """A small wire-style archive page whose articles are unique to ``tag``."""
    lines = ["Archive for Testing", ""]
    for n in range(articles):
        lines += [
            f"Council {tag} votes on plan number {n} for the riverside district",
            "By Anna Lee | Reuters",
            f"February {n + 1}, 2026 9:12 AM GMT",
            "",
            f"The city council of district {tag} voted on Monday to approve plan number {n},"
            " which sets out new rules for housing, transport and public parks along the"
            " river over the next ten years.",
            "",
            f"Residents who spoke at the meeting said plan {n} was long overdue, although"
            " several asked how the work would be paid for and when the first projects in"
            f" district {tag} would begin.",
            "",
        ]
    return "\n".join(lines)


def write_dumps(folder: Path, count: int, articles: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"dump-{n:05d}.txt" for n in range(count)]
    for n, path in enumerate(paths):
        path.write_text(wire_dump(f"d{n}", articles), encoding="utf-8")
    return paths


def invoke(args: Sequence[str | Path], env: dict[str, str] | None = None) -> Result:
    """``newsarchive ARGS`` in-process through click's CliRunner (stderr kept apart)."""
    return CliRunner(env=env).invoke(cli, [str(a) for a in args], prog_name="newsarchive")


def run(
    args: Sequence[str | Path], *, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``newsarchive ARGS`` as a real process, as a user would run it."""
    env = {k: v for k, v in os.environ.items() if k != "NEWSARCHIVE_DB"}
    return subprocess.run(
        [str(NEWSARCHIVE), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )


def stderr_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]
