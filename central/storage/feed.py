"""Central's change feed: appended inside write transactions, numbered in commit order.

Changes of a transaction are buffered and numbered just before it commits, by one
UPDATE of the single ``feed_state`` row. That row lock is held until commit (SQLite
serialises writers anyway; PostgreSQL holds row locks to the end of the transaction),
so a change with a lower sequence number is always committed before one with a
higher number, and a reader that sees ``head`` sees every change up to it. A cursor
therefore never skips a change that commits late, with any number of central
processes. The same row keeps the running ledger checksum and central's clock.
"""

from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from google.protobuf.message import Message

from central.storage.bulk import insert_rows
from kassa.replication.checksum import LedgerSum, entry_digest
from kassa.replication.hlc import Stamp
from kassa.replication.receipt_rows import sole_entry
from kassa.replication.wire import field_tag, length_delimited, varint
from kassa.sync.v1 import sync_pb2

CHANGE_TYPES: dict[str, type[Message]] = {
    "category": sync_pb2.Category,
    "cashier": sync_pb2.Cashier,
    "product": sync_pb2.Product,
    "customer": sync_pb2.Customer,
    "card": sync_pb2.Card,
    "ledger_entry": sync_pb2.LedgerEntry,
    "store": sync_pb2.Store,
    "pricing_programs": sync_pb2.PricingPrograms,
    "customer_terms": sync_pb2.CustomerTerms,
    "customer_purchase": sync_pb2.CustomerPurchase,
    "customer_merged": sync_pb2.CustomerMerged,
    "receipt_facts": sync_pb2.ReceiptFacts,
    "receipt_row": sync_pb2.ReceiptRow,
}
# The feed format this central writes (sync.proto, FeedFormat); a till below it is refused.
FEED_FORMAT = sync_pb2.FEED_FORMAT_RECEIPT_ROWS


@dataclass(frozen=True)
class FeedPosition:
    """What a subscriber may be served: changes in (horizon, head], checksum at head."""

    head: int
    horizon: int
    checksum: LedgerSum
    clock: Stamp


def read_position(conn: sqlite3.Connection) -> FeedPosition:
    head, horizon, entries, points, digests, hlc = conn.execute(
        "SELECT head, horizon, entries, points, digest_sum, hlc FROM feed_state WHERE id = 1"
    ).fetchone()
    return FeedPosition(head, horizon, LedgerSum(entries, points, digests), Stamp.decode(hlc))


@dataclass
class FeedBuffer:
    """Changes of one transaction, waiting for their numbers."""

    changes: list[tuple[str, str, bytes]] = field(default_factory=list)
    ledger: list[sync_pb2.LedgerEntry] = field(default_factory=list)

    def add(self, kind: str, entity_id: str, message: Message) -> None:
        self.changes.append((kind, entity_id, message.SerializeToString(deterministic=True)))
        if isinstance(message, sync_pb2.LedgerEntry):
            self.ledger.append(message)

    def add_facts(
        self, receipt_id: str, entries: Sequence[sync_pb2.LedgerEntry],
        purchase: sync_pb2.CustomerPurchase | None,
    ) -> None:
        """Feed what a sale or a return did to its customer as one ``receipt_facts`` change
        (nothing for one without a customer). Its payload is the fields' encodings joined,
        as serializing a ReceiptFacts holding them writes it, without copying them in."""
        parts = [length_delimited(FACTS_ENTRY_TAG, e.SerializeToString(deterministic=True))
                 for e in entries]
        if purchase is not None:
            parts.append(length_delimited(FACTS_PURCHASE_TAG,
                                           purchase.SerializeToString(deterministic=True)))
        if parts:
            self.changes.append(("receipt_facts", receipt_id, b"".join(parts)))
            self.ledger.extend(entries)

    def mark(self) -> tuple[int, int]:
        return len(self.changes), len(self.ledger)

    def rollback(self, mark: tuple[int, int]) -> None:
        """Drop what was added after ``mark`` (the event that added it was rejected)."""
        del self.changes[mark[0]:]
        del self.ledger[mark[1]:]

    def flush(self, conn: sqlite3.Connection, clock: Stamp) -> int:
        """Number and write the changes, advance the checksum and the clock; returns head."""
        digests = sum(entry_digest(e.id, e.customer_id, e.points) for e in self.ledger)
        conn.execute(
            "UPDATE feed_state SET head = head + ?, entries = entries + ?, points = points + ?, "
            "digest_sum = digest_sum + ?, hlc = CASE WHEN hlc < ? THEN ? ELSE hlc END "
            "WHERE id = 1",
            (len(self.changes), len(self.ledger), sum(e.points for e in self.ledger), digests,
             clock.encode(), clock.encode()),
        )
        head = int(conn.execute("SELECT head FROM feed_state WHERE id = 1").fetchone()[0])
        first = head - len(self.changes) + 1
        insert_rows(
            conn, "INSERT INTO changes (seq, kind, entity_id, payload) VALUES (?, ?, ?, ?)",
            [(first + i, *change) for i, change in enumerate(self.changes)],
        )
        self.changes.clear()
        self.ledger.clear()
        return head


