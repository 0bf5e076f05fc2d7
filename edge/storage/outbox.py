"""Events waiting to reach central, oldest first; forgotten once central holds them.

Each event is stamped with the till's hybrid logical clock as it is queued, in the
transaction that stores the fact it carries; the clock lives in ``sync_state``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlite_utils

from edge.storage.database import Database
from kassa.replication import hlc
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

CLOCK_KEY = "hlc"


def clock_in(db: sqlite_utils.Database) -> Stamp:
    """The till's hybrid logical clock: the greatest stamp it has made or seen."""
    row = db.conn.execute("SELECT value FROM sync_state WHERE key = ?", (CLOCK_KEY,)).fetchone()
    return hlc.ZERO if row is None else Stamp.decode(row[0])


def set_clock_in(db: sqlite_utils.Database, stamp: Stamp) -> None:
    db.conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (CLOCK_KEY, stamp.encode()),
    )


def add_in(db: sqlite_utils.Database, event: sync_pb2.Event) -> None:
    """Stamp an event and queue it inside the caller's transaction (with the fact it carries).

    The stamp's wall time is the event's ``created_at``, so it follows the till's clock.
    """
    stamp = hlc.tick(clock_in(db), event.created_at.ToMilliseconds())
    set_clock_in(db, stamp)
    event.hlc.wall_ms, event.hlc.logical = stamp.wall_ms, stamp.logical
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


def oldest_pending(database: Database) -> datetime | None:
    """When the oldest waiting event was made (by the till's clock)."""
    value = database.scalar("SELECT created_at FROM outbox ORDER BY rowid LIMIT 1")
    return None if value is None else datetime.fromisoformat(value)


def rejected_count(database: Database) -> int:
    return int(database.scalar("SELECT COUNT(*) FROM outbox_rejected"))


def settle(database: Database, reply: sync_pb2.PushReply) -> None:
    """Act on central's answer to a push in one transaction: quarantine the rejected
    events in ``outbox_rejected`` with the reason, then forget every event up to
    ``forget_through``. Events behind a rejected one flow on."""
    now = datetime.now(UTC).isoformat()
    with database.write() as db:
        through = db.conn.execute(
            "SELECT rowid FROM outbox WHERE id = ?", (reply.forget_through,)
        ).fetchone()
        for rejection in reply.rejected:
            db.conn.execute(
                "INSERT OR REPLACE INTO outbox_rejected (id, payload, reason, rejected_at) "
                "SELECT id, payload, ?, ? FROM outbox WHERE id = ?",
                (rejection.reason, now, rejection.event_id),
            )
        if through is not None:
            db.conn.execute("DELETE FROM outbox WHERE rowid <= ?", (through[0],))
        db.conn.executemany(
            "DELETE FROM outbox WHERE id = ?",
            [(i,) for i in [*reply.acknowledged_ids, *(r.event_id for r in reply.rejected)]],
        )
        remote = Stamp(reply.central_time.wall_ms, reply.central_time.logical)
        set_clock_in(db, hlc.receive(clock_in(db), remote, 0))


def unsent_ledger_ids(database: Database) -> set[str]:
    """Ids of ledger entries carried by events still waiting or quarantined: central's
    checksum cannot include them, so the till leaves them out of its own."""
    ids: set[str] = set()
    rows = database.rows("SELECT payload FROM outbox UNION ALL SELECT payload FROM outbox_rejected")
    for row in rows:
        event = sync_pb2.Event.FromString(row["payload"])
        kind = event.WhichOneof("body")
        body = getattr(event, kind) if kind else None
        for entry in getattr(body, "ledger_entries", ()):
            ids.add(entry.id)
    return ids
