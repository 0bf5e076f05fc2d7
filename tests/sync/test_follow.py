"""The follow stream: central's changes reach a following till at once, through faults."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from central.storage.sqlite import SqliteStorage
from edge.storage import changes, customers, outbox
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, SyncStatus, sync_once
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain, Till
from tests.sync.helpers import (
    BREAD,
    CARD,
    MakeTill,
    central_checksum,
    central_query,
    sell,
)
from tests.sync.proxy import FaultProxy, Faults

NO_POLL = 3600.0  # the loop's interval: nothing in these tests may wait for it


def wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
    """Return once ``condition()`` holds; fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout_s} s: {what}"
        time.sleep(0.01)


def wait_status(
    statuses: queue.Queue[SyncStatus], wanted: Callable[[SyncStatus], bool], timeout_s: float = 20
) -> SyncStatus:
    """The first reported status that is ``wanted``, within ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not wanted(status := statuses.get(timeout=max(deadline - time.monotonic(), 0.01))):
        pass
    return status


@contextmanager
def following(till: Till, client: SyncClient) -> Iterator[tuple[SyncLoop, queue.Queue[SyncStatus]]]:
    """A SyncLoop of ``till`` running in a thread, online before the body runs."""
    statuses: queue.Queue[SyncStatus] = queue.Queue()
    loop = SyncLoop(till.database, client, statuses.put, interval_s=NO_POLL)
    thread = threading.Thread(target=loop.run, daemon=True)
    thread.start()
    try:
        wait_status(statuses, lambda s: s.online)
        yield loop, statuses
    finally:
        loop.stop()
        thread.join(timeout=10)
        assert not thread.is_alive()


@contextmanager
def a1_through_proxy(
    chain: Chain, *, seed: int, **options: Any
) -> Iterator[tuple[FaultProxy, SyncClient]]:
    """Till A1's client to central through a fault proxy that injects nothing yet."""
    proxy = FaultProxy(chain.central.port, seed=seed, faults=Faults(cut=0, drop=0, stall=0))
    proxy.start()
    client = SyncClient(f"127.0.0.1:{proxy.port}", chain.tokens["A1"], till_id="A1",
                        store_id="kyiv-1", **options)
    try:
        yield proxy, client
    finally:
        client.close()
        chain.central.stop()  # before the proxy, which leaves its connections open
        proxy.stop()


def central_head(chain: Chain) -> int:
    storage = SqliteStorage(chain.central.db_path)
    try:
        return storage.feed_position().head
    finally:
        storage.close()


def caught_up_with_central(chain: Chain, till: Till) -> bool:
    return changes.cursor(till.database) == central_head(chain)


def test_a_push_from_another_till_reaches_a_following_till_at_once(
    chain: Chain, make_till: MakeTill
) -> None:
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_b.database, till_b.client)
    with following(till_a, till_a.client):
        sale = sell(till_b, [BREAD], CARD, tendered=5000)
        sync_once(till_b.database, till_b.client)
        wait_until(lambda: customers.holds_receipt(till_a.database, sale.id),
                   "B1's sale at A1", timeout_s=2)
        assert caught_up_with_central(chain, till_a)


