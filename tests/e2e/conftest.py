"""Fixtures of the end-to-end tests: the test news site, served for one test."""

from tests.site_server import site

__all__ = ["site"]
