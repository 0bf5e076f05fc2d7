"""A central database made before pricing programs upgrades in place (migration 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from central.storage.schema import MIGRATIONS
from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2


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
        assert [c.card for c in storage.changes_between(0, 2, 10)] == [card]
    finally:
        storage.close()
