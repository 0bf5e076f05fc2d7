"""Many rows in few statements (central/storage/bulk.py): the same rows as executemany,
a handful of statements, and a violation fails its statement's rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from central.storage.bulk import MAX_PARAMS, MAX_ROWS, insert_rows


def _table(path: Path, columns: int) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    cols = ", ".join(f"c{i} TEXT" for i in range(1, columns))
    conn.execute(f"CREATE TABLE t (c0 INTEGER PRIMARY KEY, {cols}, b BLOB)")
    return conn


def _insert(columns: int) -> str:
    names = ", ".join([*(f"c{i}" for i in range(columns)), "b"])
    return f"INSERT INTO t ({names}) VALUES ({', '.join('?' * (columns + 1))})"


def _rows(count: int, columns: int) -> list[tuple[object, ...]]:
    return [(n, *(f"v{n}-{i}" for i in range(1, columns)), bytes([n % 256, 0, 255]))
            for n in range(count)]


def test_rows_equal_executemany_in_few_statements(tmp_path: Path) -> None:
    rows = _rows(2 * MAX_ROWS + 34, 4)
    bulk, each = _table(tmp_path / "bulk.db", 4), _table(tmp_path / "each.db", 4)
    statements: list[str] = []
    bulk.set_trace_callback(statements.append)
    insert_rows(bulk, _insert(4), rows)
    bulk.set_trace_callback(None)
    each.executemany(_insert(4), rows)
    query = "SELECT * FROM t ORDER BY c0"
    assert bulk.execute(query).fetchall() == each.execute(query).fetchall()
    assert len([s for s in statements if s.startswith("INSERT")]) == 3  # 500, 500, 34 rows


def test_wide_rows_stay_under_the_parameter_limit(tmp_path: Path) -> None:
    columns = 99  # 100 parameters a row: 327 rows a statement
    rows = _rows(1000, columns)
    conn = _table(tmp_path / "wide.db", columns)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    insert_rows(conn, _insert(columns), rows)
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (1000,)
    inserts = [s for s in statements if s.startswith("INSERT")]
    assert len(inserts) == -(-1000 // (MAX_PARAMS // (columns + 1)))


def test_a_violation_fails_its_statement_and_leaves_its_rows_out(tmp_path: Path) -> None:
    conn = _table(tmp_path / "dup.db", 3)
    rows = _rows(10, 3)
    insert_rows(conn, _insert(3), rows[:3])
    with pytest.raises(sqlite3.IntegrityError):
        insert_rows(conn, _insert(3), rows[3:] + rows[2:3])  # repeats key 2
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone() == (3,)


def test_no_rows_runs_nothing(tmp_path: Path) -> None:
    conn = _table(tmp_path / "none.db", 2)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    insert_rows(conn, _insert(2), [])
    assert statements == []
