"""Central's storage chosen by its location: a PostgreSQL URL or a SQLite file."""

from __future__ import annotations

from pathlib import Path

from central.storage.postgres import PostgresStorage
from central.storage.sqlite import SqliteStorage


def open_storage(location: str) -> SqliteStorage:
    """PostgresStorage for a ``postgresql://`` (or ``postgres://``) URL, otherwise
    SqliteStorage on the file ``location``."""
    if location.startswith(("postgresql://", "postgres://")):
        return PostgresStorage(location)
    return SqliteStorage(Path(location))
