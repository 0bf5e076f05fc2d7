"""Till benchmark: a large catalog and customer base on one till (issue 4 figures).

Usage: python bench/bench_till.py [--products 100000] [--customers 1000000] [--repeat 2000]

Builds a till database in a temporary folder (100,000 products, 1,000,000 customers
with cards and phones, the demo chain's pricing programs), then measures, on this machine:
- customer lookup by card and by phone (service call, p50/p99);
- a scanned code to the line in the open receipt, saved to disk (service call, p50/p95);
- a scanned code typed into the running Textual app to the line on screen (Pilot, p50/p95);
- till start-up: a fresh process until the login screen is ready.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PROGRAMS = ROOT / "central" / "demo_programs.json"
sys.path.insert(0, str(ROOT))

from edge.services.session import TillSession  # noqa: E402
from edge.services.till import TillService  # noqa: E402
from edge.storage.changes import apply_changes  # noqa: E402
from edge.storage.database import Database  # noqa: E402
from kassa.domain.codes import ean13_check_digit  # noqa: E402
from kassa.domain.pins import hash_pin  # noqa: E402
from kassa.domain.search import search_key  # noqa: E402
from kassa.sync.v1 import sync_pb2  # noqa: E402


def ean(prefix: str, n: int) -> str:
    body = f"{prefix}{n:0{12 - len(prefix)}d}"
    return body + str(ean13_check_digit(body))


def build(path: Path, products: int, customers: int) -> None:
    """Fill a till database directly with SQL, as a long sync would leave it."""
    database = Database(path)
    apply_changes(
        database,
        [
            sync_pb2.Change(
                seq=1,
                store=sync_pb2.Store(
                    id="s1",
                    name="Bench",
                    time_zone="Europe/Kyiv",
                    phone_region="UA",
                    currency="UAH",
                    currency_sign="грн",
                    weight_label_prefixes=["21"],
                    cash_step=10,
                ),
            ),
            # The demo chain's programs: every scan re-prices the receipt with them.
            sync_pb2.Change(
                seq=2,
                pricing_programs=sync_pb2.PricingPrograms(
                    id="chain", version=1, json=DEMO_PROGRAMS.read_text(encoding="utf-8")
                ),
            ),
            sync_pb2.Change(
                seq=3,
                cashier=sync_pb2.Cashier(
                    id="c1",
                    name="Bench",
                    role=sync_pb2.Cashier.CASHIER,
                    active=True,
                    pin_hash=hash_pin("1111", secrets.token_bytes(16)),
                ),
            ),
        ],
    )
    with database.write() as db:
        db.conn.executemany(
            "INSERT INTO products (id, name, category, price, search_name) VALUES (?, ?, '', ?, ?)",
            (
                (f"p{i}", f"Товар {i}", 100 + i % 50000, search_key(f"Товар {i}"))
                for i in range(products)
            ),
        )
        db.conn.executemany(
            "INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?)",
            ((ean("482", i), f"p{i}") for i in range(products)),
        )
        db.conn.executemany(
            "INSERT INTO customers (id, surname, first_name, phone) VALUES (?, ?, ?, ?)",
            ((f"c{i}", f"Прізвище{i}", "Ім'я", f"+38067{i:07d}") for i in range(customers)),
        )
        db.conn.executemany(
            "INSERT INTO cards (barcode, customer_id) VALUES (?, ?)",
            ((ean("20", i), f"c{i}") for i in range(customers)),
        )
    database.close()


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, samples: list[float], p: float) -> None:
    ms = [s * 1000 for s in samples]
    print(
        f"{name:<44} n={len(ms):>5}  median {statistics.median(ms):7.3f} ms  "
        f"p{p:g} {percentile(ms, p):7.3f} ms  min {min(ms):7.3f}  max {max(ms):7.3f}",
        flush=True,
    )


def measure_services(path: Path, products: int, customers: int, repeat: int) -> None:
    database = Database(path)
    service = TillService(database, till_id="T1", store_id="s1")
    session = TillSession(service)
    session.restore()
    session.login("1111")
    if session.shift is None:
        session.open_shift(0)
    rng = secrets.SystemRandom()
    by_card, by_phone, scans = [], [], []
    for _ in range(repeat):
        i = rng.randrange(customers)
        t = time.perf_counter()
        service.scan(ean("20", i))
        by_card.append(time.perf_counter() - t)
        t = time.perf_counter()
        service.customer_by_phone(f"067 {i:07d}")
        by_phone.append(time.perf_counter() - t)
    for n in range(repeat):
        if n % 50 == 0:
            session.clear()
        code = ean("482", rng.randrange(products))
        t = time.perf_counter()
        session.enter_code(code)
        scans.append(time.perf_counter() - t)
    report("customer by card (service)", by_card, 99)
    report("customer by phone (service)", by_phone, 99)
    report("scan to saved line, receipt <= 50 lines", scans, 95)
    database.close()


async def measure_ui(path: Path, products: int, repeat: int) -> None:
    from textual import events
    from textual.widgets import Static

    from edge.config import TillConfig
    from edge.printing.config import PrinterConfig
    from edge.sync.client import SyncClient
    from edge.ui.app import TillApp
    from edge.ui.dialogs import TextScreen
    from edge.ui.login import LoginScreen
    from edge.ui.sale_screen import SaleScreen

    database = Database(path)
    config = TillConfig(
        till_id="T1",
        store_id="s1",
        language="en",
        data_dir=path.parent,
        central_address="127.0.0.1:9",
        central_token="none",
        sync_interval_s=60,
        printer=PrinterConfig(kind="dummy"),
    )
    client = SyncClient(config.central_address, config.central_token, timeout_s=1)
    app = TillApp(config, TillService(database, till_id="T1", store_id="s1"), client)
    rng = secrets.SystemRandom()
    samples: list[float] = []
    async with app.run_test() as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause(0.01)
        await pilot.press(*"1111", "enter")
        while not isinstance(app.screen, SaleScreen | TextScreen):
            await pilot.pause(0.01)
        if isinstance(app.screen, TextScreen):
            await pilot.press("0", "enter")
        while not isinstance(app.screen, SaleScreen):
            await pilot.pause(0.01)
        driver = app._driver
        assert driver is not None
        for n in range(repeat):
            if n % 50 == 0:
                await app.screen.run_action("clear_receipt")
                await app.workers.wait_for_complete(
                    [w for w in app.workers if w.group not in ("sync", "scanners")]
                )
            total = app.sale_screen.query_one("#total", Static)
            before = str(total.render())
            code = ean("482", rng.randrange(products))
            t = time.perf_counter()
            # A scanner in keyboard mode types the whole code in a burst: deliver the key
            # events as the terminal driver would, without Pilot's wait after each key.
            for key in [*code, "enter"]:
                event = events.Key(key, key if len(key) == 1 else "\r")
                event.set_sender(app)
                driver.send_message(event)
            deadline = time.perf_counter() + 10
            while str(total.render()) == before:  # the line and the new total are drawn
                if time.perf_counter() > deadline:
                    raise RuntimeError(
                        f"{code} never reached the screen: {app.screen!r} "
                        f"{app.sale_screen.query_one('#message', Static).render()}"
                    )
                await pilot.pause(0)
            samples.append(time.perf_counter() - t)
    report("keys of a scanned code to the line on screen", samples, 95)
    client.close()
    database.close()


STARTUP = """
import asyncio, sys, time
t0 = time.perf_counter()
from pathlib import Path
from edge.config import TillConfig
from edge.printing.config import PrinterConfig
from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.ui.app import TillApp
from edge.ui.login import LoginScreen
path = Path(sys.argv[1])
config = TillConfig(till_id="T1", store_id="s1", language="en", data_dir=path.parent,
    central_address="127.0.0.1:9", central_token="none", sync_interval_s=60,
    printer=PrinterConfig(kind="dummy"))
app = TillApp(config, TillService(Database(path), till_id="T1", store_id="s1"),
              SyncClient(config.central_address, config.central_token))
async def main():
    async with app.run_test() as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause(0.01)
        print(time.perf_counter() - t0)
asyncio.run(main())
sys.exit(0)
"""


def measure_startup(path: Path, runs: int = 5) -> None:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", STARTUP, str(path)], capture_output=True, text=True, cwd=ROOT
        )
        if done.returncode != 0:
            raise RuntimeError(f"start-up run failed: {done.stderr[-1500:]}")
        samples.append(time.perf_counter() - t)
    report("till start-up to login screen (process)", samples, 100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "edge.db"
        t = time.perf_counter()
        build(path, args.products, args.customers)
        print(
            f"built {args.products} products, {args.customers} customers in "
            f"{time.perf_counter() - t:.1f} s ({path.stat().st_size / 1e6:.0f} MB)"
        )
        measure_services(path, args.products, args.customers, args.repeat)
        asyncio.run(measure_ui(path, args.products, min(args.repeat, 500)))
        measure_startup(path)


if __name__ == "__main__":
    main()
