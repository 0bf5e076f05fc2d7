"""A till killed with SIGKILL right after a sale closes keeps that sale and its event."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from edge.storage import outbox, sales
from edge.storage.database import Database
from kassa.sync.v1 import sync_pb2


def test_sigkill_right_after_a_sale_keeps_it(tmp_path: Path) -> None:
    db_path = tmp_path / "edge.db"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.sale_then_wait", str(db_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    assert line.startswith("closed "), line
    receipt_id = line.split()[1]

    database = Database(db_path)
    try:
        receipt = sales.get_receipt(database, receipt_id)
        assert receipt is not None
        assert receipt["total"] == 6500 and receipt["change"] == 3500
        assert [ln["quantity_milli"] for ln in receipt["lines"]] == [2000]
        ((event_id, payload),) = outbox.pending(database, 10)
        event = sync_pb2.Event.FromString(payload)
        assert event.id == event_id
        assert event.sale_closed.receipt_id == receipt_id
        assert database.scalar("PRAGMA synchronous") == 2  # FULL
    finally:
        database.close()
