"""The till's running ledger checksum equals the one computed from every row, whatever
sequence of sales, pushes, rejections, central entries, merges and bootstraps led there."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from edge.storage import changes, outbox, sales
from edge.storage.database import Database
from kassa.domain.points import LedgerEntry
from kassa.sync.v1 import sync_pb2

CUSTOMERS = st.sampled_from(["c-1", "c-2", "c-3"])
POINTS = st.integers(-500, 500)
AT = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def _message(entry_id: str, customer: str, points: int) -> sync_pb2.LedgerEntry:
    message = sync_pb2.LedgerEntry(id=entry_id, customer_id=customer, points=points,
                                   store_id="kyiv-1", reason="earn")
    message.created_at.FromDatetime(AT)
    return message


def _sell(database: Database, event_id: str, rows: list[tuple[str, str, int]]) -> None:
    """What closing a sale writes for the ledger: its entries and its event, together."""
    event = sync_pb2.Event(id=event_id)
    event.created_at.FromDatetime(AT)
    event.sale_closed.receipt_id = event_id
    for row in rows:
        event.sale_closed.ledger_entries.append(_message(*row))
    with database.write() as db:
        sales.insert_ledger(db, [
            LedgerEntry(id=i, customer_id=c, points=p, receipt_id=event_id, store_id="kyiv-1",
                        created_at=AT, reason="earn") for i, c, p in rows])
        outbox.add_in(db, event)


class TillLedger(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.database = Database(Path(":memory:"))
        self.made = 0
        self.seq = 0
        self.known: dict[str, int] = {}  # entry id -> points, own and central's

    def teardown(self) -> None:
        self.database.close()

    def _id(self, prefix: str) -> str:
        self.made += 1
        return f"{prefix}-{self.made}"

    def _feed(self, *changes_: sync_pb2.Change) -> None:
        for change in changes_:
            self.seq += 1
            change.seq = self.seq
        changes.apply_changes(self.database, changes_)

    @rule(customer=CUSTOMERS, points=st.lists(POINTS, max_size=3))
    def sell(self, customer: str, points: list[int]) -> None:
        rows = [(self._id("own"), customer, p) for p in points]
        _sell(self.database, self._id("event"), rows)
        self.known.update((i, p) for i, _, p in rows)

    @precondition(lambda self: outbox.pending_count(self.database) > 0)
    @rule(count=st.integers(1, 4), through=st.booleans())
    def acknowledge(self, count: int, through: bool) -> None:
        ids = [i for i, _ in outbox.pending(self.database, count)]
        outbox.settle(self.database, sync_pb2.PushReply(
            acknowledged_ids=ids, forget_through=ids[-1] if through else ""))

    @precondition(lambda self: outbox.pending_count(self.database) > 0)
    @rule(pick=st.integers(0, 3), through=st.booleans())
    def reject(self, pick: int, through: bool) -> None:
        ids = [i for i, _ in outbox.pending(self.database, pick + 1)]
        bad = ids[-1]
        outbox.settle(self.database, sync_pb2.PushReply(
            acknowledged_ids=ids[:-1], rejected=[sync_pb2.Rejection(event_id=bad, reason="x")],
            forget_through=bad if through else ""))

    @rule(customer=CUSTOMERS, points=POINTS)
    def central_entry(self, customer: str, points: int) -> None:
        entry_id = self._id("central")
        self._feed(sync_pb2.Change(ledger_entry=_message(entry_id, customer, points)))
        self.known[entry_id] = points

    @precondition(lambda self: self.known)
    @rule(data=st.data(), customer=CUSTOMERS)
    def entry_again(self, data: st.DataObject, customer: str) -> None:
        """An entry held already comes again (this till's own back from central, or a
        replay), perhaps re-pointed by central to another customer."""
        entry_id = data.draw(st.sampled_from(sorted(self.known)))
        self._feed(sync_pb2.Change(
            ledger_entry=_message(entry_id, customer, self.known[entry_id])))

    @rule(gone=CUSTOMERS, survivor=CUSTOMERS)
    def merge(self, gone: str, survivor: str) -> None:
        self._feed(sync_pb2.Change(customer_merged=sync_pb2.CustomerMerged(
            gone_id=gone, survivor_id=survivor)))

    @rule(data=st.data(), new=st.lists(st.tuples(CUSTOMERS, POINTS), max_size=4))
    def bootstrap(self, data: st.DataObject, new: list[tuple[str, int]]) -> None:
        """Two snapshot pages of entries: new ones and ones held already."""
        entries = [_message(self._id("central"), c, p) for c, p in new]
        if self.known:
            again = data.draw(st.lists(st.sampled_from(sorted(self.known)), max_size=4))
            entries += [_message(i, data.draw(CUSTOMERS), self.known[i]) for i in again]
        self.known.update((e.id, e.points) for e in entries)
        changes.start_bootstrap(self.database)
        half = len(entries) // 2
        for part, next_key in ((entries[:half], "7:x"), (entries[half:], "")):
            page = sync_pb2.SnapshotPage(next=next_key, cursor=self.seq, total=len(entries))
            page.changes.extend(sync_pb2.Change(ledger_entry=e) for e in part)
            changes.apply_snapshot_page(self.database, page)

    @invariant()
    def running_equals_recomputed(self) -> None:
        assert changes.ledger_checksum(self.database) == changes.recompute_ledger_checksum(
            self.database)


TestRunningChecksum = TillLedger.TestCase
TestRunningChecksum.settings = settings(max_examples=150, stateful_step_count=30,
                                        deadline=None)


def test_an_own_entry_back_from_central_before_its_ack_counts_once(tmp_path: Path) -> None:
    database = Database(tmp_path / "till.db")
    try:
        assert changes.ledger_checksum(database).entries == 0
        _sell(database, "event-1", [("own-1", "c-1", 100)])
        change = sync_pb2.Change(seq=1, ledger_entry=_message("own-1", "c-1", 100))
        changes.apply_changes(database, [change])  # central applied it; its reply was lost
        assert changes.ledger_checksum(database).entries == 0  # still in the outbox
        outbox.settle(database, sync_pb2.PushReply(acknowledged_ids=["event-1"]))
        assert (changes.ledger_checksum(database).entries,
                changes.ledger_checksum(database).points) == (1, 100)
        change = sync_pb2.Change(seq=2, ledger_entry=_message("own-1", "c-1", 100))
        changes.apply_changes(database, [change])  # and again, from a replay
        assert changes.ledger_checksum(database) == changes.recompute_ledger_checksum(database)
        assert changes.ledger_checksum(database).entries == 1
    finally:
        database.close()


def test_an_event_is_never_queued_without_the_entries_it_carries(tmp_path: Path) -> None:
    """What the test above relies on: a till holds its own entries from the transaction
    that queues their event. Queuing one without them (bench_overdraft did) would let
    the feed count the entry as central's and the acknowledgement count it again."""
    database = Database(tmp_path / "till.db")
    try:
        event = sync_pb2.Event(id="event-1")
        event.created_at.FromDatetime(AT)
        event.sale_closed.receipt_id = "event-1"
        event.sale_closed.ledger_entries.append(_message("own-1", "c-1", 100))
        with pytest.raises(ValueError, match="event event-1 carries ledger entries this till "
                                             "does not hold: own-1"), database.write() as db:
            outbox.add_in(db, event)
        assert outbox.pending_count(database) == 0
        _sell(database, "event-2", [("own-2", "c-1", 100)])
        assert [i for i, _ in outbox.pending(database, 10)] == ["event-2"]
    finally:
        database.close()


def test_a_till_without_a_kept_checksum_computes_it_once_from_the_rows(tmp_path: Path) -> None:
    """A database from before the running checksum: the first read computes and keeps it."""
    database = Database(tmp_path / "till.db")
    try:
        _sell(database, "event-1", [("own-1", "c-1", 100), ("own-2", "c-2", 7)])
        outbox.settle(database, sync_pb2.PushReply(acknowledged_ids=["event-1"]))
        assert database.scalar("SELECT value FROM sync_state WHERE key = ?",
                               (outbox.SUM_KEY,)) is None
        first = changes.ledger_checksum(database)
        assert (first.entries, first.points) == (2, 107)
        assert database.scalar("SELECT value FROM sync_state WHERE key = ?",
                               (outbox.SUM_KEY,)) is not None
    finally:
        database.close()
