"""Applying pushed events inside central's push transaction.

``APPLIERS`` maps each Event body kind to the function that applies it: a new
kind is one function and one entry. An applier raises EventRejected to refuse its
event (a primary key it repeats raises sqlite3.IntegrityError, which counts the
same); the caller then rolls back everything the event did (its savepoint).
bulk_sales.py is the fast path for a run of new sales: the same rows, written with a
few multi-row INSERTs per table. A receipt keeps the sale as pushed in its ``body``.

Sales, returns and customer edits made for a customer HQ has since merged away land
on the survivor (merges.py); edits of a deleted customer change nothing (customers.py).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from central.storage import customers, merges, pricing
from central.storage.base import TillIdentity
from central.storage.feed import FeedBuffer
from central.storage.times import ts
from kassa.replication.hlc import MAX_AHEAD_MS, Stamp, bound
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
    update.customer.id = customers.survivor_of(tx.conn, update.customer.id)
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


EVENT_SQL = (
    "INSERT INTO events (id, store_id, till_id, content_hash, received_at, hlc) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
RECEIPT_SQL = (
    "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
    "cashier_id, shift_id, event_id, cash_rounding, points_spent, one_time_used, pricing_json, "
    "body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
LEDGER_SQL = (
    "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, created_at, "
    "reason, lot_id, lot_earned_at, lot_available_at, lot_expires_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _optional_ts(message: Message, name: str) -> str | None:
    return ts(getattr(message, name)) if message.HasField(name) else None


def _list(values: Iterable[str]) -> str:
    listed = list(values)
    return json.dumps(listed, ensure_ascii=False) if listed else "[]"


_METHOD_NAMES = {v.number: v.name.lower() for v in sync_pb2.Payment.Method.DESCRIPTOR.values}


def pushed_stamp(event: sync_pb2.Event, now_ms: int) -> tuple[int, int]:
    """The event's HLC stamp (wall ms, logical), cut to the latest central accepts at
    ``now_ms`` (hlc.bound); an event of a till older than stamps has its creation time."""
    wall, logical = event.hlc.wall_ms, event.hlc.logical
    if not (wall or logical):
        wall = event.created_at.ToMilliseconds()
    if wall >= now_ms + MAX_AHEAD_MS:  # bound() changes nothing below that
        cut = bound(Stamp(wall, logical), now_ms)
        return cut.wall_ms, cut.logical
    return wall, logical


def check_sale(sale: sync_pb2.SaleClosed) -> list[sync_pb2.LedgerEntry]:
    """Raise unless the payments add up to total + cash_rounding and every ledger entry is
    the sale's (its customer, its receipt); returns the ledger entries."""
    payments, listed = sale.payments, sale.ledger_entries
    # One payment and one entry are most sales: indexing makes no iterator (a push's
    # check_sale took 2.5 us a sale, a fifth of central's Python for it).
    paid = payments[0].amount if len(payments) == 1 else sum([p.amount for p in payments])
    if paid != sale.total + sale.cash_rounding:
        raise EventRejected(
            f"sale {sale.number}: payments do not add up to the total plus cash rounding"
        )
    entries = [listed[0]] if len(listed) == 1 else list(listed)
    owner = (sale.customer_id, sale.receipt_id)
    for entry in entries:
        if (entry.customer_id, entry.receipt_id) != owner:
            raise EventRejected(f"ledger entry {entry.id} does not belong to its sale")
    return entries


def receipt_row(sale: sync_pb2.SaleClosed, till: TillIdentity, event_id: str) -> tuple[Any, ...]:
    """The receipt's columns and its body: the sale as pushed, lines and payments included."""
    return (sale.receipt_id, sale.number, till.store_id, till.till_id, ts(sale.closed_at),
            sale.customer_id or None, sale.total, sale.cashier_id, sale.shift_id, event_id,
            sale.cash_rounding, sale.points_spent, _list(sale.one_time_used), sale.pricing_json,
            sale.SerializeToString())


