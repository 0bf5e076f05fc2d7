"""The SyncService servicer: authenticates the till, then runs storage on one DB thread."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import grpc
from google.protobuf.message import DecodeError, Message

from central.storage.base import CentralStorage, PushOutcome, TillIdentity, TillReport
from central.storage.feed import FEED_FORMAT, FeedPosition
from central.storage.receipts import ReceiptRefused
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)

MAX_PUSH_EVENTS = 1000
MAX_BATCH = 10_000
DEFAULT_BATCH = 500
MAX_SNAPSHOT_PAGE = 5000
# Pushes waiting while the database thread applies others commit together, up to this
# many events in one transaction.
MAX_GROUP_EVENTS = 5000
# How often the feed head is re-read while tills follow, for changes committed by other
# processes (central's CLI on the same database); pushes central applies wake at once.
FOLLOW_POLL_S = 0.5
# How often a following till's cursor and last contact are recorded for `central stores`.
FOLLOW_REPORT_S = 30.0

T = TypeVar("T")
M = TypeVar("M", bound=Message)
Push = tuple[TillIdentity, list[sync_pb2.Event]]


@dataclass(frozen=True)
class Malformed:
    """A request whose bytes do not parse as the message the method takes."""

    message_type: str
    error: str


def lenient(message_type: type[M]) -> Callable[[bytes], M | Malformed]:
    """A request deserializer that returns Malformed instead of raising."""

    def decode(data: bytes) -> M | Malformed:
        try:
            return message_type.FromString(data)
        except DecodeError as exc:
            return Malformed(message_type.__name__, str(exc))

    return decode


def serialize_batch(batch: sync_pb2.ChangeBatch | bytes) -> bytes:
    """Subscribe's response serializer: feed batches are built as bytes already."""
    return batch if isinstance(batch, bytes) else batch.SerializeToString()


def token_hash(token: str) -> str:
    """What central stores of a till's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def _hybrid_time(stamp: Stamp) -> sync_pb2.HybridTime:
    return sync_pb2.HybridTime(wall_ms=stamp.wall_ms, logical=stamp.logical)


def certificate_names(context: grpc.aio.ServicerContext) -> set[str]:
    """The common name and subject alternative names of the peer's client certificate."""
    auth = context.auth_context()
    values = [*auth.get("x509_common_name", ()), *auth.get("x509_subject_alternative_name", ())]
    return {v.decode() if isinstance(v, bytes) else str(v) for v in values}


class FeedWatch:
    """The feed position for following streams, re-read after every push central applies
    (``poke``) and every ``poll_s`` while anyone follows; one read serves every stream."""

    def __init__(self, read: Callable[[], Awaitable[FeedPosition]], poll_s: float) -> None:
        self._read = read
        self._poll_s = poll_s
        self._poked = asyncio.Event()
        self._moved = asyncio.Event()
        self._position: FeedPosition | None = None
        self._followers = 0
        self._stopped = False
        self._task: asyncio.Task[None] | None = None

    def poke(self) -> None:
        """The feed may have moved: re-read it now."""
        self._poked.set()

    def stop(self) -> None:
        """Central is shutting down: every waiting stream ends."""
        self._stopped = True
        self._publish(self._position)

    async def beyond(self, cursor: int) -> FeedPosition | None:
        """The position once the head (or the horizon) passes ``cursor``; None on shutdown."""
        self._followers += 1
        try:
            if self._task is None or self._task.done():
                self._task = asyncio.create_task(self._watch())
            while not self._stopped and (
                self._position is None
                or max(self._position.head, self._position.horizon) <= cursor
            ):
                await self._moved.wait()
            return None if self._stopped else self._position
        finally:
            self._followers -= 1

    def _publish(self, position: FeedPosition | None) -> None:
        self._position = position
        moved, self._moved = self._moved, asyncio.Event()
        moved.set()

    async def _watch(self) -> None:
        while self._followers and not self._stopped:
            self._poked.clear()
            try:
                position = await self._read()
            except Exception:
                log.exception("reading the feed position for following tills failed")
            else:
                if self._position is None or (position.head, position.horizon) != (
                    self._position.head, self._position.horizon
                ):
                    self._publish(position)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poked.wait(), self._poll_s)


def _settle(future: asyncio.Future[T], result: T | Exception) -> None:
    """Give a waiting push its outcome (or error), unless its caller has gone."""
    if future.done():
        return
    if isinstance(result, Exception):
        future.set_exception(result)
    else:
        future.set_result(result)


