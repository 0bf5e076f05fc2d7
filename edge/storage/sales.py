"""Closed sales: the receipt, its lines, its ledger entries and its outbox event together."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from edge.storage import outbox
from edge.storage.database import Database
from kassa.domain.sale import ClosedSale
from kassa.sync.v1 import sync_pb2


def next_receipt_number(db: sqlite_utils.Database, till_id: str) -> str:
    """Take the next receipt number of this till; call inside the sale's write transaction."""
    db.conn.execute(
        "INSERT INTO counters (name, value) VALUES ('receipt', 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1"
    )
    value = db.conn.execute("SELECT value FROM counters WHERE name = 'receipt'").fetchone()[0]
    return f"{till_id}-{value:06d}"


def insert_sale(db: sqlite_utils.Database, sale: ClosedSale, event: sync_pb2.Event) -> None:
    """Write a closed sale, its ledger entries and its outbox event; call inside ``write()``."""
    db.conn.execute(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
        "cash_tendered, change, cashier_id, shift_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sale.id,
            sale.number,
            sale.store_id,
            sale.till_id,
            sale.closed_at.isoformat(),
            sale.customer.id if sale.customer else None,
            sale.total,
            sale.cash_tendered,
            sale.change,
            sale.cashier_id,
            sale.shift_id,
        ),
    )
    db.conn.executemany(
        "INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
        [(sale.id, p.method, p.amount) for p in sale.payments],
    )
    db.conn.executemany(
        "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sale.id, ln.line_no, ln.product_id, ln.barcode, ln.name, ln.quantity_milli,
             ln.unit_price, ln.total)
            for ln in sale.lines
        ],
    )
    db.conn.executemany(
        "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, created_at, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, e.customer_id, e.points, e.receipt_id, e.store_id, e.created_at.isoformat(),
             e.reason)
            for e in sale.ledger
        ],
    )
    outbox.add_in(db, event)


def set_fiscal(db: sqlite_utils.Database, receipt_id: str, mode: str, number: str) -> None:
    """Record how the fiscal device registered the receipt."""
    db.conn.execute(
        "UPDATE receipts SET fiscal_mode = ?, fiscal_number = ? WHERE id = ?",
        (mode, number, receipt_id),
    )


def get_receipt(database: Database, receipt_id: str) -> dict[str, Any] | None:
    """A stored receipt with its lines under the key ``lines``."""
    receipt = database.one("SELECT * FROM receipts WHERE id = ?", (receipt_id,))
    if receipt is None:
        return None
    receipt["lines"] = database.rows(
        "SELECT * FROM receipt_lines WHERE receipt_id = ? ORDER BY line_no", (receipt_id,)
    )
    receipt["payments"] = {
        r["method"]: r["amount"]
        for r in database.rows("SELECT * FROM payments WHERE receipt_id = ?", (receipt_id,))
    }
    return receipt
