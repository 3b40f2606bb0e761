"""One exception tree. Every message names the input, what was wrong, and what to do next."""

from __future__ import annotations


class NewsarchiveError(Exception):
    """Base of every error newsarchive raises on purpose; the CLI prints it as one line."""

    exit_code = 1


class InputError(NewsarchiveError):
    """An input file or URL could not be read as news (missing, empty, binary, too large...)."""

    def __init__(self, source: str, problem: str, advice: str) -> None:
        self.source = source
        self.problem = problem
        self.advice = advice
        super().__init__(f"{source}: {problem}; {advice}")


class NoArticlesError(InputError):
    """The input decoded fine but holds nothing that looks like an article."""


class StoreError(NewsarchiveError):
    """The archive database cannot be opened, migrated or written."""


class ExportError(NewsarchiveError):
    """An export that cannot be written where it was asked to go."""


class QueryError(NewsarchiveError):
    """A search query the full-text engine cannot run (unbalanced quotes, a lone AND...)."""

    exit_code = 2


class NotFoundError(NewsarchiveError):
    """An article id that is not in the archive."""
