"""Shared Pilot harness: a real central, a till database on a real SQLite file, a Dummy printer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from escpos.printer import Dummy
from textual.pilot import Pilot
from textual.widgets import Static

from edge.config import TillConfig
from edge.i18n import set_language
from edge.printing.config import PrinterConfig
from edge.services.session import TillSession
from edge.services.till import TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from edge.ui.app import TillApp
from edge.ui.dialogs import TextScreen
from edge.ui.login import LoginScreen
from edge.ui.sale_screen import SaleScreen
from tests.conftest import Chain


class Clock:
    """The till's clock, set by the test: 12:00 in Kyiv unless moved."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Kyiv"))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Harness:
    app: TillApp
    printer: Dummy
    database: Database
    clock: Clock
    chain: Chain

    async def settle(self) -> None:
        """Wait for every worker but the endless sync loop to finish."""
        # An empty list would mean "all workers" to Textual, the endless one included.
        if busy := [w for w in self.app.workers if w.group not in ("sync", "scanners")]:
            # A worker still waiting for a dialog would block forever: fail fast instead.
            await asyncio.wait_for(self.app.workers.wait_for_complete(busy), timeout=20)

    async def press_into(self, pilot: Pilot[None], screen: type, *keys: str) -> None:
        """Wait for a dialog of type ``screen`` to open, then type into it."""
        await self.wait_for(pilot, lambda: isinstance(self.app.screen, screen))
        await pilot.press(*keys)

    async def wait_for(self, pilot: Pilot[None], condition: Callable[[], bool]) -> None:
        """Let the app run until ``condition`` holds (a dialog opened by a worker, say)."""
        for _ in range(500):
            if condition():
                return
            await pilot.pause(0.02)
        raise AssertionError("the till never reached the expected state")

    async def log_in(self, pilot: Pilot[None], pin: str = "1111") -> None:
        """PIN, then a zero float for the first shift; ends on the sale screen."""
        await self.wait_for(pilot, lambda: isinstance(self.app.screen, LoginScreen))
        await pilot.press(*pin, "enter")
        await self.wait_for(pilot, lambda: isinstance(self.app.screen, TextScreen))
        await pilot.press("x", "enter")  # not an amount: the float is asked for again
        await self.wait_for(pilot, lambda: isinstance(self.app.screen, TextScreen)
                            and "Not an amount: x" in str(self.app.screen.prompt))
        await pilot.press("0", "enter")
        await self.wait_for(pilot, lambda: isinstance(self.app.screen, SaleScreen))
        await self.settle()

    async def printed(self, pilot: Pilot[None]) -> bytes:
        """Wait for the print queue to drain; the bytes the Dummy printer received."""
        await self.wait_for(pilot, lambda: self.database.scalar(
            "SELECT COUNT(*) FROM print_jobs WHERE state != 'done'") == 0)
        return bytes(self.printer.output)

    def message(self) -> str:
        return str(self.app.sale_screen.query_one("#message", Static).render())

    @property
    def session(self) -> TillSession:
        return self.app.session

    def receipts(self) -> int:
        return int(self.database.scalar("SELECT COUNT(*) FROM receipts"))


@pytest.fixture
async def harness(chain: Chain, tmp_path: Path) -> AsyncIterator[Harness]:
    async for made in make_harness(chain, tmp_path, sync_interval_s=0.5):
        yield made


@pytest.fixture
async def quiet_harness(chain: Chain, tmp_path: Path) -> AsyncIterator[Harness]:
    """A till that syncs once at start and then not for an hour: a stable status line."""
    async for made in make_harness(chain, tmp_path, sync_interval_s=3600):
        yield made


async def make_harness(
    chain: Chain, tmp_path: Path, *, sync_interval_s: float
) -> AsyncIterator[Harness]:
    printer_config = PrinterConfig(kind="dummy")
    config = TillConfig(
        till_id="A1", store_id="kyiv-1", language="en", data_dir=tmp_path / "A1",
        central_address=chain.central.address, central_token=chain.tokens["A1"],
        sync_interval_s=sync_interval_s, printer=printer_config,
    )
    database = Database(config.database_path)
    client = SyncClient(config.central_address, config.central_token, timeout_s=5)
    sync_once(database, client)  # the catalog and customers arrive from central
    clock = Clock()
    service = TillService(database, till_id="A1", store_id="kyiv-1", clock=clock)
    dummy = Dummy()
    app = TillApp(config, service, client, connect_printer=lambda _cfg: dummy)
    try:
        yield Harness(app, dummy, database, clock, chain)
    finally:
        set_language("en")
        client.close()
        database.close()


async def type_code(harness: Harness, pilot: Pilot[None], code: str) -> None:
    await pilot.press(*code, "enter")
    await harness.settle()