def payment_rows(owner_id: str, payments: Iterable[sync_pb2.Payment]) -> list[tuple[Any, ...]]:
    return [(owner_id, _METHOD_NAMES.get(p.method) or _method_name(p.method), p.amount)
            for p in payments]


def _method_name(number: sync_pb2.Payment.Method.ValueType) -> str:
    """The name of a method this central does not list (raises ValueError, as before)."""
    return sync_pb2.Payment.Method.Name(number).lower()


def fill_receipt_bodies(conn: sqlite3.Connection) -> None:
    """Migration 5: the body of every receipt stored before it, a SaleClosed holding the
    receipt's lines and payments rebuilt from their rows (discounts were stored as JSON
    lists of their set fields; a payment's tendered amount was not stored)."""
    after = ""
    while chunk := [r[0] for r in conn.execute(
        "SELECT id FROM receipts WHERE id > ? ORDER BY id LIMIT 500", (after,)
    ).fetchall()]:
        after = chunk[-1]
        sales = {receipt_id: sync_pb2.SaleClosed() for receipt_id in chunk}
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT receipt_id, line_no, product_id, barcode, name, quantity_milli, "
            "unit_price, total, base_total, vat_rate_bp, points_spent, points_earned, "
            f"discounts FROM receipt_lines WHERE receipt_id IN ({marks}) ORDER BY line_no",
            chunk,
        ).fetchall():
            sales[row[0]].lines.add(
                line_no=row[1], product_id=row[2], barcode=row[3], name=row[4],
                quantity_milli=row[5], unit_price=row[6], total=row[7], base_total=row[8],
                vat_rate_bp=row[9], points_spent=row[10], points_earned=row[11],
                discounts=[sync_pb2.LineDiscount(**d) for d in json.loads(row[12])],
            )
        for receipt_id, method, amount in conn.execute(
            f"SELECT receipt_id, method, amount FROM payments WHERE receipt_id IN ({marks}) "
            "ORDER BY method", chunk,
        ).fetchall():
            sales[receipt_id].payments.add(
                method=sync_pb2.Payment.Method.Value(method.upper()), amount=amount)
        conn.executemany("UPDATE receipts SET body = ? WHERE id = ?",
                         [(sale.SerializeToString(), key) for key, sale in sales.items()])


def ledger_row(entry: sync_pb2.LedgerEntry) -> tuple[Any, ...]:
    return (entry.id, entry.customer_id, entry.points, entry.receipt_id, entry.store_id,
            ts(entry.created_at), entry.reason, entry.lot_id,
            _optional_ts(entry, "lot_earned_at"), _optional_ts(entry, "lot_available_at"),
            _optional_ts(entry, "lot_expires_at"))


def check_entry_store(entry: sync_pb2.LedgerEntry, till: TillIdentity) -> None:
    if entry.store_id != till.store_id:
        raise EventRejected(
            f"ledger entry {entry.id} claims store {entry.store_id!r}, "
            f"but the till belongs to {till.store_id!r}"
        )


def sale_purchase(
    sale: sync_pb2.SaleClosed, store_id: str
) -> sync_pb2.CustomerPurchase | None:
    """The sale's effect on its customer's lifetime purchases and one-time discounts."""
    if not sale.customer_id:
        return None
    purchase = sync_pb2.CustomerPurchase()  # field by field: cheaper than keywords
    purchase.id, purchase.customer_id, purchase.store_id = (
        sale.receipt_id, sale.customer_id, store_id)
    purchase.amount = sale.total
    if sale.one_time_used:
        purchase.one_time_used.extend(sale.one_time_used)
    purchase.at.CopyFrom(sale.closed_at)
    return purchase


