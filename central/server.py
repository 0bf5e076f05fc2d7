"""Building and running central's gRPC server (grpc.aio) with the standard health service."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from central.service import SyncServicer, lenient
from central.storage.base import CentralStorage
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 8 * 1024 * 1024

# Keepalive agreed with the tills (edge/sync/client.py pings every 30 s while calls are
# open): central permits pings down to every 20 s, so a till is never dropped for "too
# many pings", and pings idle connections itself every 60 s to find dead peers.
SERVER_OPTIONS: list[tuple[str, object]] = [
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 20_000),
    ("grpc.http2.max_ping_strikes", 2),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]


@dataclass(frozen=True)
class ServerTls:
    """Central's certificate chain and key (PEM); tills trust it through their CA file."""

    cert_file: Path
    key_file: Path


def _handlers(servicer: SyncServicer) -> grpc.GenericRpcHandler:
    """The SyncService methods, decoding requests leniently so that a malformed payload
    gets INVALID_ARGUMENT and a log line rather than an opaque UNKNOWN."""
    return grpc.method_handlers_generic_handler(
        "kassa.sync.v1.SyncService",
        {
            "Push": grpc.unary_unary_rpc_method_handler(
                servicer.Push, request_deserializer=lenient(sync_pb2.PushRequest),
                response_serializer=sync_pb2.PushReply.SerializeToString,
            ),
            "Subscribe": grpc.unary_stream_rpc_method_handler(
                servicer.Subscribe, request_deserializer=lenient(sync_pb2.SubscribeRequest),
                response_serializer=sync_pb2.ChangeBatch.SerializeToString,
            ),
            "Snapshot": grpc.unary_unary_rpc_method_handler(
                servicer.Snapshot, request_deserializer=lenient(sync_pb2.SnapshotRequest),
                response_serializer=sync_pb2.SnapshotPage.SerializeToString,
            ),
        },
    )


async def serve(
    storage_factory: Callable[[], CentralStorage],
    listen: str,
    on_ready: Callable[[int], None] | None = None,
    tls: ServerTls | None = None,
) -> None:
    """Serve until SIGTERM or SIGINT; ``on_ready`` gets the bound port (listen may say :0)."""
    server = grpc.aio.server(options=SERVER_OPTIONS)
    servicer = SyncServicer(storage_factory)
    server.add_generic_rpc_handlers((_handlers(servicer),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if tls is None:
        port = server.add_insecure_port(listen)
    else:
        credentials = grpc.ssl_server_credentials(
            [(tls.key_file.read_bytes(), tls.cert_file.read_bytes())]
        )
        port = server.add_secure_port(listen, credentials)
    if port == 0:
        raise OSError(f"cannot listen on {listen}")
    await server.start()
    await health_servicer.set("kassa.sync.v1.SyncService", health_pb2.HealthCheckResponse.SERVING)
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    log.info("central listening on %s (port %d, %s)", listen, port,
             "TLS" if tls else "plaintext: demo and tests only")
    if on_ready is not None:
        on_ready(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await health_servicer.enter_graceful_shutdown()
    await server.stop(grace=5)
    servicer.close()
