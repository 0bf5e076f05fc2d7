"""The till application: owns the services, the sync loop and the printer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ClassVar

from escpos.escpos import Escpos
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message

from edge.config import TillConfig
from edge.i18n import _
from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.services.receipts import ReceiptPrinter
from edge.services.till import TillService
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, SyncStatus
from edge.ui.sale_screen import SaleScreen
from kassa.domain.sale import ClosedSale


class SyncStatusChanged(Message):
    """Posted from the sync thread after every sync round."""

    def __init__(self, status: SyncStatus) -> None:
        super().__init__()
        self.status = status


class TillApp(App[None]):
    """The keyboard-driven till. Blocking work runs in workers, off the UI thread."""

    CSS_PATH = "till.tcss"
    TITLE = "Kassa"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", _("Quit"), priority=True),
    ]

    def __init__(
        self,
        config: TillConfig,
        service: TillService,
        client: SyncClient,
        *,
        connect_printer: Callable[[PrinterConfig], Escpos] = open_printer,
    ) -> None:
        super().__init__()
        self.config = config
        self.service = service
        self.printer = ReceiptPrinter(config.printer, config.language, connect_printer)
        self.sync_loop = SyncLoop(
            service.database, client, self._sync_status_from_thread,
            interval_s=config.sync_interval_s,
        )
        # Serialises database work so codes are handled in the order they were scanned.
        self.io_lock = asyncio.Lock()
        self.currency_sign = ""
        self.sync_status = SyncStatus(online=False, pending=0)
        self.printer_state = _("printer: ready")
        self.sale_screen = SaleScreen()

    def on_mount(self) -> None:
        self.push_screen(self.sale_screen)
        self.run_worker(self.sync_loop.run, thread=True, group="sync", exit_on_error=False)
        self.load_store()

    async def on_unmount(self) -> None:
        self.sync_loop.stop()

    def _sync_status_from_thread(self, status: SyncStatus) -> None:
        self.post_message(SyncStatusChanged(status))

    def on_sync_status_changed(self, message: SyncStatusChanged) -> None:
        first_contact = message.status.online and not self.sync_status.online
        self.sync_status = message.status
        self.refresh_status()
        if first_contact:
            self.load_store()

    @work(exit_on_error=False, group="store")
    async def load_store(self) -> None:
        """Store name and currency sign from the till database (they come from central)."""
        async with self.io_lock:
            store = await asyncio.to_thread(self.service.store)
        if store is None:
            self.sale_screen.show_store(
                _("Store {store} is not known yet: waiting for central").format(
                    store=self.config.store_id)
            )
        else:
            self.currency_sign = store.currency_sign
            self.sale_screen.show_store(
                _("{store} · till {till} · non-fiscal mode").format(
                    store=store.name, till=self.config.till_id)
            )
            self.sale_screen.refresh_receipt()
        self.refresh_status()

    def refresh_status(self) -> None:
        status = self.sync_status
        state = _("● online") if status.online else _("○ offline")
        waiting = _("{count} waiting to sync").format(count=status.pending)
        self.sale_screen.show_status(f"{state} · {waiting} · {self.printer_state}")

    def sale_closed(self) -> None:
        """A sale was stored: show it as waiting and sync it now."""
        self.sync_status = SyncStatus(
            online=self.sync_status.online,
            pending=self.sync_status.pending + 1,
            last_success=self.sync_status.last_success,
        )
        self.refresh_status()
        self.sync_loop.wake()

    async def print_receipt(self, sale: ClosedSale, *, open_drawer: bool) -> str:
        """Print in a thread; returns '' when printed, else what went wrong."""
        store = await asyncio.to_thread(self.service.store)
        if store is None:
            return _("store settings not received from central yet")
        try:
            await asyncio.to_thread(self.printer.print_sale, sale, store, open_drawer=open_drawer)
        except (OSError, ValueError) as exc:
            self.printer_state = _("printer: error")
            self.refresh_status()
            return str(exc)
        self.printer_state = _("printer: ready")
        self.refresh_status()
        return ""
