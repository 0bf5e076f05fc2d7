"""Benchmark: one till catching up with N sales another till pushed (a converge's unit).

Run from the repository root: ``.venv/bin/python bench/bench_feed_catchup.py``
(defaults: 20,000 sales over 1,000 carded customers, 3 rounds). A central process on
127.0.0.1 holds the sales (each a ledger entry and a purchase, fed as one receipt_row
change; one receipt_facts change before feed format 4, two before format 2); --tills
tills (default 1) that synced before them catch up one after another with
``sync_once``, as in a converge where every till reads the same changes. Prints, per
round and as median and spread, the wall time of all the catch-ups and the CPU each side
spent a sale: central's from /proc (per sale served), the tills' from getrusage.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bench_sync_converge import load_carded_customers, own_cpu, process_cpu
from bench.bench_sync_ingest import sale_event
from central.demo import enrol, load_demo_catalog
from central.storage.base import TillIdentity
from central.storage.sqlite import SqliteStorage
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess

PUSH = 500


def carded_sale(n: int, customers: int) -> sync_pb2.Event:
    """Sale ``n`` of till T1, to one of the carded customers."""
    event = sale_event(n)
    customer = f"bench-{(n * 7919) % customers}"
    event.sale_closed.customer_id = customer
    for entry in event.sale_closed.ledger_entries:
        entry.customer_id = customer
    return event


def one_round(sales: int, customers: int, tills: int) -> tuple[float, float, float]:
    """Wall seconds, central's and the tills' CPU microseconds a sale served."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        storage = SqliteStorage(folder / "central.db")
        try:
            load_demo_catalog(storage)
            load_carded_customers(storage, customers)
            tokens = {f"T{n}": enrol(storage, f"T{n}", "kyiv-1") for n in range(2, 2 + tills)}
        finally:
            storage.close()
        central = CentralProcess(folder / "central.db")
        central.start()
        assert central.process is not None
        databases = {till: Database(folder / f"{till}.db") for till in tokens}
        clients = {till: SyncClient(central.address, token, till_id=till, store_id="kyiv-1",
                                    timeout_s=60, stream_timeout_s=600)
                   for till, token in tokens.items()}
        try:
            for till in tokens:
                sync_once(databases[till], clients[till])
            storage = SqliteStorage(folder / "central.db")
            try:
                for start in range(0, sales, PUSH):
                    push = [carded_sale(n, customers)
                            for n in range(start, min(start + PUSH, sales))]
                    assert not storage.apply_events(TillIdentity("T1", "kyiv-1"), push).rejected
            finally:
                storage.close()
            central_before, till_before = process_cpu(central.process.pid), own_cpu()
            started = time.perf_counter()
            for till in tokens:
                sync_once(databases[till], clients[till])
            wall = time.perf_counter() - started
            served = sales * tills
            return (wall, (process_cpu(central.process.pid) - central_before) / served * 1e6,
                    (own_cpu() - till_before) / served * 1e6)
        finally:
            for till in tokens:
                clients[till].close()
                databases[till].close()
            central.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sales", type=int, default=20_000)
    parser.add_argument("--customers", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tills", type=int, default=1)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.sales} sales over {args.customers} customers, "
          f"{args.tills} till(s) catching up")
    results = []
    for _ in range(args.rounds):
        results.append(one_round(args.sales, args.customers, args.tills))
        wall, central, till = results[-1]
        print(f"catch-up {wall:.2f} s; central {central:.1f} us/sale, till {till:.1f} us/sale",
              flush=True)
    for index, name in enumerate(("catch-up s", "central CPU us/sale", "till CPU us/sale")):
        values = [r[index] for r in results]
        print(f"{name}: median {statistics.median(values):.2f} "
              f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} rounds)")


if __name__ == "__main__":
    main()
