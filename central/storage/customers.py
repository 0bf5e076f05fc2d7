"""Customer records at central, merged per field (kassa.replication.merge).

Every field and each mailing consent keeps the edit that set it (value, stamp,
store) in ``customer_versions``; an edit replaces it only if it wins. The merged
customer goes to the feed whenever a field tills hold changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from central.storage.feed import FeedBuffer
from kassa.replication.hlc import Stamp
from kassa.replication.merge import CONSENT_FIELDS, FieldEdit, wins
from kassa.sync.v1 import sync_pb2

FIELDS = ("surname", "first_name", "patronymic", "phone", "email")


class UnknownField(ValueError):
    """An edit names a field customers do not have."""


def edits_of(
    customer: sync_pb2.Customer, fields: Iterable[str], stamp: Stamp, store_id: str
) -> list[FieldEdit]:
    """Edits setting ``fields`` of ``customer`` to its values."""
    edits = []
    for name in fields:
        if name not in FIELDS:
            raise UnknownField(f"customers have no field {name!r}")
        edits.append(FieldEdit(name, str(getattr(customer, name)), stamp, store_id))
    return edits


def consent_edit(channel: str, granted: bool, stamp: Stamp, store_id: str) -> FieldEdit:
    return FieldEdit(f"consent_{channel}", "1" if granted else "0", stamp, store_id)


def create(conn: sqlite3.Connection, customer_id: str, registered_store: str, source: str) -> None:
    """An empty customer row that edits then fill in."""
    conn.execute(
        "INSERT INTO customers (id, surname, first_name, patronymic, phone, email, source, "
        "registered_store) VALUES (?, '', '', '', '', '', ?, ?)",
        (customer_id, source, registered_store),
    )


def merge(
    conn: sqlite3.Connection, feed: FeedBuffer, customer_id: str, edits: list[FieldEdit], at: str
) -> None:
    """Apply the winning edits; consents also record when (``at``) and where they changed."""
    changed = False
    for edit in edits:
        row = conn.execute(
            "SELECT value, hlc, store_id FROM customer_versions WHERE customer_id = ? AND "
            "field = ?",
            (customer_id, edit.field),
        ).fetchone()
        current = None if row is None else FieldEdit(
            edit.field, row[0], Stamp.decode(row[1]), row[2]
        )
        if not wins(edit, current):
            continue
        conn.execute(
            "INSERT INTO customer_versions (customer_id, field, value, hlc, store_id) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id, field) DO UPDATE SET "
            "value = excluded.value, hlc = excluded.hlc, store_id = excluded.store_id",
            (customer_id, edit.field, edit.value, edit.stamp.encode(), edit.store_id),
        )
        if edit.field in CONSENT_FIELDS:
            conn.execute(
                "INSERT INTO customer_consents (customer_id, channel, granted, at, store_id) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (customer_id, channel) DO UPDATE SET "
                "granted = excluded.granted, at = excluded.at, store_id = excluded.store_id",
                (customer_id, edit.field.removeprefix("consent_"), int(edit.value), at,
                 edit.store_id),
            )
        else:
            conn.execute(
                f"UPDATE customers SET {edit.field} = ? WHERE id = ?", (edit.value, customer_id)
            )
            changed = True
    if changed:
        feed.add("customer", customer_id, read(conn, customer_id))


def read(conn: sqlite3.Connection, customer_id: str) -> sync_pb2.Customer:
    row = conn.execute(
        "SELECT id, surname, first_name, patronymic, phone, email FROM customers WHERE id = ?",
        (customer_id,),
    ).fetchone()
    return sync_pb2.Customer(
        id=row[0], surname=row[1], first_name=row[2], patronymic=row[3], phone=row[4],
        email=row[5],
    )


def exists(conn: sqlite3.Connection, customer_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return row is not None
