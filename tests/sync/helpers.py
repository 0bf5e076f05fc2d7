"""Shared helpers of the sync tests: selling at a till, reading central, crafting events."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from central.storage.feed import read_position
from central.storage.sqlite import SqliteStorage
from edge.services.till import CardScan, ProductScan
from kassa.domain.cart import Cart
from kassa.domain.ids import new_id
from kassa.domain.sale import ClosedSale, Tender
from kassa.replication.checksum import LedgerSum
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain, Till

CARD = "2000000000015"  # Шевченко Олена, demo customer c-shevchenko
CUSTOMER = "c-shevchenko"
BREAD = "4820000000017"  # 32.50
COFFEE = "4820000000062"  # 219.00

MakeTill = Callable[[str, str], Till]


def sell(till: Till, codes: list[str], card: str | None, tendered: int) -> ClosedSale:
    cart = Cart()
    customer = None
    for code in codes:
        found = till.service.scan(code)
        assert isinstance(found, ProductScan)
        cart.add(found.product)
    if card is not None:
        scanned = till.service.scan(card)
        assert isinstance(scanned, CardScan)
        customer = scanned.customer
    return till.service.close_sale(cart, Tender(cash=tendered), customer)


def central_query(
    chain: Chain, sql: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    storage = SqliteStorage(chain.central.db_path)
    try:
        return list(storage.db.conn.execute(sql, params).fetchall())
    finally:
        storage.close()


def central_checksum(chain: Chain) -> LedgerSum:
    storage = SqliteStorage(chain.central.db_path)
    try:
        return read_position(storage.db.conn).checksum
    finally:
        storage.close()


def event_at(wall_ms: int, logical: int = 0) -> sync_pb2.Event:
    """An empty event with a fresh id and the given HLC stamp (and created_at)."""
    event = sync_pb2.Event(id=new_id())
    event.created_at.FromMilliseconds(wall_ms)
    event.hlc.wall_ms, event.hlc.logical = wall_ms, logical
    return event


def spend_event(store_id: str, customer_id: str, points: int, total: int = 100) -> sync_pb2.Event:
    """A sale paid partly with points, as a till that redeems them offline would push."""
    event = event_at(int(datetime.now(UTC).timestamp() * 1000))
    sale = event.sale_closed
    sale.receipt_id, sale.number = new_id(), new_id()
    sale.customer_id, sale.total = customer_id, total
    sale.payments.add(method=sync_pb2.Payment.CASH, amount=total)
    sale.ledger_entries.add(
        id=new_id(), customer_id=customer_id, points=-points, receipt_id=sale.receipt_id,
        store_id=store_id, reason="spend",
    )
    return event
