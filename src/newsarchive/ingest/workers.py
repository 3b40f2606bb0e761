"""Run a pure function on each item in child processes, with a time limit per item.

One pathological page (a regex that backtracks, a 50 MB attribute, tags nested a million
deep) must not stall a whole ingest. ``TimedReader`` sends each item to a worker process
and waits at most ``seconds``; a worker that overruns is killed and replaced, and the item
comes back as an ``InputError``. Exceptions raised by the function come back as values:
an ``InputError`` as it was raised, anything else as an ``InputError`` naming its type.

Results keep the input order, with up to ``workers`` items in flight. Workers start from a
``forkserver`` (cheap to replace, safe next to threads); the function must be importable
(module level) so it can be sent to them. Each item is pickled once, so send only what the
function needs (a ``Document`` without ``data`` when it reads only ``text``).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar, cast

from newsarchive.errors import InputError

T = TypeVar("T")
R = TypeVar("R")

_OK, _INPUT_ERROR, _OTHER_ERROR = "ok", "input-error", "error"


@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection


@dataclass(slots=True)
class _Job:
    index: int
    label: str
    worker: _Worker
    deadline: float


class TimedReader(Generic[T, R]):
    """``map(items)``: ``function(item)`` for each item, in order, each within ``seconds``."""

    def __init__(
        self,
        function: Callable[[T], R],
        *,
        seconds: float,
        workers: int = 1,
        label: Callable[[T], str] | None = None,
        start_method: Literal["forkserver", "spawn"] = "forkserver",
    ) -> None:
        self.function = function
        self.seconds = seconds
        self.workers = max(1, workers)
        self._label = label or _default_label
        self._context = cast(
            "ForkServerContext | SpawnContext", multiprocessing.get_context(start_method)
        )
        self._idle: list[_Worker] = []
        self._all: list[_Worker] = []

    def __enter__(self) -> TimedReader[T, R]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def map(self, items: Iterable[T]) -> Iterator[R | InputError]:
        """Each item's result (or error) in input order."""
        pending = iter(enumerate(items))
        running: dict[Connection, _Job] = {}
        done: dict[int, R | InputError] = {}
        order: deque[int] = deque()
        try:
            yield from self._run(pending, running, done, order)
        finally:
            for job in running.values():  # abandoned mid-way: those workers are busy
                self._replace(job.worker)

    def _run(
        self,
        pending: Iterator[tuple[int, T]],
        running: dict[Connection, _Job],
        done: dict[int, R | InputError],
        order: deque[int],
    ) -> Iterator[R | InputError]:
        exhausted = False
        while True:
            while not exhausted and len(running) < self.workers:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                index, value = item
                order.append(index)
                self._start(index, value, running)
            while order and order[0] in done:
                yield done.pop(order.popleft())
            if not running:
                if exhausted:
                    return
                continue
            self._collect(running, done)

    def close(self) -> None:
        """Stop the workers (asked first, killed if they do not stop)."""
        for worker in self._all:
            with contextlib.suppress(OSError):
                worker.conn.send(None)
        for worker in self._all:
            worker.process.join(timeout=1)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._all.clear()
        self._idle.clear()

    def _start(self, index: int, value: T, running: dict[Connection, _Job]) -> None:
        worker = self._idle.pop() if self._idle else self._spawn()
        worker.conn.send(value)
        deadline = _now() + self.seconds
        running[worker.conn] = _Job(index, self._label(value), worker, deadline)

    def _collect(self, running: dict[Connection, _Job], done: dict[int, R | InputError]) -> None:
        """Wait for the first result or the first deadline, whichever comes first."""
        timeout = max(0.0, min(job.deadline for job in running.values()) - _now())
        for ready in wait(list(running), timeout=timeout):
            job = running.pop(cast(Connection, ready))
            done[job.index] = self._receive(job)
        now = _now()
        for conn, job in list(running.items()):
            if job.deadline <= now:
                del running[conn]
                self._replace(job.worker)
                done[job.index] = InputError(
                    job.label,
                    f"took longer than {self.seconds:g} s to read; skipped",
                    "the rest of the input was read; report the page if it should be readable",
                )

    def _receive(self, job: _Job) -> R | InputError:
        try:
            kind, payload = job.worker.conn.recv()
        except (EOFError, OSError):
            job.worker.process.join(timeout=1)  # it is exiting: learn how
            code = job.worker.process.exitcode
            self._replace(job.worker)
            return InputError(
                job.label, f"crashed the reader (exit code {code})", "report the page"
            )
        self._idle.append(job.worker)
        if kind == _OK:
            result: R = payload
            return result
        if kind == _INPUT_ERROR:
            return _rebuild_input_error(*payload)
        return InputError(job.label, f"could not be read ({payload})", "report the page")

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(child, self.function), daemon=True)
        process.start()
        child.close()
        worker = _Worker(process, parent)
        self._all.append(worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._all.remove(worker)


def _serve(conn: Connection, function: Callable[[Any], Any]) -> None:
    """A worker's loop: read an item, answer ``(kind, payload)``; ``None`` stops it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    while True:
        try:
            item = conn.recv()
        except EOFError:
            return
        if item is None:
            return
        try:
            answer: tuple[str, Any] = (_OK, function(item))
        except InputError as exc:
            answer = (_INPUT_ERROR, (type(exc), exc.source, exc.problem, exc.advice, vars(exc)))
        except Exception as exc:
            answer = (_OTHER_ERROR, f"{type(exc).__name__}: {exc}"[:500])
        try:
            conn.send(answer)
        except Exception as exc:  # a result that cannot be pickled
            conn.send((_OTHER_ERROR, f"{type(exc).__name__}: {exc}"[:500]))


def _rebuild_input_error(
    kind: type[InputError], source: str, problem: str, advice: str, attributes: dict[str, Any]
) -> InputError:
    """An ``InputError`` (or subclass) as raised in the worker; exceptions with their own
    constructor arguments do not survive pickling, so it is rebuilt from its fields."""
    error = kind.__new__(kind)
    Exception.__init__(error, f"{source}: {problem}; {advice}")
    vars(error).update(attributes)
    return error


def _default_label(item: object) -> str:
    for name in ("url", "path"):
        value = getattr(item, name, None)
        if value:
            return str(value)
    return "an item"


def _now() -> float:
    return time.monotonic()
