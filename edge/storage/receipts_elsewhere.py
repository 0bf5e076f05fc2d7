"""Receipts of other tills, kept here for returns (S4): a copy of the sale central sent and
the returns it held against it.

A copy is not this till's sale: it has no outbox event, ledger entries or purchase fact
here (the sale's ledger entries and purchase reach every till through the feed), and it
belongs to its own till's shift, so this till's shift totals and journal leave it out.
"""

from __future__ import annotations

from datetime import UTC

import sqlite_utils
from google.protobuf.timestamp_pb2 import Timestamp

from edge.storage import receipt_facts
from edge.storage.database import Database
from kassa.sync.v1 import sync_pb2


def _method(number: sync_pb2.Payment.Method.ValueType) -> str:
    """"cash", "card" or "points", as the till stores a payment method."""
    return sync_pb2.Payment.Method.Name(number).lower()


def _iso(stamp: Timestamp) -> str:
    return stamp.ToDatetime(tzinfo=UTC).isoformat()


def held(database: Database, number: str, till_id: str) -> str | None:
    """The id of the copy of another till's receipt ``number`` held here, if any."""
    row = database.one(
        "SELECT id FROM receipts WHERE number = ? AND till_id != ?", (number, till_id)
    )
    return None if row is None else str(row["id"])


def keep(db: sqlite_utils.Database, found: sync_pb2.FoundReceipt) -> None:
    """Store the copy of a receipt central found (nothing changes for a receipt held
    already, this till's own included) and the returns central holds against it that
    this till does not; call inside ``write()``."""
    sale = found.sale
    cash = [p for p in sale.payments if p.method == sync_pb2.Payment.CASH]
    tendered = sum(p.tendered for p in cash)
    db.conn.execute(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
        "cash_tendered, change, cashier_id, shift_id, cash_rounding, points_spent, "
        "discount_total, pricing_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO NOTHING",
        (sale.receipt_id, sale.number, found.store_id, found.till_id, _iso(sale.closed_at),
         sale.customer_id or None, sale.total, tendered,
         max(0, tendered - sum(p.amount for p in cash)), sale.cashier_id, sale.shift_id,
         sale.cash_rounding, sale.points_spent,
         sum(ln.base_total - ln.total for ln in sale.lines), sale.pricing_json),
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
        [(sale.receipt_id, _method(p.method), p.amount) for p in sale.payments],
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total, base_total, discount_total, vat_rate_bp, "
        "points_spent, points_earned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sale.receipt_id, ln.line_no, ln.product_id, ln.barcode, ln.name, ln.quantity_milli,
          ln.unit_price, ln.total, ln.base_total, ln.base_total - ln.total, ln.vat_rate_bp,
          ln.points_spent, ln.points_earned) for ln in sale.lines],
    )
    for ret in found.returns:
        added = db.conn.execute(
            "INSERT OR IGNORE INTO returns (id, number, receipt_id, returned_at, customer_id, "
            "total, refund, cash_rounding, cashier_id, approved_by, shift_id, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (ret.return_id, ret.number, sale.receipt_id, _iso(ret.returned_at),
             ret.customer_id or None, ret.total, ret.refund, ret.cash_rounding, ret.cashier_id,
             ret.approved_by, ret.shift_id, ret.reason),
        ).rowcount
        if not added:
            continue
        db.conn.executemany(
            "INSERT INTO return_lines (return_id, line_no, quantity_milli, total, refund, "
            "points_restored, points_annulled) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(ret.return_id, ln.line_no, ln.quantity_milli, ln.total, ln.refund,
              ln.points_restored, ln.points_annulled) for ln in ret.lines],
        )
        db.conn.executemany(
            "INSERT INTO refunds (return_id, method, amount) VALUES (?, ?, ?)",
            [(ret.return_id, _method(r.method), r.amount) for r in ret.refunds],
        )


def missing_ledger(database: Database, sale: sync_pb2.SaleClosed) -> int:
    """How many of the sale's ledger entries have not reached this till yet."""
    ids = [entry.id for entry in sale.ledger_entries]
    if not ids:
        return 0
    held_here = database.scalar(
        f"SELECT COUNT(*) FROM ledger_entries WHERE id IN ({','.join('?' * len(ids))})",
        tuple(ids),
    )
    with database.reading() as conn:
        in_facts = {entry_id for entry_id, _, _ in receipt_facts.entry_rows(
            conn, "WHERE receipt_id = ?", (sale.receipt_id,))}
    return len(ids) - int(held_here) - len(in_facts.intersection(ids))
