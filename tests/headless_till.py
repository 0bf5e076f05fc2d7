"""A headless till process for the crash tests: it sells, reports each step, then waits.

Usage: python -m tests.headless_till DB scan CODE... | python -m tests.headless_till DB sale
In scan mode it waits for a line on stdin before each scan, so the test decides how
many scans happen. It prints one line per finished step ("scanned <n>", "closed <id>")
and then blocks on stdin until the test kills it.
"""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from edge.services.session import TillSession
from edge.services.till import TillService
from edge.storage.changes import apply_changes
from edge.storage.database import Database
from kassa.domain.pins import hash_pin
from kassa.domain.sale import Tender
from kassa.sync.v1 import sync_pb2

CATALOG = [
    ("p-bread", "Хліб житній", 3250, "4820000000017", False, 0),
    ("p-milk", "Молоко 2,5%", 4190, "4820000000024", False, 0),
    ("p-apples", "Яблука", 3990, "4820000000079", True, 1),
]


def prepare(database: Database) -> TillSession:
    """Catalog, store and a cashier as central would send them; logged in, shift open."""
    changes = [
        sync_pb2.Change(seq=1, store=sync_pb2.Store(
            id="kyiv-1", name="Test", time_zone="Europe/Kyiv", phone_region="UA",
            currency="UAH", currency_sign="грн", weight_label_prefixes=["21"])),
        sync_pb2.Change(seq=2, cashier=sync_pb2.Cashier(
            id="c1", name="Оксана", role=sync_pb2.Cashier.CASHIER, active=True,
            pin_hash=hash_pin("1111", secrets.token_bytes(16), iterations=1000))),
    ]
    for i, (pid, name, price, code, weighted, plu) in enumerate(CATALOG, start=3):
        changes.append(sync_pb2.Change(seq=i, product=sync_pb2.Product(
            id=pid, name=name, price=price, barcodes=[code], weighted=weighted, plu=plu,
            active=True)))
    apply_changes(database, changes)
    session = TillSession(TillService(database, till_id="K1", store_id="kyiv-1"))
    session.restore()
    session.login("1111")
    if session.shift is None:
        session.open_shift(0)
    return session


def main(db_path: str, mode: str, codes: list[str]) -> None:
    session = prepare(Database(Path(db_path)))
    if mode == "scan":
        for n, code in enumerate(codes, start=1):
            sys.stdin.readline()
            session.enter_code(code)
            print(f"scanned {n}", flush=True)
    else:
        session.enter_code("2*4820000000017")
        sale = session.close_sale(Tender(cash=10000))
        print(f"closed {sale.id}", flush=True)
    sys.stdin.read()  # blocks until the parent kills this process


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
