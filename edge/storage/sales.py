"""Closed sales: the receipt, its lines, its ledger entries and its outbox event together."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from edge.storage import outbox
from edge.storage.database import Database
from kassa.domain import pricing
from kassa.domain.points import LedgerEntry
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


def insert_sale(
    db: sqlite_utils.Database,
    sale: ClosedSale,
    event: sync_pb2.Event,
    request_json: str = "",
    programs_version: int = 0,
) -> None:
    """Write a closed sale, its ledger entries, its purchase fact and its outbox event;
    call inside ``write()``. ``request_json`` and ``programs_version`` are what it was
    priced from, so `edge price` can reproduce it."""
    db.conn.execute(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
        "cash_tendered, change, cashier_id, shift_id, cash_rounding, points_spent, "
        "discount_total, programs_version, pricing_request_json, pricing_json) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sale.id,
            sale.number,
            sale.store_id,
            sale.till_id,
            sale.closed_at.astimezone(UTC).isoformat(),
            sale.customer.id if sale.customer else None,
            sale.total,
            sale.cash_tendered,
            sale.change,
            sale.cashier_id,
            sale.shift_id,
            sale.cash_rounding,
            sale.points_spent,
            sale.discount_total,
            programs_version,
            request_json,
            json.dumps(pricing.encode(sale.pricing), ensure_ascii=False) if sale.pricing else "",
        ),
    )
    db.conn.executemany(
        "INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
        [(sale.id, p.method, p.amount) for p in sale.payments],
    )
    db.conn.executemany(
        "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total, base_total, discount_total, vat_rate_bp, "
        "points_spent, points_earned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (sale.id, ln.line_no, ln.product_id, ln.barcode, ln.name, ln.quantity_milli,
             ln.unit_price, ln.total, ln.base_total, ln.discount_total, ln.vat_rate,
             ln.points_spent, ln.points_earned)
            for ln in sale.lines
        ],
    )
    insert_ledger(db, sale.ledger)
    if sale.customer is not None:
        insert_purchase(
            db, fact_id=sale.id, customer_id=sale.customer.id, store_id=sale.store_id,
            at=sale.closed_at, amount=sale.total, one_time_used=sale.one_time_used,
        )
    outbox.add_in(db, event)


def insert_ledger(db: sqlite_utils.Database, entries: Iterable[LedgerEntry]) -> None:
    """Write ledger entries made at this till (with their lots)."""
    db.conn.executemany(
        "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, created_at, "
        "reason, lot_id, lot_earned_at, lot_available_at, lot_expires_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (e.id, e.customer_id, e.points, e.receipt_id, e.store_id,
             e.created_at.astimezone(UTC).isoformat(),
             e.reason, e.lot_id, _iso(e.lot_earned_at), _iso(e.lot_available_at),
             _iso(e.lot_expires_at))
            for e in entries
        ],
    )


def insert_purchase(
    db: sqlite_utils.Database,
    *,
    fact_id: str,
    customer_id: str,
    store_id: str,
    at: datetime,
    amount: int,
    one_time_used: Iterable[str] = (),
    one_time_restored: Iterable[str] = (),
) -> None:
    """Record a receipt's or a return's effect on lifetime purchases and one-time
    discounts; central sends the same fact back with the same id."""
    db.conn.execute(
        "INSERT OR IGNORE INTO customer_purchases (id, customer_id, store_id, at, amount, "
        "one_time_used, one_time_restored) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (fact_id, customer_id, store_id, at.astimezone(UTC).isoformat(), amount,
         ",".join(one_time_used), ",".join(one_time_restored)),
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat()


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


def pricing_document(database: Database, number: str) -> str | None:
    """The `edge price` input a stored receipt was priced from (its request with the
    programs of the version it records), or None when there is no such receipt."""
    row = database.one(
        "SELECT pricing_request_json, programs_version FROM receipts WHERE number = ?",
        (number,),
    )
    if row is None or not row["pricing_request_json"]:
        return None
    programs = database.scalar(
        "SELECT json FROM pricing_programs WHERE version = ?", (row["programs_version"],)
    )
    document = json.loads(row["pricing_request_json"])
    document["programs"] = json.loads(programs) if programs else {}
    return json.dumps(document, ensure_ascii=False, indent=2)
