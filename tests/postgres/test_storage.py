"""Central's storage on a real PostgreSQL server: the same SQL and push path as on SQLite."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import cast

import psycopg
import pytest

from central.demo import load_demo_catalog
from central.storage import reports
from central.storage.base import TillIdentity
from central.storage.feed import FeedBuffer, read_position
from central.storage.postgres import Connection, PostgresStorage, pg_schema
from central.storage.schema import MIGRATIONS
from central.storage.sqlite import SqliteStorage
from kassa.replication.checksum import ledger_sum
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2
from tests.central.builders import CUSTOMER, return_event, sale_event
from tests.sync.helpers import spend_event

TILL = TillIdentity("A1", "kyiv-1")


def rows(storage: PostgresStorage, sql: str, *params: object) -> list[tuple[object, ...]]:
    return list(storage.db.conn.execute(sql, params).fetchall())


def test_the_schema_is_made_once_and_reopening_changes_nothing(pg_url: str) -> None:
    PostgresStorage(pg_url).close()
    storage = PostgresStorage(pg_url)
    try:
        assert rows(storage, "SELECT version FROM schema_version") == [(len(MIGRATIONS),)]
        assert rows(storage, "SELECT data_type FROM information_schema.columns "
                             "WHERE table_name = 'receipts' AND column_name = 'body'") == [
            ("bytea",)]
        assert rows(storage, "SELECT data_type FROM information_schema.columns "
                             "WHERE table_name = 'changes' AND column_name = 'seq'") == [
            ("bigint",)]
        assert storage.feed_position().head == 0
    finally:
        storage.close()


def test_a_sale_is_applied_once_its_repeat_acknowledged_a_clash_rejected(
    storage: PostgresStorage,
) -> None:
    sale = sale_event()
    assert storage.apply_events(TILL, [sale]).acknowledged == [sale.id]
    again = storage.apply_events(TILL, [sale])
    assert again.acknowledged == [sale.id] and not again.rejected
    assert storage.receipt_count() == 1
    assert storage.balance(CUSTOMER) == -1000 + 530
    assert rows(storage, "SELECT repeats FROM events WHERE id = ?", sale.id) == [(1,)]

    other = sync_pb2.Event()
    other.CopyFrom(sale)
    other.sale_closed.number = "A1-000002"
    other.content_hash = ""
    same_receipt = sale_event(customer_id="")
    same_receipt.sale_closed.receipt_id = sale.sale_closed.receipt_id
    good = sale_event(customer_id="")
    outcome = storage.apply_events(TILL, [other, same_receipt, good])
    assert [event_id for event_id, _ in outcome.rejected] == [other.id, same_receipt.id]
    assert "used before for other content" in outcome.rejected[0][1]
    assert "repeats a stored fact" in outcome.rejected[1][1]  # a unique key, via a savepoint
    assert outcome.acknowledged == [good.id]
    assert storage.receipt_count() == 2
    assert storage.balance(CUSTOMER) == -470


def test_the_feed_is_numbered_without_gaps_and_its_checksum_matches_the_ledger(
    storage: PostgresStorage,
) -> None:
    sale = sale_event()
    storage.apply_events(TILL, [sale, return_event(sale.sale_closed)])
    position = storage.feed_position()
    fed = storage.feed_slice(0, position.head, 1000).changes()
    assert [c.seq for c in fed] == list(range(1, position.head + 1))
    assert [c.seq for c in storage.feed_slice(3, 7, 2).changes()] == [4, 5]
    entries = rows(storage, "SELECT id, customer_id, points FROM ledger_entries")
    assert position.checksum == ledger_sum((str(i), str(c), int(str(p))) for i, c, p in entries)
    assert position.checksum.entries == 4
    assert position.clock >= Stamp(sale.hlc.wall_ms)


def _snapshot(storage: SqliteStorage) -> tuple[list[tuple[str, str]], int]:
    """(kind, key) of every snapshot entity, walked in pages of 4, and the stated total."""
    seen: list[tuple[str, str]] = []
    page = storage.snapshot_page("", 4)
    total = page.total
    while True:
        for change in page.changes:
            kind = str(change.WhichOneof("entity"))
            entity = getattr(change, kind)
            key = entity.barcode if kind == "card" else (
                entity.customer_id if kind == "customer_terms" else entity.id)
            seen.append((kind, key))
        if not page.next_key:
            return seen, total
        page = storage.snapshot_page(page.next_key, 4)


def test_snapshot_pages_walk_the_same_entities_as_on_sqlite(
    storage: PostgresStorage, tmp_path: Path
) -> None:
    sqlite = SqliteStorage(tmp_path / "central.db")
    try:
        load_demo_catalog(sqlite)
        sale = sale_event()
        for each in (storage, sqlite):
            assert not each.apply_events(TILL, [sale]).rejected
        on_pg, total = _snapshot(storage)
        assert total == len(on_pg) == len(set(on_pg))
        assert (on_pg, total) == _snapshot(sqlite)
    finally:
        sqlite.close()


def test_a_merge_moves_points_and_later_sales_to_the_survivor(storage: PostgresStorage) -> None:
    sale = sale_event(customer_id="c-shevchenko")
    storage.apply_events(TILL, [sale])
    moved = storage.merge_customers("c-kovalenko", "c-shevchenko")
    assert (moved.cards, moved.ledger_entries, moved.purchases) == (1, 2, 1)
    late = sale_event(customer_id="c-shevchenko")  # made offline before the merge
    assert storage.apply_events(TILL, [late]).acknowledged == [late.id]
    assert storage.balance("c-shevchenko") == 0
    assert storage.balance("c-kovalenko") == 2 * -470
    entries = rows(storage, "SELECT id, customer_id, points FROM ledger_entries")
    assert storage.feed_position().checksum == ledger_sum(
        (str(i), str(c), int(str(p))) for i, c, p in entries)
    merged = [c for c in storage.feed_slice(0, 10_000, 10_000).changes()
              if c.WhichOneof("entity") == "customer_merged"]
    assert [(m.customer_merged.gone_id, m.customer_merged.survivor_id) for m in merged] == [
        ("c-shevchenko", "c-kovalenko")]


def test_points_spent_beyond_the_balance_are_overdrafts(storage: PostgresStorage) -> None:
    storage.apply_events(TILL, [sale_event(customer_id="c-shevchenko")])  # -1000, then +530
    spend = spend_event("kyiv-1", "c-shevchenko", 30)
    storage.apply_events(TILL, [spend])
    found = [(r.customer_id, r.till_id, r.points, r.balance_after, r.balance_now)
             for r in reports.overdrafts(storage.db.conn)]
    assert found == [("c-shevchenko", "A1", -1000, -1000, -500),
                     ("c-shevchenko", "A1", -30, -500, -500)]
    assert all(type(value) is int for row in found for value in row[2:])


def _append(conn: Connection, entity_id: str) -> None:
    """Number one change as a write transaction does just before it commits."""
    buffer = FeedBuffer()
    buffer.add("category", entity_id, sync_pb2.Category(id=entity_id, name=entity_id))
    buffer.flush(cast(sqlite3.Connection, conn), Stamp(1))


def test_feed_numbers_follow_commit_order_between_two_connections(
    storage: PostgresStorage, pg_url: str
) -> None:
    """A takes its number first and commits late; B, numbered meanwhile, waits for A's
    commit, so a reader never sees B's number while A's change is missing."""
    head = storage.feed_position().head
    first, second = Connection(pg_url), Connection(pg_url)
    numbered = threading.Event()

    def other_process() -> None:
        with second.transaction():
            _append(second, "b")
            numbered.set()

    thread = threading.Thread(target=other_process)
    try:
        with first.transaction():
            _append(first, "a")
            thread.start()
            assert not numbered.wait(0.5)  # B waits on the feed_state row A holds
            assert storage.feed_position().head == head  # nothing committed, nothing served
        thread.join(10)
    finally:
        first.close()
        second.close()
    assert numbered.is_set()
    fed = storage.feed_slice(head, head + 10, 10).changes()
    assert [(c.seq, c.category.id) for c in fed] == [(head + 1, "a"), (head + 2, "b")]
    assert read_position(storage.db.conn).head == head + 2


def test_two_storages_writing_at_once_leave_a_feed_without_gaps(
    storage: PostgresStorage, pg_url: str
) -> None:
    head = storage.feed_position().head
    others = [PostgresStorage(pg_url) for _ in range(2)]

    def write(index: int, other: PostgresStorage) -> None:
        for n in range(20):
            other.put_category(sync_pb2.Category(id=f"c{index}-{n}", name="x"))

    threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate(others)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for other in others:
        other.close()
    fed = storage.feed_slice(head, head + 100, 100).changes()
    assert [c.seq for c in fed] == list(range(head + 1, head + 41))
    assert storage.feed_position().head == head + 40


def test_a_dropped_connection_fails_one_call_and_the_next_one_reconnects(
    storage: PostgresStorage, pg_url: str
) -> None:
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
                      "WHERE datname = current_database() AND pid <> pg_backend_pid()")
    with pytest.raises(psycopg.OperationalError):
        storage.feed_position()
    head = storage.feed_position().head
    storage.put_category(sync_pb2.Category(id="after", name="after"))
    assert storage.feed_position().head == head + 1


def test_percent_signs_in_sql_reach_postgres_unchanged(storage: PostgresStorage) -> None:
    assert rows(storage, "SELECT 1 WHERE ? LIKE 'a%'", "ab") == [(1,)]


def test_receipts_stored_as_rows_get_a_body(pg_url: str) -> None:
    """Migration 5 on PostgreSQL: a receipt's line and payment rows become its body."""
    sale = sale_event(customer_id="").sale_closed
    with psycopg.connect(pg_url, autocommit=True) as pg:
        pg.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for _, script in MIGRATIONS[:4]:
            for statement in pg_schema(script).split(";"):
                if statement.strip():
                    pg.execute(statement)
        pg.execute("INSERT INTO schema_version (version) VALUES (4)")
        pg.execute("INSERT INTO events (id, store_id, till_id, content_hash, received_at) "
                   "VALUES ('e-1', 'kyiv-1', 'A1', '', '')")
        pg.execute(
            "INSERT INTO receipts (id, number, store_id, till_id, closed_at, total, cashier_id, "
            "shift_id, event_id) VALUES (%s, %s, 'kyiv-1', 'A1', '', %s, '', '', 'e-1')",
            (sale.receipt_id, sale.number, sale.total),
        )
        line = sale.lines[0]
        pg.execute(
            "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
            "quantity_milli, unit_price, total, discounts) "
            "VALUES (%s, 1, %s, %s, %s, %s, %s, %s, %s)",
            (sale.receipt_id, line.product_id, line.barcode, line.name, line.quantity_milli,
             line.unit_price, line.total, '[{"kind": "personal", "amount": 195}]'),
        )
        pg.execute("INSERT INTO payments (receipt_id, method, amount) VALUES (%s, 'cash', 50)",
                   (sale.receipt_id,))
    storage = PostgresStorage(pg_url)
    try:
        ((body,),) = rows(storage, "SELECT body FROM receipts")
        assert sync_pb2.SaleClosed.FromString(body) == sync_pb2.SaleClosed(
            lines=[sync_pb2.ReceiptLine(
                line_no=1, product_id=line.product_id, barcode=line.barcode, name=line.name,
                quantity_milli=line.quantity_milli, unit_price=line.unit_price,
                total=line.total,
                discounts=[sync_pb2.LineDiscount(kind="personal", amount=195)])],
            payments=[sync_pb2.Payment(method=sync_pb2.Payment.CASH, amount=50)],
        )
        assert rows(storage, "SELECT COUNT(*) FROM information_schema.tables "
                             "WHERE table_name IN ('payments', 'receipt_lines')") == [(0,)]
    finally:
        storage.close()


