"""The bootstrap asks for the next page while it applies one; changes apply in runs of
one kind with a statement per table, as if one by one."""

from __future__ import annotations

from datetime import UTC
from pathlib import Path

import pytest
from google.protobuf.timestamp_pb2 import Timestamp
from hypothesis import given
from hypothesis import strategies as st

from edge.storage import changes
from edge.storage.database import Database
from edge.sync import runner
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import MakeTill, central_checksum


def test_a_bootstrap_cut_while_fetching_ahead_resumes_after_the_last_page_applied(
    chain: Chain, make_till: MakeTill, monkeypatch: pytest.MonkeyPatch
) -> None:
    till = make_till("A1", "kyiv-1")
    monkeypatch.setattr(runner, "SNAPSHOT_PAGE", 3)
    fetch = till.client.snapshot
    calls: list[str] = []

    def cut_at_the_fourth(after: str, limit: int) -> sync_pb2.SnapshotPage:
        calls.append(after)
        if len(calls) == 4:
            raise RuntimeError("connection cut")
        return fetch(after, limit)

    monkeypatch.setattr(till.client, "snapshot", cut_at_the_fourth)
    with pytest.raises(RuntimeError, match="connection cut"):
        runner.bootstrap(till.database, till.client, None)
    state = changes.bootstrap_state(till.database)
    assert state is not None and state.done == 9 and state.next_key == calls[3]

    monkeypatch.setattr(till.client, "snapshot", fetch)
    progress: list[tuple[int, int]] = []
    runner.bootstrap(till.database, till.client, lambda done, total: progress.append((done, total)))
    assert changes.bootstrap_state(till.database) is None
    assert progress[0][0] == 12 and all(total == state.total for _, total in progress)
    runner.sync_once(till.database, till.client)  # raises ChecksumMismatch if they differ
    assert changes.ledger_checksum(till.database) == central_checksum(chain)


DEFERRED = {"customers_phone", "ledger_entries_customer", "customer_purchases_customer"}


def _indexes(database: Database) -> set[tuple[str, str]]:
    return set(database.db.conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))


