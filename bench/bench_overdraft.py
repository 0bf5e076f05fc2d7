"""Benchmark: how soon central lists an overdraft after the second till reconnects.

Run from the repository root: ``.venv/bin/python bench/bench_overdraft.py``.
Each round: a customer earns 1,000 points and two tills of a real central process learn
it; both let the customer spend 800 offline (the spend waits in each till's outbox); the
first till syncs. The second till runs its real sync loop (``SyncLoop``, interval 5 s, the
config default) through a loopback proxy that cuts every call for --offline-s, so the
loop and gRPC back off as they would without a network. Then the proxy lets calls
through, and the clock runs until ``central overdrafts`` (a separate process, as HQ runs
it) lists the second spend. Prints median and spread over --rounds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.demo import enrol, load_demo_catalog
from central.storage.sqlite import SqliteStorage
from edge.storage import outbox
from edge.storage.database import Database
from edge.storage.receipt_facts import ledger_entry
from edge.storage.sales import insert_ledger
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, sync_once
from kassa.domain.ids import new_id
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess
from tests.sync.proxy import FaultProxy, Faults

CUSTOMER = "c-ivanova"
OFFLINE = Faults(cut=1.0, drop=0.0, stall=0.0)
ONLINE = Faults(cut=0.0, drop=0.0, stall=0.0)


def points_sale(till: str, points: int) -> sync_pb2.Event:
    """A card sale whose only ledger entry earns (points > 0) or spends points."""
    event = sync_pb2.Event(id=new_id())
    event.created_at.FromDatetime(datetime.now(UTC))
    sale = event.sale_closed
    sale.receipt_id, sale.number, sale.total = new_id(), f"{till}-{new_id()}", 10000
    sale.customer_id = CUSTOMER
    sale.closed_at.CopyFrom(event.created_at)
    sale.payments.add(method=sync_pb2.Payment.CASH, amount=10000)
    sale.ledger_entries.add(
        id=new_id(), customer_id=CUSTOMER, points=points, receipt_id=sale.receipt_id,
        store_id="kyiv-1", reason="earn" if points > 0 else "spend",
        created_at=event.created_at,
    )
    return event


def queue(database: Database, event: sync_pb2.Event) -> None:
    """Hold the spend's ledger entry and put ``event`` in the till's outbox in one
    transaction, as closing a sale offline does. (An event queued without its entry made
    the till count its own spend twice when the feed brought the spend back before the
    push's reply: a real till always holds its own entries.)"""
    with database.write() as db:
        insert_ledger(db, map(ledger_entry, event.sale_closed.ledger_entries))
        outbox.add_in(db, event)


def listed(db_path: Path) -> bool:
    """True once ``central overdrafts`` lists the second till's spend."""
    done = subprocess.run(
        [sys.executable, "-m", "central.cli", "overdrafts", "--db", str(db_path)],
        capture_output=True, text=True, check=True,
    )
    return f"customer {CUSTOMER}  store kyiv-1 till T2  spent 800" in done.stdout


def one_round(folder: Path, offline_s: float) -> float:
    db_path = folder / f"central-{new_id()}.db"
    storage = SqliteStorage(db_path)
    try:
        load_demo_catalog(storage)
        tokens = {till: enrol(storage, till, "kyiv-1") for till in ("T1", "T2")}
    finally:
        storage.close()
    central = CentralProcess(db_path)
    central.start()
    proxy = FaultProxy(int(central.address.rsplit(":", 1)[1]), 1, OFFLINE)
    proxy.start()
    first = Database(folder / f"T1-{new_id()}.db")
    second = Database(folder / f"T2-{new_id()}.db")
    direct = SyncClient(central.address, tokens["T1"], till_id="T1", store_id="kyiv-1")
    late = SyncClient(f"127.0.0.1:{proxy.port}", tokens["T2"], till_id="T2", store_id="kyiv-1")
    loop = SyncLoop(second, late, lambda _: None, interval_s=5.0)
    try:
        direct.push([points_sale("T1", 1000).SerializeToString()])
        sync_once(first, direct)
        proxy.set_faults(ONLINE)
        sync_once(second, late)  # both tills know the 1,000 points
        proxy.set_faults(OFFLINE)
        queue(first, points_sale("T1", -800))
        queue(second, points_sale("T2", -800))
        sync_once(first, direct)  # the first spend lands; the second is an overdraft
        thread = threading.Thread(target=loop.run, daemon=True)
        thread.start()
        time.sleep(offline_s)
        proxy.set_faults(ONLINE)
        start = time.perf_counter()
        while not listed(db_path):
            time.sleep(0.05)
        return time.perf_counter() - start
    finally:
        loop.stop()
        direct.close()
        late.close()
        first.close()
        second.close()
        proxy.stop()
        central.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--offline-s", type=float, default=30.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        times = []
        for n in range(args.rounds):
            times.append(one_round(Path(folder), args.offline_s))
            print(f"round {n + 1}: listed {times[-1]:.2f} s after the reconnect", flush=True)
    print(
        f"overdraft listed after the second till reconnects: median "
        f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f}, "
        f"{len(times)} rounds, {args.offline_s:.0f} s offline before)"
    )


if __name__ == "__main__":
    main()
