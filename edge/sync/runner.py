"""One sync round and the loop that repeats it in the background, offline or not."""

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

log = logging.getLogger(__name__)

PUSH_BATCH = 200
PULL_PAGE = 500


@dataclass(frozen=True)
class SyncStatus:
    """What the status line shows: online or not, what waits, when it last synced."""

    online: bool
    pending: int
    last_success: datetime | None = None
    error: str = ""


def sync_once(database: Database, client: SyncClient) -> None:
    """Push every waiting event, then pull until caught up. Raises grpc.RpcError when offline."""
    while batch := outbox.pending(database, PUSH_BATCH):
        reply = client.push([payload for _, payload in batch])
        outbox.forget(database, reply.acknowledged_ids)
        if reply.rejected:
            for rejection in reply.rejected:
                log.error("central rejected event %s: %s", rejection.event_id, rejection.reason)
            outbox.set_aside(database, [(r.event_id, r.reason) for r in reply.rejected])
        answered = set(reply.acknowledged_ids) | {r.event_id for r in reply.rejected}
        if not answered.intersection(event_id for event_id, _ in batch):
            raise RuntimeError("central answered none of the pushed events")
    while True:
        page = client.pull(changes.cursor(database), PULL_PAGE)
        changes.apply_changes(database, page.changes)
        if page.caught_up or not page.changes:
            return


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
