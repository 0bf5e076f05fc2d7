"""The till's gRPC client for central: (mutual) TLS, deadlines, keepalive, quick reconnects."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import grpc

from edge.storage.changes import FEED_FORMAT
from kassa.replication.wire import field_tag, length_delimited
from kassa.sync.v1 import sync_pb2, sync_pb2_grpc

if TYPE_CHECKING:  # a sync process need not load the printing and i18n modules
    from edge.config import TillConfig

# Unary calls are retried by gRPC itself on UNAVAILABLE, a bounded number of times, with
# exponential backoff and jitter. Subscribe is not: the runner resumes it from the cursor
# the till stored (and under the fault suite a retried stream could outlive its deadline).
_SERVICE_CONFIG = json.dumps(
    {
        "methodConfig": [
            {
                "name": [
                    {"service": "kassa.sync.v1.SyncService", "method": "Push"},
                    {"service": "kassa.sync.v1.SyncService", "method": "Snapshot"},
                    {"service": "kassa.sync.v1.SyncService", "method": "FindReceipt"},
                ],
                "retryPolicy": {
                    "maxAttempts": 3,
                    "initialBackoff": "0.2s",
                    "maxBackoff": "1s",
                    "backoffMultiplier": 2,
                    "retryableStatusCodes": ["UNAVAILABLE"],
                },
            }
        ]
    }
)

# Keepalive agreed with central: central/server.py permits pings every 20 s; the till
# pings every 30 s while it has calls open (a following till always has one), so a dead
# connection under a quiet follow stream is found within 40 s. Pings are not limited to
# two per data frame, or keepalive would stop on a stream that carries no data.
CHANNEL_OPTIONS: list[tuple[str, object]] = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    # grpcio 1.85 ends a connection whose ping goes unanswered after this, not after the
    # keepalive timeout (measured: a dead link under a follow stream was found only after
    # this option's default of 60 s). tests/sync/test_follow.py checks it.
    ("grpc.http2.ping_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.initial_reconnect_backoff_ms", 300),
    ("grpc.min_reconnect_backoff_ms", 300),
    ("grpc.max_reconnect_backoff_ms", 3_000),
    ("grpc.service_config", _SERVICE_CONFIG),
    ("grpc.enable_retries", 1),
    ("grpc.max_receive_message_length", 16 * 1024 * 1024),
]


class CentralError(Exception):
    """Central could not answer (unreachable, too slow, or refused the credential)."""


class ReceiptRefused(Exception):
    """Central holds the receipt but this till may not take goods back against it."""


@dataclass(frozen=True)
class ClientTls:
    """Trust central's certificate through this CA; ``server_name`` if the address differs.

    ``cert_file`` and ``key_file`` (PEM) are the till's own certificate for a central
    that requires one (mutual TLS); it must name the till id as CN or SAN.
    """

    ca_file: Path
    server_name: str = ""
    cert_file: Path | None = None
    key_file: Path | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        if self.cert_file is None or self.key_file is None:
            return grpc.ssl_channel_credentials(root_certificates=self.ca_file.read_bytes())
        return grpc.ssl_channel_credentials(
            root_certificates=self.ca_file.read_bytes(),
            private_key=self.key_file.read_bytes(),
            certificate_chain=self.cert_file.read_bytes(),
        )


class FollowStream:
    """An open follow stream: iterate its batches; ``cancel()`` ends it from any thread."""

    def __init__(self, call: grpc.CallIterator[sync_pb2.ChangeBatch]) -> None:
        self._call = call

    def __iter__(self) -> Iterator[sync_pb2.ChangeBatch]:
        return iter(self._call)

    def cancel(self) -> None:
        self._call.cancel()


PUSH_METHOD = f"/{sync_pb2.DESCRIPTOR.services_by_name['SyncService'].full_name}/Push"
_EVENTS_TAG = field_tag(sync_pb2.PushRequest.DESCRIPTOR.fields_by_name["events"].number)


def push_request(store_id: str, till_id: str, payloads: list[bytes]) -> bytes:
    """A serialized PushRequest of serialized events and the pushing till's claim, framed
    around the events' bytes (parsing and serializing 500 events again cost a till
    about 3 ms a push, a seventh of a push's round trip)."""
    claim = sync_pb2.PushRequest(store_id=store_id, till_id=till_id).SerializeToString()
    return b"".join([claim, *[length_delimited(_EVENTS_TAG, p) for p in payloads]])


