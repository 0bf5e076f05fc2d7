"""Benchmark: central ingesting pushed sales with their ledger entries on SQLite.

Run from the repository root: ``.venv/bin/python bench/bench_sync_ingest.py``.
Each round applies --batches pushes of --events sale events (one ledger entry each,
as a sale with a loyalty card makes) through ``SqliteStorage.apply_events``: the same
transaction, savepoints, dedup checks and feed numbering a real push gets, without
gRPC. A second figure goes through gRPC on 127.0.0.1 (one till, sequential pushes), a
third through gRPC from --tills tills pushing at once (their pushes commit in groups).
The sales are spread over --customers customers, and central already holds --stored
sales of theirs (made once, copied for every round): what a sale writes keyed by
customer lands at random places in indexes as large as a chain's, as it does on site.
``--customers 3 --stored 0`` is the setting of the figures before 2026-11-26.
Prints median and spread (min-max) of ledger entries per second over --rounds.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.demo import enrol, load_demo_catalog
from central.storage.base import TillIdentity
from central.storage.sqlite import SqliteStorage
from edge.sync.client import SyncClient
from kassa.domain.ids import new_id
from kassa.replication.content import seal
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess

DEMO_CUSTOMERS = ["c-shevchenko", "c-kovalenko", "c-ivanova"]


def customer_ids(count: int) -> list[str]:
    """The demo's three customers, then bench-0, bench-1, ... up to ``count``."""
    return (DEMO_CUSTOMERS + [f"bench-{n}" for n in range(count - 3)])[:count]


def sale_event(n: int, till_id: str = "T1", customers: list[str] = DEMO_CUSTOMERS
               ) -> sync_pb2.Event:
    event = sync_pb2.Event(id=new_id(), store_id="kyiv-1", till_id=till_id)
    now = datetime.now(UTC)
    event.created_at.FromDatetime(now)
    event.hlc.wall_ms = int(now.timestamp() * 1000)
    sale = event.sale_closed
    sale.receipt_id, sale.number, sale.total = new_id(), f"{till_id}-{n:08d}", 25150
    sale.customer_id = customers[n * 7919 % len(customers)]  # a prime: spread evenly
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


def queued(event: sync_pb2.Event) -> bytes:
    """``event`` as a till's outbox holds it: sealed, serialized (edge outbox.add_in)."""
    seal(event)
    return event.SerializeToString(deterministic=True)


def template(folder: Path, customers: list[str], stored: int, events: int) -> Path:
    """A central database with the demo catalog, ``customers`` and ``stored`` sales of
    theirs pushed by till T0; each round starts from a copy of it."""
    path = folder / "template.db"
    storage = SqliteStorage(path)
    try:
        load_demo_catalog(storage)
        load_carded_customers(storage, [c for c in customers if c not in DEMO_CUSTOMERS])
        till = TillIdentity("T0", "kyiv-1")
        for start in range(0, stored, events):
            push = [sale_event(-1 - n, "T0", customers)
                    for n in range(start, min(start + events, stored))]
            assert not storage.apply_events(till, push).rejected
    finally:
        storage.close()
    return path


def load_carded_customers(storage: SqliteStorage, ids: list[str]) -> None:
    from central.storage.catalog import parse_customers_file

    storage.load_customers(parse_customers_file(json.dumps([
        {"id": customer_id, "first_name": "Bench", "phone": f"+38050{n:07d}"}
        for n, customer_id in enumerate(ids)]), "UA"))


def copy_of(template_path: Path) -> Path:
    path = template_path.with_name(f"{new_id()}.db")
    shutil.copyfile(template_path, path)
    os.sync()  # the copy's writes are not the round's
    return path


def storage_round(template_path: Path, customers: list[str], batches: int, events: int
                  ) -> float:
    storage = SqliteStorage(copy_of(template_path))
    try:
        till = TillIdentity("T1", "kyiv-1")
        pushes = [[sale_event(b * events + i, "T1", customers) for i in range(events)]
                  for b in range(batches)]
        start = time.perf_counter()
        for push in pushes:
            outcome = storage.apply_events(till, push)
            assert not outcome.rejected, outcome.rejected[:1]
        return batches * events / (time.perf_counter() - start)
    finally:
        storage.close()


def grpc_round(template_path: Path, customers: list[str], batches: int, events: int,
               tills: int = 1) -> float:
    """Entries per second pushed over gRPC by ``tills`` tills at once, each sending its
    share of the ``batches`` pushes one after another."""
    db_path = copy_of(template_path)
    storage = SqliteStorage(db_path)
    names = [f"T{i + 1}" for i in range(tills)]
    try:
        tokens = [enrol(storage, name, "kyiv-1") for name in names]
    finally:
        storage.close()
    central = CentralProcess(db_path)
    central.start()
    clients = [SyncClient(central.address, token, till_id=name, store_id="kyiv-1")
               for name, token in zip(names, tokens, strict=True)]
    try:
        pushes = [
            [[queued(sale_event(b * events + i, name, customers)) for i in range(events)]
             for b in range(batches // tills)]
            for name in names
        ]

        def send(client: SyncClient, mine: list[list[bytes]]) -> None:
            for push in mine:
                reply = client.push(push)
                assert len(reply.acknowledged_ids) == events

        threads = [threading.Thread(target=send, args=pair)
                   for pair in zip(clients, pushes, strict=True)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return tills * (batches // tills) * events / (time.perf_counter() - start)
    finally:
        for client in clients:
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
    parser.add_argument("--tills", type=int, default=4, help="tills for the third figure")
    parser.add_argument("--customers", type=int, default=1000,
                        help="customers the sales are spread over (at least 3)")
    parser.add_argument("--stored", type=int, default=100_000,
                        help="sales central holds before a round")
    args = parser.parse_args()
    customers = customer_ids(max(args.customers, 3))
    print(f"{os.cpu_count()} CPUs; {args.batches} pushes x {args.events} sales per round, "
          f"{len(customers):,} customers, {args.stored:,} sales stored before")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = template(Path(folder), customers, args.stored, args.events)
        print(f"stored sales made in {time.perf_counter() - started:.0f} s", flush=True)
        report(
            "storage (apply_events)",
            [storage_round(path, customers, args.batches, args.events)
             for _ in range(args.rounds)],
        )
        report(
            "gRPC push on 127.0.0.1",
            [grpc_round(path, customers, args.batches, args.events)
             for _ in range(args.rounds)],
        )
        report(
            f"gRPC push on 127.0.0.1, {args.tills} tills at once",
            [grpc_round(path, customers, args.batches, args.events, args.tills)
             for _ in range(args.rounds)],
        )


if __name__ == "__main__":
    main()
