"""Central storage on an embedded SQLite database (the default for a small chain).

One connection, used from one thread at a time (central runs every call on a
single database thread). WAL with synchronous=FULL: an acknowledged push is on disk.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from google.protobuf.message import Message
from google.protobuf.timestamp_pb2 import Timestamp

from central.storage.base import PushOutcome, TillIdentity
from central.storage.schema import MIGRATIONS
from kassa.sync.v1 import sync_pb2

_CHANGE_TYPES: dict[str, type[Message]] = {
    "product": sync_pb2.Product,
    "customer": sync_pb2.Customer,
    "card": sync_pb2.Card,
    "ledger_entry": sync_pb2.LedgerEntry,
    "loyalty_program": sync_pb2.LoyaltyProgram,
    "store": sync_pb2.Store,
}


class EventRejected(Exception):
    """A pushed event that must not be applied; the message says why."""


def content_hash(event: sync_pb2.Event) -> str:
    """Hash of an event's content, to tell a retry from a reused id."""
    return hashlib.sha256(event.SerializeToString(deterministic=True)).hexdigest()


def _ts(stamp: Timestamp) -> str:
    return stamp.ToDatetime(tzinfo=UTC).isoformat()


class SqliteStorage:
    """CentralStorage on SQLite, plus the HQ-side writes (stores, catalog, customers)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self.db = sqlite_utils.Database(conn)
        self.db.execute("PRAGMA foreign_keys = ON")
        list(self.db.query("PRAGMA journal_mode = WAL"))
        self.db.execute("PRAGMA synchronous = FULL")
        self._migrate()

    def _migrate(self) -> None:
        current = int(self.db.conn.execute("PRAGMA user_version").fetchone()[0])
        for version, script in MIGRATIONS:
            if version > current:
                with self._write():
                    for statement in script.split(";"):
                        if statement.strip():
                            self.db.conn.execute(statement)
                    self.db.conn.execute(f"PRAGMA user_version = {version}")

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        self.db.close()

    # --- tills and credentials -------------------------------------------------------

    def enrol_till(self, till_id: str, store_id: str, token_hash: str) -> None:
        """Register a till of a store with the hash of its credential (re-enrol replaces it)."""
        with self._write() as conn:
            if conn.execute("SELECT 1 FROM stores WHERE id = ?", (store_id,)).fetchone() is None:
                raise ValueError(f"unknown store {store_id!r}")
            conn.execute(
                "INSERT INTO tills (id, store_id, token_hash, revoked, enrolled_at) "
                "VALUES (?, ?, ?, 0, ?) ON CONFLICT (id) DO UPDATE SET store_id = "
                "excluded.store_id, token_hash = excluded.token_hash, revoked = 0",
                (till_id, store_id, token_hash, datetime.now(UTC).isoformat()),
            )

    def revoke_till(self, till_id: str) -> bool:
        """Revoke a till's credential; False if no such till."""
        with self._write() as conn:
            cur = conn.execute("UPDATE tills SET revoked = 1 WHERE id = ?", (till_id,))
        return cur.rowcount > 0

    def till_by_token_hash(self, token_hash: str) -> TillIdentity | None:
        row = self.db.conn.execute(
            "SELECT id, store_id FROM tills WHERE token_hash = ? AND revoked = 0", (token_hash,)
        ).fetchone()
        return None if row is None else TillIdentity(till_id=row[0], store_id=row[1])

    # --- HQ writes: each one also appends to the change feed --------------------------

    def put_store(self, store: sync_pb2.Store) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO stores (id, name, time_zone, phone_region, currency, currency_sign) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "time_zone = excluded.time_zone, phone_region = excluded.phone_region, "
                "currency = excluded.currency, currency_sign = excluded.currency_sign",
                (store.id, store.name, store.time_zone, store.phone_region, store.currency,
                 store.currency_sign),
            )
            self._append_change(conn, "store", store.id, store)

    def put_product(self, product: sync_pb2.Product) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO products (id, name, article, category, price, weighted, active) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                " article = excluded.article, category = excluded.category, price = "
                "excluded.price, weighted = excluded.weighted, active = excluded.active",
                (product.id, product.name, product.article, product.category, product.price,
                 int(product.weighted), int(product.active)),
            )
            conn.execute("DELETE FROM product_barcodes WHERE product_id = ?", (product.id,))
            for code in product.barcodes:
                conn.execute(
                    "INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?)",
                    (code, product.id),
                )
            self._append_change(conn, "product", product.id, product)

    def put_customer(self, customer: sync_pb2.Customer) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO customers (id, surname, first_name, patronymic, phone, email) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET surname = "
                "excluded.surname, first_name = excluded.first_name, patronymic = "
                "excluded.patronymic, phone = excluded.phone, email = excluded.email",
                (customer.id, customer.surname, customer.first_name, customer.patronymic,
                 customer.phone, customer.email),
            )
            self._append_change(conn, "customer", customer.id, customer)

    def put_card(self, card: sync_pb2.Card) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO cards (barcode, customer_id, blocked) VALUES (?, ?, ?) "
                "ON CONFLICT (barcode) DO UPDATE SET customer_id = excluded.customer_id, "
                "blocked = excluded.blocked",
                (card.barcode, card.customer_id, int(card.blocked)),
            )
            self._append_change(conn, "card", card.barcode, card)

    def put_loyalty_program(self, program: sync_pb2.LoyaltyProgram) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO loyalty_programs (id, name, earn_points, earn_per_minor) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                "earn_points = excluded.earn_points, earn_per_minor = excluded.earn_per_minor",
                (program.id, program.name, program.earn_points, program.earn_per_minor),
            )
            self._append_change(conn, "loyalty_program", program.id, program)

    def _append_change(
        self, conn: sqlite3.Connection, kind: str, entity_id: str, message: Message
    ) -> None:
        conn.execute(
            "INSERT INTO changes (kind, entity_id, payload) VALUES (?, ?, ?)",
            (kind, entity_id, message.SerializeToString(deterministic=True)),
        )

    # --- sync -------------------------------------------------------------------------

    def apply_events(self, till: TillIdentity, events: list[sync_pb2.Event]) -> PushOutcome:
        """Apply a batch in one transaction, each event in its own savepoint."""
        outcome = PushOutcome()
        now = datetime.now(UTC).isoformat()
        with self._write() as conn:
            for event in events:
                conn.execute("SAVEPOINT event")
                try:
                    self._apply_event(conn, till, event, now)
                except EventRejected as exc:
                    conn.execute("ROLLBACK TO SAVEPOINT event")
                    outcome.rejected.append((event.id, str(exc)))
                else:
                    outcome.acknowledged.append(event.id)
                conn.execute("RELEASE SAVEPOINT event")
        return outcome

    def _apply_event(
        self, conn: sqlite3.Connection, till: TillIdentity, event: sync_pb2.Event, now: str
    ) -> None:
        digest = content_hash(event)
        seen = conn.execute("SELECT content_hash FROM events WHERE id = ?", (event.id,)).fetchone()
        if seen is not None:
            if seen[0] != digest:
                raise EventRejected(f"event id {event.id} was used before for other content")
            return
        if not event.id:
            raise EventRejected("event has no id")
        kind = event.WhichOneof("body")
        if kind != "sale_closed":
            raise EventRejected(f"event {event.id} has no body this central knows ({kind!r})")
        conn.execute(
            "INSERT INTO events (id, store_id, till_id, content_hash, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (event.id, till.store_id, till.till_id, digest, now),
        )
        self._apply_sale(conn, till, event.id, event.sale_closed)

    def _apply_sale(
        self, conn: sqlite3.Connection, till: TillIdentity, event_id: str, sale: sync_pb2.SaleClosed
    ) -> None:
        customer_id = sale.customer_id or None
        if customer_id is not None and not self._exists(conn, "customers", customer_id):
            raise EventRejected(f"sale {sale.number}: unknown customer {customer_id}")
        if self._exists(conn, "receipts", sale.receipt_id):
            raise EventRejected(f"receipt {sale.receipt_id} already stored by another event")
        conn.execute(
            "INSERT INTO receipts (id, number, store_id, till_id, closed_at, customer_id, total, "
            "event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (sale.receipt_id, sale.number, till.store_id, till.till_id, _ts(sale.closed_at),
             customer_id, sale.total, event_id),
        )
        for line in sale.lines:
            conn.execute(
                "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
                "quantity_milli, unit_price, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (sale.receipt_id, line.line_no, line.product_id, line.barcode, line.name,
                 line.quantity_milli, line.unit_price, line.total),
            )
        for entry in sale.ledger_entries:
            if entry.customer_id != sale.customer_id or entry.receipt_id != sale.receipt_id:
                raise EventRejected(f"ledger entry {entry.id} does not belong to its sale")
            if entry.store_id != till.store_id:
                raise EventRejected(
                    f"ledger entry {entry.id} claims store {entry.store_id!r}, "
                    f"but the till belongs to {till.store_id!r}"
                )
            if self._exists(conn, "ledger_entries", entry.id):
                raise EventRejected(f"ledger entry {entry.id} already stored")
            conn.execute(
                "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, "
                "created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (entry.id, entry.customer_id, entry.points, entry.receipt_id, till.store_id,
                 _ts(entry.created_at), entry.reason),
            )
            self._append_change(conn, "ledger_entry", entry.id, entry)

    @staticmethod
    def _exists(conn: sqlite3.Connection, table: str, key: str) -> bool:
        return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (key,)).fetchone() is not None

    def changes_after(self, cursor: int, limit: int) -> tuple[list[sync_pb2.Change], bool]:
        rows = self.db.conn.execute(
            "SELECT seq, kind, payload FROM changes WHERE seq > ? ORDER BY seq LIMIT ?",
            (cursor, limit + 1),
        ).fetchall()
        result = []
        for seq, kind, payload in rows[:limit]:
            change = sync_pb2.Change(seq=seq)
            getattr(change, kind).CopyFrom(_CHANGE_TYPES[kind].FromString(payload))
            result.append(change)
        return result, len(rows) <= limit

    # --- reads for HQ and tests ---------------------------------------------------------

    def balance(self, customer_id: str) -> int:
        """A customer's points balance: the sum of their ledger entries."""
        row = self.db.conn.execute(
            "SELECT COALESCE(SUM(points), 0) FROM ledger_entries WHERE customer_id = ?",
            (customer_id,),
        ).fetchone()
        return int(row[0])

    def receipt_count(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM receipts").fetchone()[0])
