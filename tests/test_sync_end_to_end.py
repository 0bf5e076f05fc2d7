"""A real central on 127.0.0.1 and two tills with their own SQLite files."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading

import grpc
import pytest

from central.storage.sqlite import SqliteStorage
from edge.storage import customers, outbox
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, SyncStatus, sync_once
from kassa.replication.content import seal
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import BREAD, CARD, COFFEE, MakeTill, sell


def central_balance(chain: Chain, customer_id: str) -> int:
    storage = SqliteStorage(chain.central.db_path)
    try:
        return storage.balance(customer_id)
    finally:
        storage.close()


def central_receipts(chain: Chain) -> int:
    storage = SqliteStorage(chain.central.db_path)
    try:
        return storage.receipt_count()
    finally:
        storage.close()


def test_sale_at_store_a_is_a_balance_at_store_b(chain: Chain, make_till: MakeTill) -> None:
    till_a = make_till("A1", "kyiv-1")
    till_b = make_till("B1", "lviv-1")
    sync_once(till_a.database, till_a.client)
    sync_once(till_b.database, till_b.client)

    sale = sell(till_a, [BREAD, COFFEE], CARD, tendered=30000)
    # 251.50 at 5 points per 1.00 -> 1257 points (floored)
    assert sale.points_earned == 1257
    sync_once(till_a.database, till_a.client)
    assert outbox.pending_count(till_a.database) == 0
    assert central_balance(chain, "c-shevchenko") == 1257

    sync_once(till_b.database, till_b.client)
    assert customers.balance(till_b.database, "c-shevchenko") == 1257

    # Till B sells to the same card; both tills converge on the sum.
    sale_b = sell(till_b, [BREAD], CARD, tendered=5000)
    assert sale_b.balance_after == 1257 + 162
    sync_once(till_b.database, till_b.client)
    sync_once(till_a.database, till_a.client)
    for till in (till_a, till_b):
        assert customers.balance(till.database, "c-shevchenko") == 1419
    assert central_balance(chain, "c-shevchenko") == 1419


def test_a_push_sent_twice_counts_once(chain: Chain, make_till: MakeTill) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [COFFEE], CARD, tendered=21900)
    batch = outbox.pending(till.database, 10)
    payloads = [payload for _, payload in batch]

    first = till.client.push(payloads)
    # The reply was "lost": the till never forgot the event and sends it again.
    second = till.client.push(payloads)
    assert list(first.acknowledged_ids) == list(second.acknowledged_ids) == [batch[0][0]]
    assert central_receipts(chain) == 1
    assert central_balance(chain, "c-shevchenko") == 1095

    sync_once(till.database, till.client)
    sync_once(till.database, till.client)
    assert customers.balance(till.database, "c-shevchenko") == 1095


def test_an_event_id_reused_for_other_content_is_rejected(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [BREAD], None, tendered=5000)
    ((event_id, payload),) = outbox.pending(till.database, 10)
    till.client.push([payload])
    forged = sync_pb2.Event.FromString(payload)
    forged.sale_closed.total += 100
    seal(forged)  # as a till that queued it would have sealed it
    reply = till.client.push([forged.SerializeToString()])
    assert not reply.acknowledged_ids
    assert reply.rejected[0].event_id == event_id
    assert "used before for other content" in reply.rejected[0].reason
    assert central_receipts(chain) == 1


def test_central_down_during_a_sale_then_it_syncs_by_itself(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    chain.central.stop()

    sell(till, [BREAD, BREAD], CARD, tendered=6500)
    with pytest.raises(grpc.RpcError):
        sync_once(till.database, till.client)
    assert outbox.pending_count(till.database) == 1

    statuses: queue.Queue[SyncStatus] = queue.Queue()
    loop = SyncLoop(till.database, till.client, statuses.put, interval_s=0.5)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        assert statuses.get(timeout=30).online is False
        chain.central.start()  # same port, same database
        loop.wake()
        while not (status := statuses.get(timeout=30)).online:
            pass
        assert status.pending == 0
    finally:
        loop.stop()
        thread.join(timeout=10)
    assert central_balance(chain, "c-shevchenko") == 325
    assert central_receipts(chain) == 1


def test_a_revoked_or_unknown_till_is_refused(chain: Chain, make_till: MakeTill) -> None:
    stranger = SyncClient(chain.central.address, "not-a-token", timeout_s=5)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            list(stranger.subscribe(0))
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    finally:
        stranger.close()

    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    revoke = subprocess.run(
        [sys.executable, "-m", "central.cli", "revoke-till", "--db", str(chain.central.db_path),
         "--till", "A1"],
        capture_output=True, text=True, check=True,
    )
    assert "till A1 revoked" in revoke.stdout
    with pytest.raises(grpc.RpcError) as refused:
        sync_once(till.database, till.client)
    assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
