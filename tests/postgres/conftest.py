"""A PostgreSQL server for the session (started on 127.0.0.1 by the tests themselves) and
a fresh database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from central.demo import load_demo_catalog
from central.storage.postgres import PostgresStorage
from tests.postgres.server import MISSING, PostgresServer, find_binaries


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    binaries = find_binaries()
    if binaries is None:
        pytest.fail(MISSING, pytrace=False)
    server = PostgresServer(binaries)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> str:
    """The URL of a new, empty database."""
    return pg_server.create_database()


@pytest.fixture
def storage(pg_url: str) -> Iterator[PostgresStorage]:
    """PostgresStorage on a fresh database holding the demo chain."""
    opened = PostgresStorage(pg_url)
    load_demo_catalog(opened)
    try:
        yield opened
    finally:
        opened.close()
