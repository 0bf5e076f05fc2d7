"""The SyncService servicer: authenticates the till, then runs storage on one DB thread."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import grpc

from central.storage.base import CentralStorage, TillIdentity
from kassa.sync.v1 import sync_pb2, sync_pb2_grpc

log = logging.getLogger(__name__)

MAX_PUSH_EVENTS = 1000
MAX_PULL_LIMIT = 2000

T = TypeVar("T")


def token_hash(token: str) -> str:
    """What central stores of a till's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


class SyncServicer(sync_pb2_grpc.SyncServiceServicer):
    """Push and Pull for tills; every storage call runs on a single database thread."""

    def __init__(self, storage_factory: Callable[[], CentralStorage]) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="central-db")
        self._storage: CentralStorage = self._executor.submit(storage_factory).result()

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def _authenticate(self, context: grpc.aio.ServicerContext) -> TillIdentity:
        metadata = dict(context.invocation_metadata() or ())
        header = str(metadata.get("authorization", ""))
        if not header.startswith("Bearer "):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing till credential")
        digest = token_hash(header.removeprefix("Bearer "))
        till = await self._run(lambda: self._storage.till_by_token_hash(digest))
        if till is None:
            log.warning("refused a call with an unknown or revoked credential from %s",
                        context.peer())
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown or revoked till")
        assert till is not None
        return till

    async def Push(
        self, request: sync_pb2.PushRequest, context: grpc.aio.ServicerContext
    ) -> sync_pb2.PushReply:
        till = await self._authenticate(context)
        if len(request.events) > MAX_PUSH_EVENTS:
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"{len(request.events)} events in one push; at most {MAX_PUSH_EVENTS}",
            )
        events = list(request.events)
        outcome = await self._run(lambda: self._storage.apply_events(till, events))
        for event_id, reason in outcome.rejected:
            log.error("till %s: rejected event %s: %s", till.till_id, event_id, reason)
        return sync_pb2.PushReply(
            acknowledged_ids=outcome.acknowledged,
            rejected=[sync_pb2.Rejection(event_id=i, reason=r) for i, r in outcome.rejected],
        )

    async def Pull(
        self, request: sync_pb2.PullRequest, context: grpc.aio.ServicerContext
    ) -> sync_pb2.PullReply:
        await self._authenticate(context)
        if request.cursor < 0:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "cursor must not be negative")
        limit = min(request.limit or MAX_PULL_LIMIT, MAX_PULL_LIMIT)
        changes, caught_up = await self._run(
            lambda: self._storage.changes_after(request.cursor, limit)
        )
        return sync_pb2.PullReply(changes=changes, caught_up=caught_up)

    def close(self) -> None:
        self._executor.submit(self._storage.close).result()
        self._executor.shutdown()