def served(kind: str, payload: bytes) -> tuple[str, bytes]:
    """A stored change as the feed serves it (format 4): a receipt's facts a till holds
    as one row as they are (``receipt_rows.sole_entry``) go as a receipt_row; the rest as
    stored. The feed table keeps receipt_facts, so a push pays nothing for it; each
    change is framed once for every subscriber (the WireCache's blocks)."""
    if kind != "receipt_facts":
        return kind, payload
    entry = sole_entry(sync_pb2.ReceiptFacts.FromString(payload))
    if entry is None:
        return kind, payload
    row = sync_pb2.ReceiptRow(receipt_id=entry.receipt_id, customer_id=entry.customer_id,
                              points=entry.points, entry_id=entry.id, facts=payload)
    return "receipt_row", row.SerializeToString(deterministic=True)


# Changes are served as the bytes of ChangeBatch.changes, framed around the payloads as
# stored: parsing each payload into a message only to serialize it again cost central
# more than reading it (13 us a change, as much as a till spends applying it).
_CHANGE_FIELDS = {name: field.number
                  for name, field in sync_pb2.Change.DESCRIPTOR.fields_by_name.items()}
_BATCH_CHANGES = sync_pb2.ChangeBatch.DESCRIPTOR.fields_by_name["changes"].number


_FACTS_FIELDS = sync_pb2.ReceiptFacts.DESCRIPTOR.fields_by_name
FACTS_ENTRY_TAG = field_tag(_FACTS_FIELDS["ledger_entries"].number)
FACTS_PURCHASE_TAG = field_tag(_FACTS_FIELDS["purchase"].number)
_SEQ_TAG = field_tag(_CHANGE_FIELDS["seq"], length_delimited=False)
_ENTITY_TAGS = {kind: field_tag(_CHANGE_FIELDS[kind]) for kind in CHANGE_TYPES}
_CHANGE_TAG = field_tag(_BATCH_CHANGES)


def wire_change(seq: int, kind: str, payload: bytes) -> bytes:
    """One stored change as it is framed inside a ChangeBatch (field 1, length-delimited),
    in the form it is served (``served``)."""
    kind, payload = served(kind, payload)
    body = b"".join((_SEQ_TAG, varint(seq), _ENTITY_TAGS[kind], varint(len(payload)),
                     payload))
    return length_delimited(_CHANGE_TAG, body)


@dataclass(frozen=True)
class FeedSlice:
    """Changes ready to send: ``wire`` is the ``changes`` field of a ChangeBatch (append
    the other fields serialized to make the whole message), ``count`` changes, the
    newest numbered ``last`` (0 for none)."""

    wire: bytes
    count: int
    last: int

    def changes(self) -> list[sync_pb2.Change]:
        """The changes as messages (for tools and tests)."""
        return list(sync_pb2.ChangeBatch.FromString(self.wire).changes)


# A batch stops short of its count once its changes pass this size: a till receives
# messages up to 16 MiB, and changes of heavy products could otherwise exceed that.
MAX_BATCH_BYTES = 4 * 1024 * 1024


# The cache holds changes in blocks of this many consecutive numbers, framed and joined:
# a slice is then a few byte ranges, whatever cursor a till comes with. Per change, a
# converge's 50 tills made central's feed reader look up and append 5 million pieces.
BLOCK = 1000


@dataclass(frozen=True)
class _Block:
    """Changes ``k * BLOCK + 1`` onwards (at most BLOCK) framed and joined; ``starts[i]`` is
    where the i-th begins in ``wire``, and ``starts[-1]`` is its length."""

    wire: bytes
    starts: list[int]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def extended(self, rows: list[tuple[int, str, bytes]]) -> _Block:
        """This block with ``rows``, the changes after its last, framed and appended."""
        wires = [wire_change(seq, kind, payload) for seq, kind, payload in rows]
        starts = self.starts + list(accumulate(map(len, wires), initial=self.starts[-1]))[1:]
        return _Block(self.wire + b"".join(wires), starts)


_EMPTY = _Block(b"", [0])


