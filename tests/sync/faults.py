"""The fault-injection run: tills (separate processes) sell and sync through a faulty
proxy while this process kills tills and central with SIGKILL, then checks the books.

Long run (prints the counts; >= 1,000 injected faults):
    .venv/bin/python -m tests.sync.faults --seed 7 --tills 4 --sales 400 --min-faults 1000

Every decision (proxy rolls, clock skews, kill points, what each sale holds) comes from
the seed; thread timing still varies between runs, so counts differ slightly.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import random
import signal
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from central.demo import enrol, load_demo_catalog
from central.storage.feed import read_position
from central.storage.sqlite import SqliteStorage
from edge.storage import changes, customers, outbox
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from tests.central_process import SECOND_STORE, CentralProcess
from tests.sync.proxy import FaultProxy, Faults

LINE_TIMEOUT_S = 60
TEN_MINUTES_MS = 600_000
INJECTED = ("cut", "drop_reply", "stall", "till_kill9", "central_kill9")


@dataclass
class TillRun:
    till_id: str
    store_id: str
    token: str
    skew_ms: int
    db_path: Path
    process: subprocess.Popen[str] | None = None
    lines: int = 0
    kill_at: int = 0
    done: bool = False


@dataclass
class Report:
    counts: Counter[str] = field(default_factory=Counter)
    receipts: int = 0
    ledger_entries: int = 0

    def faults(self) -> int:
        """Faults injected (the other counts are what the tills and central observed)."""
        return sum(self.counts[k] for k in INJECTED)


def _prepare(folder: Path, tills: int, rng: random.Random) -> list[TillRun]:
    storage = SqliteStorage(folder / "central.db")
    try:
        load_demo_catalog(storage)
        storage.put_store(SECOND_STORE)
        runs = []
        for n in range(tills):
            store = ("kyiv-1", SECOND_STORE.id)[n % 2]
            till_id = f"T{n + 1}"
            # Clocks off by up to +-10 minutes, alternating sign so both directions occur.
            skew = rng.randint(TEN_MINUTES_MS // 2, TEN_MINUTES_MS) * (1 if n % 2 else -1)
            runs.append(TillRun(till_id, store, enrol(storage, till_id, store), skew,
                                folder / f"{till_id}.db"))
        return runs
    finally:
        storage.close()


def _start(run: TillRun, address: str, seed: int, quota: int, lines: queue.Queue[tuple[str, str]],
           rng: random.Random, kill_every: tuple[int, int]) -> None:
    run.process = subprocess.Popen(
        [sys.executable, "-m", "tests.sync.till_worker", str(run.db_path), address, run.token,
         run.till_id, run.store_id, str(run.skew_ms), str(seed), str(quota)],
        stdout=subprocess.PIPE, stderr=run.db_path.with_suffix(".log").open("a"), text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    run.lines, run.kill_at = 0, rng.randint(*kill_every)
    process = run.process

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put((run.till_id, line.strip()))
        lines.put((run.till_id, "<eof>"))

    threading.Thread(target=read, daemon=True).start()


def run_faults(folder: Path, *, seed: int, tills: int, sales: int, faults: Faults,
               kill_till_every: tuple[int, int], kill_central_every: int) -> Report:
    """Run the tills to their quota under faults, then verify; raises AssertionError."""
    rng = random.Random(seed)
    runs = _prepare(folder, tills, rng)
    report = Report()
    report.counts["skewed_tills"] = sum(1 for r in runs if abs(r.skew_ms) >= TEN_MINUTES_MS // 2)
    central = CentralProcess(folder / "central.db")
    central.start()
    proxy = FaultProxy(central.port, seed, faults)
    proxy.start()
    lines: queue.Queue[tuple[str, str]] = queue.Queue()
    by_id = {r.till_id: r for r in runs}
    try:
        for run in runs:
            _start(run, f"127.0.0.1:{proxy.port}", seed, sales, lines, rng, kill_till_every)
        total = 0
        while not all(r.done for r in runs):
            try:
                till_id, line = lines.get(timeout=LINE_TIMEOUT_S)
            except queue.Empty:
                _dump_stacks(runs)
                raise
            run = by_id[till_id]
            assert not line.startswith("mismatch"), f"{till_id}: {line}"
            if line == "done":
                run.done = True
                continue
            if line == "<eof>":
                if not run.done:
                    _start(run, f"127.0.0.1:{proxy.port}", seed, sales, lines, rng,
                           kill_till_every)
                continue
            if line.startswith("offline"):
                report.counts["till_saw_offline"] += 1
            run.lines += 1
            total += 1
            if run.lines >= run.kill_at and run.process is not None:
                run.process.kill()  # its reader thread reports <eof>; then it restarts
                report.counts["till_kill9"] += 1
                run.lines = -10**9  # no second kill of this process
            if total % kill_central_every == 0:
                central.kill()
                report.counts["central_kill9"] += 1
                central.start()
        for run in runs:
            if run.process is not None:
                run.process.wait(timeout=LINE_TIMEOUT_S)
        report.counts.update(proxy.counts)
        _verify(central, runs, report)
    finally:
        for run in runs:
            if run.process is not None and run.process.poll() is None:
                run.process.kill()
        proxy.stop()
        central.stop()
    return report


def _dump_stacks(runs: list[TillRun]) -> None:
    """Ask every live till for its Python stacks (in <till>.log) and print them."""
    for run in runs:
        if run.process is not None and run.process.poll() is None:
            run.process.send_signal(signal.SIGUSR1)
    for run in runs:
        if run.process is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.process.wait(timeout=2)  # failure path only: let faulthandler write
        log = run.db_path.with_suffix(".log")
        print(f"--- {run.till_id} ---\n{log.read_text()[-3000:]}", file=sys.stderr)


def _verify(central: CentralProcess, runs: list[TillRun], report: Report) -> None:
    """No event lost, none applied twice, balances are ledger sums, checksums agree."""
    storage = SqliteStorage(central.db_path)
    conn = storage.db.conn
    try:
        report.counts["resent_after_lost_reply"] = int(
            conn.execute("SELECT COALESCE(SUM(repeats), 0) FROM events").fetchone()[0])
        for run in runs:
            database = Database(run.db_path)
            client = SyncClient(central.address, run.token, till_id=run.till_id,
                                store_id=run.store_id, timeout_s=10)
            try:
                sync_once(database, client)  # raises ChecksumMismatch if the ledgers differ
                assert outbox.pending_count(database) == 0
                assert outbox.rejected_count(database) == 0, database.rows(
                    "SELECT reason FROM outbox_rejected")
                own = {r["id"] for r in database.rows(
                    "SELECT id FROM receipts WHERE till_id = ?", (run.till_id,))}
                held = {r[0] for r in conn.execute(
                    "SELECT id FROM receipts WHERE till_id = ?", (run.till_id,))}
                assert own == held, f"{run.till_id}: lost {own - held}, unknown {held - own}"
                own_ledger = {(r["id"], r["points"]) for r in database.rows(
                    "SELECT l.id, l.points FROM ledger_entries l JOIN receipts r "
                    "ON r.id = l.receipt_id WHERE r.till_id = ?", (run.till_id,))}
                central_ledger = set(conn.execute(
                    "SELECT l.id, l.points FROM ledger_entries l JOIN receipts r "
                    "ON r.id = l.receipt_id WHERE r.till_id = ?", (run.till_id,)))
                assert own_ledger == central_ledger, run.till_id
                assert changes.ledger_checksum(database) == read_position(conn).checksum
                till_balances: dict[str, int] = {}
                for _, customer_id, points in customers.held_entries(database):
                    till_balances[customer_id] = till_balances.get(customer_id, 0) + points
                central_balances = {c: storage.balance(c) for c in till_balances}
                assert till_balances == central_balances, run.till_id
            finally:
                client.close()
                database.close()
        report.receipts = int(conn.execute("SELECT COUNT(*) FROM receipts").fetchone()[0])
        report.ledger_entries = int(
            conn.execute("SELECT COUNT(*) FROM ledger_entries").fetchone()[0])
        assert report.receipts == sum(1 for _ in conn.execute("SELECT DISTINCT id FROM receipts"))
        checksum = read_position(conn).checksum
        assert checksum.entries == report.ledger_entries
        assert checksum.points == storage.db.conn.execute(
            "SELECT COALESCE(SUM(points), 0) FROM ledger_entries").fetchone()[0]
        kept = "SELECT customer_id, points FROM customer_balances WHERE points <> 0"
        summed = ("SELECT customer_id, SUM(points) FROM ledger_entries GROUP BY customer_id"
                  " HAVING SUM(points) <> 0")
        assert dict(conn.execute(kept)) == dict(conn.execute(summed))
    finally:
        storage.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tills", type=int, default=4)
    parser.add_argument("--sales", type=int, default=400, help="sales per till")
    parser.add_argument("--min-faults", type=int, default=1000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        report = run_faults(
            Path(folder), seed=args.seed, tills=args.tills, sales=args.sales,
            faults=Faults(cut=0.12, drop=0.12, stall=0.1, stall_s=(0.1, 2.0)),
            kill_till_every=(20, 80), kill_central_every=150,
        )
    for name, count in sorted(report.counts.items()):
        print(f"{name:<26} {count}")
    print(f"{'injected faults':<26} {report.faults()} ({' + '.join(INJECTED)})")
    print(f"receipts {report.receipts}, ledger entries {report.ledger_entries}: "
          "none lost, none twice, every checksum matches")
    return 0 if report.faults() >= args.min_faults else 1


if __name__ == "__main__":
    sys.exit(main())