def apply_sale_closed(tx: Tx) -> None:
    sale, conn = tx.event.sale_closed, tx.conn
    merges.redirect_sale(conn, sale)
    if sale.customer_id and not customers.exists(conn, sale.customer_id):
        raise EventRejected(f"sale {sale.number}: unknown customer {sale.customer_id}")
    entries = check_sale(sale)
    conn.execute(RECEIPT_SQL, receipt_row(sale, tx.till, tx.event.id))
    for entry in entries:
        add_ledger_entry(tx, entry)
    purchase = sale_purchase(sale, tx.till.store_id)
    if purchase is not None:
        pricing.add_purchase(conn, purchase)
    tx.feed.add_facts(sale.receipt_id, entries, purchase)


def add_ledger_entry(tx: Tx, entry: sync_pb2.LedgerEntry) -> None:
    """Store an entry of the till's store, lot fields included (the caller feeds it with
    its receipt's facts); a spend that takes the balance below zero is an overdraft (two
    stores spent the same points offline) and is recorded."""
    check_entry_store(entry, tx.till)
    tx.conn.execute(LEDGER_SQL, ledger_row(entry))
    if entry.points < 0:
        record_overdraft(tx.conn, tx.till, entry, tx.now)


def apply_return_made(tx: Tx) -> None:
    """A return against a stored receipt: its lines, refunds, ledger entries (restored and
    annulled points) and, for a customer, a negative purchase fact."""
    ret, conn = tx.event.return_made, tx.conn
    merges.redirect_return(conn, ret)
    customer_id = _receipt_customer(conn, ret)
    _check_returned_lines(conn, ret)
    _check_refunds(ret)
    for entry in ret.ledger_entries:
        if entry.receipt_id != ret.return_id:
            raise EventRejected(f"ledger entry {entry.id} does not belong to return {ret.number}")
        if not customer_id or entry.customer_id != customer_id:
            raise EventRejected(
                f"ledger entry {entry.id} is not for the customer of receipt {ret.receipt_id}"
            )
    conn.execute(RETURN_SQL, _return_row(ret, tx.till, tx.event.id, customer_id))
    conn.executemany(RETURN_LINE_SQL, [
        (ret.return_id, ln.line_no, ln.quantity_milli, ln.total, ln.refund,
         ln.points_restored, ln.points_annulled) for ln in ret.lines
    ])
    conn.executemany(REFUND_SQL, payment_rows(ret.return_id, ret.refunds))
    for entry in ret.ledger_entries:
        add_ledger_entry(tx, entry)
    purchase = None
    if customer_id:
        purchase = sync_pb2.CustomerPurchase(
            id=ret.return_id, customer_id=customer_id, store_id=tx.till.store_id,
            amount=-ret.total, one_time_restored=ret.one_time_restored,
        )
        purchase.at.CopyFrom(ret.returned_at)
        pricing.add_purchase(conn, purchase)
    tx.feed.add_facts(ret.return_id, ret.ledger_entries, purchase)


