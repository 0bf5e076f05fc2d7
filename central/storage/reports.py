"""Read-only reports for HQ: tills and their sync state, overdrafts of points and of
one-time discounts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class TillRow:
    store_id: str
    till_id: str
    revoked: bool
    last_contact: str | None
    pending_events: int
    oldest_pending_ms: int
    feed_lag: int
    repeats: int


@dataclass(frozen=True)
class OverdraftRow:
    customer_id: str
    store_id: str
    till_id: str
    points: int
    balance_after: int
    balance_now: int
    recorded_at: str


def tills(conn: sqlite3.Connection) -> list[TillRow]:
    """Every till: last contact, what it last reported waiting, how far behind the feed it
    was (changes) and how many of its pushes central had already held (lost replies)."""
    head = int(conn.execute("SELECT head FROM feed_state WHERE id = 1").fetchone()[0])
    rows = conn.execute(
        "SELECT t.store_id, t.id, t.revoked, t.last_contact, t.pending_events, "
        "t.oldest_pending_ms, t.last_cursor, t.repeats FROM tills t ORDER BY t.store_id, t.id"
    ).fetchall()
    return [
        TillRow(store, till, bool(revoked), contact, pending, oldest, max(head - cursor, 0),
                int(repeats))
        for store, till, revoked, contact, pending, oldest, cursor, repeats in rows
    ]


def overdrafts(conn: sqlite3.Connection) -> list[OverdraftRow]:
    """Spends that took a balance below zero, oldest first, with the balance now."""
    rows = conn.execute(
        "SELECT o.customer_id, o.store_id, o.till_id, o.points, o.balance_after, "
        "COALESCE((SELECT b.points FROM customer_balances b "
        " WHERE b.customer_id = o.customer_id), 0), o.recorded_at "
        "FROM overdrafts o ORDER BY o.recorded_at, o.ledger_entry_id"
    ).fetchall()
    return [OverdraftRow(*row) for row in rows]


@dataclass(frozen=True)
class OveruseRow:
    customer_id: str
    store_id: str
    discount_id: str
    purchase_id: str
    recorded_at: str


def one_time_overuses(conn: sqlite3.Connection) -> list[OveruseRow]:
    """One-time discounts used again after they were used up (two stores offline)."""
    rows = conn.execute(
        "SELECT customer_id, store_id, discount_id, purchase_id, recorded_at "
        "FROM one_time_overuse ORDER BY recorded_at, purchase_id"
    ).fetchall()
    return [OveruseRow(*row) for row in rows]
