"""Customer records at central, merged per field (kassa.replication.merge).

Every field and each mailing consent keeps the edit that set it (value, stamp,
store) in ``customer_versions``; an edit replaces it only if it wins. The merged
customer goes to the feed whenever a field tills hold changes.

HQ deletes win over every edit: a delete erases the personal data and its edit
history and leaves the mark ``deleted`` in ``customer_versions``; edits that arrive
later (a till's offline edit) are acknowledged and change nothing. A merge (merges.py)
also leaves ``merged_into``, naming the survivor.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable

from central.storage.feed import FeedBuffer
from kassa.replication.hlc import Stamp
from kassa.replication.merge import CONSENT_FIELDS, FieldEdit, wins
from kassa.sync.v1 import sync_pb2

FIELDS = ("surname", "first_name", "patronymic", "phone", "email")
DELETED = "deleted"
MERGED_INTO = "merged_into"
log = logging.getLogger(__name__)


class UnknownField(ValueError):
    """An edit names a field customers do not have."""


class CustomerRefused(ValueError):
    """An HQ delete or merge that cannot be done; nothing was changed."""


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
    """Apply the winning edits; consents also record when (``at``) and where they changed.
    A deleted customer takes no edits: the delete supersedes them."""
    if is_deleted(conn, customer_id):
        log.info("edit of deleted customer %s superseded by the delete", customer_id)
        return
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
        email=row[5], deleted=is_deleted(conn, customer_id),
    )


def exists(conn: sqlite3.Connection, customer_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return row is not None


def _mark_of(conn: sqlite3.Connection, customer_id: str, field: str) -> str | None:
    row = conn.execute(
        "SELECT value FROM customer_versions WHERE customer_id = ? AND field = ?",
        (customer_id, field),
    ).fetchone()
    return None if row is None else str(row[0])


def mark(conn: sqlite3.Connection, customer_id: str, field: str, value: str, stamp: Stamp) -> None:
    """Record an HQ decision (``DELETED``, ``MERGED_INTO``) with central's stamp."""
    conn.execute(
        "INSERT INTO customer_versions (customer_id, field, value, hlc, store_id) "
        "VALUES (?, ?, ?, ?, '')",
        (customer_id, field, value, stamp.encode()),
    )


def is_deleted(conn: sqlite3.Connection, customer_id: str) -> bool:
    return _mark_of(conn, customer_id, DELETED) is not None


def survivor_of(conn: sqlite3.Connection, customer_id: str) -> str:
    """The customer ``customer_id`` was merged into, following chains; itself if never merged.
    Chains end: a merge never targets a deleted customer, and the merged-away one is."""
    while (target := _mark_of(conn, customer_id, MERGED_INTO)) is not None:
        customer_id = target
    return customer_id


def check_live(conn: sqlite3.Connection, customer_id: str) -> None:
    """Raise CustomerRefused unless the customer exists and is not deleted."""
    if not exists(conn, customer_id):
        raise CustomerRefused(f"no customer {customer_id!r}")
    if is_deleted(conn, customer_id):
        raise CustomerRefused(f"customer {customer_id!r} is deleted")


def delete(
    conn: sqlite3.Connection, feed: FeedBuffer, customer_id: str, stamp: Stamp, at: str
) -> None:
    """Anonymise a customer: personal data and its edit history erased, consents withdrawn
    (``at``), cards blocked, terms cleared; ledger, receipts and purchases stay. Feeds the
    customer (``deleted``) and the blocked cards; tills drop the terms of a deleted customer."""
    check_live(conn, customer_id)
    conn.execute(
        "UPDATE customers SET surname = '', first_name = '', patronymic = '', phone = '', "
        "email = '' WHERE id = ?",
        (customer_id,),
    )
    conn.execute("DELETE FROM customer_versions WHERE customer_id = ?", (customer_id,))
    mark(conn, customer_id, DELETED, "1", stamp)
    conn.execute(
        "UPDATE customer_consents SET granted = 0, at = ?, store_id = '' WHERE customer_id = ?",
        (at, customer_id),
    )
    conn.execute("DELETE FROM customer_terms WHERE customer_id = ?", (customer_id,))
    conn.execute("UPDATE cards SET blocked = 1 WHERE customer_id = ?", (customer_id,))
    for (barcode,) in conn.execute(
        "SELECT barcode FROM cards WHERE customer_id = ? ORDER BY barcode", (customer_id,)
    ).fetchall():
        feed.add("card", barcode,
                 sync_pb2.Card(barcode=barcode, customer_id=customer_id, blocked=True))
    feed.add("customer", customer_id, read(conn, customer_id))
