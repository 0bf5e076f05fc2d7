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

from central.service import SyncServicer, lenient, serialize_batch
from central.storage.base import CentralStorage
from kassa.sync.v1 import sync_pb2

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 8 * 1024 * 1024

# Keepalive agreed with the tills (edge/sync/client.py pings every 30 s while calls are
# open, which a following till always has): central permits pings down to every 20 s, so
# a till is never dropped for "too many pings", and pings a quiet connection itself every
# 60 s to find dead peers (a following till that vanished). Pings are not limited to two
# per data frame: a follow stream may carry no data for hours.
SERVER_OPTIONS: list[tuple[str, object]] = [
    ("grpc.keepalive_time_ms", 60_000),
    ("grpc.keepalive_timeout_ms", 20_000),
    # the unanswered-ping limit grpcio applies in fact (default 60 s; see the client)
    ("grpc.http2.ping_timeout_ms", 20_000),
    ("grpc.http2.min_ping_interval_without_data_ms", 20_000),
    ("grpc.http2.max_ping_strikes", 2),
    ("grpc.http2.max_pings_without_data", 0),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]


@dataclass(frozen=True)
class ServerTls:
    """Central's certificate chain and key (PEM); tills trust it through their CA file.

    With ``client_ca`` every till must present a certificate issued by that CA (mutual
    TLS) whose common name or subject alternative name is its till id.
    """

    cert_file: Path
    key_file: Path
    client_ca: Path | None = None

    def credentials(self) -> grpc.ServerCredentials:
        pair = [(self.key_file.read_bytes(), self.cert_file.read_bytes())]
        if self.client_ca is None:
            return grpc.ssl_server_credentials(pair)
        return grpc.ssl_server_credentials(
            pair, root_certificates=self.client_ca.read_bytes(), require_client_auth=True
        )


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
                response_serializer=serialize_batch,
            ),
            "Snapshot": grpc.unary_unary_rpc_method_handler(
                servicer.Snapshot, request_deserializer=lenient(sync_pb2.SnapshotRequest),
                response_serializer=sync_pb2.SnapshotPage.SerializeToString,
            ),
            "FindReceipt": grpc.unary_unary_rpc_method_handler(
                servicer.FindReceipt, request_deserializer=lenient(sync_pb2.FindReceiptRequest),
                response_serializer=sync_pb2.FoundReceipt.SerializeToString,
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
    servicer = SyncServicer(
        storage_factory, client_certificates=tls is not None and tls.client_ca is not None
    )
    server.add_generic_rpc_handlers((_handlers(servicer),))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if tls is None:
        port = server.add_insecure_port(listen)
    else:
        port = server.add_secure_port(listen, tls.credentials())
    if port == 0:
        raise OSError(f"cannot listen on {listen}")
    await server.start()
    await health_servicer.set("kassa.sync.v1.SyncService", health_pb2.HealthCheckResponse.SERVING)
    await health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    log.info("central listening on %s (port %d, %s)", listen, port,
             "plaintext: demo and tests only" if tls is None
             else "TLS" if tls.client_ca is None else "mutual TLS")
    if on_ready is not None:
        on_ready(port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await health_servicer.enter_graceful_shutdown()
    servicer.end_follows()
    await server.stop(grace=5)
    servicer.close()
