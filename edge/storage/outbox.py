"""Events waiting to reach central, oldest first; forgotten once central holds them.

Each event is stamped with the till's hybrid logical clock and sealed with its content
hash as it is queued, in the transaction that stores the fact it carries; the clock
lives in ``sync_state``. The client sends the stored bytes as they are.

``sync_state`` also keeps the running checksum of the ledger entries central holds too
(kassa.replication.checksum): an entry of this till counts from the transaction that
forgets its acknowledged event, never while it waits or sits in quarantine.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

import sqlite_utils

from edge.storage.database import Database, in_chunks
from kassa.replication import hlc
from kassa.replication.checksum import LedgerSum, ledger_sum
from kassa.replication.content import seal
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

CLOCK_KEY = "hlc"
SUM_KEY = "ledger_sum"

LedgerRow = tuple[str, str, int]


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
    Raises ValueError, queuing nothing, when the event carries ledger entries this till
    does not hold yet: the running checksum counts a till's own entries from their rows
    as their event is forgotten, so an entry queued without its row would count twice
    once the feed brought it back first.
    """
    carried = _entries_of(event)
    if carried:
        held = {row[0] for row in held_rows(db.conn, carried)}
        if missing := [i for i in carried if i not in held]:
            raise ValueError(f"event {event.id} carries ledger entries this till does not "
                             f"hold: {', '.join(missing)}")
    stamp = hlc.tick(clock_in(db), event.created_at.ToMilliseconds())
    set_clock_in(db, stamp)
    event.hlc.wall_ms, event.hlc.logical = stamp.wall_ms, stamp.logical
    seal(event)
    db.conn.execute(
        "INSERT INTO outbox (id, created_at, payload, sealed) VALUES (?, ?, ?, 1)",
        (event.id, event.created_at.ToDatetime(tzinfo=UTC).isoformat(),
         event.SerializeToString(deterministic=True)),
    )


def seal_queued(database: Database, store_id: str, till_id: str) -> int:
    """Seal the events queued before events were sealed as queued (migration 7) as the
    client sealed them as it pushed: with the claim (``store_id``, ``till_id``) filled in
    where the event left it empty. Returns how many; none after the first call."""
    rows = [(r["id"], r["payload"]) for r in database.rows(
        "SELECT id, payload FROM outbox WHERE sealed = 0")]
    if not rows:
        return 0
    with database.write() as db:
        for event_id, payload in rows:
            event = sync_pb2.Event.FromString(payload)
            event.store_id = event.store_id or store_id
            event.till_id = event.till_id or till_id
            seal(event)
            db.conn.execute("UPDATE outbox SET payload = ?, sealed = 1 WHERE id = ?",
                            (event.SerializeToString(deterministic=True), event_id))
    return len(rows)


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
    ``forget_through``. Events behind a rejected one flow on. The ledger entries of the
    events forgotten, not quarantined, join the running checksum."""
    now = datetime.now(UTC).isoformat()
    rejected = {r.event_id for r in reply.rejected}
    with database.write() as db:
        conn = db.conn
        through = conn.execute(
            "SELECT rowid FROM outbox WHERE id = ?", (reply.forget_through,)
        ).fetchone()
        for rejection in reply.rejected:
            conn.execute(
                "INSERT OR REPLACE INTO outbox_rejected (id, payload, reason, rejected_at) "
                "SELECT id, payload, ?, ? FROM outbox WHERE id = ?",
                (rejection.reason, now, rejection.event_id),
            )
        gone: list[tuple[str, bytes]] = []
        if through is not None:
            gone += conn.execute(
                "DELETE FROM outbox WHERE rowid <= ? RETURNING id, payload", (through[0],)
            ).fetchall()
        for chunk, marks in in_chunks([*reply.acknowledged_ids, *rejected]):
            gone += conn.execute(
                f"DELETE FROM outbox WHERE id IN ({marks}) RETURNING id, payload", chunk
            ).fetchall()
        forgotten = [i for event_id, payload in gone if event_id not in rejected
                     for i in _entry_ids(payload)]
        count_in(conn, (), held_rows(conn, forgotten))
        remote = Stamp(reply.central_time.wall_ms, reply.central_time.logical)
        set_clock_in(db, hlc.receive(clock_in(db), remote, 0))


def _entry_ids(payload: bytes) -> list[str]:
    """Ids of the ledger entries a serialized event carries (sales and returns do)."""
    return _entries_of(sync_pb2.Event.FromString(payload))


def _entries_of(event: sync_pb2.Event) -> list[str]:
    """Ids of the ledger entries ``event`` carries."""
    kind = event.WhichOneof("body")
    body = getattr(event, kind) if kind else None
    return [entry.id for entry in getattr(body, "ledger_entries", ())]


def unsent_ledger_ids(conn: sqlite3.Connection) -> set[str]:
    """Ids of ledger entries carried by events still waiting or quarantined: central's
    checksum cannot include them, so the till leaves them out of its own."""
    rows = conn.execute("SELECT payload FROM outbox UNION ALL SELECT payload FROM outbox_rejected")
    return {entry_id for (payload,) in rows for entry_id in _entry_ids(payload)}


def held_rows(conn: sqlite3.Connection, ids: Iterable[str]) -> list[LedgerRow]:
    """(id, customer_id, points) of the held ledger entries among ``ids``."""
    found: list[LedgerRow] = []
    for chunk, marks in in_chunks(list(ids)):
        found += conn.execute(
            f"SELECT id, customer_id, points FROM ledger_entries WHERE id IN ({marks})", chunk
        ).fetchall()
    return found


def decode_sum(value: str) -> LedgerSum:
    entries, points, digest_sum = (int(part) for part in value.split())
    return LedgerSum(entries, points, digest_sum)


def held_sum_in(conn: sqlite3.Connection) -> LedgerSum | None:
    """The running ledger checksum, or None while it is not kept yet."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (SUM_KEY,)).fetchone()
    return None if row is None else decode_sum(row[0])


def set_held_sum_in(conn: sqlite3.Connection, total: LedgerSum) -> None:
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SUM_KEY, f"{total.entries} {total.points} {total.digest_sum}"),
    )


def count_in(
    conn: sqlite3.Connection, removed: Iterable[LedgerRow], added: Iterable[LedgerRow]
) -> None:
    """Take ``removed`` rows out of the running checksum and put ``added`` in. Nothing
    while it is not kept: its first reader computes it from the rows as they are then."""
    current = held_sum_in(conn)
    if current is None:
        return
    out, into = ledger_sum(removed), ledger_sum(added)
    set_held_sum_in(conn, LedgerSum(
        current.entries - out.entries + into.entries,
        current.points - out.points + into.points,
        current.digest_sum - out.digest_sum + into.digest_sum,
    ))