RETURN_SQL = (
    "INSERT INTO returns (id, number, receipt_id, store_id, till_id, returned_at, customer_id, "
    "total, refund, cash_rounding, one_time_restored, cashier_id, approved_by, shift_id, "
    "reason, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
RETURN_LINE_SQL = (
    "INSERT INTO return_lines (return_id, line_no, quantity_milli, total, refund, "
    "points_restored, points_annulled) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
REFUND_SQL = "INSERT INTO refunds (return_id, method, amount) VALUES (?, ?, ?)"


def _return_row(
    ret: sync_pb2.ReturnMade, till: TillIdentity, event_id: str, customer_id: str
) -> tuple[Any, ...]:
    return (ret.return_id, ret.number, ret.receipt_id, till.store_id, till.till_id,
            ts(ret.returned_at), customer_id or None, ret.total, ret.refund, ret.cash_rounding,
            _list(ret.one_time_restored), ret.cashier_id, ret.approved_by, ret.shift_id,
            ret.reason, event_id)


def _receipt_customer(conn: sqlite3.Connection, ret: sync_pb2.ReturnMade) -> str:
    """The customer of the returned receipt ("" for none); rejects an unknown receipt or
    a return naming another customer."""
    row = conn.execute(
        "SELECT customer_id FROM receipts WHERE id = ?", (ret.receipt_id,)
    ).fetchone()
    if row is None:
        raise EventRejected(f"return {ret.number}: unknown receipt {ret.receipt_id}")
    customer_id = str(row[0] or "")
    if ret.customer_id and ret.customer_id != customer_id:
        raise EventRejected(
            f"return {ret.number}: customer {ret.customer_id} is not the customer of "
            f"receipt {ret.receipt_id}"
        )
    return customer_id


def _check_returned_lines(conn: sqlite3.Connection, ret: sync_pb2.ReturnMade) -> None:
    """Every line is the receipt's, once, and no more of it than earlier returns left."""
    (body,) = conn.execute("SELECT body FROM receipts WHERE id = ?", (ret.receipt_id,)).fetchone()
    sold = {ln.line_no: ln.quantity_milli for ln in sync_pb2.SaleClosed.FromString(body).lines}
    before = dict(conn.execute(
        "SELECT l.line_no, SUM(l.quantity_milli) FROM return_lines l "
        "JOIN returns r ON r.id = l.return_id WHERE r.receipt_id = ? GROUP BY l.line_no",
        (ret.receipt_id,),
    ).fetchall())
    if not ret.lines:
        raise EventRejected(f"return {ret.number} returns no lines")
    seen: set[int] = set()
    for line in ret.lines:
        where = f"return {ret.number}: line {line.line_no}"
        if line.line_no not in sold:
            raise EventRejected(f"{where}: receipt {ret.receipt_id} has no such line")
        if line.line_no in seen:
            raise EventRejected(f"{where}: listed twice")
        seen.add(line.line_no)
        left = sold[line.line_no] - int(before.get(line.line_no, 0))
        if not 0 < line.quantity_milli <= left:
            raise EventRejected(
                f"{where}: returns {_quantity(line.quantity_milli)}, "
                f"{_quantity(left)} of {_quantity(sold[line.line_no])} is left to return"
            )


def _check_refunds(ret: sync_pb2.ReturnMade) -> None:
    if any(r.amount < 0 for r in ret.refunds) or (
        sum(r.amount for r in ret.refunds) != ret.refund + ret.cash_rounding
    ):
        raise EventRejected(
            f"return {ret.number}: refunds do not add up to the refund plus cash rounding"
        )


def _quantity(milli: int) -> str:
    """Thousandths as a decimal: 1500 -> "1.5"."""
    whole, part = divmod(milli, 1000)
    return f"{whole}.{part:03d}".rstrip("0").rstrip(".") if part else str(whole)


OVERDRAFT_SQL = (
    "INSERT INTO overdrafts (ledger_entry_id, customer_id, store_id, till_id, points, "
    "balance_after, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def balance_of(conn: sqlite3.Connection, customer_id: str) -> int:
    """A customer's points balance: the sum of their ledger entries (customer_balances)."""
    row = conn.execute(
        "SELECT points FROM customer_balances WHERE customer_id = ?", (customer_id,)
    ).fetchone()
    return 0 if row is None else int(row[0])


def overdraft_row(
    till: TillIdentity, entry: sync_pb2.LedgerEntry, balance: int, now: str
) -> tuple[Any, ...]:
    return (entry.id, entry.customer_id, till.store_id, till.till_id, entry.points, balance,
            now)


def record_overdraft(
    conn: sqlite3.Connection, till: TillIdentity, entry: sync_pb2.LedgerEntry, now: str
) -> None:
    """Record the spend ``entry`` as an overdraft if the balance is now below zero."""
    balance = balance_of(conn, entry.customer_id)
    if balance < 0:
        conn.execute(OVERDRAFT_SQL, overdraft_row(till, entry, balance, now))


APPLIERS: dict[str, Callable[[Tx], None]] = {
    "sale_closed": apply_sale_closed,
    "return_made": apply_return_made,
    "shift_opened": apply_shift_opened,
    "shift_closed": apply_shift_closed,
    "cash_movement": apply_cash_movement,
    "customer_registered": apply_customer_registered,
    "customer_updated": apply_customer_updated,
}
