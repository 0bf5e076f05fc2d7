"""The ledger checksum a till compares with central's after catching up.

Order-independent, so either side computes it from rows in any order, and additive,
so central keeps a running total next to its feed position instead of re-reading
every entry. Digests are 32-bit: the sum of two billion of them still fits in int64.

A digest is a CRC-32, not a cryptographic hash: the checksum finds entries lost,
counted twice or held for the wrong customer, not forgeries (the connection is
authenticated), and a till computes one for each of the entries a catch-up brings,
where SHA-256 cost about 1 µs of its 15-25 µs a change (feed format 3).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass


def entry_digest(entry_id: str, customer_id: str, points: int) -> int:
    """CRC-32 of "<id>|<customer_id>|<points>" in UTF-8, unsigned."""
    return zlib.crc32(f"{entry_id}|{customer_id}|{points}".encode())


@dataclass(frozen=True)
class LedgerSum:
    entries: int = 0
    points: int = 0
    digest_sum: int = 0


def ledger_sum(rows: Iterable[tuple[str, str, int]]) -> LedgerSum:
    """Checksum of (id, customer_id, points) rows."""
    entries = points = digests = 0
    for entry_id, customer_id, entry_points in rows:
        entries += 1
        points += entry_points
        digests += entry_digest(entry_id, customer_id, entry_points)
    return LedgerSum(entries, points, digests)
