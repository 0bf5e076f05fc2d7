"""Central's current state in pages, for tills that bootstrap (new, or resync required).

Pages walk the entity tables in a fixed order (stores first, ledger entries last) by
primary key; a page key is "<table index>:<last key>". Pages are not one consistent
read: the till subscribes from the feed position of its first page afterwards, and
replaying those changes over newer state is harmless because every change carries
an entity's whole state (or an immutable ledger entry) and the last one wins.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.protobuf.message import Message

from central.storage.feed import CHANGE_TYPES
from kassa.sync.v1 import sync_pb2

Row = tuple[Any, ...]


def _payload(kind: str) -> Callable[[Row], Message]:
    return lambda row: CHANGE_TYPES[kind].FromString(row[1])


def _customer(row: Row) -> Message:
    return sync_pb2.Customer(
        id=row[0], surname=row[1], first_name=row[2], patronymic=row[3], phone=row[4],
        email=row[5],
    )


def _card(row: Row) -> Message:
    return sync_pb2.Card(barcode=row[0], customer_id=row[1], blocked=bool(row[2]))


def _ledger_entry(row: Row) -> Message:
    entry = sync_pb2.LedgerEntry(
        id=row[0], customer_id=row[1], points=row[2], receipt_id=row[3], store_id=row[4],
        reason=row[6],
    )
    entry.created_at.FromDatetime(datetime.fromisoformat(row[5]))
    return entry


# (change kind, table, key column, columns, row -> message)
SOURCES: list[tuple[str, str, str, str, Callable[[Row], Message]]] = [
    ("store", "stores", "id", "id, payload", _payload("store")),
    ("category", "categories", "id", "id, payload", _payload("category")),
    ("cashier", "cashiers", "id", "id, payload", _payload("cashier")),
    ("product", "products", "id", "id, payload", _payload("product")),
    ("loyalty_program", "loyalty_programs", "id", "id, payload", _payload("loyalty_program")),
    ("customer", "customers", "id", "id, surname, first_name, patronymic, phone, email",
     _customer),
    ("card", "cards", "barcode", "barcode, customer_id, blocked", _card),
    ("ledger_entry", "ledger_entries", "id",
     "id, customer_id, points, receipt_id, store_id, created_at, reason", _ledger_entry),
]


def total(conn: sqlite3.Connection) -> int:
    return sum(
        int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
        for _, table, _, _, _ in SOURCES
    )


def page(conn: sqlite3.Connection, after: str, limit: int) -> tuple[list[sync_pb2.Change], str]:
    """Up to ``limit`` entities after the page key ``after``, and the key to continue from."""
    index, _, last = after.partition(":") if after else ("0", "", "")
    source = int(index)
    changes: list[sync_pb2.Change] = []
    while source < len(SOURCES) and len(changes) < limit:
        kind, table, key, columns, build = SOURCES[source]
        rows = conn.execute(
            f"SELECT {columns} FROM {table} WHERE {key} > ? ORDER BY {key} LIMIT ?",
            (last, limit - len(changes)),
        ).fetchall()
        for row in rows:
            change = sync_pb2.Change()
            getattr(change, kind).CopyFrom(build(row))
            changes.append(change)
        if len(changes) < limit:
            source, last = source + 1, ""
        else:
            last = str(rows[-1][0])
    next_key = f"{source}:{last}" if source < len(SOURCES) else ""
    return changes, next_key
