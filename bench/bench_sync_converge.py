"""Benchmark: N tills back from offline, each with K sales waiting, converging on central.

Run from the repository root: ``.venv/bin/python bench/bench_sync_converge.py``
(defaults: 10 tills x 500 sales, 3 rounds; the issue's target is 50 x 2,000 - pass
--tills 50 --sales 2000 for it). Each till is a separate process with its own SQLite
file, talking real gRPC to a central process on 127.0.0.1. The sales are made offline
before the clock starts. The till processes then start and open their databases, as
tills that ran all day offline; the clock starts when their network comes back (all
of them at once), or, with --cold-start, before the processes start. It stops when
every till has pushed everything, caught up with the feed twice (the second round
after every till has pushed) and matched central's ledger checksum. Prints median and
spread, and per round the CPU seconds the till processes spent (start-up, first round,
second round) and central's.
The sales are spread over 1,000 loyalty customers with a card each. The tills' offline
sales are made in parallel (one process per CPU); a till process imports only the till's
modules.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once

if TYPE_CHECKING:
    from central.storage.sqlite import SqliteStorage
    from tests.central_process import CentralProcess

CUSTOMERS = 1000  # loyalty customers the sales are spread over, each with one card


def card(n: int) -> str:
    return f"2010{n:09d}"


def load_carded_customers(storage: SqliteStorage, count: int) -> None:
    """Customers bench-0 ... bench-<count - 1>, each with the card ``card(n)``."""
    from central.storage.catalog import parse_customers_file

    storage.load_customers(parse_customers_file(json.dumps([
        {"id": f"bench-{n}", "first_name": "Bench", "phone": f"+38050{n:07d}",
         "cards": [card(n)]} for n in range(count)]), "UA"))


def worker(db: str, address: str, token: str, till: str) -> None:
    """A running till whose network comes back: open the database and the channel, say
    "ready", and on "go" sync until everything is pushed; then wait for "again" and sync
    once more. Reports the CPU seconds of its start-up, first round and second round."""
    database = Database(Path(db))
    client = SyncClient(
        address, token, till_id=till, store_id="kyiv-1", timeout_s=30, stream_timeout_s=300
    )
    print("ready", flush=True)
    sys.stdin.readline()
    started = own_cpu()
    sync_once(database, client)
    first = own_cpu()
    print("pushed", flush=True)
    sys.stdin.readline()
    sync_once(database, client)  # raises if the ledger checksum differs from central's
    print(f"converged {started:.3f} {first - started:.3f} {own_cpu() - first:.3f}", flush=True)


def own_cpu() -> float:
    """User and system CPU seconds of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def process_cpu(pid: int) -> float:
    """User and system CPU seconds of a running process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def offline_till(db: Path, address: str, token: str, till: str, sales: int) -> None:
    """Sync a new till once (catalog and customers, while still "online"), then sell."""
    from edge.services.till import CardScan, ProductScan, TillService
    from kassa.domain.cart import Cart
    from kassa.domain.sale import Tender

    database = Database(db)
    client = SyncClient(address, token, till_id=till, store_id="kyiv-1")
    sync_once(database, client)
    client.close()
    # The offline sales are not timed: they skip each sale's fsync, which otherwise makes
    # preparing 50 x 2,000 take about 45 minutes on this disk (36 sales/s).
    database.db.conn.execute("PRAGMA synchronous = OFF")
    service = TillService(database, till_id=till, store_id="kyiv-1")
    bread, coffee = service.scan("4820000000017"), service.scan("4820000000062")
    assert isinstance(bread, ProductScan) and isinstance(coffee, ProductScan)
    for n in range(sales):
        cart = Cart()
        cart.add(bread.product)
        cart.add(coffee.product)
        scanned = service.scan(card((n * 7919 + int(till[1:]) * 104729) % CUSTOMERS))
        assert isinstance(scanned, CardScan)
        service.close_sale(cart, Tender(cash=30000), scanned.customer)
    database.close()


def prepare(folder: Path, tills: int, sales: int) -> tuple[CentralProcess, dict[str, str]]:
    from central.demo import enrol, load_demo_catalog
    from central.storage.sqlite import SqliteStorage
    from tests.central_process import CentralProcess

    storage = SqliteStorage(folder / "central.db")
    try:
        load_demo_catalog(storage)
        load_carded_customers(storage, CUSTOMERS)
        tokens = {f"T{n}": enrol(storage, f"T{n}", "kyiv-1") for n in range(tills)}
    finally:
        storage.close()
    central = CentralProcess(folder / "central.db")
    central.start()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        done = [pool.submit(offline_till, folder / f"{till}.db", central.address, token, till,
                            sales) for till, token in tokens.items()]
        for future in done:
            future.result()
    return central, tokens


def expect(procs: list[subprocess.Popen[str]], word: str) -> None:
    """Wait until every worker has said ``word``."""
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == word


def tell(procs: list[subprocess.Popen[str]], word: str) -> None:
    """Send ``word`` to every worker."""
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write(f"{word}\n")
        proc.stdin.flush()


def one_round(tills: int, sales: int, cold_start: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        central, tokens = prepare(folder, tills, sales)
        print(f"offline sales made in {time.perf_counter() - started:.0f} s", flush=True)
        # On site every till writes its own disk, hours before it reconnects; here they
        # share one, so the offline sales' writes reach it before the clock starts.
        os.sync()
        try:
            assert central.process is not None
            central_cpu = process_cpu(central.process.pid)
            start = time.perf_counter()
            procs = [
                subprocess.Popen(
                    [
                        sys.executable,
                        __file__,
                        "--worker",
                        str(folder / f"{till}.db"),
                        central.address,
                        token,
                        till,
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for till, token in tokens.items()
            ]
            expect(procs, "ready")
            if not cold_start:  # the tills were running: their network comes back now
                start = time.perf_counter()
            tell(procs, "go")
            expect(procs, "pushed")
            pushed = time.perf_counter() - start
            tell(procs, "again")
            cpu = [0.0, 0.0, 0.0]
            for proc in procs:
                assert proc.stdout is not None
                word, *spent = proc.stdout.readline().split()
                assert word == "converged"
                cpu = [total + float(one) for total, one in zip(cpu, spent, strict=True)]
                proc.wait(timeout=60)
            converged = time.perf_counter() - start
            print(f"CPU s: tills {cpu[0]:.1f} (start-up) + {cpu[1]:.1f} (first round) + "
                  f"{cpu[2]:.1f} (second round), central "
                  f"{process_cpu(central.process.pid) - central_cpu:.1f}", flush=True)
            return pushed, converged
        finally:
            central.stop()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(*sys.argv[2:6])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tills", type=int, default=10)
    parser.add_argument("--sales", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold-start", action="store_true",
                        help="start the clock before the till processes start (their "
                             "imports and opening timed too), as before 2026-11-26")
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; {args.tills} tills x {args.sales} offline sales")
    results = [one_round(args.tills, args.sales, args.cold_start)
               for _ in range(args.rounds)]
    for name, values in (
        ("all pushed", [r[0] for r in results]),
        ("all converged", [r[1] for r in results]),
    ):
        print(
            f"{name}: median {statistics.median(values):.2f} s "
            f"(min {min(values):.2f}, max {max(values):.2f}, {len(values)} rounds)"
        )


if __name__ == "__main__":
    main()
