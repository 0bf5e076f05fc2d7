"""The receipt journal: find stored receipts and rebuild them for reprint or return."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from edge.storage import customers
from edge.storage.database import Database
from kassa.domain import pricing
from kassa.domain.sale import ClosedSale, CustomerRef, Payment, ReceiptLine

LIMIT = 100
_PAYMENT_ORDER = ("card", "cash", "points")  # as kassa.domain.sale.settle makes them


@dataclass(frozen=True)
class JournalRow:
    id: str
    number: str
    closed_at: datetime
    total: int
    customer_name: str


def _rows(
    database: Database, till_id: str, where: str, params: tuple[object, ...]
) -> list[JournalRow]:
    """This till's receipts matching ``where``; copies of other tills' receipts kept for
    returns are not in its journal."""
    rows = database.rows(
        "SELECT r.id, r.number, r.closed_at, r.total, "
        "COALESCE(c.surname || ' ' || c.first_name, '') AS customer_name "
        f"FROM receipts r LEFT JOIN customers c ON c.id = r.customer_id "
        f"WHERE r.till_id = ? AND ({where}) ORDER BY r.closed_at DESC LIMIT ?",
        (till_id, *params, LIMIT),
    )
    return [
        JournalRow(r["id"], r["number"], datetime.fromisoformat(r["closed_at"]), r["total"],
                   r["customer_name"].strip())
        for r in rows
    ]


def by_number(database: Database, till_id: str, text: str) -> list[JournalRow]:
    """Receipts whose number is ``text`` or ends with it ("42" finds "T1-000042")."""
    digits = text.strip()
    return _rows(database, till_id, "r.number = ? OR r.number LIKE ?",
                 (digits, f"%-{digits.zfill(6)}"))


def between(database: Database, till_id: str, start: datetime, end: datetime) -> list[JournalRow]:
    """Receipts closed in [start, end) (aware datetimes, compared in UTC)."""
    return _rows(
        database, till_id, "r.closed_at >= ? AND r.closed_at < ?",
        (start.astimezone(UTC).isoformat(), end.astimezone(UTC).isoformat()),
    )


def of_customer(database: Database, till_id: str, customer_id: str) -> list[JournalRow]:
    return _rows(database, till_id, "r.customer_id = ?", (customer_id,))


def load_sale(database: Database, receipt_id: str) -> ClosedSale | None:
    """Rebuild a stored receipt exactly as it closed (lines, discounts, payments, points)."""
    r = database.one("SELECT * FROM receipts WHERE id = ?", (receipt_id,))
    if r is None:
        return None
    priced = (
        pricing.decode(pricing.PricedReceipt, json.loads(r["pricing_json"]))
        if r["pricing_json"]
        else None
    )
    discounts = {line.line_no: line.discounts for line in priced.lines} if priced else {}
    lines = tuple(
        ReceiptLine(ln["line_no"], ln["product_id"], ln["barcode"], ln["name"],
                    ln["quantity_milli"], ln["unit_price"], ln["total"], ln["base_total"],
                    discounts.get(ln["line_no"], ()), ln["vat_rate_bp"], ln["points_spent"],
                    ln["points_earned"])
        for ln in database.rows(
            "SELECT * FROM receipt_lines WHERE receipt_id = ? ORDER BY line_no", (receipt_id,))
    )
    payments = tuple(sorted(
        (Payment(p["method"], p["amount"])
         for p in database.rows("SELECT * FROM payments WHERE receipt_id = ?", (receipt_id,))),
        key=lambda p: _PAYMENT_ORDER.index(p.method),
    ))
    closed_at = datetime.fromisoformat(r["closed_at"])
    held = customers.ledger(database, r["customer_id"] or "")
    ledger = [e for e in held if e.receipt_id == receipt_id]
    customer = None
    if r["customer_id"]:
        record = customers.get_customer(database, r["customer_id"])
        before = sum(e.points for e in held if e.created_at < closed_at and e not in ledger)
        customer = CustomerRef(
            r["customer_id"], record.display_name if record else "", before
        )
    return ClosedSale(
        id=r["id"], number=r["number"], store_id=r["store_id"], till_id=r["till_id"],
        closed_at=closed_at, lines=lines, total=r["total"],
        payments=payments, cash_tendered=r["cash_tendered"], change=r["change"],
        customer=customer, ledger=tuple(sorted(ledger, key=lambda e: e.id)),
        cashier_id=r["cashier_id"], shift_id=r["shift_id"], cash_rounding=r["cash_rounding"],
        points_spent=r["points_spent"], vat=priced.vat if priced else (),
        one_time_used=priced.one_time_used if priced else (), pricing=priced,
    )
