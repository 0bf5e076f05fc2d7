"""The fast path of a push: a run of new sales checked in one pass and written with a
few multi-row INSERTs per table (bulk.py).

It stores the same rows, feed changes, overdrafts and clock as applying each sale on
its own (events.apply_sale_closed), and applies all the sales or none. The pass reads
each sale once and appends its columns straight to the statements' parameter lists:
the event-by-event helpers (a row tuple, a message and a call per fact) cost central
more Python per sale than SQLite spent storing it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import cast

from central.storage import events, pricing
from central.storage.base import TillIdentity
from central.storage.bulk import insert_flat
from central.storage.events import EventRejected
from central.storage.feed import FACTS_ENTRY_TAG, FACTS_PURCHASE_TAG, FeedBuffer
from central.storage.times import ts
from kassa.replication.content import content_hash
from kassa.replication.hlc import ZERO, Stamp, receive_all
from kassa.replication.wire import length_delimited
from kassa.sync.v1 import sync_pb2

_EVENT_WIDTH = 6  # values in an events row (events.EVENT_SQL)


@dataclass
class Checked:
    """A run of sales read in one pass: the statements' parameters, flat, and what the
    feed and the overdraft check need."""

    events: list[object] = field(default_factory=list)
    receipts: list[object] = field(default_factory=list)
    ledger: list[object] = field(default_factory=list)
    purchases: list[object] = field(default_factory=list)
    entries: list[sync_pb2.LedgerEntry] = field(default_factory=list)
    customers: set[str] = field(default_factory=set)
    clock: Stamp = ZERO

    def hashes(self) -> dict[str, str]:
        """The content hash of each sale's event, by event id (from the events' rows)."""
        ids, digests = self.events[::_EVENT_WIDTH], self.events[3::_EVENT_WIDTH]
        return dict(zip(cast(list[str], ids), cast(list[str], digests), strict=True))


def check_sales(
    sales: list[sync_pb2.Event], till: TillIdentity, feed: FeedBuffer, now: str,
    clock: Stamp, now_ms: int,
) -> Checked | None:
    """Read a run of new sales (no one-time discounts among them) into their rows and feed
    their facts; None when an event's sealed content hash does not match (the caller
    goes event by event, which rejects that one). Raises EventRejected as check_sale
    and check_entry_store do. ``clock`` moves past every sale's stamp, as receiving
    them one by one moves it (kassa/replication/hlc.receive)."""
    out = Checked()
    add_event, add_receipt = out.events.extend, out.receipts.extend
    add_ledger, add_purchase = out.ledger.extend, out.purchases.extend
    add_change, add_entries = feed.changes.append, out.entries.extend
    store, till_id = till.store_id, till.till_id
    purchase = sync_pb2.CustomerPurchase(store_id=store)  # refilled for each sale
    stamps: list[tuple[int, int]] = []
    for event in sales:
        digest = content_hash(event)
        if event.content_hash and event.content_hash != digest:
            return None
        wall, logical = events.pushed_stamp(event, now_ms)
        stamps.append((wall, logical))
        event_id = event.id
        sale = event.sale_closed
        entries = events.check_sale(sale)
        total, rounding = sale.total, sale.cash_rounding
        receipt_id, customer_id = sale.receipt_id, sale.customer_id
        closed = sale.closed_at
        closed_text = ts(closed)
        add_event((event_id, store, till_id, digest, now, f"{wall:015d}.{logical:010d}"))
        add_receipt((receipt_id, sale.number, store, till_id, closed_text, customer_id or None,
                     total, sale.cashier_id, sale.shift_id, event_id, rounding,
                     sale.points_spent, "[]", sale.pricing_json, sale.SerializeToString()))
        parts = []
        for entry in entries:
            events.check_entry_store(entry, till)
            add_ledger(events.ledger_row(entry))
            parts.append(length_delimited(
                FACTS_ENTRY_TAG, entry.SerializeToString(deterministic=True)))
        if customer_id:
            purchase.id, purchase.customer_id, purchase.amount = receipt_id, customer_id, total
            purchase.at.CopyFrom(closed)
            add_purchase((receipt_id, customer_id, store, closed_text, total, "[]", "[]"))
            out.customers.add(customer_id)
            parts.append(length_delimited(
                FACTS_PURCHASE_TAG, purchase.SerializeToString(deterministic=True)))
        if parts:
            add_change(("receipt_facts", receipt_id, b"".join(parts)))
            add_entries(entries)
    feed.ledger += out.entries
    out.clock = receive_all(clock, stamps, now_ms)
    return out


def write_sales(
    conn: sqlite3.Connection, till: TillIdentity, checked: Checked, now: str
) -> None:
    """Store the checked sales' rows and the overdrafts among their spends; raises
    EventRejected (an unknown customer) or sqlite3.IntegrityError (a stored id)."""
    if not _all_known(conn, checked.customers):
        raise EventRejected("a sale names an unknown customer")
    overdrafts = _overdrafts(conn, till, checked.entries, now)
    insert_flat(conn, events.EVENT_SQL, checked.events, _EVENT_WIDTH)
    insert_flat(conn, events.RECEIPT_SQL, checked.receipts, 15)
    insert_flat(conn, events.LEDGER_SQL, checked.ledger, 11)
    insert_flat(conn, pricing.PURCHASE_SQL, checked.purchases, 7)
    if overdrafts:
        conn.executemany(events.OVERDRAFT_SQL, overdrafts)


def _all_known(conn: sqlite3.Connection, ids: set[str]) -> bool:
    """True when every customer of ``ids`` exists (one counting query per 500)."""
    listed = sorted(ids)
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        (found,) = conn.execute(
            f"SELECT COUNT(*) FROM customers WHERE id IN ({marks})", chunk).fetchone()
        if found != len(chunk):
            return False
    return True


def _overdrafts(
    conn: sqlite3.Connection, till: TillIdentity, entries: list[sync_pb2.LedgerEntry], now: str
) -> list[tuple[object, ...]]:
    """Overdraft rows of the spends among ``entries`` (not stored yet), each with the balance
    right after it, as the event-by-event path records them."""
    spenders = {e.customer_id for e in entries if e.points < 0}
    if not spenders:
        return []
    balances = {c: events.balance_of(conn, c) for c in spenders}
    rows = []
    for entry in entries:
        if entry.customer_id in balances:
            balances[entry.customer_id] += entry.points
            if entry.points < 0 and balances[entry.customer_id] < 0:
                rows.append(events.overdraft_row(till, entry, balances[entry.customer_id], now))
    return rows
