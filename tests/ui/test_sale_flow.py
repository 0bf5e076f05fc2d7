"""The till driven by Textual's Pilot against a real central and a real SQLite file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from escpos.printer import Dummy
from textual.widgets import Static

from edge.config import TillConfig
from edge.printing.config import PrinterConfig
from edge.services.till import TillService
from edge.storage import outbox, sales
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from edge.ui.app import TillApp
from tests.conftest import Chain


@dataclass
class Harness:
    app: TillApp
    printer: Dummy
    database: Database

    async def settle(self) -> None:
        """Wait for every worker but the endless sync loop to finish."""
        # An empty list would mean "all workers" to Textual, the endless one included.
        if busy := [w for w in self.app.workers if w.group != "sync"]:
            await self.app.workers.wait_for_complete(busy)

    def message(self) -> str:
        return str(self.app.sale_screen.query_one("#message", Static).render())

    def receipts(self) -> int:
        return int(self.database.scalar("SELECT COUNT(*) FROM receipts"))


@pytest.fixture
async def harness(chain: Chain, tmp_path: Path) -> AsyncIterator[Harness]:
    printer_config = PrinterConfig(kind="dummy")
    config = TillConfig(
        till_id="A1", store_id="kyiv-1", language="en", data_dir=tmp_path / "A1",
        central_address=chain.central.address, central_token=chain.tokens["A1"],
        sync_interval_s=0.5, printer=printer_config,
    )
    database = Database(config.database_path)
    client = SyncClient(config.central_address, config.central_token, timeout_s=5)
    sync_once(database, client)  # the catalog and customers arrive from central
    service = TillService(database, till_id="A1", store_id="kyiv-1")
    dummy = Dummy()
    app = TillApp(config, service, client, connect_printer=lambda _cfg: dummy)
    try:
        yield Harness(app, dummy, database)
    finally:
        client.close()
        database.close()


async def type_code(harness: Harness, pilot: object, code: str) -> None:
    await pilot.press(*code, "enter")  # type: ignore[attr-defined]
    await harness.settle()


async def test_scan_identify_pay_cash_print(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.settle()
        await type_code(harness, pilot, "4820000000017")  # Хліб житній 32.50
        await type_code(harness, pilot, "2*4820000000062")  # Кава мелена 2 x 219.00
        await type_code(harness, pilot, "2000000000015")  # card of Шевченко Олена
        screen = harness.app.sale_screen
        assert [line.quantity_milli for line in screen.cart.lines] == [1000, 2000]
        assert screen.cart.total == 3250 + 43800
        assert screen.customer is not None and screen.customer.id == "c-shevchenko"

        await pilot.press("f10")
        await pilot.press("ctrl+a", "ctrl+k", *"500", "enter")
        await harness.settle()

        assert "Change: 29.50" in harness.message()
        assert screen.cart.empty
    ((receipt_id,),) = harness.database.db.conn.execute("SELECT id FROM receipts").fetchall()
    stored = sales.get_receipt(harness.database, receipt_id)
    assert stored is not None
    assert stored["total"] == 47050 and stored["cash_tendered"] == 50000
    assert stored["change"] == 2950 and stored["customer_id"] == "c-shevchenko"
    assert [(ln["name"], ln["quantity_milli"]) for ln in stored["lines"]] == [
        ("Хліб житній", 1000), ("Кава мелена 250 г", 2000)
    ]
    printed = harness.printer.output
    assert b"\x1b\x70" in printed  # the cash drawer kick, for a cash payment
    for text in ("Хліб житній", "Кава мелена 250 г", "470.50", "29.50", "2352"):
        assert text.encode("cp1251") in printed, text


async def test_bad_input_says_what_is_wrong_and_writes_nothing(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.settle()
        await pilot.press("f10")  # an empty receipt cannot be paid
        await harness.settle()
        assert "The receipt is empty" in harness.message()

        await type_code(harness, pilot, "4820000000017")
        await type_code(harness, pilot, "1234567890123")  # no product, no card
        assert "Unknown code 1234567890123" in harness.message()
        await type_code(harness, pilot, "2000000000046")  # card-like, but not issued
        assert "Unknown code 2000000000046" in harness.message()
        await type_code(harness, pilot, "0*4820000000017")
        assert "Quantity must be a whole number" in harness.message()

        await pilot.press("f3", *"12ab", "enter")
        await harness.settle()
        assert "Not a phone number: 12ab" in harness.message()
        await pilot.press("f3", *"+380 99 000 00 00", "enter")
        await harness.settle()
        assert "No customer has the phone" in harness.message()

        await pilot.press("f3", *"067-123-45-67", "enter")  # Ukrainian spelling, no +380
        await harness.settle()
        screen = harness.app.sale_screen
        assert screen.customer is not None and screen.customer.id == "c-shevchenko"

        await pilot.press("f10", "ctrl+a", "ctrl+k", *"10", "enter")  # short of 32.50
        await harness.settle()
        assert len(screen.cart.lines) == 1 and screen.cart.total == 3250
        await pilot.press("escape")
    assert harness.receipts() == 0
    assert outbox.pending_count(harness.database) == 0
