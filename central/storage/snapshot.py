"""Central's current state in pages, for tills that bootstrap (new, or resync required).

Pages walk the entity tables in a fixed order (stores first, kinds added later last; of the
pricing programs only the newest version) by primary key; a page key is
"<table index>:<last key>". Pages are not one consistent read: the till subscribes from
the feed position of its first page afterwards, and replaying those changes over newer
state is harmless because every change carries an entity's whole state (or an immutable
ledger entry or purchase fact) and the last one wins.

Each row is written straight into the page message (a stored payload merged, fields
set): building a message and copying it into the page costs several times more.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from central.storage.feed import CHANGE_TYPES
from kassa.sync.v1 import sync_pb2

Row = tuple[Any, ...]
Fill = Callable[[Any, Row], None]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _payload(entity: Message, row: Row) -> None:
    entity.MergeFromString(row[1])


def _customer(c: sync_pb2.Customer, row: Row) -> None:
    c.id, c.surname, c.first_name, c.patronymic, c.phone, c.email = row


def _card(k: sync_pb2.Card, row: Row) -> None:
    k.barcode, k.customer_id, k.blocked = row[0], row[1], bool(row[2])


@lru_cache(maxsize=4096)
def _since_epoch(value: str) -> tuple[int, int]:
    """(seconds, nanos) of a stored time as ``Timestamp.FromDatetime`` sets them (naive
    read as UTC), without its detour through a time tuple; cached, as the times of an
    entry and its lot mostly repeat."""
    moment = datetime.fromisoformat(value)
    since = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - _EPOCH
    return since.days * 86400 + since.seconds, since.microseconds * 1000


def _set_time(stamp: Timestamp, value: str) -> None:
    stamp.seconds, stamp.nanos = _since_epoch(value)


def _ledger_entry(e: sync_pb2.LedgerEntry, row: Row) -> None:
    (e.id, e.customer_id, e.points, e.receipt_id, e.store_id, created_at, e.reason, e.lot_id,
     earned, available, expires) = row
    e.created_at.seconds, e.created_at.nanos = _since_epoch(created_at)
    if earned is not None:
        e.lot_earned_at.seconds, e.lot_earned_at.nanos = _since_epoch(earned)
    if available is not None:
        e.lot_available_at.seconds, e.lot_available_at.nanos = _since_epoch(available)
    if expires is not None:
        e.lot_expires_at.seconds, e.lot_expires_at.nanos = _since_epoch(expires)


def _programs(g: sync_pb2.PricingPrograms, row: Row) -> None:
    g.id, g.version, g.json = row


def _terms(t: sync_pb2.CustomerTerms, row: Row) -> None:
    t.customer_id, t.price_list, t.discounts_json = row[0], row[2], row[3]
    t.groups.extend(json.loads(row[1]))


def _purchase(p: sync_pb2.CustomerPurchase, row: Row) -> None:
    p.id, p.customer_id, p.store_id, p.amount = row[0], row[1], row[2], row[4]
    _set_time(p.at, row[3])
    p.one_time_used.extend(json.loads(row[5]))
    p.one_time_restored.extend(json.loads(row[6]))


def _built(kind: str, fill: Fill) -> Callable[[Row], Message]:
    def build(row: Row) -> Message:
        entity = CHANGE_TYPES[kind]()
        fill(entity, row)
        return entity

    return build


# The newest version of each program set: tills price with the newest they hold.
LATEST_PROGRAMS = (
    "(SELECT id, version, json FROM pricing_programs WHERE version IN "
    "(SELECT MAX(version) FROM pricing_programs GROUP BY id)) latest"
)

# (change kind, table, key column, columns, row -> entity in place). Page keys name a
# source by its index: new kinds go at the end (pricing programs took the old loyalty
# program's place), so a till resuming a bootstrap across an upgrade reads the same tables.
_FILLS: list[tuple[str, str, str, str, Fill]] = [
    ("store", "stores", "id", "id, payload", _payload),
    ("category", "categories", "id", "id, payload", _payload),
    ("cashier", "cashiers", "id", "id, payload", _payload),
    ("product", "products", "id", "id, payload", _payload),
    ("pricing_programs", LATEST_PROGRAMS, "id", "id, version, json", _programs),
    ("customer", "customers", "id", "id, surname, first_name, patronymic, phone, email",
     _customer),
    ("card", "cards", "barcode", "barcode, customer_id, blocked", _card),
    ("ledger_entry", "ledger_entries", "id",
     "id, customer_id, points, receipt_id, store_id, created_at, reason, lot_id, "
     "lot_earned_at, lot_available_at, lot_expires_at", _ledger_entry),
    ("customer_terms", "customer_terms", "customer_id",
     "customer_id, groups, price_list, discounts_json", _terms),
    ("customer_purchase", "customer_purchases", "id",
     "id, customer_id, store_id, at, amount, one_time_used, one_time_restored", _purchase),
]

# The same sources with row -> new entity, for re-feeding rows (central/storage/merges.py).
SOURCES: list[tuple[str, str, str, str, Callable[[Row], Message]]] = [
    (kind, table, key, columns, _built(kind, fill)) for kind, table, key, columns, fill in _FILLS
]


def total(conn: sqlite3.Connection) -> int:
    return sum(
        int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for _, table, _, _, _ in SOURCES
    )


def page(conn: sqlite3.Connection, after: str, limit: int) -> sync_pb2.SnapshotPage:
    """Up to ``limit`` entities after the page key ``after``, with the key to continue
    from in ``next`` (empty after the last page)."""
    index, _, last = after.partition(":") if after else ("0", "", "")
    source = int(index)
    reply = sync_pb2.SnapshotPage()
    add = reply.changes.add
    count = 0
    while source < len(_FILLS) and count < limit:
        kind, table, key, columns, fill = _FILLS[source]
        rows = conn.execute(
            f"SELECT {columns} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?",
            (last, limit - count),
        ).fetchall()
        for row in rows:
            fill(getattr(add(), kind), row)
        count += len(rows)
        if count < limit:
            source, last = source + 1, ""
        else:
            last = str(rows[-1][0])
    reply.next = f"{source}:{last}" if source < len(_FILLS) else ""
    return reply
