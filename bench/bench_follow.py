"""Benchmark: how long a change made at central takes to reach a following till.

Run from the repository root: ``.venv/bin/python bench/bench_follow.py`` (defaults: 200
sales, 100 HQ edits). Central runs as its own process on 127.0.0.1; tills A1 and B1 run
their real SyncLoop (follow stream plus pushes, ``interval_s`` one hour, so no poll
round ever helps). Two paths are timed, one change at a time with a random pause
between changes:

- sale: B1 closes a sale with a loyalty card and wakes its loop, as the till UI does;
  the clock runs from the sale's commit at B1 until A1's database holds the receipt's
  facts (B1's push, central's commit, the wake-up of A1's stream, A1's apply), as a
  ``receipt_facts`` row or, for a receipt a till keeps as rows, a purchase;
- hq: a product price put straight into central's database by this process, as a
  `central` command would; central notices it by its 0.5 s poll of the feed head.

A1's database is polled every millisecond through its own connection. Prints the
median, p95, min and max of each path in milliseconds.
"""

from __future__ import annotations

import argparse
import queue
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from central.storage.sqlite import SqliteStorage
from edge.services.till import CardScan, ProductScan, TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, SyncStatus, sync_once
from kassa.domain.cart import Cart
from kassa.domain.sale import Tender
from kassa.sync.v1 import sync_pb2
from tests.central_process import CentralProcess, prepare_chain

BREAD, CARD = "4820000000017", "2000000000015"
# Another till's receipt at A1: one receipt_facts row (edge/storage/receipt_facts.py), or
# ledger and purchase rows for one that spends points.
HELD_RECEIPT_SQL = ("SELECT 1 FROM receipt_facts WHERE receipt_id = ? "
                    "UNION ALL SELECT 1 FROM customer_purchases WHERE id = ?")


class Follower:
    """A till with its SyncLoop running in a thread."""

    def __init__(self, folder: Path, address: str, token: str, till: str, store: str) -> None:
        self.database = Database(folder / f"{till}.db")
        self.client = SyncClient(address, token, till_id=till, store_id=store, timeout_s=10)
        sync_once(self.database, self.client)
        self.service = TillService(self.database, till_id=till, store_id=store)
        statuses: queue.Queue[SyncStatus] = queue.Queue()
        self.loop = SyncLoop(self.database, self.client, statuses.put, interval_s=3600)
        self.thread = threading.Thread(target=self.loop.run, daemon=True)
        self.thread.start()
        while not statuses.get(timeout=30).online:
            pass

    def stop(self) -> None:
        self.loop.stop()
        self.thread.join(timeout=30)
        self.client.close()
        self.database.close()


def wait_for(reader: sqlite3.Connection, sql: str, params: tuple[object, ...]) -> float:
    """Poll until ``sql`` returns a row; returns the monotonic time it first did."""
    deadline = time.monotonic() + 30
    while reader.execute(sql, params).fetchone() is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"never seen: {sql} {params}")
        time.sleep(0.001)
    return time.monotonic()


def measure(count: int, change: Callable[[int], tuple[float, str, tuple[object, ...]]],
            reader: sqlite3.Connection) -> list[float]:
    """Latencies (ms) of ``count`` changes; ``change(n)`` makes one and says what to poll."""
    latencies = []
    for n in range(count):
        time.sleep(random.uniform(0.0, 0.5))  # pacing, uniform over central's poll period
        started, sql, params = change(n)
        latencies.append((wait_for(reader, sql, params) - started) * 1000)
    return latencies


def report(name: str, latencies: list[float]) -> None:
    ordered = sorted(latencies)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"{name:<5} n={len(ordered):<4} median {statistics.median(ordered):7.1f} ms   "
          f"p95 {p95:7.1f} ms   min {ordered[0]:6.1f} ms   max {ordered[-1]:7.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sales", type=int, default=200)
    parser.add_argument("--hq", type=int, default=100)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    random.seed(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tokens = prepare_chain(folder / "central.db")
        central = CentralProcess(folder / "central.db")
        central.start()
        till_a = Follower(folder, central.address, tokens["A1"], "A1", "kyiv-1")
        till_b = Follower(folder, central.address, tokens["B1"], "B1", "lviv-1")
        reader = sqlite3.connect(folder / "A1.db")
        bread, card = till_b.service.scan(BREAD), till_b.service.scan(CARD)
        assert isinstance(bread, ProductScan) and isinstance(card, CardScan)
        hq = SqliteStorage(folder / "central.db")
        product = sync_pb2.Product(
            id="p-bench", name="Bench", article="bench", price=100, barcodes=["4820000000888"],
            active=True, vat_rate_bp=2000,
        )

        def sale(_: int) -> tuple[float, str, tuple[object, ...]]:
            cart = Cart()
            cart.add(bread.product)
            closed = till_b.service.close_sale(cart, Tender(cash=5000), card.customer)
            started = time.monotonic()
            till_b.loop.wake()
            return started, HELD_RECEIPT_SQL, (closed.id, closed.id)

        def hq_price(n: int) -> tuple[float, str, tuple[object, ...]]:
            product.price = 1000 + n
            hq.put_product(product)
            started = time.monotonic()
            return started, "SELECT 1 FROM products WHERE id = ? AND price = ?", (
                product.id, product.price)

        try:
            sales = measure(args.sales, sale, reader)
            edits = measure(args.hq, hq_price, reader)
        finally:
            hq.close()
            reader.close()
            till_a.stop()
            till_b.stop()
            central.stop()
    print("change-to-till latency, one change at a time (target p95 <= 2000 ms)")
    report("sale", sales)
    report("hq", edits)
    return 0


if __name__ == "__main__":
    sys.exit(main())