class SyncClient:
    """Push, Subscribe, Snapshot and FindReceipt calls to central with this till's credential.

    ``till_id`` and ``store_id`` are the claim a push carries for the events that leave
    theirs empty; central refuses a claim that differs from the credential.
    """

    def __init__(
        self,
        address: str,
        token: str,
        *,
        till_id: str = "",
        store_id: str = "",
        timeout_s: float = 10.0,
        stream_timeout_s: float = 120.0,
        tls: ClientTls | None = None,
        keepalive_s: tuple[float, float] | None = None,
    ) -> None:
        options = list(CHANNEL_OPTIONS)
        if keepalive_s is not None:  # (ping after, dead after) instead of the agreed 30 s, 10 s
            given = {"grpc.keepalive_time_ms": round(keepalive_s[0] * 1000),
                     "grpc.keepalive_timeout_ms": round(keepalive_s[1] * 1000),
                     "grpc.http2.ping_timeout_ms": round(keepalive_s[1] * 1000)}
            options = [(k, given.get(k, v)) for k, v in options]
        if tls is None:
            self._channel = grpc.insecure_channel(address, options=options)
        else:
            if tls.server_name:
                options.append(("grpc.ssl_target_name_override", tls.server_name))
            self._channel = grpc.secure_channel(address, tls.credentials(), options=options)
        self._stub = sync_pb2_grpc.SyncServiceStub(self._channel)
        # Push with a request already serialized (push_request): no serializer.
        self._push = self._channel.unary_unary(
            PUSH_METHOD, response_deserializer=sync_pb2.PushReply.FromString)
        self._metadata = (("authorization", f"Bearer {token}"),)
        self._till_id, self._store_id = till_id, store_id
        self._timeout_s = timeout_s
        self._stream_timeout_s = stream_timeout_s

    @property
    def claim(self) -> tuple[str, str]:
        """(store, till) this client pushes as."""
        return self._store_id, self._till_id

    def push(self, payloads: list[bytes]) -> sync_pb2.PushReply:
        """Send serialized events, sealed as they were queued (outbox.add_in), as one
        batch with this till's claim; the events go as they are, never parsed here."""
        reply: sync_pb2.PushReply = self._push(
            push_request(self._store_id, self._till_id, payloads), timeout=self._timeout_s,
            metadata=self._metadata,
        )
        return reply

    def subscribe(
        self, cursor: int, *, batch_size: int = 500, pending: int = 0, oldest_pending_ms: int = 0
    ) -> Iterator[sync_pb2.ChangeBatch]:
        """The feed after ``cursor`` until caught up (or one message saying resync).

        A watchdog cancels the stream shortly after its deadline, should the deadline
        itself not end a stream whose connection was cut at an unlucky moment.
        """
        request = sync_pb2.SubscribeRequest(
            cursor=cursor, batch_size=batch_size, pending_events=pending,
            oldest_pending_age_ms=oldest_pending_ms, feed_format=FEED_FORMAT,
        )
        call = self._stub.Subscribe(
            request, timeout=self._stream_timeout_s, metadata=self._metadata
        )
        watchdog = threading.Timer(self._stream_timeout_s + 1.0, call.cancel)
        watchdog.daemon = True
        watchdog.start()
        try:
            yield from call
        finally:
            watchdog.cancel()
            call.cancel()

    def follow(
        self, cursor: int, *, batch_size: int = 500, pending: int = 0, oldest_pending_ms: int = 0
    ) -> FollowStream:
        """The feed after ``cursor``, then each change as central commits it, until
        cancelled or the connection fails (no deadline: keepalive finds a dead peer)."""
        request = sync_pb2.SubscribeRequest(
            cursor=cursor, batch_size=batch_size, pending_events=pending,
            oldest_pending_age_ms=oldest_pending_ms, follow=True, feed_format=FEED_FORMAT,
        )
        return FollowStream(self._stub.Subscribe(request, metadata=self._metadata))

    def snapshot(self, after: str, limit: int) -> sync_pb2.SnapshotPage:
        """One page of central's current state after the page key ``after``."""
        page: sync_pb2.SnapshotPage = self._stub.Snapshot(
            sync_pb2.SnapshotRequest(after=after, limit=limit), timeout=self._timeout_s,
            metadata=self._metadata,
        )
        return page

    def find_receipt(self, number: str, timeout_s: float = 3.0) -> sync_pb2.FoundReceipt | None:
        """A receipt of any till of the chain by its printed number, with the returns
        central holds against it; None if central holds none. Raises ReceiptRefused
        (another currency) or CentralError (no answer within ``timeout_s``)."""
        try:
            found: sync_pb2.FoundReceipt = self._stub.FindReceipt(
                sync_pb2.FindReceiptRequest(number=number), timeout=timeout_s,
                metadata=self._metadata,
            )
        except grpc.RpcError as exc:
            code, details = exc.code(), exc.details()
            if code == grpc.StatusCode.NOT_FOUND:
                return None
            if code == grpc.StatusCode.FAILED_PRECONDITION:
                raise ReceiptRefused(details) from exc
            raise CentralError(f"{code.name}: {details}") from exc
        return found

    def close(self) -> None:
        self._channel.close()


def client_for(config: TillConfig) -> SyncClient:
    """The client a till's configuration describes: its token, and TLS (mutual with a
    client certificate) when ``ca_file`` is set."""
    tls = None if config.central_ca_file is None else ClientTls(
        config.central_ca_file, config.central_server_name,
        config.central_client_cert, config.central_client_key,
    )
    return SyncClient(
        config.central_address, config.central_token,
        till_id=config.till_id, store_id=config.store_id, tls=tls,
    )
