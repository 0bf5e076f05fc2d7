"""None and bytes bind as SQL NULL and BLOB with their adapters registered as themselves."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from central.storage.sqlite import SqliteStorage


def test_none_and_bytes_bind_as_null_and_blob_without_a_search_for_adapters(
    tmp_path: Path,
) -> None:
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        assert {(bytes, sqlite3.PrepareProtocol), (type(None), sqlite3.PrepareProtocol)} <= set(
            sqlite3.adapters)
        row = storage.db.conn.execute(
            "SELECT typeof(?), typeof(?), ?, ? IS NULL", (None, b"\x00\x01", b"\x00\x01", None)
        ).fetchone()
        assert row == ("null", "blob", b"\x00\x01", 1)
    finally:
        storage.close()
