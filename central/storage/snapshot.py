"""Central's current state in pages, for tills that bootstrap (new, or resync required).

Pages walk the entity tables in a fixed order (stores first, kinds added later last; of the
pricing programs only the newest version) by primary key; a page key is
"<table index>:<last key>". Pages are not one consistent read: the till subscribes from
the feed position of its first page afterwards, and replaying those changes over newer
state is harmless because every change carries an entity's whole state (or an immutable
ledger entry or purchase fact) and the last one wins.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

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


def _time(value: str | None) -> Timestamp | None:
    if value is None:
        return None
    stamp = Timestamp()
    stamp.FromDatetime(datetime.fromisoformat(value))
    return stamp


def _ledger_entry(row: Row) -> Message:
    entry = sync_pb2.LedgerEntry(
        id=row[0], customer_id=row[1], points=row[2], receipt_id=row[3], store_id=row[4],
        created_at=_time(row[5]), reason=row[6], lot_id=row[7], lot_earned_at=_time(row[8]),
        lot_available_at=_time(row[9]), lot_expires_at=_time(row[10]),
    )
    return entry


def _programs(row: Row) -> Message:
    return sync_pb2.PricingPrograms(id=row[0], version=row[1], json=row[2])


def _terms(row: Row) -> Message:
    return sync_pb2.CustomerTerms(
        customer_id=row[0], groups=json.loads(row[1]), price_list=row[2], discounts_json=row[3]
    )


def _purchase(row: Row) -> Message:
    return sync_pb2.CustomerPurchase(
        id=row[0], customer_id=row[1], store_id=row[2], at=_time(row[3]), amount=row[4],
        one_time_used=json.loads(row[5]), one_time_restored=json.loads(row[6]),
    )


# The newest version of each program set: tills price with the newest they hold.
LATEST_PROGRAMS = (
    "(SELECT id, version, json FROM pricing_programs WHERE version IN "
    "(SELECT MAX(version) FROM pricing_programs GROUP BY id)) latest"
)

# (change kind, table, key column, columns, row -> message). Page keys name a source by
# its index: new kinds go at the end (pricing programs took the old loyalty program's
# place), so a till resuming a bootstrap across an upgrade reads the same tables.
SOURCES: list[tuple[str, str, str, str, Callable[[Row], Message]]] = [
    ("store", "stores", "id", "id, payload", _payload("store")),
    ("category", "categories", "id", "id, payload", _payload("category")),
    ("cashier", "cashiers", "id", "id, payload", _payload("cashier")),
    ("product", "products", "id", "id, payload", _payload("product")),
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
