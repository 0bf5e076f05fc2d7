"""One sync round and the loop that repeats it in the background, offline or not.

A round pushes the outbox, then follows central's feed until caught up and checks
the ledger checksum. A cursor central no longer serves starts a paged bootstrap,
which resumes after a restart and never touches the outbox.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc

from edge.storage import changes, outbox
from edge.storage.database import Database
from edge.sync.client import SyncClient
from kassa.replication.checksum import LedgerSum

log = logging.getLogger(__name__)

PUSH_BATCH = 200
FEED_BATCH = 500
SNAPSHOT_PAGE = 2000

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
    while batch := outbox.pending(database, PUSH_BATCH):
        reply = client.push([payload for _, payload in batch])
        for rejection in reply.rejected:
            log.error("central rejected event %s: %s", rejection.event_id, rejection.reason)
        answered = set(reply.acknowledged_ids) | {r.event_id for r in reply.rejected}
        if not answered.intersection(event_id for event_id, _ in batch):
            raise RuntimeError("central answered none of the pushed events")
        outbox.settle(database, reply)


def bootstrap(database: Database, client: SyncClient, on_progress: Progress | None) -> None:
    """Load central's state page by page (resuming an interrupted bootstrap)."""
    state = changes.bootstrap_state(database)
    if state is None:
        changes.start_bootstrap(database)
        state = changes.Bootstrap("", 0, 0)
    while state is not None:
        page = client.snapshot(state.next_key, SNAPSHOT_PAGE)
        state = changes.apply_snapshot_page(database, page)
        if on_progress is not None and state is not None:
            on_progress(state.done, state.total)
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


def sync_once(
    database: Database, client: SyncClient, on_progress: Progress | None = None
) -> None:
    """Push every waiting event, follow the feed until caught up, verify the ledger.

    Raises grpc.RpcError when offline, ChecksumMismatch when the ledgers differ.
    """
    push_all(database, client)
    expected = follow_feed(database, client, on_progress)
    held = changes.ledger_checksum(database)
    if held != expected:
        log.error("ledger checksum differs at cursor %d: till %s, central %s",
                  changes.cursor(database), held, expected)
        raise ChecksumMismatch(f"ledger checksum differs from central's: {held} != {expected}")
    changes.mark_synced(database, datetime.now(UTC))


class SyncLoop:
    """Runs ``sync_once`` every ``interval_s`` and whenever woken, reporting each outcome.

    Offline, it retries with exponential backoff and jitter, capped at ``interval_s``.
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
        self._stop = threading.Event()
        self._last_success: datetime | None = None

    def wake(self) -> None:
        """Sync now (after a sale closes) instead of waiting for the next round."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        """Loop until ``stop()``; meant for a background thread."""
        delay = 0.5
        while not self._stop.is_set():
            self._wake.clear()
            try:
                sync_once(self._database, self._client)
            except (grpc.RpcError, RuntimeError) as exc:
                status = SyncStatus(
                    online=False,
                    pending=outbox.pending_count(self._database),
                    last_success=self._last_success,
                    error=_describe(exc),
                )
                wait = min(delay, self._interval_s) * random.uniform(0.8, 1.2)
                delay = min(delay * 2, self._interval_s)
            else:
                self._last_success = datetime.now(UTC)
                status = SyncStatus(
                    online=True,
                    pending=outbox.pending_count(self._database),
                    last_success=self._last_success,
                )
                wait = self._interval_s
                delay = 0.5
            self._on_status(status)
            self._wake.wait(wait)


def _describe(exc: Exception) -> str:
    if isinstance(exc, grpc.RpcError):
        code = exc.code() if hasattr(exc, "code") else None
        details = exc.details() if hasattr(exc, "details") else ""
        return f"{code.name if code else 'error'}: {details}"
    return str(exc)
