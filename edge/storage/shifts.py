"""Cashiers, shifts, cash movements and the audit trail of privileged actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from edge.storage.database import Database
from kassa.domain.ids import new_id


@dataclass(frozen=True)
class CashierRecord:
    id: str
    name: str
    pin_hash: str
    role: str
    active: bool

    @property
    def is_manager(self) -> bool:
        return self.role == "manager"


@dataclass(frozen=True)
class ShiftRecord:
    id: str
    number: int
    cashier_id: str
    opened_at: datetime
    opening_float: int


def active_cashiers(database: Database) -> list[CashierRecord]:
    rows = database.rows("SELECT * FROM cashiers WHERE active ORDER BY id")
    return [CashierRecord(**{**r, "active": bool(r["active"])}) for r in rows]


def open_shift(database: Database) -> ShiftRecord | None:
    """The shift of this till that is open now, if any."""
    row = database.one("SELECT * FROM shifts WHERE closed_at IS NULL ORDER BY number DESC")
    if row is None:
        return None
    return ShiftRecord(
        id=row["id"], number=row["number"], cashier_id=row["cashier_id"],
        opened_at=datetime.fromisoformat(row["opened_at"]), opening_float=row["opening_float"],
    )


def insert_shift(db: sqlite_utils.Database, shift: ShiftRecord) -> None:
    db.conn.execute(
        "INSERT INTO shifts (id, number, cashier_id, opened_at, opening_float) "
        "VALUES (?, ?, ?, ?, ?)",
        (shift.id, shift.number, shift.cashier_id, shift.opened_at.isoformat(),
         shift.opening_float),
    )


def next_shift_number(db: sqlite_utils.Database) -> int:
    row = db.conn.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM shifts").fetchone()
    return int(row[0])


def close_shift(
    db: sqlite_utils.Database, shift_id: str, closed_by: str, at: datetime, expected_cash: int
) -> None:
    db.conn.execute(
        "UPDATE shifts SET closed_at = ?, closed_by = ?, expected_cash = ? WHERE id = ?",
        (at.isoformat(), closed_by, expected_cash, shift_id),
    )


def insert_cash_movement(
    db: sqlite_utils.Database, *, movement_id: str, shift_id: str, amount: int, reason: str,
    cashier_id: str, approved_by: str, at: datetime,
) -> None:
    db.conn.execute(
        "INSERT INTO cash_movements (id, shift_id, amount, reason, cashier_id, approved_by, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (movement_id, shift_id, amount, reason, cashier_id, approved_by, at.isoformat()),
    )


def record_action(
    db: sqlite_utils.Database, *, at: datetime, cashier_id: str, approved_by: str, kind: str,
    detail: str,
) -> None:
    """Who did what: every privileged action is kept with the cashier and the approver."""
    db.conn.execute(
        "INSERT INTO actions (id, at, cashier_id, approved_by, kind, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (new_id(), at.isoformat(), cashier_id, approved_by, kind, detail),
    )


def shift_figures(database: Database, shift_id: str) -> dict[str, Any]:
    """Raw sums of a shift for its X or Z report."""
    sales = database.one(
        "SELECT COUNT(*) AS count, COALESCE(SUM(total), 0) AS total, "
        "COALESCE(SUM(discount_total), 0) AS discounts FROM receipts WHERE shift_id = ?",
        (shift_id,),
    )
    returns = database.one(
        "SELECT COUNT(*) AS count, COALESCE(SUM(total), 0) AS total FROM returns "
        "WHERE shift_id = ?",
        (shift_id,),
    )
    refunds = {
        r["method"]: r["amount"]
        for r in database.rows(
            "SELECT f.method, SUM(f.amount) AS amount FROM refunds f JOIN returns r "
            "ON r.id = f.return_id WHERE r.shift_id = ? GROUP BY f.method",
            (shift_id,),
        )
    }
    by_method = {
        r["method"]: r["amount"]
        for r in database.rows(
            "SELECT p.method, SUM(p.amount) AS amount FROM payments p JOIN receipts r "
            "ON r.id = p.receipt_id WHERE r.shift_id = ? GROUP BY p.method",
            (shift_id,),
        )
    }
    points = database.one(
        "SELECT COALESCE(SUM(CASE WHEN l.points > 0 THEN l.points END), 0) AS earned, "
        "COALESCE(-SUM(CASE WHEN l.points < 0 THEN l.points END), 0) AS spent "
        "FROM ledger_entries l JOIN receipts r ON r.id = l.receipt_id WHERE r.shift_id = ?",
        (shift_id,),
    )
    moves = database.rows(
        "SELECT amount, reason, at FROM cash_movements WHERE shift_id = ? ORDER BY at",
        (shift_id,),
    )
    assert sales is not None and points is not None and returns is not None
    return {"sales": sales, "by_method": by_method, "points": points, "moves": moves,
            "returns": returns, "refunds": refunds}
