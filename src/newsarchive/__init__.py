"""newsarchive: a self-hosted news archive."""

__version__ = "0.1.0"
