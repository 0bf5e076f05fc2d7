"""The short fault-injection run CI does (tests/sync/faults.py has the long one)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sync.faults import run_faults
from tests.sync.proxy import Faults

MIN_EACH = 3


@pytest.mark.timeout(120)
def test_no_sale_lost_or_counted_twice_under_faults(tmp_path: Path) -> None:
    report = run_faults(
        tmp_path, seed=20240611, tills=3, sales=25,
        faults=Faults(cut=0.15, drop=0.15, stall=0.12, stall_s=(0.1, 2.0)),
        kill_till_every=(6, 20), kill_central_every=40,
    )
    counts = report.counts
    for fault in ("cut", "drop_reply", "stall", "till_kill9", "central_kill9",
                  "resent_after_lost_reply"):
        assert counts[fault] >= MIN_EACH, (fault, dict(counts))
    assert counts["skewed_tills"] == 3
    assert report.receipts == 3 * 25