class SyncServicer:
    """Push, Subscribe, Snapshot and FindReceipt for tills; every storage call runs on one
    DB thread, except reading feed slices, which has a storage and a thread of its own.

    With ``client_certificates`` (mutual TLS) the till's certificate must name the till
    its token belongs to, as common name or subject alternative name.
    """

    def __init__(
        self, storage_factory: Callable[[], CentralStorage], *, client_certificates: bool = False
    ) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="central-db")
        self._storage: CentralStorage = self._executor.submit(storage_factory).result()
        # Feed slices are read on their own connection and thread: a catch-up of thousands
        # of changes does not queue behind pushes on the database thread, nor they behind it.
        self._feed_reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="central-feed")
        self._feed_storage: CentralStorage = self._feed_reader.submit(storage_factory).result()
        self._client_certificates = client_certificates
        self._feed = FeedWatch(lambda: self._run(self._storage.feed_position), FOLLOW_POLL_S)
        self._pushes: deque[tuple[Push, asyncio.Future[PushOutcome]]] = deque()
        self._committer: asyncio.Task[None] | None = None

    async def _run(self, fn: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn)

    async def _apply(self, push: Push) -> PushOutcome:
        """The push's outcome once the transaction holding it has committed. Pushes that
        arrive while the database thread is busy wait and then commit together (group
        commit), each still in one transaction."""
        future: asyncio.Future[PushOutcome] = asyncio.get_running_loop().create_future()
        self._pushes.append((push, future))
        if self._committer is None or self._committer.done():
            self._committer = asyncio.create_task(self._commit_waiting())
        return await future

    async def _commit_waiting(self) -> None:
        while self._pushes:
            group = [self._pushes.popleft()]
            size = len(group[0][0][1])
            while self._pushes and size + len(self._pushes[0][0][1]) <= MAX_GROUP_EVENTS:
                group.append(self._pushes.popleft())
                size += len(group[-1][0][1])
            await self._commit_group(group)

    async def _commit_group(self, group: list[tuple[Push, asyncio.Future[PushOutcome]]]) -> None:
        """Apply a group in one transaction; if that fails, each push alone, so that a push
        that fails fails by itself."""
        pushes = [push for push, _ in group]
        try:
            outcomes = await self._run(lambda: self._storage.apply_pushes(pushes))
        except Exception as exc:
            if len(group) == 1:
                _settle(group[0][1], exc)
                return
            for item in group:
                await self._commit_group([item])
            return
        for (_, future), outcome in zip(group, outcomes, strict=True):
            _settle(future, outcome)

    async def _authenticate(self, context: grpc.aio.ServicerContext) -> TillIdentity:
        metadata = dict(context.invocation_metadata() or ())
        header = str(metadata.get("authorization", ""))
        if not header.startswith("Bearer "):
            log.warning("refused a call without a till credential from %s", context.peer())
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing till credential")
        digest = token_hash(header.removeprefix("Bearer "))
        till = await self._run(lambda: self._storage.till_by_token_hash(digest))
        if till is None:
            log.warning("refused a call with an unknown or revoked credential from %s",
                        context.peer())
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown or revoked till")
        assert till is not None
        if self._client_certificates and till.till_id not in (names := certificate_names(context)):
            log.warning("till %s: refused a client certificate for %s from %s", till.till_id,
                        ", ".join(sorted(names)) or "nobody", context.peer())
            await context.abort(
                grpc.StatusCode.PERMISSION_DENIED,
                f"the client certificate is not till {till.till_id!r}'s",
            )
        return till

    async def _refuse_malformed(
        self, request: Malformed, till: TillIdentity, context: grpc.aio.ServicerContext
    ) -> None:
        log.warning("till %s: refused a malformed %s from %s: %s", till.till_id,
                    request.message_type, context.peer(), request.error)
        await context.abort(
            grpc.StatusCode.INVALID_ARGUMENT,
            f"malformed {request.message_type}: {request.error}",
        )

    async def Push(
        self, request: sync_pb2.PushRequest | Malformed, context: grpc.aio.ServicerContext
    ) -> sync_pb2.PushReply:
        till = await self._authenticate(context)
        if isinstance(request, Malformed):
            await self._refuse_malformed(request, till, context)
        assert not isinstance(request, Malformed)
        if len(request.events) > MAX_PUSH_EVENTS:
            log.warning("till %s: refused a push of %d events", till.till_id, len(request.events))
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"{len(request.events)} events in one push; at most {MAX_PUSH_EVENTS}",
            )
        pushed_as = (request.store_id or till.store_id, request.till_id or till.till_id)
        for event in request.events:
            claimed = (event.store_id or pushed_as[0], event.till_id or pushed_as[1])
            if claimed != (till.store_id, till.till_id):
                log.error("till %s of store %s: refused a push claiming store %r till %r "
                          "(event %s)", till.till_id, till.store_id, *claimed, event.id)
                await context.abort(
                    grpc.StatusCode.PERMISSION_DENIED,
                    f"event {event.id} claims store {claimed[0]!r} till {claimed[1]!r}; "
                    f"this credential is till {till.till_id!r} of store {till.store_id!r}",
                )
        events = list(request.events)
        outcome = await self._apply((till, events))
        self._feed.poke()
        for event_id, reason in outcome.rejected:
            log.error("till %s: rejected event %s: %s", till.till_id, event_id, reason)
        return sync_pb2.PushReply(
            acknowledged_ids=outcome.acknowledged,
            rejected=[sync_pb2.Rejection(event_id=i, reason=r) for i, r in outcome.rejected],
            forget_through=events[-1].id if events else "",
            central_time=_hybrid_time(outcome.clock),
        )

    async def Subscribe(
        self, request: sync_pb2.SubscribeRequest | Malformed, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[sync_pb2.ChangeBatch | bytes]:
        """The feed after the till's cursor; batches go out already serialized (see
        ``serialize_batch``)."""
        till = await self._authenticate(context)
        if isinstance(request, Malformed):
            await self._refuse_malformed(request, till, context)
        assert not isinstance(request, Malformed)
        if request.feed_format < FEED_FORMAT:
            log.error("till %s: feed format %d refused: this central writes format %d",
                      till.till_id, request.feed_format, FEED_FORMAT)
            await context.abort(
                grpc.StatusCode.FAILED_PRECONDITION,
                f"the till applies feed format {request.feed_format}, central writes format "
                f"{FEED_FORMAT}: update the till's software",
            )
        report = TillReport(request.cursor, request.pending_events, request.oldest_pending_age_ms)
        await self._run(lambda: self._storage.record_contact(till, report))
        reported = asyncio.get_running_loop().time()
        position: FeedPosition | None = await self._run(self._storage.feed_position)
        cursor = request.cursor
        size = min(request.batch_size or DEFAULT_BATCH, MAX_BATCH)
        while position is not None:
            if not position.horizon <= cursor <= position.head:
                log.info("till %s: cursor %d outside [%d, %d]: resync required", till.till_id,
                         cursor, position.horizon, position.head)
                yield sync_pb2.ChangeBatch(
                    resync_required=True, central_time=_hybrid_time(position.clock)
                )
                return
            async for batch in self._changes(cursor, position, size):
                yield batch
            cursor = position.head
            if not request.follow:
                return
            if asyncio.get_running_loop().time() - reported >= FOLLOW_REPORT_S:
                report = TillReport(cursor, request.pending_events, request.oldest_pending_age_ms)
                await self._run(functools.partial(self._storage.record_contact, till, report))
                reported = asyncio.get_running_loop().time()
            position = await self._feed.beyond(cursor)

    async def _changes(
        self, cursor: int, position: FeedPosition, size: int
    ) -> AsyncIterator[bytes]:
        """The changes in ``(cursor, position.head]`` in batches of ``size``, as serialized
        ChangeBatch messages; the last is marked caught_up and carries the ledger
        checksum at the head."""
        clock = _hybrid_time(position.clock)
        while True:
            found = await asyncio.get_running_loop().run_in_executor(
                self._feed_reader,
                functools.partial(self._feed_storage.feed_slice, cursor, position.head, size),
            )
            if found.last in (0, position.head):
                break
            cursor = found.last
            tail = sync_pb2.ChangeBatch(cursor=cursor, central_time=clock)
            yield found.wire + tail.SerializeToString()
        checksum = position.checksum
        tail = sync_pb2.ChangeBatch(
            cursor=position.head, caught_up=True, central_time=clock,
            checksum=sync_pb2.LedgerChecksum(
                entries=checksum.entries, points=checksum.points, digest_sum=checksum.digest_sum
            ),
        )
        yield found.wire + tail.SerializeToString()

    async def Snapshot(
        self, request: sync_pb2.SnapshotRequest | Malformed, context: grpc.aio.ServicerContext
    ) -> sync_pb2.SnapshotPage:
        till = await self._authenticate(context)
        if isinstance(request, Malformed):
            await self._refuse_malformed(request, till, context)
        assert not isinstance(request, Malformed)
        if request.after and not request.after.partition(":")[0].isdigit():
            log.warning("till %s: malformed snapshot key %r", till.till_id, request.after)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "malformed snapshot page key")
        limit = min(request.limit or MAX_SNAPSHOT_PAGE, MAX_SNAPSHOT_PAGE)
        found = await self._run(lambda: self._storage.snapshot_page(request.after, limit))
        if not request.after:
            await self._run(lambda: self._storage.record_contact(till, None))
        page = found.page
        page.cursor, page.total = found.cursor, found.total
        return page

    async def FindReceipt(
        self, request: sync_pb2.FindReceiptRequest | Malformed, context: grpc.aio.ServicerContext
    ) -> sync_pb2.FoundReceipt:
        till = await self._authenticate(context)
        if isinstance(request, Malformed):
            await self._refuse_malformed(request, till, context)
        assert not isinstance(request, Malformed)
        number = request.number.strip()
        if not number:
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, "no receipt number given")
        try:
            found = await self._run(lambda: self._storage.find_receipt(number, till))
        except ReceiptRefused as exc:
            log.info("till %s: refused receipt %s for a return: %s", till.till_id, number, exc)
            await context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(exc))
        if found is None:
            await context.abort(grpc.StatusCode.NOT_FOUND, f"central holds no receipt {number}")
        assert found is not None
        return found

    def end_follows(self) -> None:
        """End every following stream (central is stopping); tills resume elsewhere or later."""
        self._feed.stop()

    def close(self) -> None:
        self._feed_reader.submit(self._feed_storage.close).result()
        self._feed_reader.shutdown()
        self._executor.submit(self._storage.close).result()
        self._executor.shutdown()
