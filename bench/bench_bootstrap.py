"""Benchmark: a new till bootstraps a large chain from central's paged snapshot.

Run from the repository root: ``.venv/bin/python bench/bench_bootstrap.py``
(defaults: 1,000,000 customers with a card and a ledger entry each, 100,000 products,
1 bootstrap; ``--customers 100000 --repeat 3`` for a quick run with a spread). The
issue's target: 1,000,000 customers in <= 60 s.

Central's database is the demo chain plus bulk SQL rows in the tables the snapshot
reads (central/storage/snapshot.py: products with their payload, customers, cards,
ledger entries made at distinct moments), and the running ledger checksum in
``feed_state`` set to those rows; the bulk rows are not in the feed, which a bootstrap
does not read. A real central process serves it on 127.0.0.1; each bootstrap goes into
a fresh till database in this process through the real client (edge.sync.client) by the runner's own
``edge.sync.runner.bootstrap`` (which asks for the next page while it applies one), with
the time spent in Snapshot calls summed. Then, on the last till: a full sync round (its
running ledger checksum must equal central's), the cost of that checksum kept running
versus recomputed from every row, and the customer look-up by card (the service call a
scan makes). Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.demo import enrol, load_demo_catalog
from central.storage.sqlite import SqliteStorage
from edge.services.till import CardScan, TillService
from edge.storage import changes
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import bootstrap, sync_once
from kassa.domain.codes import ean13_check_digit
from kassa.replication.checksum import ledger_sum
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess

CHUNK = 50_000
CREATED = datetime(2026, 11, 1, 10, tzinfo=UTC)


def created(i: int) -> str:
    """When entry ``i`` was made: a distinct moment each, as in a real chain."""
    return (CREATED + timedelta(seconds=7 * i, microseconds=i % 1000)).isoformat()


def ean(prefix: str, n: int) -> str:
    body = f"{prefix}{n:0{12 - len(prefix)}d}"
    return body + str(ean13_check_digit(body))


def card(i: int) -> str:
    return ean("20", 1_000_000 + i)  # clear of the demo's cards 20...01x


def _chunks(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    chunk: list[tuple[object, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def build(path: Path, customers: int, products: int) -> str:
    """Central's database: the demo chain, then the bulk rows. Returns till T1's token."""
    storage = SqliteStorage(path)
    try:
        load_demo_catalog(storage)
        token = enrol(storage, "T1", "kyiv-1")
    finally:
        storage.close()
    conn = sqlite3.connect(str(path))
    with conn:
        for chunk in _chunks((f"b{i:06d}", f"Товар {i}", "", 100 + i % 50_000,
                              sync_pb2.Product(id=f"b{i:06d}", name=f"Товар {i}",
                                               barcodes=[ean("483", i)], price=100 + i % 50_000,
                                               active=True).SerializeToString())
                             for i in range(products)):
            conn.executemany("INSERT INTO products (id, name, category, price, payload)"
                             " VALUES (?, ?, ?, ?, ?)", chunk)
        for chunk in _chunks((f"k{i:07d}", f"Прізвище{i}", "Ім'я", "", f"+38067{i:07d}", "")
                             for i in range(customers)):
            conn.executemany("INSERT INTO customers (id, surname, first_name, patronymic,"
                             " phone, email) VALUES (?, ?, ?, ?, ?, ?)", chunk)
        for chunk in _chunks((card(i), f"k{i:07d}", 0) for i in range(customers)):
            conn.executemany("INSERT INTO cards (barcode, customer_id, blocked)"
                             " VALUES (?, ?, ?)", chunk)
        for chunk in _chunks((f"e{i:07d}", f"k{i:07d}", 10 + i % 990, f"r{i:07d}", "kyiv-1",
                              at, "earn", f"e{i:07d}", at, at, None)
                             for i in range(customers) for at in (created(i),)):
            conn.executemany("INSERT INTO ledger_entries (id, customer_id, points, receipt_id,"
                             " store_id, created_at, reason, lot_id, lot_earned_at,"
                             " lot_available_at, lot_expires_at)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", chunk)
        held = ledger_sum(conn.execute("SELECT id, customer_id, points FROM ledger_entries"))
        conn.execute("UPDATE feed_state SET entries = ?, points = ?, digest_sum = ?",
                     (held.entries, held.points, held.digest_sum))
    conn.close()
    return token


class TimedClient(SyncClient):
    """The real client, counting Snapshot pages and entities and the seconds spent in the
    calls (central reading a page, and the transfer)."""

    pages = entities = 0
    seconds = 0.0

    def snapshot(self, after: str, limit: int) -> sync_pb2.SnapshotPage:
        t = time.perf_counter()
        page = super().snapshot(after, limit)
        self.seconds += time.perf_counter() - t
        self.pages += 1
        self.entities += len(page.changes)
        return page


def spread(name: str, values: list[float], unit: str, digits: int = 1) -> None:
    print(f"{name:<38} median {statistics.median(values):,.{digits}f} {unit}"
          f"  (min {min(values):,.{digits}f}, max {max(values):,.{digits}f}, n={len(values)})",
          flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="bootstraps into fresh tills")
    parser.add_argument("--lookups", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        token = build(folder / "central.db", args.customers, args.products)
        print(f"central database: {args.customers:,} customers, cards and ledger entries, "
              f"{args.products:,} products in {time.perf_counter() - t:.1f} s", flush=True)
        central = CentralProcess(folder / "central.db")
        central.start()
        client = TimedClient(central.address, token, till_id="T1", store_id="kyiv-1",
                            timeout_s=60, stream_timeout_s=600)
        totals, rates, page_rates, shares = [], [], [], []
        try:
            for n in range(args.repeat):
                database = Database(folder / f"till-{n}.db")
                client.pages = client.entities = 0
                client.seconds = 0.0
                t = time.perf_counter()
                bootstrap(database, client, None)
                elapsed = time.perf_counter() - t
                totals.append(elapsed)
                rates.append(client.entities / elapsed)
                page_rates.append(client.pages / elapsed)
                shares.append(100 * client.seconds / elapsed)
                print(f"bootstrap {n + 1}: {client.entities:,} entities in {client.pages:,} "
                      f"pages, {elapsed:.1f} s ({client.seconds:.1f} s in Snapshot calls, "
                      f"overlapping the till's work)", flush=True)
                if n < args.repeat - 1:
                    database.close()
            spread("bootstrap, total", totals, "s")
            spread("entities/s", rates, "", 0)
            spread("pages/s", page_rates, "", 1)
            spread("share in Snapshot calls", shares, "%", 0)
            t = time.perf_counter()
            sync_once(database, client)  # raises ChecksumMismatch if the ledgers differ
            print(f"first sync round after it (checksum equal to central's): "
                  f"{time.perf_counter() - t:.2f} s")
            t = time.perf_counter()
            held = changes.ledger_checksum(database)
            kept = time.perf_counter() - t
            t = time.perf_counter()
            assert changes.recompute_ledger_checksum(database) == held
            print(f"ledger checksum of {held.entries:,} entries: kept running "
                  f"{kept * 1000:.2f} ms, recomputed from every row "
                  f"{(time.perf_counter() - t) * 1000:,.0f} ms")
            service = TillService(database, till_id="T1", store_id="kyiv-1")
            samples = []
            for _ in range(args.lookups):
                i = random.randrange(args.customers)
                t = time.perf_counter()
                found = service.scan(card(i))
                samples.append((time.perf_counter() - t) * 1000)
                assert isinstance(found, CardScan) and found.customer.id == f"k{i:07d}"
            samples.sort()
            print(f"customer by card after it (service call): median "
                  f"{statistics.median(samples):.3f} ms, p99 "
                  f"{samples[int(0.99 * (len(samples) - 1))]:.3f} ms, max {samples[-1]:.3f} ms")
            database.close()
        finally:
            client.close()
            central.stop()


if __name__ == "__main__":
    main()
