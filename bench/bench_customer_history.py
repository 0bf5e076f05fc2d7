"""Benchmark: pricing an open receipt for a customer with a long history at this till.

Run from the repository root: ``.venv/bin/python bench/bench_customer_history.py``.
A till synced with a demo central sells one product to the same carded customer again
and again; at 10, 100, 300 and 1,000 receipts it times (median of --repeat) reading the
customer's pricing profile, pricing a receipt with it read afresh (the payment), and
re-pricing it as a scan does (the session keeps the receipt's profile).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edge.services.session import TillSession
from edge.services.till import CardScan, ProductScan, TillService
from edge.storage import customers
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.domain.cart import Cart
from kassa.domain.sale import Tender
from tests.central_process import CentralProcess, prepare_chain

MARKS = (10, 100, 300, 1000)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def figures(session: TillSession, repeat: int) -> list[str]:
    """Profile read, priced afresh, re-priced per scan: median ms each."""
    assert session.customer is not None
    customer_id = session.customer.id
    return [f"{median_ms(fn, repeat):.2f}" for fn in (
        lambda: customers.pricing_profile(session.database, customer_id),
        lambda: session.priced(fresh=True),
        session.priced,
    )]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    tokens = prepare_chain(folder / "central.db")
    central = CentralProcess(folder / "central.db")
    central.start()
    database = Database(folder / "A1.db")
    client = SyncClient(central.address, tokens["A1"], till_id="A1", store_id="kyiv-1")
    try:
        sync_once(database, client)
        database.db.conn.execute("PRAGMA synchronous = OFF")  # the sales are not timed
        till = TillService(database, till_id="A1", store_id="kyiv-1")
        bread, card = till.scan("4820000000017"), till.scan("2000000000015")
        assert isinstance(bread, ProductScan) and isinstance(card, CardScan)
        print("receipts | profile read | priced afresh | re-priced per scan (ms, median)")
        for n in range(1, MARKS[-1] + 1):
            cart = Cart()
            cart.add(bread.product)
            till.close_sale(cart, Tender(cash=5000), card.customer)
            if n in MARKS:
                session = TillSession(till)
                session.set_customer(card.customer)
                session.cart = cart
                print(n, *figures(session, args.repeat), sep=" | ", flush=True)
    finally:
        client.close()
        database.close()
        central.stop()


if __name__ == "__main__":
    main()