def test_a_change_another_process_commits_arrives_by_the_short_poll(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    with following(till, till.client):
        hq = SqliteStorage(chain.central.db_path)  # as `central load-catalog` would
        try:
            hq.put_product(sync_pb2.Product(
                id="p-kefir", name="Kefir", article="kefir", category="c-dairy", price=4150,
                barcodes=["4820000000123"], active=True, vat_rate_bp=2000,
            ))
        finally:
            hq.close()
        wait_until(lambda: till.database.scalar(
            "SELECT price FROM products WHERE id = 'p-kefir'") == 4150, "the new product",
            timeout_s=2)
        assert caught_up_with_central(chain, till)


def test_a_sale_is_pushed_when_woken_and_the_checksum_verified(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    with following(till, till.client) as (loop, statuses):
        synced = changes.last_synced(till.database)
        sell(till, [BREAD, BREAD], CARD, tendered=6500)
        loop.wake()
        status = wait_status(statuses, lambda s: s.pending == 0 and s.last_success != synced)
        assert status.online and not status.error
    assert central_query(chain, "SELECT COUNT(*) FROM receipts") == [(1,)]
    assert changes.ledger_checksum(till.database) == central_checksum(chain)


def test_a_cut_stream_resumes_from_the_cursor_with_nothing_lost_or_doubled(
    chain: Chain, make_till: MakeTill
) -> None:
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_b.database, till_b.client)
    with a1_through_proxy(chain, seed=6, timeout_s=5) as (proxy, client):
        with following(till_a, client) as (loop, statuses):
            # The next call on A1's connection (its push) makes the proxy cut the
            # connection, and the open follow stream with it.
            proxy.set_faults(Faults(cut=1.0, drop=0, stall=0))
            sell(till_a, [BREAD], CARD, tendered=5000)
            loop.wake()
            wait_status(statuses, lambda s: not s.online)
            for _ in range(3):
                sell(till_b, [BREAD], CARD, tendered=5000)
                sync_once(till_b.database, till_b.client)
            proxy.set_faults(Faults(cut=0, drop=0, stall=0))
            loop.wake()
            wait_status(statuses, lambda s: s.online and s.pending == 0)
            wait_until(lambda: caught_up_with_central(chain, till_a), "A1 caught up")
            _assert_converged(chain, till_a, receipts=4)
        assert proxy.counts["cut"] >= 1


def test_under_random_faults_a_following_till_converges(
    chain: Chain, make_till: MakeTill
) -> None:
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_b.database, till_b.client)
    with a1_through_proxy(chain, seed=11, timeout_s=2) as (proxy, client):
        with following(till_a, client) as (loop, _):
            proxy.set_faults(Faults(cut=0.25, drop=0.25, stall=0.25, stall_s=(0.1, 0.5)))
            for _ in range(8):
                sell(till_a, [BREAD], CARD, tendered=5000)
                loop.wake()
                sell(till_b, [BREAD], CARD, tendered=5000)
                sync_once(till_b.database, till_b.client)
                wait_until(lambda: outbox.pending_count(till_a.database) == 0, "A1 pushed",
                           timeout_s=30)
            proxy.set_faults(Faults(cut=0, drop=0, stall=0))
            loop.wake()
            wait_until(lambda: caught_up_with_central(chain, till_a), "A1 caught up",
                       timeout_s=30)
            _assert_converged(chain, till_a, receipts=16)
        assert sum(proxy.counts.values()) >= 3


def _assert_converged(chain: Chain, till: Till, receipts: int) -> None:
    """Every sale at central once, and the till holds exactly central's ledger."""
    assert central_query(chain, "SELECT COUNT(*) FROM receipts") == [(receipts,)]
    assert central_query(chain, "SELECT COUNT(*) FROM ledger_entries") == [
        (len(customers.held_entries(till.database)),)]
    assert changes.ledger_checksum(till.database) == central_checksum(chain)


def test_keepalive_finds_a_connection_that_died_under_a_quiet_stream(
    chain: Chain, make_till: MakeTill
) -> None:
    """No FIN, no RST, no error: the follow stream would wait forever without pings."""
    till_a, till_b = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    sync_once(till_b.database, till_b.client)
    # Pings every second, dead after one unanswered second (the till's own: 30 s, 10 s).
    with a1_through_proxy(chain, seed=3, timeout_s=5, keepalive_s=(1.0, 1.0)) as (proxy, client):
        with following(till_a, client) as (_, statuses):
            proxy.freeze()
            status = wait_status(statuses, lambda s: not s.online, timeout_s=15)
            assert "UNAVAILABLE" in status.error
            # A new connection works: central's changes reach the till again.
            wait_status(statuses, lambda s: s.online, timeout_s=20)
            sale = sell(till_b, [BREAD], CARD, tendered=5000)
            sync_once(till_b.database, till_b.client)
            wait_until(lambda: customers.holds_receipt(till_a.database, sale.id),
                       "B1's sale at A1 after the reconnect")
        assert proxy.counts["frozen"] >= 1  # a ping (at least) went into the dead link
