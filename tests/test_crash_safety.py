"""A till killed with SIGKILL loses nothing: not a closed sale, not the receipt in progress."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from edge.services.session import TillSession
from edge.services.till import TillService
from edge.storage import outbox, sales
from edge.storage.database import Database
from kassa.sync.v1 import sync_pb2

CODES = ["4820000000017", "3*4820000000024", "2100001003753", "4820000000017",
         "2100001012502"]


def run_and_kill(db_path: Path, args: list[str], lines: int) -> list[str]:
    """Start the headless till, let it do ``lines`` steps, then SIGKILL it."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.headless_till", str(db_path), *args],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    seen = []
    for _ in range(lines):
        child.stdin.write("go\n")
        child.stdin.flush()
        seen.append(child.stdout.readline().strip())
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=10)
    assert child.returncode == -signal.SIGKILL
    return seen


def test_sigkill_right_after_a_sale_keeps_it(tmp_path: Path) -> None:
    db_path = tmp_path / "edge.db"
    (line,) = run_and_kill(db_path, ["sale"], 1)
    assert line.startswith("closed "), line
    receipt_id = line.split()[1]

    database = Database(db_path)
    try:
        receipt = sales.get_receipt(database, receipt_id)
        assert receipt is not None
        assert receipt["total"] == 6500 and receipt["change"] == 3500
        assert receipt["payments"] == {"cash": 6500}
        assert [ln["quantity_milli"] for ln in receipt["lines"]] == [2000]
        events = [sync_pb2.Event.FromString(p) for _, p in outbox.pending(database, 10)]
        assert [e.WhichOneof("body") for e in events] == ["shift_opened", "sale_closed"]
        assert events[1].sale_closed.receipt_id == receipt_id
        assert database.scalar("PRAGMA synchronous") == 2  # FULL
        # The receipt in progress was cleared in the sale's own transaction.
        assert database.scalar("SELECT COUNT(*) FROM open_receipt_lines") == 0
    finally:
        database.close()


@pytest.mark.parametrize("scans", [1, 3, 5])
def test_sigkill_after_the_nth_scan_restores_the_open_receipt(
    tmp_path: Path, scans: int
) -> None:
    db_path = tmp_path / "edge.db"
    progress = run_and_kill(db_path, ["scan", *CODES], scans)
    assert progress == [f"scanned {n}" for n in range(1, scans + 1)]

    expected = {  # what each prefix of CODES leaves on the receipt
        1: [("p-bread", 1000)],
        3: [("p-bread", 1000), ("p-milk", 3000), ("p-apples", 375)],
        5: [("p-bread", 2000), ("p-milk", 3000), ("p-apples", 375), ("p-apples", 1250)],
    }[scans]
    database = Database(db_path)
    try:
        session = TillSession(TillService(database, till_id="K1", store_id="kyiv-1"))
        session.restore()
        restored = [(ln.product.id, ln.quantity_milli) for ln in session.cart.lines]
        assert restored == expected
        assert session.shift is not None
    finally:
        database.close()


def test_a_write_central_can_resend_commits_lazily_and_every_other_stays_durable(
    tmp_path: Path,
) -> None:
    database = Database(tmp_path / "edge.db")
    try:
        with database.write(durable=False) as db:
            assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert database.scalar("PRAGMA synchronous") == 2  # FULL again
        with pytest.raises(RuntimeError), database.write(durable=False):
            raise RuntimeError("a bad page")
        assert database.scalar("PRAGMA synchronous") == 2
        with database.write() as db:
            assert db.conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    finally:
        database.close()
