"""Protobuf timestamps as the ISO 8601 text central stores, formatted without datetimes."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta

from google.protobuf.timestamp_pb2 import Timestamp

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def _second(seconds: int) -> str:
    """The whole second as ``isoformat()`` writes it, without the "+00:00"."""
    return (_EPOCH + timedelta(seconds=seconds)).isoformat()[:-6]


def _slow(seconds: int, nanos: int) -> str:
    return Timestamp(seconds=seconds, nanos=nanos).ToDatetime(tzinfo=UTC).isoformat()


def ts(stamp: Timestamp) -> str:
    """``stamp`` as ``ToDatetime(tzinfo=UTC).isoformat()`` writes it; sales of one push
    share their seconds, so each second is converted to a date and time once."""
    seconds, nanos = stamp.seconds, stamp.nanos
    if not 0 <= nanos < 1_000_000_000:  # not a valid Timestamp: as protobuf reads it
        return _slow(seconds, nanos)
    micros = nanos // 1000
    if micros:
        return f"{_second(seconds)}.{micros:06d}+00:00"
    return f"{_second(seconds)}+00:00"
