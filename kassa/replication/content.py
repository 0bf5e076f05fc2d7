"""The content hash of an event: tells a retry (same hash) from a reused id (another)."""

from __future__ import annotations

import hashlib

from kassa.sync.v1 import sync_pb2


def content_hash(event: sync_pb2.Event) -> str:
    """SHA-256 of the event serialized deterministically with ``content_hash`` empty.

    The field is cleared and restored around the serialization instead of hashing a copy.
    """
    sealed = event.content_hash
    event.content_hash = ""
    try:
        data = event.SerializeToString(deterministic=True)
    finally:
        event.content_hash = sealed
    return hashlib.sha256(data).hexdigest()


def seal(event: sync_pb2.Event) -> None:
    """Set the event's ``content_hash``; call after every other field is final."""
    event.content_hash = content_hash(event)
