"""Shared fixtures: a real central process and till databases on real SQLite files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from tests.central_process import CentralProcess, prepare_chain


@dataclass
class Chain:
    central: CentralProcess
    tokens: dict[str, str]


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    db_path = tmp_path / "central.db"
    tokens = prepare_chain(db_path)
    central = CentralProcess(db_path)
    central.start()
    try:
        yield Chain(central, tokens)
    finally:
        central.stop()


@dataclass
class Till:
    service: TillService
    client: SyncClient

    @property
    def database(self) -> Database:
        return self.service.database


@pytest.fixture
def make_till(tmp_path: Path, chain: Chain) -> Iterator[object]:
    made: list[Till] = []

    def make(till_id: str, store_id: str) -> Till:
        database = Database(tmp_path / f"{till_id}.db")
        client = SyncClient(
            chain.central.address, chain.tokens[till_id], till_id=till_id, store_id=store_id,
            timeout_s=5,
        )
        till = Till(TillService(database, till_id=till_id, store_id=store_id), client)
        made.append(till)
        return till

    yield make
    for till in made:
        till.client.close()
        till.database.close()
