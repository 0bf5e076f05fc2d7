"""Protobuf timestamps as the ISO 8601 text central stores, converted once per value."""

from __future__ import annotations

import functools
from datetime import UTC

from google.protobuf.timestamp_pb2 import Timestamp


@functools.lru_cache(maxsize=4096)
def _iso(seconds: int, nanos: int) -> str:
    return Timestamp(seconds=seconds, nanos=nanos).ToDatetime(tzinfo=UTC).isoformat()


def ts(stamp: Timestamp) -> str:
    """``stamp`` as ``datetime.isoformat()`` in UTC; a push repeats the same few instants
    (a sale's close, its ledger entries, its purchase), so each is converted once."""
    return _iso(stamp.seconds, stamp.nanos)