class WireCache:
    """Changes as framed for a batch, in blocks, for every subscriber of this process.

    A numbered change never changes (a merge feeds new changes; compaction only drops
    old ones, which a subscriber below the horizon is not served), and every till reads
    the same changes: a converge of 50 tills read and framed each one 50 times. Holds
    the blocks of about ``limit`` changes framed last; others are read again when asked
    for. The block at the head grows as changes are asked for, reading only the new ones.
    """

    def __init__(self, limit: int = 200_000) -> None:
        self._limit = max(1, limit // BLOCK)
        self._blocks: OrderedDict[int, _Block] = OrderedDict()

    def block(self, conn: sqlite3.Connection, k: int, upto: int) -> _Block | None:
        """Block ``k`` up to change ``upto`` (the head of the reader) or its end, reading
        what is not held; None when part of it was compacted away."""
        first = k * BLOCK
        wanted = min(BLOCK, upto - first)
        block = self._blocks.get(k, _EMPTY)
        if len(block) < wanted:
            rows = _stored(conn, first + len(block), first + wanted, wanted - len(block))
            if len(rows) != wanted - len(block):
                return None
            block = block.extended(rows)
            fresh = k not in self._blocks
            self._blocks[k] = block
            if fresh and len(self._blocks) > self._limit:
                self._blocks.popitem(last=False)
        return block


def changes_between(
    conn: sqlite3.Connection, after: int, upto: int, limit: int,
    max_bytes: int = MAX_BATCH_BYTES, cache: WireCache | None = None,
) -> FeedSlice:
    """Up to ``limit`` changes with ``after < seq <= upto``, oldest first, and no more once
    they pass ``max_bytes`` (at least one), from the blocks of ``cache`` (what they miss
    read into them) or else from the table."""
    wire: list[bytes] = []
    size = count = 0
    last = after
    end = min(upto, after + limit)  # numbers are consecutive up to the head
    while last < end and size <= max_bytes:
        k = last // BLOCK
        block = None if cache is None else cache.block(conn, k, upto)
        if block is not None:
            # The changes of this block up to ``end``: each while the slice before it is
            # within ``max_bytes``.
            first, stop = last - k * BLOCK, min(end, (k + 1) * BLOCK) - k * BLOCK
            starts = block.starts
            taken = bisect_right(starts, max_bytes - size + starts[first], first, stop) - first
            wire.append(block.wire[starts[first]:starts[first + taken]])
            size += len(wire[-1])
            count += taken
            last += taken
            continue
        rows = _stored(conn, last, min(end, (k + 1) * BLOCK), READ_CHUNK)
        if not rows:
            break
        for seq, kind, payload in rows:
            if size > max_bytes:
                break
            wire.append(wire_change(seq, kind, payload))
            size += len(wire[-1])
            count += 1
            last = seq
    return FeedSlice(b"".join(wire), count, last if count else 0)


# Changes read from the table at a time: on SQLite one statement step each (below).
READ_CHUNK = 1000
_STORED_SQL = ("SELECT seq, kind, payload FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq"
               " LIMIT ?")
_STORED_JSON_SQL = ("SELECT json_group_array(json_array(seq, kind, hex(payload)))"
                    f" FROM ({_STORED_SQL})")


def _stored(
    conn: sqlite3.Connection, after: int, upto: int, limit: int
) -> list[tuple[int, str, bytes]]:
    """Up to ``limit`` stored changes with ``after < seq <= upto``, oldest first.

    On SQLite they come as one JSON value: one step, where a row each is a step, and
    Python's sqlite3 hands the GIL over at every step (bulk.py). Beside a thread running
    Python, a slice of 10,000 changes read a row a step took 82 s instead of 0.06 s.
    PostgreSQL's driver fetches the rows at once."""
    if not isinstance(conn, sqlite3.Connection):
        return [(int(seq), str(kind), bytes(payload))
                for seq, kind, payload in conn.execute(_STORED_SQL, (after, upto, limit))]
    (listed,) = conn.execute(_STORED_JSON_SQL, (after, upto, limit)).fetchone()
    return [(seq, kind, bytes.fromhex(payload))
            for seq, kind, payload in sorted(json.loads(listed))]


def compact(conn: sqlite3.Connection, through: int) -> int:
    """Forget changes up to ``through``; cursors below it must resync. Returns rows removed."""
    head = read_position(conn).head
    through = min(through, head)
    removed = conn.execute("DELETE FROM changes WHERE seq <= ?", (through,)).rowcount
    conn.execute(
        "UPDATE feed_state SET horizon = ? WHERE id = 1 AND horizon < ?", (through, through)
    )
    return int(removed)
