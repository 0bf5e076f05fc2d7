"""Benchmark: central ingesting pushed sales with their ledger entries on SQLite.

Run from the repository root: ``.venv/bin/python bench/bench_sync_ingest.py``.
Each round applies --batches pushes of --events sale events (one ledger entry each,
as a sale with a loyalty card makes) through ``SqliteStorage.apply_events``: the same
transaction, savepoints, dedup checks and feed numbering a real push gets, without
gRPC. A second figure goes through gRPC on 127.0.0.1 (one till, sequential pushes).
Prints median and spread (min-max) of ledger entries per second over --rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.demo import enrol, load_demo_catalog
from central.storage.base import TillIdentity
from central.storage.sqlite import SqliteStorage
from edge.sync.client import SyncClient
from kassa.domain.ids import new_id
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess

CUSTOMERS = ["c-shevchenko", "c-kovalenko", "c-ivanova"]


def sale_event(n: int) -> sync_pb2.Event:
    event = sync_pb2.Event(id=new_id(), store_id="kyiv-1", till_id="T1")
    now = datetime.now(UTC)
    event.created_at.FromDatetime(now)
    event.hlc.wall_ms = int(now.timestamp() * 1000)
    sale = event.sale_closed
    sale.receipt_id, sale.number, sale.total = new_id(), f"T1-{n:08d}", 25150
    sale.customer_id = CUSTOMERS[n % 3]
    sale.closed_at.FromDatetime(now)
    sale.lines.add(
        line_no=1,
        product_id="p-bread",
        barcode="4820000000017",
        name="Хліб",
        quantity_milli=1000,
        unit_price=3250,
        total=3250,
    )
    sale.lines.add(
        line_no=2,
        product_id="p-coffee",
        barcode="4820000000062",
        name="Кава",
        quantity_milli=1000,
        unit_price=21900,
        total=21900,
    )
    sale.payments.add(method=sync_pb2.Payment.CASH, amount=25150, tendered=30000)
    sale.ledger_entries.add(
        id=new_id(),
        customer_id=sale.customer_id,
        points=1257,
        receipt_id=sale.receipt_id,
        store_id="kyiv-1",
        reason="earn",
    )
    return event


def storage_round(folder: Path, batches: int, events: int) -> float:
    storage = SqliteStorage(folder / f"{new_id()}.db")
    try:
        load_demo_catalog(storage)
        till = TillIdentity("T1", "kyiv-1")
        pushes = [[sale_event(b * events + i) for i in range(events)] for b in range(batches)]
        start = time.perf_counter()
        for push in pushes:
            outcome = storage.apply_events(till, push)
            assert not outcome.rejected, outcome.rejected[:1]
        return batches * events / (time.perf_counter() - start)
    finally:
        storage.close()


def grpc_round(folder: Path, batches: int, events: int) -> float:
    db_path = folder / f"{new_id()}.db"
    storage = SqliteStorage(db_path)
    try:
        load_demo_catalog(storage)
        token = enrol(storage, "T1", "kyiv-1")
    finally:
        storage.close()
    central = CentralProcess(db_path)
    central.start()
    client = SyncClient(central.address, token, till_id="T1", store_id="kyiv-1")
    try:
        pushes = [
            [sale_event(b * events + i).SerializeToString() for i in range(events)]
            for b in range(batches)
        ]
        start = time.perf_counter()
        for push in pushes:
            reply = client.push(push)
            assert len(reply.acknowledged_ids) == events
        return batches * events / (time.perf_counter() - start)
    finally:
        client.close()
        central.stop()


def report(name: str, rates: list[float]) -> None:
    print(
        f"{name}: median {statistics.median(rates):,.0f} ledger entries/s "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}, {len(rates)} rounds)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--events", type=int, default=500, help="events per push")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.batches} pushes x {args.events} sales per round")
    with tempfile.TemporaryDirectory() as folder:
        report(
            "storage (apply_events)",
            [storage_round(Path(folder), args.batches, args.events) for _ in range(args.rounds)],
        )
        report(
            "gRPC push on 127.0.0.1",
            [grpc_round(Path(folder), args.batches, args.events) for _ in range(args.rounds)],
        )


if __name__ == "__main__":
    main()
