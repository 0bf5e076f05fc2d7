"""The fast path of a push: a batch of new sales checked in Python, then written with one
``executemany`` per table instead of a dozen statements per event.

It applies all of the batch or raises (EventRejected, sqlite3.IntegrityError); the
caller then rolls it back and applies the batch event by event, which rejects only the
events at fault. Same rows, same feed entries, same overdrafts as the careful path.
"""

from __future__ import annotations

import sqlite3

from central.storage import pricing
from central.storage.base import TillIdentity
from central.storage.events import (
    LEDGER_SQL,
    LINE_SQL,
    OVERDRAFT_SQL,
    PAYMENT_SQL,
    RECEIPT_SQL,
    EventRejected,
    balance_of,
    check_entry_store,
    check_sale,
    ledger_row,
    line_rows,
    overdraft_row,
    payment_rows,
    receipt_row,
    sale_purchase,
)
from central.storage.feed import FeedBuffer
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2


def _known_customers(conn: sqlite3.Connection, ids: set[str]) -> set[str]:
    found: set[str] = set()
    listed = sorted(ids)
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in conn.execute(
            f"SELECT id FROM customers WHERE id IN ({marks})", chunk))
    return found


def apply_sales(
    conn: sqlite3.Connection, till: TillIdentity, feed: FeedBuffer,
    sales: list[tuple[sync_pb2.Event, str, Stamp]], now: str,
) -> None:
    """Apply new sale events given as (event, content hash, stamp)."""
    customers = {e.sale_closed.customer_id for e, _, _ in sales if e.sale_closed.customer_id}
    if customers - _known_customers(conn, customers):
        raise EventRejected("a sale names an unknown customer")
    events, receipts, payments, lines, ledger, purchases = [], [], [], [], [], []
    entries: list[sync_pb2.LedgerEntry] = []
    for event, digest, stamp in sales:
        sale = event.sale_closed
        check_sale(sale)
        events.append((event.id, till.store_id, till.till_id, digest, now, stamp.encode()))
        receipts.append(receipt_row(sale, till, event.id))
        payments += payment_rows(sale.receipt_id, sale.payments)
        lines += line_rows(sale)
        for entry in sale.ledger_entries:
            check_entry_store(entry, till)
            ledger.append(ledger_row(entry))
            feed.add("ledger_entry", entry.id, entry)
            entries.append(entry)
        purchase = sale_purchase(sale, till.store_id)
        if purchase is not None:
            purchases.append(pricing.purchase_row(purchase))
            feed.add("customer_purchase", purchase.id, purchase)
    overdrafts = _overdrafts(conn, till, entries, now)
    conn.executemany(
        "INSERT INTO events (id, store_id, till_id, content_hash, received_at, hlc) "
        "VALUES (?, ?, ?, ?, ?, ?)", events)
    conn.executemany(RECEIPT_SQL, receipts)
    conn.executemany(PAYMENT_SQL, payments)
    conn.executemany(LINE_SQL, lines)
    conn.executemany(LEDGER_SQL, ledger)
    conn.executemany(pricing.PURCHASE_SQL, purchases)
    conn.executemany(OVERDRAFT_SQL, overdrafts)


def _overdrafts(
    conn: sqlite3.Connection, till: TillIdentity, entries: list[sync_pb2.LedgerEntry], now: str
) -> list[tuple[object, ...]]:
    """Overdraft rows of the spends among ``entries`` (not stored yet), each with the balance
    right after it, as the event-by-event path records them."""
    spenders = {e.customer_id for e in entries if e.points < 0}
    balances = {c: balance_of(conn, c) for c in spenders}
    rows = []
    for entry in entries:
        if entry.customer_id in balances:
            balances[entry.customer_id] += entry.points
            if entry.points < 0 and balances[entry.customer_id] < 0:
                rows.append(overdraft_row(till, entry, balances[entry.customer_id], now))
    return rows
