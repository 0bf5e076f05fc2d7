"""Applying one pushed event inside central's push transaction.

``APPLIERS`` maps each Event body kind to the function that applies it: a new
kind is one function and one entry. An applier raises EventRejected to refuse its
event (a primary key it repeats raises sqlite3.IntegrityError, which counts the
same); the caller then rolls back everything the event did (its savepoint).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC

from google.protobuf.timestamp_pb2 import Timestamp

from central.storage import customers
from central.storage.base import TillIdentity
from central.storage.feed import FeedBuffer
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)


class EventRejected(Exception):
    """A pushed event that must not be applied; the message says why."""


@dataclass
class Tx:
    """One event being applied: the transaction, who sent it and its (bounded) stamp."""

    conn: sqlite3.Connection
    till: TillIdentity
    feed: FeedBuffer
    event: sync_pb2.Event
    stamp: Stamp
    now: str


def ts(stamp: Timestamp) -> str:
    return stamp.ToDatetime(tzinfo=UTC).isoformat()


def _exists(conn: sqlite3.Connection, table: str, key: str) -> bool:
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (key,)).fetchone() is not None


def apply_shift_opened(tx: Tx) -> None:
    shift = tx.event.shift_opened
    if _exists(tx.conn, "shifts", shift.shift_id):
        raise EventRejected(f"shift {shift.shift_id} already opened")
    tx.conn.execute(
        "INSERT INTO shifts (id, store_id, till_id, number, cashier_id, opened_at, "
        "opening_float) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (shift.shift_id, tx.till.store_id, tx.till.till_id, shift.number, shift.cashier_id,
         ts(shift.opened_at), shift.opening_float),
    )


def apply_shift_closed(tx: Tx) -> None:
    shift = tx.event.shift_closed
    updated = tx.conn.execute(
        "UPDATE shifts SET closed_at = ?, closed_by = ?, expected_cash = ? "
        "WHERE id = ? AND till_id = ? AND closed_at IS NULL",
        (ts(shift.closed_at), shift.closed_by, shift.expected_cash, shift.shift_id,
         tx.till.till_id),
    )
    if updated.rowcount != 1:
        raise EventRejected(f"shift {shift.shift_id} is not an open shift of this till")


def apply_cash_movement(tx: Tx) -> None:
    move = tx.event.cash_movement
    if _exists(tx.conn, "cash_movements", move.movement_id):
        raise EventRejected(f"cash movement {move.movement_id} already stored")
    tx.conn.execute(
        "INSERT INTO cash_movements (id, shift_id, store_id, amount, reason, cashier_id, "
        "approved_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (move.movement_id, move.shift_id, tx.till.store_id, move.amount, move.reason,
         move.cashier_id, move.approved_by, ts(move.at)),
    )


def apply_customer_registered(tx: Tx) -> None:
    reg = tx.event.customer_registered
    customer = reg.customer
    if not customer.id or not customer.phone:
        raise EventRejected("a registered customer needs an id and a phone")
    if customers.exists(tx.conn, customer.id):
        raise EventRejected(f"customer {customer.id} already exists")
    customers.create(tx.conn, customer.id, tx.till.store_id, reg.source)
    store = tx.till.store_id
    edits = customers.edits_of(customer, customers.FIELDS, tx.stamp, store)
    edits += [customers.consent_edit("email", reg.consent_email, tx.stamp, store),
              customers.consent_edit("sms", reg.consent_sms, tx.stamp, store)]
    customers.merge(tx.conn, tx.feed, customer.id, edits, ts(tx.event.created_at))
    if reg.card_barcode:
        holder = tx.conn.execute(
            "SELECT customer_id FROM cards WHERE barcode = ?", (reg.card_barcode,)
        ).fetchone()
        if holder is None:
            card = sync_pb2.Card(barcode=reg.card_barcode, customer_id=customer.id)
            upsert_card(tx.conn, tx.feed, card)
        else:
            # The customer stands; HQ resolves the card clash (C6 duplicates).
            log.warning("card %s of new customer %s already belongs to %s",
                        reg.card_barcode, customer.id, holder[0])


def apply_customer_updated(tx: Tx) -> None:
    update = tx.event.customer_updated
    customer_id = update.customer.id
    if not customers.exists(tx.conn, customer_id):
        raise EventRejected(f"update of unknown customer {customer_id}")
    store = tx.till.store_id
    try:
        edits = customers.edits_of(update.customer, update.fields, tx.stamp, store)
    except customers.UnknownField as exc:
        raise EventRejected(str(exc)) from exc
    if update.HasField("consent_email"):
        edits.append(customers.consent_edit("email", update.consent_email, tx.stamp, store))
    if update.HasField("consent_sms"):
        edits.append(customers.consent_edit("sms", update.consent_sms, tx.stamp, store))
    customers.merge(tx.conn, tx.feed, customer_id, edits, ts(tx.event.created_at))


def upsert_card(conn: sqlite3.Connection, feed: FeedBuffer, card: sync_pb2.Card) -> None:
    conn.execute(
        "INSERT INTO cards (barcode, customer_id, blocked) VALUES (?, ?, ?) "
        "ON CONFLICT (barcode) DO UPDATE SET customer_id = excluded.customer_id, "
        "blocked = excluded.blocked",
        (card.barcode, card.customer_id, int(card.blocked)),
    )
    feed.add("card", card.barcode, card)


def apply_sale_closed(tx: Tx) -> None:
    sale, conn, till = tx.event.sale_closed, tx.conn, tx.till
    customer_id = sale.customer_id or None
    if customer_id is not None and not customers.exists(conn, customer_id):
        raise EventRejected(f"sale {sale.number}: unknown customer {customer_id}")
    if sum(p.amount for p in sale.payments) != sale.total:
        raise EventRejected(f"sale {sale.number}: payments do not add up to the total")
    conn.execute(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
        "cashier_id, shift_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (sale.receipt_id, sale.number, till.store_id, till.till_id, ts(sale.closed_at),
         customer_id, sale.total, sale.cashier_id, sale.shift_id, tx.event.id),
    )
    conn.executemany(
        "INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
        [(sale.receipt_id, sync_pb2.Payment.Method.Name(p.method).lower(), p.amount)
         for p in sale.payments],
    )
    conn.executemany(
        "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(sale.receipt_id, ln.line_no, ln.product_id, ln.barcode, ln.name, ln.quantity_milli,
          ln.unit_price, ln.total) for ln in sale.lines],
    )
    for entry in sale.ledger_entries:
        if entry.customer_id != sale.customer_id or entry.receipt_id != sale.receipt_id:
            raise EventRejected(f"ledger entry {entry.id} does not belong to its sale")
        add_ledger_entry(tx, entry)


def add_ledger_entry(tx: Tx, entry: sync_pb2.LedgerEntry) -> None:
    """Store an entry of the till's store; a spend that takes the balance below zero is
    an overdraft (two stores spent the same points offline) and is recorded."""
    if entry.store_id != tx.till.store_id:
        raise EventRejected(
            f"ledger entry {entry.id} claims store {entry.store_id!r}, "
            f"but the till belongs to {tx.till.store_id!r}"
        )
    tx.conn.execute(
        "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, "
        "created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry.id, entry.customer_id, entry.points, entry.receipt_id, entry.store_id,
         ts(entry.created_at), entry.reason),
    )
    tx.feed.add("ledger_entry", entry.id, entry)
    if entry.points < 0:
        record_overdraft(tx.conn, tx.till, entry, tx.now)


def record_overdraft(
    conn: sqlite3.Connection, till: TillIdentity, entry: sync_pb2.LedgerEntry, now: str
) -> None:
    """Record the spend ``entry`` as an overdraft if the balance is now below zero."""
    balance = int(conn.execute(
        "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ?",
        (entry.customer_id,),
    ).fetchone()[0])
    if balance < 0:
        conn.execute(
            "INSERT INTO overdrafts (ledger_entry_id, customer_id, store_id, till_id, "
            "points, balance_after, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (entry.id, entry.customer_id, till.store_id, till.till_id, entry.points,
             balance, now),
        )


APPLIERS: dict[str, Callable[[Tx], None]] = {
    "sale_closed": apply_sale_closed,
    "shift_opened": apply_shift_opened,
    "shift_closed": apply_shift_closed,
    "cash_movement": apply_cash_movement,
    "customer_registered": apply_customer_registered,
    "customer_updated": apply_customer_updated,
}
