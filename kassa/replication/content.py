"""The content hash of an event: tells a retry (same hash) from a reused id (another)."""

from __future__ import annotations

import hashlib

from kassa.sync.v1 import sync_pb2


def content_hash(event: sync_pb2.Event) -> str:
    """SHA-256 of the event serialized deterministically with ``content_hash`` empty."""
    unhashed = sync_pb2.Event()
    unhashed.CopyFrom(event)
    unhashed.content_hash = ""
    return hashlib.sha256(unhashed.SerializeToString(deterministic=True)).hexdigest()


def seal(event: sync_pb2.Event) -> None:
    """Set the event's ``content_hash``; call after every other field is final."""
    event.content_hash = content_hash(event)
