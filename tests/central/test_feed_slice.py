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


def _central(tmp_path: Path, pushes: int) -> Iterator[tuple[sqlite3.Connection, int]]:
    """The connection of a central holding the demo catalog and ``pushes`` pushes of 500
    sales, and its feed's head."""
    storage = SqliteStorage(tmp_path / "central.db")
    try:
        load_demo_catalog(storage)
        till = TillIdentity("T1", "kyiv-1")
        for _ in range(pushes):
            assert not storage.apply_events(till, [_plain_sale() for _ in range(500)]).rejected
        yield storage.db.conn, storage.feed_position().head
    finally:
        storage.close()


@pytest.fixture
def demo_feed(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, int]]:
    yield from _central(tmp_path, 0)


@pytest.fixture
def sales_feed(tmp_path: Path) -> Iterator[tuple[sqlite3.Connection, int]]:
    """2,500 sales pushed: a feed of two whole cache blocks and some."""
    yield from _central(tmp_path, 5)


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


def test_slices_longer_than_a_read_chunk_hold_every_change_as_stored(
    sales_feed: tuple[sqlite3.Connection, int],
) -> None:
    """On SQLite rows come a chunk at a time as one JSON value (feed._stored): the bytes
    are those of the rows read one by one, across chunk boundaries and a size cap."""
    conn, head = sales_feed
    assert head > 2 * feed.READ_CHUNK
    wires = [feed.wire_change(seq, kind, bytes(payload)) for seq, kind, payload in
             conn.execute("SELECT seq, kind, payload FROM changes ORDER BY seq")]
    whole = feed.changes_between(conn, 0, head, head)
    assert (whole.wire, whole.count, whole.last) == (b"".join(wires), head, head)
    part = feed.changes_between(conn, 7, head, head, max_bytes=sum(map(len, wires[7:1507])))
    assert (part.wire, part.count, part.last) == (b"".join(wires[7:1508]), 1501, 1508)


def test_slices_read_through_the_cache_give_the_same_bytes(
    sales_feed: tuple[sqlite3.Connection, int],
) -> None:
    """Slices starting and ending inside blocks, across them, past the last whole one and
    cut by size: the same as read from the table alone."""
    conn, head = sales_feed
    assert 2 * feed.BLOCK < head < 3 * feed.BLOCK
    cache = feed.WireCache()
    sizes = [len(feed.changes_between(conn, seq - 1, head, 1).wire) for seq in range(1, 2002)]
    cases = [(0, head, head), (7, 10, head), (999, 2, head), (990, 1500, head),
             (1500, head, head), (head - 3, 10, head), (head, 10, head),
             (5, head, sum(sizes[5:1700])), (995, head, sum(sizes[995:1003])), (0, head, 1)]
    for after, limit, max_bytes in cases * 2:  # the second time from the blocks held
        cached = feed.changes_between(conn, after, head, limit, max_bytes, cache=cache)
        alone = feed.changes_between(conn, after, head, limit, max_bytes)
        assert (cached.wire, cached.count, cached.last) == (
            alone.wire, alone.count, alone.last), (after, limit, max_bytes)
    capped = feed.changes_between(conn, 5, head, head, sum(sizes[5:1700]), cache=cache)
    assert (capped.count, capped.last) == (1696, 1701)  # the change past the cap is in


def test_the_cache_keeps_the_blocks_framed_last(
    sales_feed: tuple[sqlite3.Connection, int],
) -> None:
    """A held block serves its changes without reading them; one the cache let go of is
    read again (here: from a table whose rows are gone, so it comes back short)."""
    conn, head = sales_feed
    cache = feed.WireCache(limit=feed.BLOCK)  # one block
    first = feed.changes_between(conn, 0, head, feed.BLOCK, cache=cache)
    conn.execute("DELETE FROM changes WHERE seq <= ?", (feed.BLOCK,))
    held = feed.changes_between(conn, 0, head, feed.BLOCK, cache=cache)
    assert (held.wire, held.count) == (first.wire, feed.BLOCK)
    # The next block takes the place of the first, which is then read from the table.
    assert feed.changes_between(conn, feed.BLOCK, head, 1, cache=cache).count == 1
    assert feed.changes_between(conn, 0, head, feed.BLOCK, cache=cache).count == 0


def _plain_sale() -> sync_pb2.Event:
    """A sale of the builders' kind without its one-time discount: pushes take it in bulk."""
    event = sale_event()
    del event.sale_closed.one_time_used[:]
    return event


def test_the_block_at_the_head_grows_reading_only_the_new_changes(
    sales_feed: tuple[sqlite3.Connection, int],
) -> None:
    """Followers ask for the newest changes again and again: the block at the head keeps
    what it read and reads only what came after (here the rows it holds are deleted
    from the table, and the slice still has them)."""
    conn, head = sales_feed
    start = 2 * feed.BLOCK
    whole = feed.changes_between(conn, start, head, head)
    cache = feed.WireCache()
    early = feed.changes_between(conn, start, start + 100, head, cache=cache)
    assert (early.count, early.last) == (100, start + 100)
    conn.execute("DELETE FROM changes WHERE seq > ? AND seq <= ?", (start, start + 100))
    grown = feed.changes_between(conn, start, head, head, cache=cache)
    assert (grown.wire, grown.count, grown.last) == (whole.wire, whole.count, whole.last)
