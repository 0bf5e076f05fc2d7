"""Returns against closed receipts: what each line has given back, and the return facts."""

from __future__ import annotations

from datetime import UTC

import sqlite_utils

from edge.storage import outbox
from edge.storage.database import Database
from edge.storage.sales import insert_ledger, insert_purchase
from kassa.domain.returns import ClosedReturn
from kassa.sync.v1 import sync_pb2


def next_return_number(db: sqlite_utils.Database, till_id: str) -> str:
    """Take the next return number of this till; call inside the return's transaction."""
    db.conn.execute(
        "INSERT INTO counters (name, value) VALUES ('return', 1) "
        "ON CONFLICT (name) DO UPDATE SET value = value + 1"
    )
    value = db.conn.execute("SELECT value FROM counters WHERE name = 'return'").fetchone()[0]
    return f"{till_id}-V{value:06d}"


def returned_quantities(database: Database, receipt_id: str) -> dict[int, int]:
    """Quantity (thousandths) already returned per line number of a receipt."""
    return {
        r["line_no"]: r["quantity"]
        for r in database.rows(
            "SELECT l.line_no, SUM(l.quantity_milli) AS quantity FROM return_lines l "
            "JOIN returns r ON r.id = l.return_id WHERE r.receipt_id = ? GROUP BY l.line_no",
            (receipt_id,),
        )
    }


def refunded_by(database: Database, receipt_id: str, method: str) -> int:
    """Money already refunded by ``method`` on a receipt's returns."""
    return int(database.scalar(
        "SELECT COALESCE(SUM(f.amount), 0) FROM refunds f JOIN returns r ON r.id = f.return_id "
        "WHERE r.receipt_id = ? AND f.method = ?",
        (receipt_id, method),
    ))


def insert_return(db: sqlite_utils.Database, ret: ClosedReturn, event: sync_pb2.Event) -> None:
    """Write a return, its lines, refunds, ledger entries, purchase fact and outbox event;
    call inside ``write()``."""
    db.conn.execute(
        "INSERT INTO returns (id, number, receipt_id, returned_at, customer_id, total, refund, "
        "cash_rounding, cashier_id, approved_by, shift_id, reason) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (ret.id, ret.number, ret.receipt_id, ret.returned_at.astimezone(UTC).isoformat(),
         ret.customer.id if ret.customer else None, ret.total, ret.refund, ret.cash_rounding,
         ret.cashier_id, ret.approved_by, ret.shift_id, ret.reason),
    )
    db.conn.executemany(
        "INSERT INTO return_lines (return_id, line_no, quantity_milli, total, refund, "
        "points_restored, points_annulled) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(ret.id, i.line_no, i.quantity_milli, i.total, i.refund, i.points_restored,
          i.points_annulled) for i in ret.lines],
    )
    db.conn.executemany(
        "INSERT INTO refunds (return_id, method, amount) VALUES (?, ?, ?)",
        [(ret.id, p.method, p.amount) for p in ret.refunds],
    )
    insert_ledger(db, ret.ledger)
    if ret.customer is not None:
        insert_purchase(
            db, fact_id=ret.id, customer_id=ret.customer.id, store_id=ret.store_id,
            at=ret.returned_at, amount=-ret.total, one_time_restored=ret.one_time_restored,
        )
    outbox.add_in(db, event)
