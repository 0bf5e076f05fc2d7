"""A real `central serve --db postgresql://...` process and two tills syncing through it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from central.demo import enrol, load_demo_catalog
from central.storage.postgres import PostgresStorage
from edge.services.till import TillService
from edge.storage import customers, outbox
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from tests.central_process import SECOND_STORE, CentralProcess
from tests.conftest import Till
from tests.sync.helpers import BREAD, CARD, COFFEE, CUSTOMER, sell


@dataclass
class PostgresCentral(CentralProcess):
    """CentralProcess serving from the database at ``url`` (its log in ``db_path``'s folder)."""

    url: str = ""

    def start(self) -> None:
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "central.cli", "serve", "--db", self.url,
                 "--listen", f"127.0.0.1:{self.port}"],
                stdout=subprocess.PIPE, stderr=log, text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.startswith("central listening on port "):
            self.process.kill()
            raise RuntimeError(f"central did not start: {line!r}, log: {self.log_path.read_text()}")
        self.port = int(line.rsplit(" ", 1)[1])


@pytest.fixture
def central(pg_url: str, tmp_path: Path) -> Iterator[tuple[PostgresCentral, dict[str, str]]]:
    storage = PostgresStorage(pg_url)
    try:
        load_demo_catalog(storage)
        storage.put_store(SECOND_STORE)
        tokens = {"A1": enrol(storage, "A1", "kyiv-1"), "B1": enrol(storage, "B1", "lviv-1")}
    finally:
        storage.close()
    process = PostgresCentral(tmp_path / "central", url=pg_url)
    process.start()
    try:
        yield process, tokens
    finally:
        process.stop()


def test_a_sale_synced_through_central_on_postgres_reaches_the_other_store(
    central: tuple[PostgresCentral, dict[str, str]], pg_url: str, tmp_path: Path
) -> None:
    process, tokens = central
    tills = []
    for till_id, store_id in (("A1", "kyiv-1"), ("B1", "lviv-1")):
        client = SyncClient(process.address, tokens[till_id], till_id=till_id,
                            store_id=store_id, timeout_s=5)
        database = Database(tmp_path / f"{till_id}.db")
        tills.append(Till(TillService(database, till_id=till_id, store_id=store_id), client))
    try:
        till_a, till_b = tills
        for till in tills:
            sync_once(till.database, till.client)  # bootstrap from central's snapshot
        sale = sell(till_a, [BREAD, COFFEE], CARD, tendered=30000)
        assert sale.points_earned == 1257
        sync_once(till_a.database, till_a.client)
        assert outbox.pending_count(till_a.database) == 0
        sync_once(till_b.database, till_b.client)  # raises if the ledger checksums differ
        assert customers.balance(till_b.database, CUSTOMER) == 1257
    finally:
        for till in tills:
            till.client.close()
            till.database.close()
    storage = PostgresStorage(pg_url)
    try:
        assert storage.balance(CUSTOMER) == 1257
        assert storage.receipt_count() == 1
    finally:
        storage.close()
    stores = subprocess.run([sys.executable, "-m", "central.cli", "stores", "--db", pg_url],
                            capture_output=True, text=True, check=True).stdout
    assert [line.split()[:2] for line in stores.splitlines()[1:]] == [
        ["kyiv-1", "A1"], ["lviv-1", "B1"]]
