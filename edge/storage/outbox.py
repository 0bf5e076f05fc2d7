"""Events waiting to reach central, oldest first; forgotten once central holds them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlite_utils

from edge.storage.database import Database
from kassa.sync.v1 import sync_pb2


def add_in(db: sqlite_utils.Database, event: sync_pb2.Event) -> None:
    """Queue an event for central inside the caller's transaction (with the fact it carries)."""
    db.conn.execute(
        "INSERT INTO outbox (id, created_at, payload) VALUES (?, ?, ?)",
        (event.id, event.created_at.ToDatetime(tzinfo=UTC).isoformat(),
         event.SerializeToString(deterministic=True)),
    )


def pending(database: Database, limit: int) -> list[tuple[str, bytes]]:
    """Up to ``limit`` waiting events as (id, serialized Event), oldest first."""
    rows = database.rows(
        "SELECT id, payload FROM outbox ORDER BY rowid LIMIT ?", (limit,)
    )
    return [(r["id"], r["payload"]) for r in rows]


def pending_count(database: Database) -> int:
    return int(database.scalar("SELECT COUNT(*) FROM outbox"))


def forget(database: Database, event_ids: Iterable[str]) -> None:
    """Drop events central acknowledged."""
    with database.write() as db:
        db.conn.executemany("DELETE FROM outbox WHERE id = ?", [(i,) for i in event_ids])


def set_aside(database: Database, rejected: Iterable[tuple[str, str]]) -> None:
    """Move events central refused to ``outbox_rejected`` with the reason, so the rest flows."""
    now = datetime.now(UTC).isoformat()
    with database.write() as db:
        for event_id, reason in rejected:
            db.conn.execute(
                "INSERT OR REPLACE INTO outbox_rejected (id, payload, reason, rejected_at) "
                "SELECT id, payload, ?, ? FROM outbox WHERE id = ?",
                (reason, now, event_id),
            )
            db.conn.execute("DELETE FROM outbox WHERE id = ?", (event_id,))
