"""Central databases made by older versions upgrade in place."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zlib
from pathlib import Path

from central.demo import load_demo_catalog
from central.storage import reports
from central.storage.base import TillIdentity
from central.storage.schema import MIGRATIONS
from central.storage.sqlite import SqliteStorage
from kassa.replication.checksum import LedgerSum
from kassa.sync.v1 import sync_pb2
from tests.central.builders import return_event, sale_event


def test_a_database_with_a_loyalty_program_upgrades_and_its_feed_still_reads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "central.db"
    conn = sqlite3.connect(path)
    for _, script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("INSERT INTO loyalty_programs (id, payload) VALUES ('bonus', x'0a05626f6e7573')")
    card = sync_pb2.Card(barcode="2000000000015", customer_id="c-1")
    conn.executemany(
        "INSERT INTO changes (seq, kind, entity_id, payload) VALUES (?, ?, ?, ?)",
        [(1, "loyalty_program", "bonus", b"\x0a\x05bonus"),
         (2, "card", card.barcode, card.SerializeToString())],
    )
    conn.execute("UPDATE feed_state SET head = 2")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()

    storage = SqliteStorage(path)
    try:
        version = storage.db.conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in storage.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert version == len(MIGRATIONS)
        assert "loyalty_programs" not in tables
        assert {"pricing_programs", "customer_terms", "customer_purchases", "returns",
                "return_lines", "refunds"} <= tables
        assert [c.card for c in storage.feed_slice(0, 2, 10).changes()] == [card]
    finally:
        storage.close()


def test_receipts_stored_as_rows_get_a_body_and_take_returns(tmp_path: Path) -> None:
    """Migration 5 rebuilds a receipt's lines and payments from their rows into its body;
    a return then checks against those lines."""
    sale = sale_event(customer_id="").sale_closed
    path = tmp_path / "central.db"
    conn = sqlite3.connect(path)
    for _, script in MIGRATIONS[:4]:
        conn.executescript(script)
    conn.execute("INSERT INTO events (id, store_id, till_id, content_hash, received_at) "
                 "VALUES ('e-1', 'kyiv-1', 'A1', '', '')")
    conn.execute(
        "INSERT INTO receipts (id, number, store_id, till_id, closed_at, total, cashier_id, "
        "shift_id, event_id) VALUES (?, ?, 'kyiv-1', 'A1', '', ?, '', '', 'e-1')",
        (sale.receipt_id, sale.number, sale.total),
    )
    conn.executemany(
        "INSERT INTO receipt_lines (receipt_id, line_no, product_id, barcode, name, "
        "quantity_milli, unit_price, total, base_total, vat_rate_bp, points_spent, "
        "points_earned, discounts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(sale.receipt_id, ln.line_no, ln.product_id, ln.barcode, ln.name, ln.quantity_milli,
          ln.unit_price, ln.total, ln.base_total, ln.vat_rate_bp, ln.points_spent,
          ln.points_earned, json.dumps([{f.name: v for f, v in d.ListFields()}
                                        for d in ln.discounts]))
         for ln in sale.lines],
    )
    conn.executemany("INSERT INTO payments (receipt_id, method, amount) VALUES (?, ?, ?)",
                     [(sale.receipt_id, "points", 1000), (sale.receipt_id, "cash", 10610)])
    conn.execute("PRAGMA user_version = 4")
    conn.commit()
    conn.close()

    storage = SqliteStorage(path)
    try:
        load_demo_catalog(storage)
        tables = {r[0] for r in storage.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not {"payments", "receipt_lines"} & tables
        (body,) = storage.db.conn.execute("SELECT body FROM receipts").fetchone()
        stored = sync_pb2.SaleClosed.FromString(body)
        assert list(stored.lines) == list(sale.lines)
        assert [(p.method, p.amount) for p in stored.payments] == [
            (sync_pb2.Payment.CASH, 10610), (sync_pb2.Payment.POINTS, 1000)]
        too_much = return_event(sale, line_no=1, quantity_milli=3000)
        fits = return_event(sale, line_no=1, quantity_milli=2000)
        outcome = storage.apply_events(TillIdentity("A1", "kyiv-1"), [too_much, fits])
        assert outcome.acknowledged == [fits.id]
        assert "2 of 2 is left to return" in outcome.rejected[0][1]
    finally:
        storage.close()


def test_push_tables_are_rebuilt_without_rowid_keeping_their_rows(tmp_path: Path) -> None:
    """Migration 8 rebuilds events, ledger entries and purchases WITHOUT ROWID and the feed
    without AUTOINCREMENT; their rows stay, a stored event is still known by its hash."""
    path = tmp_path / "central.db"
    conn = sqlite3.connect(path)
    for _, script in MIGRATIONS[:6]:
        conn.executescript(script)
    conn.execute("INSERT INTO customers (id, surname, first_name, patronymic, phone, email) "
                 "VALUES ('c-1', '', 'Olena', '', '+380501234567', '')")
    conn.execute("INSERT INTO events (id, store_id, till_id, content_hash, received_at, hlc, "
                 "repeats) VALUES ('e-1', 'kyiv-1', 'A1', 'h-1', 'now', 's', 2)")
    conn.execute("INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, "
                 "created_at, reason, lot_id, lot_expires_at) VALUES "
                 "('l-1', 'c-1', 70, 'r-1', 'kyiv-1', 'then', 'earn', 'lot-1', 'later')")
    conn.execute("INSERT INTO customer_purchases (id, customer_id, store_id, at, amount, "
                 "one_time_used, one_time_restored) VALUES "
                 "('r-1', 'c-1', 'kyiv-1', 'then', 1500, '[\"d-1\"]', '[]')")
    conn.execute("INSERT INTO changes (seq, kind, entity_id, payload) VALUES (?, ?, ?, ?)",
                 (1, "ledger_entry", "l-1", sync_pb2.LedgerEntry(id="l-1").SerializeToString()))
    conn.execute("UPDATE feed_state SET head = 1")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    tables = ["events", "ledger_entries", "customer_purchases", "changes"]
    before = {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in tables}
    conn.close()

    storage = SqliteStorage(path)
    try:
        db = storage.db.conn
        shapes = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
        assert all(shapes[t].endswith("WITHOUT ROWID") for t in tables[:3])
        assert "AUTOINCREMENT" not in shapes["changes"]
        assert {t: db.execute(f"SELECT * FROM {t}").fetchall() for t in tables} == before
        assert storage.balance("c-1") == 70
        assert [c.ledger_entry.id for c in storage.feed_slice(0, 1, 10).changes()] == ["l-1"]
        reused, fresh = sale_event(customer_id=""), sale_event(customer_id="")
        reused.id = "e-1"
        outcome = storage.apply_events(TillIdentity("A1", "kyiv-1"), [reused, fresh])
        assert outcome.acknowledged == [fresh.id]
        assert outcome.rejected == [("e-1", "event id e-1 was used before for other content")]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        storage.close()


def test_each_till_gets_the_count_of_its_resent_events(tmp_path: Path) -> None:
    """Migration 10: a till's resent events, summed over its events once, are kept on the
    till for `central stores`."""
    path = tmp_path / "central.db"
    conn = sqlite3.connect(path)
    for _, script in MIGRATIONS[:9]:
        conn.executescript(script)
    conn.execute("INSERT INTO stores (id, payload) VALUES ('kyiv-1', x'')")
    for till in ("A1", "B1"):
        conn.execute("INSERT INTO tills (id, store_id, token_hash, enrolled_at) VALUES "
                     "(?, 'kyiv-1', ?, 'then')", (till, f"hash-{till}"))
    conn.executemany("INSERT INTO events (id, store_id, till_id, content_hash, received_at, "
                     "repeats) VALUES (?, 'kyiv-1', 'A1', 'h', 'now', ?)",
                     [("e-1", 2), ("e-2", 1), ("e-3", 0)])
    conn.execute("PRAGMA user_version = 9")
    conn.commit()
    conn.close()

    storage = SqliteStorage(path)
    try:
        listed = {row.till_id: row.repeats for row in reports.tills(storage.db.conn)}
        assert listed == {"A1": 3, "B1": 0}
    finally:
        storage.close()


def test_the_running_checksum_is_recounted_with_crc32_digests(tmp_path: Path) -> None:
    """Migration 11 (feed format 3): the running ledger checksum kept with SHA-256 digests
    is recounted from the ledger with CRC-32 ones, which tills of format 3 compute."""
    path = tmp_path / "central.db"
    conn = _ledger_at(path, 10, [("l-1", "c-1", 70), ("l-2", "c-2", -20)])
    sha_digests = sum(int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], "big")
                      for text in ("l-1|c-1|70", "l-2|c-2|-20"))
    conn.execute("UPDATE feed_state SET entries = 2, points = 50, digest_sum = ?",
                 (sha_digests,))
    conn.execute("PRAGMA user_version = 10")
    conn.commit()
    conn.close()

    storage = SqliteStorage(path)
    try:
        crc_digests = zlib.crc32(b"l-1|c-1|70") + zlib.crc32(b"l-2|c-2|-20")
        assert crc_digests != sha_digests
        assert storage.feed_position().checksum == LedgerSum(2, 50, crc_digests)
    finally:
        storage.close()


def test_balances_are_kept_per_customer_by_the_ledger_s_triggers(tmp_path: Path) -> None:
    """Migration 12: balances come from customer_balances, filled from the ledger and kept
    by triggers on every insert, move and delete of an entry; the ledger's index by
    customer is gone."""
    path = tmp_path / "central.db"
    conn = _ledger_at(path, 11, [("l-1", "c-1", 70), ("l-2", "c-2", -20), ("l-3", "c-1", 5)])
    conn.executemany("INSERT INTO customers (id, surname, first_name, patronymic, phone, "
                     "email) VALUES (?, '', '', '', '', '')", [("c-1",), ("c-2",), ("c-3",)])
    conn.execute("PRAGMA user_version = 11")
    conn.commit()
    conn.close()

    storage = SqliteStorage(path)
    try:
        db = storage.db.conn
        assert db.execute("SELECT name FROM sqlite_master WHERE name = "
                          "'ledger_entries_customer'").fetchall() == []
        assert (storage.balance("c-1"), storage.balance("c-2"), storage.balance("c-3")) == (
            75, -20, 0)
        with db:
            db.execute("INSERT INTO ledger_entries (id, customer_id, points, receipt_id, "
                       "store_id, created_at, reason) VALUES ('l-4', 'c-3', 9, 'r-2', "
                       "'kyiv-1', 'now', 'earn')")
            db.execute("UPDATE ledger_entries SET customer_id = 'c-2' WHERE id = 'l-1'")
            db.execute("DELETE FROM ledger_entries WHERE id = 'l-3'")
        assert dict(db.execute("SELECT customer_id, points FROM customer_balances")) == {
            "c-1": 0, "c-2": 50, "c-3": 9}
    finally:
        storage.close()


def _ledger_at(path: Path, version: int, entries: list[tuple[str, str, int]]
               ) -> sqlite3.Connection:
    """A central database at schema ``version`` holding ledger ``entries`` (id, customer,
    points) of one receipt, not committed yet."""
    conn = sqlite3.connect(path)
    for _, script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.executemany(
        "INSERT INTO ledger_entries (id, customer_id, points, receipt_id, store_id, created_at,"
        " reason) VALUES (?, ?, ?, 'r-1', 'kyiv-1', 'then', 'earn')", entries)
    return conn
