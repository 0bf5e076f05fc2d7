"""Slices of central's feed: counted, and cut short by size."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from central.demo import load_demo_catalog
from central.storage import feed
from central.storage.base import TillIdentity
from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2
from tests.central.builders import sale_event


@pytest.fixture
def demo_feed(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, int]]:
    """The connection of a central holding the demo catalog, and its feed's head."""
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        load_demo_catalog(storage)
        yield storage.db.conn, storage.feed_position().head
    finally:
        storage.close()


def test_a_slice_stops_once_its_changes_pass_the_size_cap(
    demo_feed: tuple[sqlite3.Connection, int],
) -> None:
    conn, head = demo_feed
    whole = feed.changes_between(conn, 0, head, head)
    assert (whole.count, whole.last) == (head, head) and head > 5
    sizes = [len(feed.wire_change(c.seq, c.WhichOneof("entity") or "",
                                  getattr(c, c.WhichOneof("entity") or "").SerializeToString()))
             for c in whole.changes()]
    assert sum(sizes) == len(whole.wire)
    # The change that passes the cap is the last one in.
    capped = feed.changes_between(conn, 0, head, head, max_bytes=sizes[0] + sizes[1])
    assert (capped.count, capped.last) == (3, 3)
    assert capped.wire == whole.wire[:sum(sizes[:3])]
    assert feed.changes_between(conn, 0, head, head, max_bytes=1).count == 1  # never none
    assert feed.changes_between(conn, head, head, 10).count == 0


def test_slices_read_through_the_cache_give_the_same_bytes(
    demo_feed: tuple[sqlite3.Connection, int],
) -> None:
    conn, head = demo_feed
    plain = feed.changes_between(conn, 0, head, head)
    cache = feed.WireCache(limit=head - 5)
    # A middle run first, so a later slice starts cached and goes on from the rows.
    middle = feed.changes_between(conn, 9, 20, 6, cache=cache)
    assert (middle.count, middle.last) == (6, 15)
    for after, limit in ((9, 100), (0, 7), (0, head), (3, 4), (head - 2, 10)):
        cached = feed.changes_between(conn, after, head, limit, cache=cache)
        alone = feed.changes_between(conn, after, head, limit)
        assert (cached.wire, cached.count, cached.last) == (alone.wire, alone.count,
                                                             alone.last)
    assert feed.changes_between(conn, 0, head, head, cache=cache).wire == plain.wire
    # The oldest framed changes made room for the newer ones.
    assert cache.get(1) is None and cache.get(head) is not None
    capped = feed.changes_between(conn, 0, head, head, max_bytes=1, cache=cache)
    assert capped.count == 1
    assert feed.changes_between(conn, head, head, 10, cache=cache).count == 0


def test_slices_longer_than_a_read_chunk_hold_every_change_as_stored(tmp_path: Path) -> None:
    """On SQLite rows come a chunk at a time as one JSON value (feed._stored): the bytes
    are those of the rows read one by one, across chunk boundaries and a size cap."""
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        load_demo_catalog(storage)
        till = TillIdentity("T1", "kyiv-1")
        for _ in range(5):
            outcome = storage.apply_events(till, [_plain_sale() for _ in range(500)])
            assert not outcome.rejected
        conn, head = storage.db.conn, storage.feed_position().head
        assert head > 2 * feed.READ_CHUNK
        wires = [feed.wire_change(seq, kind, bytes(payload)) for seq, kind, payload in
                 conn.execute("SELECT seq, kind, payload FROM changes ORDER BY seq")]
        whole = feed.changes_between(conn, 0, head, head)
        assert (whole.wire, whole.count, whole.last) == (b"".join(wires), head, head)
        part = feed.changes_between(conn, 7, head, head, max_bytes=sum(map(len, wires[7:1507])))
        assert (part.wire, part.count, part.last) == (b"".join(wires[7:1508]), 1501, 1508)
    finally:
        storage.close()


def _plain_sale() -> sync_pb2.Event:
    """A sale of the builders' kind without its one-time discount: pushes take it in bulk."""
    event = sale_event()
    del event.sale_closed.one_time_used[:]
    return event
