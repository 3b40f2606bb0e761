"""The read side: an app factory serving the archive as HTML pages, Atom feeds and JSON."""

from __future__ import annotations

from newsarchive.web.app import create_app

__all__ = ["create_app"]
