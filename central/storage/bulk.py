"""The fast path of a push: a batch of new sales checked in Python, then written with one
``executemany`` per table instead of a dozen statements per event.

It applies all of the batch or raises (EventRejected, sqlite3.IntegrityError); the
caller then rolls it back and applies the batch event by event, which rejects only the
events at fault. Same rows, same feed entries, same overdrafts as the careful path.
"""

from __future__ import annotations

import sqlite3

from central.storage.base import TillIdentity
from central.storage.events import EventRejected, record_overdraft, ts
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
    events, receipts, payments, lines, ledger = [], [], [], [], []
    spends: list[sync_pb2.LedgerEntry] = []
    for event, digest, stamp in sales:
        sale = event.sale_closed
        if sum(p.amount for p in sale.payments) != sale.total:
            raise EventRejected(f"sale {sale.number}: payments do not add up to the total")
        events.append((event.id, till.store_id, till.till_id, digest, now, stamp.encode()))
        receipts.append((sale.receipt_id, sale.number, till.store_id, till.till_id,
                         ts(sale.closed_at), sale.customer_id or None, sale.total,
                         sale.cashier_id, sale.shift_id, event.id))
        payments += [(sale.receipt_id, sync_pb2.Payment.Method.Name(p.method).lower(), p.amount)
                     for p in sale.payments]
        lines += [(sale.receipt_id, ln.line_no, ln.product_id, ln.barcode, ln.name,
                   ln.quantity_milli, ln.unit_price, ln.total) for ln in sale.lines]
        for entry in sale.ledger_entries:
            if (entry.customer_id != sale.customer_id or entry.receipt_id != sale.receipt_id
                    or entry.store_id != till.store_id):
                raise EventRejected(f"ledger entry {entry.id} does not belong to its sale")
            ledger.append((entry.id, entry.customer_id, entry.points, entry.receipt_id,
                           entry.store_id, ts(entry.created_at), entry.reason))
            feed.add("ledger_entry", entry.id, entry)
            if entry.points < 0:
                spends.append(entry)
    conn.executemany(
        "INSERT INTO events (id, store_id, till_id, content_hash, received_at, hlc) "
        "VALUES (?, ?, ?, ?, ?, ?)", events)
    conn.executemany(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
        "cashier_id, shift_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", receipts)
    conn.executemany(
        "INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)", payments)
    conn.executemany(
        "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", lines)
    conn.executemany(
        "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, "
        "created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)", ledger)
    for entry in spends:
        record_overdraft(conn, till, entry, now)
