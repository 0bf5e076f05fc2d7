"""A one-time discount used again is recorded, counting returns that gave it back, with
only purchases that used or restored one read by customer (migration 9's index)."""

from __future__ import annotations

from pathlib import Path

from central.demo import load_demo_catalog
from central.storage.base import TillIdentity
from central.storage.pricing import ONE_TIME_USES_SQL
from central.storage.sqlite import SqliteStorage
from tests.central.builders import CUSTOMER, return_event, sale_event

TILL = TillIdentity("A1", "kyiv-1")
DISCOUNT = "birthday-15"


def test_a_discount_given_back_by_a_return_may_be_used_once_more(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        load_demo_catalog(storage)
        conn = storage.db.conn
        first = sale_event()
        plain = [sale_event() for _ in range(3)]
        for event in plain:
            event.sale_closed.ClearField("one_time_used")
        given_back = return_event(first.sale_closed)
        given_back.return_made.one_time_restored.append(DISCOUNT)
        again, third = sale_event(), sale_event()
        for event in (first, *plain, given_back, again, third):
            outcome = storage.apply_events(TILL, [event])
            assert outcome.rejected == [], outcome.rejected

        overused = conn.execute(
            "SELECT purchase_id, discount_id, customer_id FROM one_time_overuse").fetchall()
        assert overused == [(third.sale_closed.receipt_id, DISCOUNT, CUSTOMER)]
        assert conn.execute("SELECT COUNT(*) FROM customer_purchases").fetchone()[0] == 7
        indexed = conn.execute(
            "SELECT COUNT(*) FROM customer_purchases INDEXED BY customer_purchases_one_time "
            "WHERE customer_id = ? AND (one_time_used <> '[]' OR one_time_restored <> '[]')",
            (CUSTOMER,),
        ).fetchone()[0]
        assert indexed == 4  # the three uses and the return, not the plain sales
    finally:
        storage.close()


def test_the_uses_of_a_customer_are_read_through_the_partial_index(tmp_path: Path) -> None:
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        plan = storage.db.conn.execute(
            f"EXPLAIN QUERY PLAN {ONE_TIME_USES_SQL}", (CUSTOMER,)).fetchall()
        assert "USING INDEX customer_purchases_one_time" in " ".join(row[-1] for row in plan)
    finally:
        storage.close()
