"""The ``newsarchive`` command: parse arguments, call the library, print.

Every expected problem is one ``newsarchive: ...`` line on stderr and a non-zero exit
(2 for usage errors and bad queries, 130 for Ctrl-C, 1 otherwise); an unexpected one
shows its traceback only with ``--debug``.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, TypeVar

import click
from rich.progress import Progress

from newsarchive import __version__
from newsarchive.errors import InputError, NewsarchiveError
from newsarchive.settings import Settings, check_encoding, parse_size

F = TypeVar("F", bound=Callable[..., Any])
PROG = "newsarchive"


class _InternalError(Exception):
    """An unexpected exception, reported in one line unless ``--debug``."""


class _Cli(click.Group):
    """A group that turns every error into one stderr line and an exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise
        except NewsarchiveError:
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            raise _InternalError(f"{type(exc).__name__}: {exc}") from exc

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.format_message(), err=True)
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            _fail(_usage_line(exc), exc.exit_code)
        except click.ClickException as exc:
            _fail(exc.format_message(), exc.exit_code)
        except click.Abort:
            _fail("interrupted", 130)
        except NewsarchiveError as exc:
            _fail(str(exc), exc.exit_code)
        except _InternalError as exc:
            _fail(f"internal error ({exc}); run with --debug for the traceback, and report it", 1)
        sys.exit(result if isinstance(result, int) else 0)


def _usage_line(exc: click.UsageError) -> str:
    where = exc.ctx.command_path if exc.ctx is not None else PROG
    message = " ".join(exc.format_message().split()).rstrip(".")  # one line, always
    return f"{message} (see '{where} --help')"


def _fail(message: str, code: int) -> None:
    _error(message)
    sys.exit(code)


def _error(message: str, progress: Progress | None = None) -> None:
    line = f"{PROG}: {message}"
    if progress is not None:  # print above the live bar instead of through it
        progress.console.print(line, markup=False, highlight=False, soft_wrap=True)
    else:
        click.echo(line, err=True)


# -- shared options ----------------------------------------------------------------


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        metavar="FILE_OR_URL",
        default=None,
        help="Archive: a SQLite file or a postgresql:// URL (default: $NEWSARCHIVE_DB, else "
        "./newsarchive.db).",
    )(func)


def _checked_encoding(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return None if value is None else check_encoding(value)
    except InputError as exc:
        raise click.BadParameter(f"unknown encoding {value!r}; {exc.advice}") from None


def _encoding_option(func: F) -> F:
    return click.option(
        "--encoding",
        default=None,
        callback=_checked_encoding,
        help="Decode inputs with this encoding instead of detecting it (e.g. cp1251).",
    )(func)


class _SizeType(click.ParamType[int]):
    name = "size"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_size(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _max_bytes_option(func: F) -> F:
    return click.option(
        "--max-bytes",
        type=_SizeType(),
        default=None,
        help="Refuse input files larger than this (default 512MiB; e.g. 2G).",
    )(func)


def _settings(**flags: Any) -> Settings:
    return Settings.load(os.environ, **flags)


def _stdout() -> TextIO:
    """Standard output as UTF-8: JSON Lines and CSV are UTF-8 whatever the locale."""
    out = sys.stdout
    if hasattr(out, "reconfigure") and (out.encoding or "").lower().replace("_", "-") != "utf-8":
        out.reconfigure(encoding="utf-8")
    return out


# -- the commands --------------------------------------------------------------------


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
@click.option("--debug", is_flag=True, help="Show the traceback of unexpected errors.")
def cli(debug: bool) -> None:
    """A self-hosted news archive: read dumps, search them, export them."""


def main() -> None:
    cli.main(prog_name=PROG)


@contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C while one document is committed and counted, so the summary printed after
    an interruption is exactly what the archive holds (the transaction is atomic anyway)."""
    previous = signal.getsignal(signal.SIGINT)
    in_main_thread = threading.current_thread() is threading.main_thread()
    if previous is not signal.default_int_handler or not in_main_thread:
        yield
        return
    received: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt
