"""Central storage on PostgreSQL (large chains: several central processes, one database).

The storage modules speak to a ``sqlite3.Connection`` with ``?`` placeholders; ``Connection``
offers them the part of that interface they use on top of psycopg 3, so the same SQL and
the same SqliteStorage logic run here. PostgresStorage differs only in connecting,
transactions, migrations and central's clock. Feed numbers follow commit order across
processes because every transaction that appends changes updates the single
``feed_state`` row last, and PostgreSQL holds that row lock until commit (docs/sync.md);
transactions therefore run at READ COMMITTED, where the waiting UPDATE reads the new head.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, cast

import psycopg
import sqlite_utils
from psycopg.types.numeric import IntLoader

from central.storage import feed
from central.storage.events import fill_receipt_bodies
from central.storage.schema import (
    MIGRATIONS,
    POSTGRES_FORMS,
    RECOUNT_CHECKSUM,
    SQLITE_ONLY,
    statements,
)
from central.storage.sqlite import SqliteStorage
from kassa import collector
from kassa.replication.hlc import Stamp

# Key of the advisory lock that lets one process at a time migrate the schema.
MIGRATION_LOCK = 0x6B61737361  # "kassa"

# SQLite spellings in schema.py and their PostgreSQL form (change ids always come from
# the feed, so ``seq`` needs no default).
PG_TYPES = [
    ("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT PRIMARY KEY"),
    ("BLOB", "BYTEA"),
]


@lru_cache(maxsize=512)
def _placeholders(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s`` (the modules' SQL has neither in literals)."""
    return sql.replace("%", "%%").replace("?", "%s")


def pg_schema(script: str) -> str:
    """A migration script of schema.py in PostgreSQL's spelling."""
    for sqlite_form, pg_form in PG_TYPES:
        script = re.sub(rf"\b{sqlite_form}\b", pg_form, script)
    return script


def _connect(url: str) -> psycopg.Connection[Any]:
    pg = psycopg.connect(url, autocommit=True)
    pg.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
    # SUM() of BIGINT is NUMERIC in PostgreSQL; the schema has no other NUMERIC.
    pg.adapters.register_loader("numeric", IntLoader)
    return pg


class Connection:
    """The subset of sqlite3.Connection the storage modules use, on a psycopg connection.

    A constraint violation raises sqlite3.IntegrityError and a value PostgreSQL cannot
    hold (a NUL character in text) sqlite3.DataError, as the modules and the push path
    expect; cursors are psycopg's (fetchone, fetchall, rowcount, iteration). A
    connection the server dropped fails the call that finds it broken; the next call
    outside a transaction connects again.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.pg = _connect(url)
        self.writing = False

    def _live(self) -> psycopg.Connection[Any]:
        if self.pg.broken and not self.writing:
            self.pg = _connect(self.url)
        return self.pg

    @contextmanager
    def transaction(self) -> Iterator[psycopg.Connection[Any]]:
        """A transaction: committed at the end, rolled back on an exception."""
        pg = self._live()
        self.writing = True
        try:
            with pg.transaction():
                yield pg
        finally:
            self.writing = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        try:
            return self._live().execute(_placeholders(sql), params)
        except psycopg.IntegrityError as exc:
            raise sqlite3.IntegrityError(str(exc)) from exc
        except psycopg.DataError as exc:
            raise sqlite3.DataError(str(exc)) from exc

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        try:
            self._live().cursor().executemany(_placeholders(sql), rows)
        except psycopg.IntegrityError as exc:
            raise sqlite3.IntegrityError(str(exc)) from exc
        except psycopg.DataError as exc:
            raise sqlite3.DataError(str(exc)) from exc

    def close(self) -> None:
        self.pg.close()


class PostgresStorage(SqliteStorage):
    """CentralStorage and the HQ writes on a PostgreSQL database given by its URL."""

    def __init__(self, url: str) -> None:
        self._conn = Connection(url)
        # sqlite_utils only holds the connection here (``db.conn``, ``db.close``).
        self.db = sqlite_utils.Database(
            cast(sqlite3.Connection, self._conn), recursive_triggers=False,
            execute_plugins=False,
        )
        self._migrate()
        self._clock = self.feed_position().clock
        self._wire = feed.WireCache()

    def _migrate(self) -> None:
        """Apply schema.py's migrations not applied yet, all in one transaction; the
        advisory lock makes processes that start together take turns."""
        with self._conn.transaction() as pg:
            pg.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            pg.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = pg.execute("SELECT MAX(version) FROM schema_version").fetchone()
            current = 0 if row is None or row[0] is None else int(row[0])
            for version, script in MIGRATIONS:
                if version > current:
                    ddl = "" if version in SQLITE_ONLY else pg_schema(script)
                    for statement in statements(POSTGRES_FORMS.get(version, ddl)):
                        pg.execute(statement)
                    if version == 5:
                        fill_receipt_bodies(self.db.conn)
                    if version in RECOUNT_CHECKSUM:
                        self.recount_checksum(self.db.conn)
                    pg.execute("DELETE FROM schema_version")
                    pg.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with collector.paused(), self._conn.transaction():
            yield self.db.conn

    def _tick(self) -> Stamp:
        """Central's clock after the latest any process committed, then one tick on."""
        self._clock = max(self._clock, self.feed_position().clock)
        return super()._tick()
