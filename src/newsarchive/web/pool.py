"""Read-only stores, one per request at a time.

A SQLite connection is not safe to use from two threads at once, but FastAPI runs
handlers on a thread pool: each request borrows a store of its own and gives it back.
Stores are opened on demand, so there are never more than requests running at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from newsarchive.store import Location, Store, open_store


class StorePool:
    def __init__(self, location: Location) -> None:
        self.location = location
        self._idle: queue.LifoQueue[Store] = queue.LifoQueue()
        self._opened: list[Store] = []
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self) -> Iterator[Store]:
        try:
            store = self._idle.get_nowait()
        except queue.Empty:
            store = self._open()
        try:
            yield store
        finally:
            with self._lock:
                current = any(store is s for s in self._opened)
            if current:
                self._idle.put(store)
            else:  # the pool was closed meanwhile
                store.close()

    def _open(self) -> Store:
        store = open_store(self.location, readonly=True)
        with self._lock:
            self._opened.append(store)
        return store

    def close(self) -> None:
        """Close every idle store; one in use is closed when it comes back. The pool can
        still be used afterwards (it opens new stores)."""
        with self._lock:
            self._opened = []
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
