"""Central reads feed slices on a thread of their own, beside the database thread."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from central.demo import load_demo_catalog
from central.service import SyncServicer
from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2


def test_a_catch_up_goes_on_while_the_database_thread_is_busy(tmp_path: Path) -> None:
    """A long write (a large push group, say) holds the database thread; the slices of a
    catch-up still come, read on their own connection."""
    path = tmp_path / "central.db"
    storage = SqliteStorage(path)
    load_demo_catalog(storage)
    storage.close()
    servicer = SyncServicer(lambda: SqliteStorage(path))
    busy = threading.Event()
    try:
        position = servicer._executor.submit(servicer._storage.feed_position).result()
        servicer._executor.submit(busy.wait)

        async def catch_up() -> list[bytes]:
            return [batch async for batch in servicer._changes(0, position, 5)]

        batches = [sync_pb2.ChangeBatch.FromString(b)
                   for b in asyncio.run(asyncio.wait_for(catch_up(), 10))]
    finally:
        busy.set()
        servicer.close()
    assert [c.seq for b in batches for c in b.changes] == list(range(1, position.head + 1))
    assert len(batches) > 2
    assert batches[-1].caught_up and batches[-1].cursor == position.head
