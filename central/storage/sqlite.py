"""Central storage on an embedded SQLite database (the default for a small chain).

One connection, used from one thread at a time (central runs every call on a
single database thread). WAL with synchronous=FULL: an acknowledged push is on disk.
"""

from __future__ import annotations

import hashlib
import logging
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
    "category": sync_pb2.Category,
    "cashier": sync_pb2.Cashier,
    "product": sync_pb2.Product,
    "customer": sync_pb2.Customer,
    "card": sync_pb2.Card,
    "ledger_entry": sync_pb2.LedgerEntry,
    "loyalty_program": sync_pb2.LoyaltyProgram,
    "store": sync_pb2.Store,
}


log = logging.getLogger(__name__)


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
        self._put_payload("stores", "store", store.id, store)

    def put_category(self, category: sync_pb2.Category) -> None:
        self._put_payload("categories", "category", category.id, category)

    def put_cashier(self, cashier: sync_pb2.Cashier) -> None:
        self._put_payload("cashiers", "cashier", cashier.id, cashier)

    def put_loyalty_program(self, program: sync_pb2.LoyaltyProgram) -> None:
        self._put_payload("loyalty_programs", "loyalty_program", program.id, program)

    def _put_payload(self, table: str, kind: str, entity_id: str, message: Message) -> None:
        payload = message.SerializeToString(deterministic=True)
        with self._write() as conn:
            conn.execute(
                f"INSERT INTO {table} (id, payload) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload",
                (entity_id, payload),
            )
            self._append_change(conn, kind, entity_id, message)

    def put_product(self, product: sync_pb2.Product) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO products (id, name, category, price, payload) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = "
                "excluded.category, price = excluded.price, payload = excluded.payload",
                (product.id, product.name, product.category, product.price,
                 product.SerializeToString(deterministic=True)),
            )
            self._append_change(conn, "product", product.id, product)

    def put_customer(self, customer: sync_pb2.Customer) -> None:
        with self._write() as conn:
            self._upsert_customer(conn, customer)

    def _upsert_customer(self, conn: sqlite3.Connection, customer: sync_pb2.Customer) -> None:
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
            self._upsert_card(conn, card)

    def _upsert_card(self, conn: sqlite3.Connection, card: sync_pb2.Card) -> None:
        conn.execute(
            "INSERT INTO cards (barcode, customer_id, blocked) VALUES (?, ?, ?) "
            "ON CONFLICT (barcode) DO UPDATE SET customer_id = excluded.customer_id, "
            "blocked = excluded.blocked",
            (card.barcode, card.customer_id, int(card.blocked)),
        )
        self._append_change(conn, "card", card.barcode, card)

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
        if kind is None:
            raise EventRejected(f"event {event.id} has no body this central knows")
        conn.execute(
            "INSERT INTO events (id, store_id, till_id, content_hash, received_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (event.id, till.store_id, till.till_id, digest, now),
        )
        if kind == "sale_closed":
            self._apply_sale(conn, till, event.id, event.sale_closed)
        elif kind == "shift_opened":
            self._apply_shift_opened(conn, till, event.shift_opened)
        elif kind == "shift_closed":
            self._apply_shift_closed(conn, till, event.shift_closed)
        elif kind == "cash_movement":
            self._apply_cash_movement(conn, till, event.cash_movement)
        elif kind == "customer_registered":
            self._apply_customer_registered(conn, till, event.customer_registered)

    def _apply_shift_opened(
        self, conn: sqlite3.Connection, till: TillIdentity, shift: sync_pb2.ShiftOpened
    ) -> None:
        if self._exists(conn, "shifts", shift.shift_id):
            raise EventRejected(f"shift {shift.shift_id} already opened")
        conn.execute(
            "INSERT INTO shifts (id, store_id, till_id, number, cashier_id, opened_at, "
            "opening_float) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (shift.shift_id, till.store_id, till.till_id, shift.number, shift.cashier_id,
             _ts(shift.opened_at), shift.opening_float),
        )

    def _apply_shift_closed(
        self, conn: sqlite3.Connection, till: TillIdentity, shift: sync_pb2.ShiftClosed
    ) -> None:
        updated = conn.execute(
            "UPDATE shifts SET closed_at = ?, closed_by = ?, expected_cash = ? "
            "WHERE id = ? AND till_id = ? AND closed_at IS NULL",
            (_ts(shift.closed_at), shift.closed_by, shift.expected_cash, shift.shift_id,
             till.till_id),
        )
        if updated.rowcount != 1:
            raise EventRejected(f"shift {shift.shift_id} is not an open shift of this till")

    def _apply_cash_movement(
        self, conn: sqlite3.Connection, till: TillIdentity, move: sync_pb2.CashMovement
    ) -> None:
        if self._exists(conn, "cash_movements", move.movement_id):
            raise EventRejected(f"cash movement {move.movement_id} already stored")
        conn.execute(
            "INSERT INTO cash_movements (id, shift_id, store_id, amount, reason, cashier_id, "
            "approved_by, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (move.movement_id, move.shift_id, till.store_id, move.amount, move.reason,
             move.cashier_id, move.approved_by, _ts(move.at)),
        )

    def _apply_customer_registered(
        self, conn: sqlite3.Connection, till: TillIdentity, reg: sync_pb2.CustomerRegistered
    ) -> None:
        customer = reg.customer
        if not customer.id or not customer.phone:
            raise EventRejected("a registered customer needs an id and a phone")
        if self._exists(conn, "customers", customer.id):
            raise EventRejected(f"customer {customer.id} already exists")
        self._upsert_customer(conn, customer)
        conn.execute(
            "UPDATE customers SET source = ?, registered_store = ? WHERE id = ?",
            (reg.source, till.store_id, customer.id),
        )
        at = datetime.now(UTC).isoformat()
        for channel, granted in (("email", reg.consent_email), ("sms", reg.consent_sms)):
            conn.execute(
                "INSERT INTO customer_consents (customer_id, channel, granted, at, store_id) "
                "VALUES (?, ?, ?, ?, ?)",
                (customer.id, channel, int(granted), at, till.store_id),
            )
        if reg.card_barcode:
            holder = conn.execute(
                "SELECT customer_id FROM cards WHERE barcode = ?", (reg.card_barcode,)
            ).fetchone()
            if holder is None:
                self._upsert_card(conn, sync_pb2.Card(barcode=reg.card_barcode,
                                                      customer_id=customer.id))
            else:
                # The customer stands; HQ resolves the card clash (C6 duplicates).
                log.warning("card %s of new customer %s already belongs to %s",
                            reg.card_barcode, customer.id, holder[0])

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
            "cashier_id, shift_id, event_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sale.receipt_id, sale.number, till.store_id, till.till_id, _ts(sale.closed_at),
             customer_id, sale.total, sale.cashier_id, sale.shift_id, event_id),
        )
        if sum(p.amount for p in sale.payments) != sale.total:
            raise EventRejected(f"sale {sale.number}: payments do not add up to the total")
        for payment in sale.payments:
            conn.execute(
                "INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
                (sale.receipt_id, sync_pb2.Payment.Method.Name(payment.method).lower(),
                 payment.amount),
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