def test_a_new_till_builds_the_indexes_of_what_it_loads_once_at_the_end(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    migrated = _indexes(till.database)
    assert {name for name, _ in migrated} >= DEFERRED
    changes.start_bootstrap(till.database)
    state = changes.apply_snapshot_page(till.database, till.client.snapshot("", 5))
    assert state is not None
    assert DEFERRED.isdisjoint(name for name, _ in _indexes(till.database))

    till.database.close()  # a restart: the bootstrap resumes and still builds them
    reopened = Database(till.database.path)
    try:
        runner.bootstrap(reopened, till.client, None)
        assert _indexes(reopened) == migrated
        assert reopened.scalar("SELECT COUNT(*) FROM sync_state WHERE key GLOB 'deferred*'") == 0
        runner.sync_once(reopened, till.client)
        assert changes.ledger_checksum(reopened) == central_checksum(chain)
    finally:
        reopened.close()


def test_a_bootstrap_over_held_customers_keeps_their_index(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    runner.sync_once(till.database, till.client)  # a new till: bootstrap, then the feed
    indexes = _indexes(till.database)
    assert till.database.scalar("SELECT COUNT(*) FROM customers") > 0
    changes.start_bootstrap(till.database)  # as when central asks for a resync
    assert ("customers_phone", "CREATE INDEX customers_phone ON customers(phone)") in _indexes(
        till.database)
    runner.bootstrap(till.database, till.client, None)
    assert _indexes(till.database) == indexes


def _stamp(seconds: int, nanos: int = 0) -> Timestamp:
    return Timestamp(seconds=seconds, nanos=nanos)


def _product(price: int, *barcodes: str) -> sync_pb2.Change:
    return sync_pb2.Change(product=sync_pb2.Product(
        id="p1", name="Хліб", price=price, barcodes=barcodes, active=True,
        scheduled_prices=[sync_pb2.ScheduledPrice(price=price - 1,
                                                  effective_from=_stamp(4_000_000_000))]))


def _entry(entry_id: str, customer_id: str, nanos: int) -> sync_pb2.Change:
    return sync_pb2.Change(ledger_entry=sync_pb2.LedgerEntry(
        id=entry_id, customer_id=customer_id, points=10, receipt_id="r1", store_id="kyiv-1",
        created_at=_stamp(1_790_000_000, nanos), reason="earn", lot_id=entry_id,
        lot_earned_at=_stamp(1_790_000_000, nanos), lot_expires_at=_stamp(-1, 999)))


CHANGES = [
    _product(100, "4820000000017", "4820000000024"),
    _product(120, "4820000000024"),  # again in the same run: only its last barcodes stay
    sync_pb2.Change(customer=sync_pb2.Customer(id="c1", first_name="Олена", phone="+3801")),
    sync_pb2.Change(customer_terms=sync_pb2.CustomerTerms(customer_id="c2", groups=["vip"])),
    sync_pb2.Change(customer=sync_pb2.Customer(id="c2", deleted=True)),
    sync_pb2.Change(card=sync_pb2.Card(barcode="2000000000015", customer_id="c2")),
    _entry("e1", "c2", 0),
    _entry("e2", "c2", 123_456_789),
    _entry("e1", "c1", 0),  # re-pointed within the run
    sync_pb2.Change(customer_purchase=sync_pb2.CustomerPurchase(
        id="r0", customer_id="c2", store_id="kyiv-1", at=_stamp(1_789_999_000), amount=100)),
    sync_pb2.Change(customer_merged=sync_pb2.CustomerMerged(gone_id="c2", survivor_id="c1")),
    _entry("e3", "c2", 999),
    sync_pb2.Change(customer_purchase=sync_pb2.CustomerPurchase(
        id="r1", customer_id="c1", store_id="kyiv-1", at=_stamp(1_790_000_000, 5_000),
        amount=500, one_time_used=["b-15"])),
]


def _rows(database: Database) -> dict[str, list[tuple[object, ...]]]:
    tables = [t for (t,) in database.db.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'product_prices'")]
    held = {t: sorted(database.db.conn.execute(f"SELECT * FROM {t}")) for t in tables}
    held["product_prices"] = list(database.db.conn.execute(
        "SELECT product_id, old_price FROM product_prices"))
    return held


def test_runs_of_one_kind_end_as_changes_applied_one_by_one(tmp_path: Path) -> None:
    together, alone = Database(tmp_path / "together.db"), Database(tmp_path / "alone.db")
    try:
        held = _product(90, "4820000000017")
        held.seq = 1
        for database in (together, alone):
            changes.apply_changes(database, [held])
            changes.ledger_checksum(database)  # kept running from here
        numbered = []
        for seq, change in enumerate(CHANGES, start=2):
            numbered.append(sync_pb2.Change())
            numbered[-1].CopyFrom(change)
            numbered[-1].seq = seq
        changes.apply_changes(together, numbered)
        for change in numbered:
            changes.apply_changes(alone, [change])
        assert _rows(together) == _rows(alone)
        assert _rows(together)["product_barcodes"] == [("4820000000024", "p1")]
        assert _rows(together)["product_prices"] == [("p1", 100)]  # 90 -> 100 -> 120
        for database in (together, alone):
            assert changes.ledger_checksum(database) == changes.recompute_ledger_checksum(
                database)
        def iso(stamp: Timestamp) -> str:  # as the till wrote them before runs
            return stamp.ToDatetime(tzinfo=UTC).isoformat()

        expires = iso(_stamp(-1, 999))
        assert together.db.conn.execute(
            "SELECT created_at, lot_earned_at, lot_available_at, lot_expires_at"
            " FROM ledger_entries ORDER BY id").fetchall() == [
            (iso(_stamp(1_790_000_000, n)), iso(_stamp(1_790_000_000, n)), None, expires)
            for n in (0, 123_456_789, 999)
        ]
        assert together.scalar("SELECT at FROM customer_purchases WHERE id = 'r1'") == iso(
            _stamp(1_790_000_000, 5_000))
    finally:
        together.close()
        alone.close()


@given(st.integers(-62_135_596_800, 253_402_300_799), st.integers(0, 999_999_999))
def test_stored_times_read_as_the_timestamps_central_sent(seconds: int, nanos: int) -> None:
    stamp = _stamp(seconds, nanos)
    iso = changes._iso_times()
    assert iso(stamp) == iso(stamp) == stamp.ToDatetime(tzinfo=UTC).isoformat()
