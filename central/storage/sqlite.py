"""Central storage on an embedded SQLite database (the default for a small chain).

One connection, used from one thread at a time (central runs every call on a
single database thread). WAL with synchronous=FULL: an acknowledged push is on disk.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from google.protobuf.message import Message

from central.storage import (
    bulk_sales,
    catalog,
    customers,
    feed,
    merges,
    pricing,
    receipts,
    snapshot,
)
from central.storage.base import PushOutcome, SnapshotSlice, TillIdentity, TillReport
from central.storage.events import (
    APPLIERS,
    EVENT_SQL,
    EventRejected,
    Tx,
    balance_of,
    fill_receipt_bodies,
    pushed_stamp,
    upsert_card,
)
from central.storage.feed import FeedBuffer, FeedPosition
from central.storage.schema import MIGRATIONS, RECOUNT_CHECKSUM, statements
from kassa import collector
from kassa.replication import hlc
from kassa.replication.checksum import ledger_sum
from kassa.replication.content import content_hash
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)

CONTACT_SQL = "UPDATE tills SET last_contact = ? WHERE id = ?"
# Pages kept in memory (SQLite's default is 2 MiB). A sale writes index entries keyed by
# customer, at random places in indexes that outgrow that with a few thousand customers:
# each one was read back from the file first.
CACHE_KIB = 64 * 1024
# WAL pages before a checkpoint copies them into the database (default 1,000). Those
# index pages are written again by nearly every commit; a checkpoint copies a page once
# however many commits wrote it, so fewer checkpoints copy fewer pages.
CHECKPOINT_PAGES = 10_000


def _none(value: None) -> None:
    return value


def bind_none_and_bytes_as_is() -> None:
    """Let Python's sqlite3 bind None and bytes without asking for an adapter.

    It adapts every parameter that is not exactly an int, float, str or bytearray: for
    None and bytes it finds no adapter, then asks its protocol type for ``__adapt__``,
    whose AttributeError it builds and drops. A pushed sale binds five (its body, its
    feed payload, three empty lot dates). Registered as themselves they are found at
    the first look: 3.5 % fewer instructions a pushed sale (callgrind). Process-wide
    and harmless: the values bound are the same objects.
    """
    sqlite3.register_adapter(bytes, bytes)
    sqlite3.register_adapter(type(None), _none)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _runs(
    events: list[sync_pb2.Event], seen: dict[str, str]
) -> Iterator[tuple[list[sync_pb2.Event], bool]]:
    """The batch in order as maximal runs of events that may go in bulk (new sales with
    an id not seen before, in or before the batch, and no one-time discount, whose
    second use is recorded event by event) and runs of the others: (run, in bulk)."""
    ids: set[str] = set()
    run: list[sync_pb2.Event] = []
    in_bulk = True
    for event in events:
        event_id = event.id
        fits = bool(event_id) and event_id not in seen and event_id not in ids and (
            event.WhichOneof("body") == "sale_closed" and not event.sale_closed.one_time_used)
        ids.add(event_id)
        if run and fits != in_bulk:
            yield run, in_bulk
            run = []
        run.append(event)
        in_bulk = fits
    if run:
        yield run, in_bulk


# What storing a pushed value that central cannot hold raises: a timestamp outside the
# years 1-9999 (ValueError or OverflowError when converted), text with a NUL character
# on PostgreSQL (DataError).
UNSTORABLE = (ValueError, OverflowError, sqlite3.DataError)


def _rejection(event: sync_pb2.Event, exc: Exception) -> str:
    """Why ``event`` was rejected, for the till's quarantine and central's log."""
    if isinstance(exc, EventRejected):
        return str(exc)
    if isinstance(exc, sqlite3.IntegrityError):
        return f"event {event.id} repeats a stored fact: {exc}"
    return f"event {event.id} carries a value central cannot store: {exc}"


class SqliteStorage:
    """CentralStorage on SQLite, plus the HQ-side writes (stores, catalog, customers)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        bind_none_and_bytes_as_is()
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        self.db = sqlite_utils.Database(conn)
        list(self.db.query("PRAGMA journal_mode = WAL"))
        self.db.execute("PRAGMA synchronous = FULL")
        self.db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        self._migrate()  # before foreign keys are on: migration 8 rebuilds parent tables
        self.db.execute("PRAGMA foreign_keys = ON")
        self._clock = self.feed_position().clock
        self._wire = feed.WireCache()

    def _migrate(self) -> None:
        current = int(self.db.conn.execute("PRAGMA user_version").fetchone()[0])
        for version, script in MIGRATIONS:
            if version > current:
                with self._write() as conn:
                    for statement in statements(script):
                        conn.execute(statement)
                    if version in RECOUNT_CHECKSUM:
                        self.recount_checksum(conn)
                    if version == 5:
                        fill_receipt_bodies(conn)
                    conn.execute(f"PRAGMA user_version = {version}")

    @staticmethod
    def recount_checksum(conn: sqlite3.Connection) -> None:
        """Compute the running ledger checksum from every entry: for a database made
        before it existed (migration 2) or before its digests changed (migration 11)."""
        total = ledger_sum(conn.execute("SELECT id, customer_id, points FROM ledger_entries"))
        conn.execute(
            "UPDATE feed_state SET entries = ?, points = ?, digest_sum = ? WHERE id = 1",
            (total.entries, total.points, total.digest_sum),
        )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, the garbage collector paused (kassa/collector.py)."""
        conn = self.db.conn
        with collector.paused():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def _feed_write(self) -> Iterator[tuple[sqlite3.Connection, FeedBuffer]]:
        """A write transaction whose changes are numbered just before it commits."""
        buffer = FeedBuffer()
        with self._write() as conn:
            yield conn, buffer
            buffer.flush(conn, self._clock)

    def _tick(self) -> Stamp:
        self._clock = hlc.tick(self._clock, _now_ms())
        return self._clock

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

    def record_contact(self, till: TillIdentity, report: TillReport | None) -> None:
        now = datetime.now(UTC).isoformat()
        with self._write() as conn:
            if report is None:
                conn.execute(CONTACT_SQL, (now, till.till_id))
            else:
                conn.execute(
                    "UPDATE tills SET last_contact = ?, last_cursor = ?, pending_events = ?, "
                    "oldest_pending_ms = ? WHERE id = ?",
                    (now, report.cursor, report.pending_events, report.oldest_pending_ms,
                     till.till_id),
                )

    # --- HQ writes: each one also appends to the change feed --------------------------

    def put_store(self, store: sync_pb2.Store) -> None:
        self._put_payload("stores", "store", store.id, store)

    def put_category(self, category: sync_pb2.Category) -> None:
        self._put_payload("categories", "category", category.id, category)

    def put_cashier(self, cashier: sync_pb2.Cashier) -> None:
        self._put_payload("cashiers", "cashier", cashier.id, cashier)

    def put_pricing_programs(self, json_text: str) -> sync_pb2.PricingPrograms:
        """Check the chain's programs (JSON as ``edge price`` reads them) and store them as
        the next version; raises kassa.domain.pricing.InputError naming the field."""
        with self._feed_write() as (conn, buffer):
            return pricing.put_programs(conn, buffer, json_text, datetime.now(UTC).isoformat())

    def put_customer_terms(self, terms: sync_pb2.CustomerTerms) -> None:
        """Set a customer's groups, price list and personal discounts (InputError if bad)."""
        with self._feed_write() as (conn, buffer):
            pricing.put_terms(conn, buffer, terms)

    def load_customer_terms(self, terms: list[sync_pb2.CustomerTerms]) -> None:
        """Set the terms of several customers, all or none; an error's field starts with
        the item's index, e.g. ``[2].customer_id``."""
        with self._feed_write() as (conn, buffer):
            for index, item in enumerate(terms):
                pricing.put_terms(conn, buffer, item, f"[{index}]")

    def _put_payload(self, table: str, kind: str, entity_id: str, message: Message) -> None:
        payload = message.SerializeToString(deterministic=True)
        with self._feed_write() as (conn, buffer):
            conn.execute(
                f"INSERT INTO {table} (id, payload) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload",
                (entity_id, payload),
            )
            buffer.add(kind, entity_id, message)

    def put_product(self, product: sync_pb2.Product) -> None:
        with self._feed_write() as (conn, buffer):
            catalog.store_product(conn, buffer, product)

    def load_catalog(self, loaded: catalog.Catalog) -> None:
        """Store a catalog file's categories and products, all or none (InputError names
        the row and field)."""
        with self._feed_write() as (conn, buffer):
            catalog.put_catalog(conn, buffer, loaded)

    def load_customers(self, rows: list[catalog.CustomerRow]) -> None:
        """Create or update a customers file's customers and issue their cards, all or
        none (InputError names the row and field)."""
        with self._feed_write() as (conn, buffer):
            catalog.put_customers(conn, buffer, rows, self._tick(), datetime.now(UTC).isoformat())

    def put_customer(self, customer: sync_pb2.Customer) -> None:
        """An HQ edit of every field, stamped by central's clock (merged like any edit)."""
        with self._feed_write() as (conn, buffer):
            if not customers.exists(conn, customer.id):
                customers.create(conn, customer.id, "", "")
            edits = customers.edits_of(customer, customers.FIELDS, self._tick(), "")
            customers.merge(conn, buffer, customer.id, edits, datetime.now(UTC).isoformat())

    def put_card(self, card: sync_pb2.Card) -> None:
        with self._feed_write() as (conn, buffer):
            upsert_card(conn, buffer, card)

    def delete_customer(self, customer_id: str) -> None:
        """HQ deletes (anonymises) a customer, keeping the ledger; CustomerRefused for an
        unknown or already deleted one."""
        with self._feed_write() as (conn, buffer):
            customers.delete(conn, buffer, customer_id, self._tick(),
                             datetime.now(UTC).isoformat())

    def merge_customers(self, survivor_id: str, gone_id: str) -> merges.Moved:
        """HQ merges a duplicate customer into another (central/storage/merges.py);
        CustomerRefused, nothing changed, for one id twice, an unknown or deleted one."""
        with self._feed_write() as (conn, buffer):
            return merges.merge(conn, buffer, survivor_id, gone_id, self._tick(),
                                datetime.now(UTC).isoformat())

    def compact_feed(self, through: int) -> int:
        """Forget feed changes up to ``through``: tills behind it re-bootstrap."""
        with self._write() as conn:
            return feed.compact(conn, through)

    # --- sync -------------------------------------------------------------------------

    def apply_events(self, till: TillIdentity, events: list[sync_pb2.Event]) -> PushOutcome:
        return self.apply_pushes([(till, events)])[0]

    def apply_pushes(
        self, pushes: list[tuple[TillIdentity, list[sync_pb2.Event]]]
    ) -> list[PushOutcome]:
        """Apply pushes in order in one transaction (one commit for all of them), then note
        each till's contact (in till order: PostgreSQL locks those rows to the commit)."""
        now = datetime.now(UTC).isoformat()
        with self._feed_write() as (conn, buffer):
            outcomes = [self._apply_push(conn, buffer, till, events, now)
                        for till, events in pushes]
            for till_id in sorted({till.till_id for till, _ in pushes}):
                conn.execute(CONTACT_SQL, (now, till_id))
        for outcome in outcomes:
            outcome.clock = self._clock
        return outcomes

    def _apply_push(
        self, conn: sqlite3.Connection, buffer: FeedBuffer, till: TillIdentity,
        events: list[sync_pb2.Event], now: str,
    ) -> PushOutcome:
        """One push: each run of new sales in bulk (events.apply_sales) when it all checks
        out, every other event (and a run that does not check out) in its own savepoint.

        A constraint an event breaks (an id of a receipt or ledger entry stored before)
        rejects that event only, and so does a value central cannot store (a timestamp
        out of range, a NUL character on PostgreSQL): never the whole push, which the
        till would send again and again.
        """
        outcome = PushOutcome()
        seen = self._seen_hashes(conn, [e.id for e in events])
        for run, in_bulk in _runs(events, seen):
            if in_bulk and self._apply_in_bulk(conn, till, buffer, run, seen, now):
                outcome.acknowledged += [e.id for e in run]
                continue
            for event in run:
                conn.execute("SAVEPOINT event")
                mark = buffer.mark()
                try:
                    self._apply_event(conn, till, buffer, event, seen, now)
                except (EventRejected, sqlite3.IntegrityError, *UNSTORABLE) as exc:
                    conn.execute("ROLLBACK TO SAVEPOINT event")
                    buffer.rollback(mark)
                    reason = _rejection(event, exc)
                    outcome.rejected.append((event.id, reason))
                else:
                    outcome.acknowledged.append(event.id)
                conn.execute("RELEASE SAVEPOINT event")
        return outcome

    def _apply_in_bulk(
        self, conn: sqlite3.Connection, till: TillIdentity, buffer: FeedBuffer,
        sales: list[sync_pb2.Event], seen: dict[str, str], now: str,
    ) -> bool:
        """True when the run of new sales was applied by the fast path (bulk_sales.py) and
        added to ``seen``; False, nothing changed, when it must go event by event."""
        if merges.names_merged(conn, (e.sale_closed.customer_id for e in sales)):
            return False  # event by event: those sales are redirected to the survivor
        conn.execute("SAVEPOINT bulk")
        mark = buffer.mark()
        try:
            checked = bulk_sales.check_sales(sales, till, buffer, now, self._clock, _now_ms())
            if checked is not None:
                bulk_sales.write_sales(conn, till, checked, now)
        except (EventRejected, sqlite3.IntegrityError, *UNSTORABLE):
            checked = None
        if checked is None:
            conn.execute("ROLLBACK TO SAVEPOINT bulk")
            conn.execute("RELEASE SAVEPOINT bulk")
            buffer.rollback(mark)
            return False
        conn.execute("RELEASE SAVEPOINT bulk")
        self._clock = checked.clock
        seen.update(checked.hashes())
        return True

    def _stamp(self, event: sync_pb2.Event, now_ms: int) -> Stamp:
        """The event's HLC stamp, bounded; central's clock moves past it."""
        stamp = Stamp(*pushed_stamp(event, now_ms))
        self._clock = hlc.receive(self._clock, stamp, now_ms)
        return stamp

    @staticmethod
    def _seen_hashes(conn: sqlite3.Connection, ids: list[str]) -> dict[str, str]:
        """Content hashes of the events among ``ids`` applied before (one query per 500)."""
        seen: dict[str, str] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join("?" * len(chunk))
            seen.update(conn.execute(
                f"SELECT id, content_hash FROM events WHERE id IN ({marks})", chunk
            ).fetchall())
        return seen

    def _apply_event(
        self, conn: sqlite3.Connection, till: TillIdentity, buffer: FeedBuffer,
        event: sync_pb2.Event, seen: dict[str, str], now: str,
    ) -> None:
        if not event.id:
            raise EventRejected("event has no id")
        digest = content_hash(event)
        if event.content_hash and event.content_hash != digest:
            raise EventRejected(f"event {event.id}: content hash does not match its content")
        if event.id in seen:
            if seen[event.id] != digest:
                raise EventRejected(f"event id {event.id} was used before for other content")
            conn.execute("UPDATE events SET repeats = repeats + 1 WHERE id = ?", (event.id,))
            conn.execute("UPDATE tills SET repeats = repeats + 1 WHERE id = ?", (till.till_id,))
            return
        kind = event.WhichOneof("body")
        applier = APPLIERS.get(kind or "")
        if applier is None:
            raise EventRejected(f"event {event.id} has no body this central knows")
        stamp = self._stamp(event, _now_ms())
        conn.execute(EVENT_SQL, (event.id, till.store_id, till.till_id, digest, now,
                                 stamp.encode()))
        applier(Tx(conn, till, buffer, event, stamp, now))
        seen[event.id] = digest

    def feed_position(self) -> FeedPosition:
        return feed.read_position(self.db.conn)

    def feed_slice(self, after: int, upto: int, limit: int) -> feed.FeedSlice:
        with collector.paused():
            return feed.changes_between(self.db.conn, after, upto, limit, cache=self._wire)

    def snapshot_page(self, after: str, limit: int) -> SnapshotSlice:
        conn = self.db.conn
        cursor = feed.read_position(conn).head
        page = snapshot.page(conn, after, limit)
        return SnapshotSlice(page, cursor, 0 if after else snapshot.total(conn))

    def find_receipt(self, number: str, till: TillIdentity) -> sync_pb2.FoundReceipt | None:
        """The receipt numbered ``number`` with its returns, for a return at ``till``;
        None if there is none, ReceiptRefused if that till may not take it back."""
        return receipts.find(self.db.conn, number, till.store_id)

    # --- reads for HQ and tests ---------------------------------------------------------

    def balance(self, customer_id: str) -> int:
        """A customer's points balance: the sum of their ledger entries."""
        return balance_of(self.db.conn, customer_id)

    def receipt_count(self) -> int:
        return int(self.db.conn.execute("SELECT COUNT(*) FROM receipts").fetchone()[0])
