"""Subscribe, checksums, resync and bootstrap against a real central process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from central.storage.sqlite import SqliteStorage
from edge.storage import changes, customers, outbox
from edge.sync.runner import bootstrap, follow_feed, sync_once
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import (
    BREAD,
    CARD,
    COFFEE,
    CUSTOMER,
    MakeTill,
    central_checksum,
    sell,
)


def test_the_feed_ends_caught_up_with_the_checksum_the_till_holds(
    chain: Chain, make_till: MakeTill
) -> None:
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_a.database, till_a.client)
    for _ in range(3):
        sell(till_a, [BREAD, COFFEE], CARD, tendered=30000)
    sync_once(till_a.database, till_a.client)
    batches = list(till_b.client.subscribe(0, batch_size=7))
    assert [b.caught_up for b in batches] == [False] * (len(batches) - 1) + [True]
    assert all(len(b.changes) == 7 for b in batches[:-1])
    assert [c.seq for b in batches for c in b.changes] == list(range(1, batches[-1].cursor + 1))
    final = batches[-1].checksum
    assert (final.entries, final.points) == (3, 3 * 1257)
    sync_once(till_b.database, till_b.client)  # raises ChecksumMismatch if they differ
    assert changes.ledger_checksum(till_b.database) == central_checksum(chain)
    assert customers.balance(till_b.database, CUSTOMER) == 3 * 1257
    # A sale of a customer is one change holding its ledger entries and its purchase:
    # these earn points and spend none, so each is a row as the till holds it.
    kinds = {c.WhichOneof("entity") for b in batches for c in b.changes}
    assert "receipt_row" in kinds and not kinds & {"ledger_entry", "customer_purchase"}


def test_a_till_that_predates_the_feed_format_is_refused(chain: Chain) -> None:
    """A till of format 3 would skip receipt_row, a kind it does not know, and lose those
    facts (one of format 2 would also count SHA-256 digests and never match)."""
    channel = grpc.insecure_channel(chain.central.address)
    subscribe = channel.unary_stream(
        "/kassa.sync.v1.SyncService/Subscribe",
        request_serializer=sync_pb2.SubscribeRequest.SerializeToString,
        response_deserializer=sync_pb2.ChangeBatch.FromString,
    )
    old = sync_pb2.SubscribeRequest(feed_format=sync_pb2.FEED_FORMAT_CRC32_DIGESTS)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            list(subscribe(old, timeout=5,
                           metadata=(("authorization", f"Bearer {chain.tokens['A1']}"),)))
    finally:
        channel.close()
    assert refused.value.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert refused.value.details() == (
        "the till applies feed format 3, central writes format 4: update the till's software")
    assert "feed format 3 refused" in chain.central.log_path.read_text()


def test_a_cursor_central_no_longer_serves_rebootstraps_keeping_unsent_events(
    chain: Chain, make_till: MakeTill
) -> None:
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_a.database, till_a.client)
    sync_once(till_b.database, till_b.client)
    sell(till_b, [COFFEE], CARD, tendered=30000)
    sync_once(till_b.database, till_b.client)
    unsent = sell(till_a, [BREAD], CARD, tendered=5000)  # A is offline for this one
    head = SqliteStorage(chain.central.db_path)
    position = head.feed_position().head
    head.close()
    subprocess.run(
        [sys.executable, "-m", "central.cli", "compact-feed", "--db", str(chain.central.db_path),
         "--through", str(position)],
        check=True, capture_output=True,
    )
    (only,) = list(till_a.client.subscribe(1))
    assert only.resync_required and not only.changes

    expected = follow_feed(till_a.database, till_a.client)  # resync, bootstrap, catch up
    assert changes.cursor(till_a.database) == position
    assert [i for i, _ in outbox.pending(till_a.database, 10)] != []
    # The bootstrap brought B's sale; A's own unsent sale is still there and counted.
    assert customers.balance(till_a.database, CUSTOMER) == 1095 + unsent.points_earned
    assert changes.ledger_checksum(till_a.database) == expected
    sync_once(till_a.database, till_a.client)
    assert outbox.pending_count(till_a.database) == 0
    assert changes.ledger_checksum(till_a.database) == central_checksum(chain)


def test_an_interrupted_bootstrap_resumes_where_it_stopped(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    changes.start_bootstrap(till.database)
    first = till.client.snapshot("", 5)
    assert first.total > 5 and len(first.changes) == 5 and first.next
    state = changes.apply_snapshot_page(till.database, first)
    assert state is not None and (state.done, state.total) == (5, first.total)
    progress: list[tuple[int, int]] = []
    # The till restarts here: sync_once finds the bootstrap in progress and finishes it.
    bootstrap(till.database, till.client, lambda done, total: progress.append((done, total)))
    assert changes.bootstrap_state(till.database) is None
    assert changes.cursor(till.database) == first.cursor
    assert till.service.store() is not None
    assert all(total == first.total for _, total in progress)
    sync_once(till.database, till.client)


def test_the_feed_numbers_changes_in_commit_order_across_processes(tmp_path: Path) -> None:
    """Two central processes on one database: every change is seen once, in order, and
    the head never runs ahead of what is committed (see central/storage/feed.py)."""
    path = tmp_path / "central.db"
    first, second = SqliteStorage(path), SqliteStorage(path)
    reader = SqliteStorage(path)
    try:
        seen: list[int] = []
        cursor = 0
        for i in range(20):
            writer = first if i % 3 else second
            writer.put_category(sync_pb2.Category(id=f"cat-{i}", name=str(i)))
            position = reader.feed_position()
            batch = reader.feed_slice(cursor, position.head, 1000).changes()
            seen += [c.seq for c in batch]
            assert [c.category.id for c in batch][-1] == f"cat-{i}"
            cursor = position.head
        assert seen == list(range(1, 21))
    finally:
        for storage in (first, second, reader):
            storage.close()
