"""The receipt journal: find stored receipts and rebuild them for reprint or return."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from edge.storage import customers
from edge.storage.database import Database
from kassa.domain.sale import ClosedSale, CustomerRef, LedgerEntry, Payment, ReceiptLine

LIMIT = 100


@dataclass(frozen=True)
class JournalRow:
    id: str
    number: str
    closed_at: datetime
    total: int
    customer_name: str


def _rows(database: Database, where: str, params: tuple[object, ...]) -> list[JournalRow]:
    rows = database.rows(
        "SELECT r.id, r.number, r.closed_at, r.total, "
        "COALESCE(c.surname || ' ' || c.first_name, '') AS customer_name "
        f"FROM receipts r LEFT JOIN customers c ON c.id = r.customer_id WHERE {where} "
        "ORDER BY r.closed_at DESC LIMIT ?",
        (*params, LIMIT),
    )
    return [
        JournalRow(r["id"], r["number"], datetime.fromisoformat(r["closed_at"]), r["total"],
                   r["customer_name"].strip())
        for r in rows
    ]


def by_number(database: Database, text: str) -> list[JournalRow]:
    """Receipts whose number is ``text`` or ends with it ("42" finds "T1-000042")."""
    digits = text.strip()
    return _rows(database, "r.number = ? OR r.number LIKE ?", (digits, f"%-{digits.zfill(6)}"))


def between(database: Database, start: datetime, end: datetime) -> list[JournalRow]:
    """Receipts closed in [start, end) (aware datetimes, compared in UTC)."""
    return _rows(
        database, "r.closed_at >= ? AND r.closed_at < ?",
        (start.isoformat(), end.isoformat()),
    )


def of_customer(database: Database, customer_id: str) -> list[JournalRow]:
    return _rows(database, "r.customer_id = ?", (customer_id,))


def load_sale(database: Database, receipt_id: str) -> ClosedSale | None:
    """Rebuild a stored receipt exactly as it closed (lines, payments, points)."""
    r = database.one("SELECT * FROM receipts WHERE id = ?", (receipt_id,))
    if r is None:
        return None
    lines = tuple(
        ReceiptLine(ln["line_no"], ln["product_id"], ln["barcode"], ln["name"],
                    ln["quantity_milli"], ln["unit_price"], ln["total"])
        for ln in database.rows(
            "SELECT * FROM receipt_lines WHERE receipt_id = ? ORDER BY line_no", (receipt_id,))
    )
    payments = tuple(
        Payment(p["method"], p["amount"])
        for p in database.rows(
            "SELECT * FROM payments WHERE receipt_id = ? ORDER BY method DESC", (receipt_id,))
    )
    ledger = tuple(
        LedgerEntry(e["id"], e["customer_id"], e["points"], e["receipt_id"], e["store_id"],
                    datetime.fromisoformat(e["created_at"]), e["reason"])
        for e in database.rows(
            "SELECT * FROM ledger_entries WHERE receipt_id = ? ORDER BY id", (receipt_id,))
    )
    customer = None
    if r["customer_id"]:
        record = customers.get_customer(database, r["customer_id"])
        before = database.scalar(
            "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ? "
            "AND created_at < ? AND receipt_id != ?",
            (r["customer_id"], r["closed_at"], receipt_id),
        )
        customer = CustomerRef(
            r["customer_id"], record.display_name if record else "", int(before)
        )
    return ClosedSale(
        id=r["id"], number=r["number"], store_id=r["store_id"], till_id=r["till_id"],
        closed_at=datetime.fromisoformat(r["closed_at"]), lines=lines, total=r["total"],
        payments=payments, cash_tendered=r["cash_tendered"], change=r["change"],
        customer=customer, ledger=ledger, cashier_id=r["cashier_id"], shift_id=r["shift_id"],
    )
