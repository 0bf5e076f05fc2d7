"""Child process for the crash test: close one sale, say so, then wait to be killed."""

from __future__ import annotations

import sys
from pathlib import Path

from edge.services.till import TillService
from edge.storage.changes import apply_changes
from edge.storage.database import Database
from kassa.domain.cart import Cart, Product
from kassa.sync.v1 import sync_pb2


def main(db_path: str) -> None:
    database = Database(Path(db_path))
    apply_changes(
        database,
        [
            sync_pb2.Change(
                seq=1,
                product=sync_pb2.Product(
                    id="p-bread", name="Хліб", price=3250, barcodes=["4820000000017"], active=True
                ),
            )
        ],
    )
    service = TillService(database, till_id="K1", store_id="kyiv-1")
    product = service.scan("4820000000017")
    assert isinstance(product, Product)
    cart = Cart()
    cart.add(product, 2000)
    sale = service.close_cash_sale(cart, 10000, None)
    print(f"closed {sale.id}", flush=True)
    sys.stdin.read()  # blocks until the parent kills this process


if __name__ == "__main__":
    main(sys.argv[1])
