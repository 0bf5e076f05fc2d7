"""The till's gRPC client for central: deadlines, keepalive and quick reconnects."""

from __future__ import annotations

import json

import grpc

from kassa.sync.v1 import sync_pb2, sync_pb2_grpc

# Unary calls are retried by gRPC itself on UNAVAILABLE, a bounded number of times.
_SERVICE_CONFIG = json.dumps(
    {
        "methodConfig": [
            {
                "name": [{"service": "kassa.sync.v1.SyncService"}],
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

# Keepalive agreed with central (central/server.py permits pings every 20 s).
CHANNEL_OPTIONS: list[tuple[str, object]] = [
    ("grpc.keepalive_time_ms", 30_000),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.initial_reconnect_backoff_ms", 300),
    ("grpc.min_reconnect_backoff_ms", 300),
    ("grpc.max_reconnect_backoff_ms", 3_000),
    ("grpc.service_config", _SERVICE_CONFIG),
    ("grpc.enable_retries", 1),
]


class SyncClient:
    """Push and pull calls to central with this till's credential."""

    def __init__(self, address: str, token: str, *, timeout_s: float = 10.0) -> None:
        self._channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
        self._stub = sync_pb2_grpc.SyncServiceStub(self._channel)
        self._metadata = (("authorization", f"Bearer {token}"),)
        self._timeout_s = timeout_s

    def push(self, payloads: list[bytes]) -> sync_pb2.PushReply:
        """Send serialized outbox events as one batch."""
        request = sync_pb2.PushRequest(events=[sync_pb2.Event.FromString(p) for p in payloads])
        reply: sync_pb2.PushReply = self._stub.Push(
            request, timeout=self._timeout_s, metadata=self._metadata
        )
        return reply

    def pull(self, cursor: int, limit: int) -> sync_pb2.PullReply:
        """Changes after ``cursor``, at most ``limit`` of them."""
        reply: sync_pb2.PullReply = self._stub.Pull(
            sync_pb2.PullRequest(cursor=cursor, limit=limit),
            timeout=self._timeout_s,
            metadata=self._metadata,
        )
        return reply

    def close(self) -> None:
        self._channel.close()
