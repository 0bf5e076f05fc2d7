"""A push mixing sales with other events: runs of new sales go in bulk, with the same
rows, feed and outcome as applying every event on its own."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from central.demo import load_demo_catalog
from central.storage import sqlite as sqlite_storage
from central.storage.base import PushOutcome, TillIdentity
from central.storage.sqlite import SqliteStorage
from kassa.domain.ids import new_id
from kassa.replication import hlc
from kassa.replication.content import seal
from kassa.sync.v1 import sync_pb2
from tests.central.builders import sale_event

TILL = TillIdentity("A1", "kyiv-1")
SKIP = {"received_at", "recorded_at", "enrolled_at", "stored_at", "last_contact"}
TABLES = ["events", "receipts", "ledger_entries",
          "customer_purchases", "overdrafts", "one_time_overuse", "shifts", "cash_movements"]


def plain_sale(customer_id: str = "c-kovalenko") -> sync_pb2.Event:
    event = sale_event(customer_id)
    event.sale_closed.ClearField("one_time_used")
    return event


def batch() -> list[sync_pb2.Event]:
    """A shift, sales (one sealed, one anonymous), one of them again, a cash movement, a
    sale with a one-time discount, more sales: as a till back from offline pushes."""
    shift = sale_event()
    shift.ClearField("sale_closed")
    shift.shift_opened.shift_id, shift.shift_opened.number = new_id(), 1
    sales = [plain_sale(c) for c in ("c-kovalenko", "", "c-ivanova", "c-kovalenko")]
    seal(sales[0])
    cash = sale_event()
    cash.ClearField("sale_closed")
    cash.cash_movement.movement_id, cash.cash_movement.amount = new_id(), 500
    return [shift, *sales, sales[2], cash, sale_event(), plain_sale(), plain_sale()]


def apply(path: Path, events: list[sync_pb2.Event]) -> tuple[PushOutcome, dict[str, list[Any]]]:
    (outcome,), rows = apply_pushes(path, [(TILL, events)], together=False)
    return outcome, rows


def apply_pushes(
    path: Path, pushes: list[tuple[TillIdentity, list[sync_pb2.Event]]], *, together: bool
) -> tuple[list[PushOutcome], dict[str, list[Any]]]:
    """Apply pushes in one transaction or one by one; their outcomes and the rows stored."""
    storage = SqliteStorage(path)
    try:
        load_demo_catalog(storage)
        if together:
            outcomes = storage.apply_pushes(pushes)
        else:
            outcomes = [storage.apply_events(till, events) for till, events in pushes]
        conn = storage.db.conn
        rows = {}
        for table in TABLES:
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")
                       if r[1] not in SKIP]
            listed = ", ".join(columns)  # ids are time-ordered: insertion order
            rows[table] = conn.execute(
                f"SELECT {listed} FROM {table} ORDER BY {listed}").fetchall()
        rows["changes"] = conn.execute(  # cashiers' PIN hashes are salted at random
            "SELECT seq, kind, entity_id, payload FROM changes WHERE kind != 'cashier' "
            "ORDER BY seq").fetchall()
        rows["feed_state"] = conn.execute(
            "SELECT head, entries, points, digest_sum FROM feed_state").fetchall()
        return outcomes, rows
    finally:
        storage.close()


def test_runs_of_sales_in_bulk_match_event_by_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = batch()
    runs, runs_rows = apply(tmp_path / "runs.db", events)
    monkeypatch.setattr(SqliteStorage, "_apply_in_bulk", lambda *_: False)
    single, single_rows = apply(tmp_path / "single.db", events)
    assert runs.acknowledged == single.acknowledged == [e.id for e in events]
    assert runs.rejected == single.rejected == []
    assert runs_rows == single_rows
    assert len(runs_rows["receipts"]) == 7
    assert [r[-1] for r in runs_rows["events"]] == [0, 0, 0, 1, 0, 0, 0, 0, 0]  # repeats


def test_a_run_in_bulk_moves_the_clock_as_its_sales_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stamps ahead of central's clock, equal walls among them, one too far ahead (cut to
    the bound) and one from a till without stamps: central's clock after the run and each
    stored stamp are the ones receiving the sales one by one gives (central's wall clock
    held still, so both runs cut at the same bound)."""
    now_ms = int(time.time() * 1000)
    monkeypatch.setattr(sqlite_storage, "_now_ms", lambda: now_ms)
    ahead = now_ms + 30 * 60 * 1000
    stamps = [(ahead, 3), (ahead, 1), (ahead + 5, 0), (ahead + 5, 7), (ahead + 10**9, 2),
              (0, 0), (ahead + 5, 2)]
    events = [plain_sale() for _ in stamps]
    for event, (wall, logical) in zip(events, stamps, strict=True):
        event.hlc.wall_ms, event.hlc.logical = wall, logical

    def clock_after(name: str) -> tuple[hlc.Stamp, list[Any]]:
        storage = SqliteStorage(tmp_path / name)
        try:
            load_demo_catalog(storage)
            assert storage.apply_events(TILL, events).acknowledged == [e.id for e in events]
            return storage._clock, storage.db.conn.execute(
                "SELECT hlc FROM events ORDER BY id").fetchall()
        finally:
            storage.close()

    in_bulk = clock_after("bulk.db")
    monkeypatch.setattr(SqliteStorage, "_apply_in_bulk", lambda *_: False)
    one_by_one = clock_after("single.db")
    assert in_bulk == one_by_one
    assert in_bulk[0] == hlc.Stamp(now_ms + hlc.MAX_AHEAD_MS, 3)  # cut, then 2 more seen


def test_a_bad_sale_in_a_run_rejects_only_itself(tmp_path: Path) -> None:
    events = batch()
    bad = events[2]
    bad.sale_closed.total += 1
    outcome, rows = apply(tmp_path / "c.db", events)
    assert [i for i, _ in outcome.rejected] == [bad.id]
    assert "payments do not add up" in outcome.rejected[0][1]
    assert len(outcome.acknowledged) == len(events) - 1
    assert len(rows["receipts"]) == 6


def test_pushes_committed_together_get_the_outcomes_they_get_one_by_one(
    tmp_path: Path,
) -> None:
    """Group commit: a till's push, then another till's repeating one of its sales, one
    reusing a sale's id for other content, and a new sale."""
    first = batch()
    reused = sale_event()
    reused.id = first[1].id
    other = TillIdentity("A2", "kyiv-1")
    pushes = [(TILL, first), (other, [first[3], reused, plain_sale()])]
    together, together_rows = apply_pushes(tmp_path / "together.db", pushes, together=True)
    alone, alone_rows = apply_pushes(tmp_path / "alone.db", pushes, together=False)
    assert [(o.acknowledged, o.rejected) for o in together] == [
        (o.acknowledged, o.rejected) for o in alone]
    assert together_rows == alone_rows
    assert together[1].acknowledged == [first[3].id, pushes[1][1][2].id]
    assert [i for i, _ in together[1].rejected] == [reused.id]


def test_a_value_central_cannot_store_rejects_only_its_event(tmp_path: Path) -> None:
    events = batch()
    bad = events[4]
    bad.sale_closed.closed_at.seconds = 400_000_000_000  # the year 14645
    outcome, rows = apply(tmp_path / "c.db", events)
    assert [i for i, _ in outcome.rejected] == [bad.id]
    assert "cannot store" in outcome.rejected[0][1]
    assert len(outcome.acknowledged) == len(events) - 1
    assert len(rows["receipts"]) == 6
