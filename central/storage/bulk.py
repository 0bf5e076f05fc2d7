"""Many rows in few statements.

``executemany`` runs one SQLite step a row, and Python's sqlite3 lets go of the GIL
around every step and takes it back after. While another thread of central runs
Python (the gRPC loop, the feed reader), each take-back waits for it, up to the
interpreter's switch interval (5 ms): a push of 500 sales, some 2,500 steps, took 18-22 s
beside a thread spinning in Python, 0.1 s alone. One ``INSERT ... VALUES (...), (...)``
of many rows is one step: the same push hands the GIL over a few dozen times and took
0.25 s beside that thread. Same rows, same constraints: a violation fails the statement,
its rows and all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

# Parameters a statement may carry: SQLite's default since 3.32 (PostgreSQL: 65,535).
MAX_PARAMS = 32_766
# Rows a statement carries at most: larger ones gain nothing and make longer SQL.
MAX_ROWS = 500


@lru_cache(maxsize=64)
def _statement(insert: str, rows: int) -> str:
    """``insert`` ("INSERT ... VALUES (?, ?)") with its values group repeated ``rows`` times."""
    head, _, values = insert.rpartition("VALUES")
    group = values.strip()
    return f"{head}VALUES {', '.join([group] * rows)}"


def insert_rows(conn: sqlite3.Connection, insert: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run ``insert``, an INSERT with one ``VALUES (?, ...)`` group, for every row of
    ``rows``, in as few statements as the parameter limit allows."""
    if rows:
        insert_flat(conn, insert, [v for row in rows for v in row], len(rows[0]))


def insert_flat(conn: sqlite3.Connection, insert: str, values: Sequence[Any], width: int) -> None:
    """``insert_rows`` for rows given as one flat sequence of ``width`` values a row."""
    per = max(1, min(MAX_ROWS, MAX_PARAMS // width)) * width
    for start in range(0, len(values), per):
        chunk = values[start:start + per]
        conn.execute(_statement(insert, len(chunk) // width), chunk)
