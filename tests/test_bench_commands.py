"""The documented benchmark commands still run, at tiny sizes.

Benchmarks are not run by CI at their real sizes, so one that no longer matches the code
(bench_follow waited for a table other tills' receipts stopped going to) fails only on
the day its figure is needed. Each command here runs as BENCHMARKS.md documents it, with
sizes small enough for seconds, and must finish and print its summary. Timings are not
checked.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

COMMANDS = [
    ("bench_follow.py", ["--sales", "3", "--hq", "2"], "sale  n=3"),
    ("bench_overdraft.py", ["--rounds", "1", "--offline-s", "0.5"],
     "overdraft listed after the second till reconnects"),
    ("bench_sync_converge.py", ["--tills", "2", "--sales", "5", "--rounds", "1"],
     "all converged"),
    ("bench_sync_converge.py", ["--tills", "2", "--sales", "5", "--rounds", "1", "--cold-start"],
     "all converged"),
    ("bench_sync_ingest.py", ["--rounds", "1", "--batches", "2", "--events", "5", "--tills", "2",
                              "--customers", "4", "--stored", "10"], "2 tills at once: median"),
    ("bench_feed_catchup.py", ["--sales", "30", "--customers", "4", "--rounds", "1"],
     "till CPU us/sale: median"),
    ("bench_bootstrap.py", ["--customers", "300", "--products", "50", "--lookups", "10"],
     "first sync round after it (checksum equal to central's)"),
    ("bench_pricing.py", ["--repeats", "2"], "calibration loop"),
    ("pty_scan_latency.py", ["--products", "100", "--customers", "100", "--scans", "3"],
     "scan to total on screen (pty, 3 scans)"),
]


@pytest.mark.parametrize(("script", "args", "summary"), COMMANDS,
                         ids=[" ".join([s, *a]) for s, a, _ in COMMANDS])
def test_benchmark_command_runs(script: str, args: list[str], summary: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *args],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert summary in done.stdout, done.stdout[-3000:]
