"""One sync round, and the loop that keeps a till in sync in the background.

A round pushes the outbox, then follows central's feed until caught up and checks
the ledger checksum. The loop instead keeps a follow stream open, so central's changes
arrive as they commit, and pushes whenever woken. A cursor central no longer serves
starts a paged bootstrap, which resumes after a restart and never touches the outbox.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc

from edge.storage import changes, outbox
from edge.storage.database import Database
from edge.sync.client import FollowStream, SyncClient
from kassa.replication.checksum import LedgerSum
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)

PUSH_BATCH = 500
FEED_BATCH = 10_000
SNAPSHOT_PAGE = 5000  # central's largest (central/service.py MAX_SNAPSHOT_PAGE)
RECONNECT_MAX_S = 10.0
CHECK_EVERY_S = 2.0

Progress = Callable[[int, int], None]


class ChecksumMismatch(RuntimeError):
    """The till's ledger does not add up to what central says it should hold."""


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows: online or not, what waits, when it last synced."""

    online: bool
    pending: int
    last_success: datetime | None = None
    error: str = ""


def push_all(database: Database, client: SyncClient) -> None:
    """Push the outbox oldest first until it is empty; rejected events go to quarantine."""
    outbox.seal_queued(database, *client.claim)
    while batch := outbox.pending(database, PUSH_BATCH):
        reply = client.push([payload for _, payload in batch])
        for rejection in reply.rejected:
            log.error("central rejected event %s: %s", rejection.event_id, rejection.reason)
        answered = set(reply.acknowledged_ids) | {r.event_id for r in reply.rejected}
        if not answered.intersection(event_id for event_id, _ in batch):
            raise RuntimeError("central answered none of the pushed events")
        outbox.settle(database, reply)


def bootstrap(database: Database, client: SyncClient, on_progress: Progress | None) -> None:
    """Load central's state page by page (resuming an interrupted bootstrap), asking for
    the next page while the till applies the current one."""
    state = changes.bootstrap_state(database)
    if state is None:
        changes.start_bootstrap(database)
        state = changes.Bootstrap("", 0, 0)
    fetcher = ThreadPoolExecutor(1, thread_name_prefix="snapshot")
    try:
        coming = fetcher.submit(client.snapshot, state.next_key, SNAPSHOT_PAGE)
        while state is not None:
            page = coming.result()
            if page.next:
                coming = fetcher.submit(client.snapshot, page.next, SNAPSHOT_PAGE)
            state = changes.apply_snapshot_page(database, page)
            if on_progress is not None and state is not None:
                on_progress(state.done, state.total)
    finally:
        fetcher.shutdown(wait=False, cancel_futures=True)
    log.info("bootstrap finished at feed position %d", changes.cursor(database))


def follow_feed(
    database: Database, client: SyncClient, on_progress: Progress | None = None
) -> LedgerSum:
    """Apply the feed until caught up; returns the checksum central sent with the marker."""
    if changes.bootstrap_state(database) is not None:
        bootstrap(database, client, on_progress)
    while True:
        oldest = outbox.oldest_pending(database)
        age_ms = 0 if oldest is None else int((datetime.now(UTC) - oldest).total_seconds() * 1000)
        stream = client.subscribe(
            changes.cursor(database), batch_size=FEED_BATCH,
            pending=outbox.pending_count(database), oldest_pending_ms=max(age_ms, 0),
        )
        for batch in stream:
            if batch.resync_required:
                log.warning("central cannot serve cursor %d: bootstrapping",
                            changes.cursor(database))
                changes.start_bootstrap(database)
                bootstrap(database, client, on_progress)
                break
            changes.apply_batch(database, batch)
            if batch.caught_up:
                c = batch.checksum
                return LedgerSum(c.entries, c.points, c.digest_sum)
        else:
            raise RuntimeError("central ended the feed before the caught-up marker")


def check_ledger(database: Database, expected: LedgerSum) -> None:
    """Record a full sync if the till's ledger adds up to ``expected``; otherwise raise
    ChecksumMismatch."""
    held = changes.ledger_checksum(database)
    if held != expected:
        log.error("ledger checksum differs at cursor %d: till %s, central %s",
                  changes.cursor(database), held, expected)
        raise ChecksumMismatch(f"ledger checksum differs from central's: {held} != {expected}")
    changes.mark_synced(database, datetime.now(UTC))


def sync_once(
    database: Database, client: SyncClient, on_progress: Progress | None = None
) -> None:
    """Push every waiting event, follow the feed until caught up, verify the ledger.

    Raises grpc.RpcError when offline, ChecksumMismatch when the ledgers differ.
    """
    push_all(database, client)
    check_ledger(database, follow_feed(database, client, on_progress))


class SyncLoop:
    """Keeps the till in sync until ``stop()``: a follow stream applies central's changes
    as they commit (its own thread, reconnecting with backoff and jitter, resuming from
    the stored cursor), while the calling thread pushes when woken and every
    ``interval_s``, retrying with backoff and jitter capped at ``interval_s`` offline.

    The push thread also checks the checksum of the newest caught-up position (at most
    every ``CHECK_EVERY_S``), never while a push or a batch is being applied. A push that
    settled after central read that position makes the ledgers differ for a moment; a
    plain push and catch-up, with the stream held back, tells that from a real mismatch.
    """

    def __init__(
        self,
        database: Database,
        client: SyncClient,
        on_status: Callable[[SyncStatus], None],
        *,
        interval_s: float = 5.0,
    ) -> None:
        self._database = database
        self._client = client
        self._on_status = on_status
        self._interval_s = interval_s
        self._wake = threading.Event()
        self._retry = threading.Event()
        self._stop = threading.Event()
        self._apply_lock = threading.Lock()
        self._state_lock = threading.Lock()
        self._stream: FollowStream | None = None
        self._caught_up: tuple[int, LedgerSum] | None = None
        self._check_at = 0.0
        self._following = False
        self._push_error = ""
        self._follow_error = ""
        self._last_success: datetime | None = None
        self._reported: SyncStatus | None = None

    def wake(self) -> None:
        """Push now (after a sale closes), and reconnect now if the stream is down."""
        self._wake.set()
        self._retry.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._retry.set()
        with self._state_lock:
            if self._stream is not None:
                self._stream.cancel()

    def run(self) -> None:
        """Follow and push until ``stop()``; meant for a background thread."""
        follower = threading.Thread(target=self._follow, name="sync-follow", daemon=True)
        follower.start()
        delay = 0.5
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    push_all(self._database, self._client)
                    self._verify()
                except (grpc.RpcError, RuntimeError) as exc:
                    error = _describe(exc)
                    wait = min(delay, self._interval_s) * random.uniform(0.8, 1.2)
                    delay = min(delay * 2, self._interval_s)
                else:
                    error, wait, delay = "", self._interval_s, 0.5
                with self._state_lock:
                    self._push_error = error
                self._report()
                if self._caught_up is not None:  # a newer position waits to be checked
                    wait = min(wait, max(self._check_at - time.monotonic(), 0.05))
                self._wake.wait(wait)
        finally:
            follower.join()

    def _follow(self) -> None:
        delay = 0.5
        while not self._stop.is_set():
            try:
                self._follow_stream()
            except (grpc.RpcError, RuntimeError) as exc:
                if self._stop.is_set():
                    return
                with self._state_lock:
                    if self._following:
                        delay = 0.5
                    self._following, self._follow_error = False, _describe(exc)
                log.info("follow stream ended: %s", self._follow_error)
            self._report()
            self._retry.wait(delay * random.uniform(0.8, 1.2))
            self._retry.clear()
            delay = min(delay * 2, RECONNECT_MAX_S)

    def _follow_stream(self) -> None:
        """Apply the follow stream until it fails; a resync bootstraps and reopens it."""
        while not self._stop.is_set():
            if changes.bootstrap_state(self._database) is not None:
                with self._apply_lock:
                    self._caught_up = None
                    bootstrap(self._database, self._client, None)
            oldest = outbox.oldest_pending(self._database)
            age_ms = 0 if oldest is None else int(
                (datetime.now(UTC) - oldest).total_seconds() * 1000)
            stream = self._client.follow(
                changes.cursor(self._database), batch_size=FEED_BATCH,
                pending=outbox.pending_count(self._database), oldest_pending_ms=max(age_ms, 0),
            )
            with self._state_lock:
                self._stream = stream
                if self._stop.is_set():
                    stream.cancel()
            try:
                for batch in stream:
                    if batch.resync_required:
                        log.warning("central cannot serve cursor %d: bootstrapping",
                                    changes.cursor(self._database))
                        changes.start_bootstrap(self._database)
                        break
                    self._apply(batch)
                else:
                    raise RuntimeError("central ended the follow stream")
            finally:
                with self._state_lock:
                    self._stream = None
                stream.cancel()

    def _apply(self, batch: sync_pb2.ChangeBatch) -> None:
        with self._apply_lock:
            changes.apply_batch(self._database, batch)
            if batch.caught_up:
                c = batch.checksum
                self._caught_up = (batch.cursor, LedgerSum(c.entries, c.points, c.digest_sum))
        if batch.caught_up:
            if not self._following:
                with self._state_lock:
                    self._following, self._follow_error = True, ""
            self._wake.set()  # the push thread checks the checksum

    def _verify(self) -> None:
        """Check the newest caught-up checksum (on the push thread: no push in flight)."""
        if self._caught_up is None or time.monotonic() < self._check_at:
            return
        if not self._apply_lock.acquire(blocking=False):
            return  # a bootstrap or a batch is being applied: next time
        self._check_at = time.monotonic() + CHECK_EVERY_S
        try:
            if self._caught_up is None:
                return
            position, expected = self._caught_up
            if changes.cursor(self._database) != position:
                self._caught_up = None
                return  # later changes are applied: their caught-up marker will follow
            if changes.ledger_checksum(self._database) == expected:
                changes.mark_synced(self._database, datetime.now(UTC))
            else:
                push_all(self._database, self._client)
                expected = follow_feed(self._database, self._client)
                self._caught_up = (changes.cursor(self._database), expected)
                check_ledger(self._database, expected)  # checked again next round if it raises
            self._caught_up = None
        finally:
            self._apply_lock.release()
        with self._state_lock:
            self._last_success = datetime.now(UTC)

    def _report(self) -> None:
        """Tell ``on_status`` when what it shows has changed."""
        pending = outbox.pending_count(self._database)
        with self._state_lock:
            error = self._push_error or self._follow_error
            status = SyncStatus(
                online=self._following and not error, pending=pending,
                last_success=self._last_success, error=error,
            )
            if status != self._reported:
                self._reported = status
                self._on_status(status)


def _describe(exc: Exception) -> str:
    if isinstance(exc, grpc.RpcError):
        code = exc.code() if hasattr(exc, "code") else None
        details = exc.details() if hasattr(exc, "details") else ""
        return f"{code.name if code else 'error'}: {details}"
    return str(exc)
