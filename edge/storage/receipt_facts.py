"""Other tills' receipts' facts as the feed brings them: one row a receipt.

A catch-up is mostly other tills' sales: a ledger entry or two and a purchase each.
Held as rows of ``ledger_entries`` and ``customer_purchases`` they cost a till two
table rows and four index entries a sale, their times formatted as text. A
``receipt_facts`` row keeps the ReceiptFacts message as central sent it, with its
customer and its points for the sums, and readers decode a customer's few rows when
that customer comes to the till.

What goes here (changes.py decides): a receipt's facts with ledger entries, none of
them held as a row already (this till's own come back as rows) and none a spend (the
store's offline budget sums spends by store and time, so those stay rows). Central sends
most such receipts as a ReceiptRow, the row ready made (feed format 4, by the rule
``row_of`` also applies to a receipt of one entry: ``kassa.replication.receipt_rows``);
``row_of`` makes it from a ReceiptFacts. The row's ``customer_id`` is central's customer:
a merge re-points the row, and readers give the decoded entries and purchase that
customer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from datetime import UTC

from edge.storage.database import in_chunks
from edge.storage.outbox import LedgerRow
from kassa.domain.points import LedgerEntry
from kassa.replication.receipt_rows import sole_entry
from kassa.sync.v1 import sync_pb2

INSERT_SQL = ("INSERT INTO receipt_facts (receipt_id, customer_id, points, facts)"
              " VALUES (?, ?, ?, ?)")

Row = tuple[str, str, int, bytes]  # receipt_id, customer_id, points, facts


def row_of(facts: sync_pb2.ReceiptFacts) -> tuple[Row, list[LedgerRow]] | None:
    """The ``receipt_facts`` row of a receipt's facts with its entries' checksum rows,
    or None when they do not belong there: no ledger entries, a spend among them, or
    entries of more than one receipt or customer (central never sends those; rows keep
    them exact)."""
    entries = facts.ledger_entries
    if len(entries) == 1:  # most receipts: a sale's points earned, nothing spent
        entry = sole_entry(facts)  # the rule central serves ReceiptRows by
        if entry is None:
            return None
        customer_id, points = entry.customer_id, entry.points
        return ((entry.receipt_id, customer_id, points, facts.SerializeToString()),
                [(entry.id, customer_id, points)])
    if not entries:
        return None
    first = entries[0]
    receipt_id, customer_id = first.receipt_id, first.customer_id
    points = 0
    held: list[LedgerRow] = []
    for entry in entries:
        if (entry.reason == "spend" or entry.receipt_id != receipt_id
                or entry.customer_id != customer_id):
            return None
        held.append((entry.id, customer_id, entry.points))
        points += entry.points
    if facts.HasField("purchase") and facts.purchase.customer_id != customer_id:
        return None
    return (receipt_id, customer_id, points, facts.SerializeToString()), held


def insert_new(conn: sqlite3.Connection, rows: list[Row]) -> bool:
    """Insert rows of receipts none of which is held yet, all or none: False, nothing
    changed, when one is (a receipt sent again) and the caller must go row by row."""
    conn.execute("SAVEPOINT receipt_facts")
    before = conn.total_changes
    conn.executemany(INSERT_SQL.replace("INSERT", "INSERT OR IGNORE", 1), rows)
    inserted = conn.total_changes - before == len(rows)
    if not inserted:
        conn.execute("ROLLBACK TO SAVEPOINT receipt_facts")
    conn.execute("RELEASE SAVEPOINT receipt_facts")
    return inserted


def customers_of(conn: sqlite3.Connection, receipt_ids: Iterable[str]) -> dict[str, str]:
    """The customer of each receipt among ``receipt_ids`` held here (one query per 500)."""
    found: dict[str, str] = {}
    for chunk, marks in in_chunks(list(dict.fromkeys(receipt_ids))):
        found.update(conn.execute(
            f"SELECT receipt_id, customer_id FROM receipt_facts WHERE receipt_id IN ({marks})",
            chunk,
        ).fetchall())
    return found


def decoded(customer_id: str, blob: bytes) -> sync_pb2.ReceiptFacts:
    """A row's facts, its entries and purchase given the row's customer."""
    facts = sync_pb2.ReceiptFacts.FromString(blob)
    for entry in facts.ledger_entries:
        entry.customer_id = customer_id
    if facts.HasField("purchase"):
        facts.purchase.customer_id = customer_id
    return facts


def entry_rows(conn: sqlite3.Connection, where: str = "", params: tuple[str, ...] = ()
               ) -> Iterator[LedgerRow]:
    """(id, customer_id, points) of the ledger entries held in rows matching ``where``."""
    for customer_id, blob in conn.execute(
        f"SELECT customer_id, facts FROM receipt_facts {where}", params
    ):
        for entry in sync_pb2.ReceiptFacts.FromString(blob).ledger_entries:
            yield entry.id, customer_id, entry.points


def repoint(conn: sqlite3.Connection, receipt_id: str, customer_id: str
            ) -> tuple[list[LedgerRow], list[LedgerRow]]:
    """Give the receipt's row to ``customer_id`` (central's customer wins); returns its
    entries' checksum rows before and after, for the caller to count."""
    before = list(entry_rows(conn, "WHERE receipt_id = ?", (receipt_id,)))
    conn.execute("UPDATE receipt_facts SET customer_id = ? WHERE receipt_id = ?",
                 (customer_id, receipt_id))
    return before, [(entry_id, customer_id, points) for entry_id, _, points in before]


def ledger_entry(entry: sync_pb2.LedgerEntry) -> LedgerEntry:
    """A held entry as the domain's LedgerEntry (as a ``ledger_entries`` row reads)."""
    return LedgerEntry(
        entry.id, entry.customer_id, entry.points, entry.receipt_id, entry.store_id,
        entry.created_at.ToDatetime(tzinfo=UTC), entry.reason, entry.lot_id,
        entry.lot_earned_at.ToDatetime(tzinfo=UTC) if entry.HasField("lot_earned_at") else None,
        entry.lot_available_at.ToDatetime(tzinfo=UTC)
        if entry.HasField("lot_available_at") else None,
        entry.lot_expires_at.ToDatetime(tzinfo=UTC) if entry.HasField("lot_expires_at") else None,
    )