def test_text_postgres_cannot_hold_rejects_only_its_event(storage: PostgresStorage) -> None:
    bad, good = sale_event(customer_id=""), sale_event(customer_id="")
    bad.sale_closed.number = "A1-\x00"
    outcome = storage.apply_events(TILL, [bad, good])
    assert [event_id for event_id, _ in outcome.rejected] == [bad.id]
    assert "cannot store" in outcome.rejected[0][1] and "NUL" in outcome.rejected[0][1]
    assert outcome.acknowledged == [good.id]
    assert storage.receipt_count() == 1


def test_a_receipt_is_found_by_number_with_its_returns(storage: PostgresStorage) -> None:
    sale = sale_event()
    returned = return_event(sale.sale_closed)
    assert not storage.apply_events(TILL, [sale, returned]).rejected
    found = storage.find_receipt("A1-000001", TillIdentity("A2", "kyiv-1"))
    assert found is not None
    assert (found.store_id, found.till_id, found.sale) == ("kyiv-1", "A1", sale.sale_closed)
    ret = returned.return_made
    expected = sync_pb2.ReturnMade()
    expected.CopyFrom(ret)
    expected.ClearField("ledger_entries")
    assert list(found.returns) == [expected]
    assert storage.find_receipt("A1-000002", TILL) is None
