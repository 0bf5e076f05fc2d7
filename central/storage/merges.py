"""HQ merges of duplicate customers (C6), and events that name a merged-away customer.

A merge moves everything of the gone customer to the survivor: cards, ledger entries,
purchase facts (so lifetime purchases add up), receipts, returns and overdrafts, and
its terms when the survivor has none of its own. The gone customer is then deleted
(anonymised) and marked ``merged_into`` the survivor, so events tills made offline
against it land on the survivor when they are applied (chains are followed).

Moved ledger entries keep their ids and points but name the survivor. They are fed
again so tills converge, and the running checksum trades each one's old digest for its
new one: the till re-points its own rows on ``customer_merged`` and takes central's
customer for any entry it receives again (edge/storage/changes.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from google.protobuf.message import Message

from central.storage import customers, snapshot
from central.storage.feed import FeedBuffer
from kassa.replication.checksum import LedgerSum, ledger_sum
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2


@dataclass(frozen=True)
class Moved:
    """What a merge moved from the gone customer to the survivor."""

    cards: int
    ledger_entries: int
    purchases: int


def merge(
    conn: sqlite3.Connection, feed: FeedBuffer, survivor_id: str, gone_id: str, stamp: Stamp,
    at: str,
) -> Moved:
    """Merge ``gone_id`` into ``survivor_id`` and feed it: ``customer_merged`` first, then
    the moved entities, then the deleted gone customer. CustomerRefused for the same id
    twice, an unknown or a deleted customer."""
    if survivor_id == gone_id:
        raise customers.CustomerRefused(f"cannot merge customer {gone_id!r} into itself")
    customers.check_live(conn, survivor_id)
    customers.check_live(conn, gone_id)
    feed.add("customer_merged", gone_id,
             sync_pb2.CustomerMerged(gone_id=gone_id, survivor_id=survivor_id))
    cards = _move(conn, feed, "card", gone_id, survivor_id)
    entries = cast(list[sync_pb2.LedgerEntry],
                   _move(conn, feed, "ledger_entry", gone_id, survivor_id))
    purchases = _move(conn, feed, "customer_purchase", gone_id, survivor_id)
    # The moved entries as they were, for the checksum (no second read of the ledger,
    # which on SQLite has no index by customer: migration 12).
    old = ledger_sum((e.id, gone_id, e.points) for e in entries)
    moved = Moved(cards=len(cards), ledger_entries=len(entries), purchases=len(purchases))
    _move_terms(conn, feed, gone_id, survivor_id)
    for table in ("receipts", "returns", "overdrafts"):
        conn.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?",
                     (survivor_id, gone_id))
    customers.delete(conn, feed, gone_id, stamp, at)
    customers.mark(conn, gone_id, customers.MERGED_INTO, survivor_id, stamp)
    _forget(conn, old)
    return moved


def _move_terms(conn: sqlite3.Connection, feed: FeedBuffer, gone_id: str, survivor_id: str) -> None:
    """The survivor keeps its own terms; without any it takes the gone customer's."""
    if conn.execute(
        "SELECT 1 FROM customer_terms WHERE customer_id = ?", (survivor_id,)
    ).fetchone() is None:
        _move(conn, feed, "customer_terms", gone_id, survivor_id)


def _forget(conn: sqlite3.Connection, old: LedgerSum) -> None:
    """Take the moved entries' old form out of the running ledger checksum: fed again
    under the survivor, they are counted back with their new digests. Last in the merge,
    like the feed's own update, so the feed row is locked only briefly (docs/sync.md)."""
    conn.execute(
        "UPDATE feed_state SET entries = entries - ?, points = points - ?, "
        "digest_sum = digest_sum - ? WHERE id = 1",
        (old.entries, old.points, old.digest_sum),
    )


def _move(
    conn: sqlite3.Connection, feed: FeedBuffer, kind: str, gone_id: str, survivor_id: str
) -> list[Message]:
    """Re-point the gone customer's rows of a snapshot kind to the survivor and feed them
    again; returns them as fed (with the survivor's id)."""
    _, table, key, columns, build = next(s for s in snapshot.SOURCES if s[0] == kind)
    rows = conn.execute(
        f"SELECT {columns} FROM {table} WHERE customer_id = ? ORDER BY {key}", (gone_id,)
    ).fetchall()
    conn.execute(f"UPDATE {table} SET customer_id = ? WHERE customer_id = ?",
                 (survivor_id, gone_id))
    messages = []
    for row in rows:
        message = build(row)
        message.customer_id = survivor_id  # type: ignore[attr-defined]
        feed.add(kind, str(getattr(message, key)), message)
        messages.append(message)
    return messages


def redirect_sale(conn: sqlite3.Connection, sale: sync_pb2.SaleClosed) -> None:
    """Point a pushed sale made for a merged-away customer at the survivor (in place;
    the event's content hash was checked before)."""
    sale.customer_id = _survivor(conn, sale.customer_id)
    _redirect_entries(conn, sale.ledger_entries)


def redirect_return(conn: sqlite3.Connection, ret: sync_pb2.ReturnMade) -> None:
    """As redirect_sale, for a return."""
    ret.customer_id = _survivor(conn, ret.customer_id)
    _redirect_entries(conn, ret.ledger_entries)


def _redirect_entries(conn: sqlite3.Connection, entries: Iterable[sync_pb2.LedgerEntry]) -> None:
    for entry in entries:
        entry.customer_id = _survivor(conn, entry.customer_id)


def _survivor(conn: sqlite3.Connection, customer_id: str) -> str:
    return customers.survivor_of(conn, customer_id) if customer_id else ""


def names_merged(conn: sqlite3.Connection, customer_ids: Iterable[str]) -> bool:
    """True when any of ``customer_ids`` was merged away (its events need redirecting)."""
    listed = sorted(set(customer_ids) - {""})
    for start in range(0, len(listed), 500):
        chunk = listed[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        if conn.execute(
            f"SELECT 1 FROM customer_versions WHERE field = ? AND customer_id IN ({marks}) "
            "LIMIT 1", [customers.MERGED_INTO, *chunk],
        ).fetchone() is not None:
            return True
    return False
