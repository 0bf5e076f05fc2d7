"""The till application: owns the session, the sync loop and the printer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from babel.numbers import format_decimal
from escpos.escpos import Escpos
from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from edge.config import TillConfig
from edge.i18n import LANGUAGES, N_, _, current_language, set_language
from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.printing.queue import PrintWorker, QueueStatus
from edge.scanner import start_scanners
from edge.scanner.model import Reason, ScanEvent, ScannerState, ScannerStatus
from edge.services.customers import CustomerRegistry
from edge.services.price_tags import PriceTags
from edge.services.receipts import ReceiptPrinter
from edge.services.session import TillSession
from edge.services.till import TillService
from edge.storage import changes
from edge.storage.catalog import StoreSettings
from edge.sync.client import SyncClient
from edge.sync.runner import SyncLoop, SyncStatus
from edge.ui.commands import ScreenActions
from edge.ui.keys import translate_bindings
from edge.ui.login import LoginScreen
from edge.ui.sale_screen import SaleScreen
from kassa.domain.returns import ClosedReturn
from kassa.domain.sale import ClosedSale
from kassa.domain.shift import ShiftTotals, shift_too_long

if TYPE_CHECKING:
    from edge.scanner.reader import ScannerReader

# How often the status line looks at the till database for a bootstrap's progress.
BOOTSTRAP_POLL_S = 1.0


class SyncStatusChanged(Message):
    """Posted from the sync thread after every sync round."""

    def __init__(self, status: SyncStatus) -> None:
        super().__init__()
        self.status = status


_SCANNER_REASONS = {
    Reason.NOT_CONFIGURED: N_("no scanner is configured"),
    Reason.NO_EVDEV: N_("python-evdev is not available"),
    Reason.NO_INPUT: N_("there is no /dev/input"),
    Reason.NO_ACCESS: N_("/dev/input is not readable by this user"),
    Reason.NOT_FOUND: N_("no input device matches the configured scanner"),
    Reason.OPEN_FAILED: N_("the scanner cannot be opened or grabbed"),
    Reason.UNPLUGGED: N_("the scanner was unplugged"),
}


class PrintQueueChanged(Message):
    """Posted from the print worker after every attempt."""

    def __init__(self, status: QueueStatus) -> None:
        super().__init__()
        self.status = status


class ScanReceived(Message):
    """Posted from a scanner thread for every code read through evdev."""

    def __init__(self, scan: ScanEvent) -> None:
        super().__init__()
        self.scan = scan


class ScannerStatusChanged(Message):
    """Posted from a scanner thread when a scanner connects, drops or is absent."""

    def __init__(self, status: ScannerStatus) -> None:
        super().__init__()
        self.status = status


class TillApp(App[None]):
    """The keyboard-driven till. Blocking work runs in workers, off the UI thread."""

    CSS_PATH = "till.tcss"
    TITLE = "Kassa"
    COMMANDS = App.COMMANDS | {ScreenActions}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), priority=True),
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
        set_language(config.language)
        translate_bindings(self)
        self.config = config
        self.service = service
        self.session = TillSession(service, central=client)
        self.customers = CustomerRegistry(service)
        self.price_tags = PriceTags(service)
        self.printer = ReceiptPrinter(config.printer, config.language, connect_printer)
        service.receipts = self.printer
        self.print_worker = PrintWorker(
            config.database_path, config.printer, connect=connect_printer,
            on_status=self._print_status_from_thread,
        )
        self.sync_loop = SyncLoop(
            service.database, client, self._sync_status_from_thread,
            interval_s=config.sync_interval_s,
        )
        # Serialises database work so codes are handled in the order they were scanned.
        self.io_lock = asyncio.Lock()
        self.currency_sign = ""
        self.sync_status = SyncStatus(online=False, pending=0)
        self.print_queue = QueueStatus(waiting=0, last_error="")
        self.drawer_error = ""
        self.last_sale: ClosedSale | None = None
        self.sale_screen = SaleScreen()
        self.scanner_status: ScannerStatus | None = None
        self.store: StoreSettings | None = None
        self.bootstrap: changes.Bootstrap | None = None
        self._scanners: ScannerReader | None = None

    def on_mount(self) -> None:
        self.run_worker(self.sync_loop.run, thread=True, group="sync", exit_on_error=False)
        self.run_worker(self._start_scanners, thread=True, group="scanners",
                        exit_on_error=False)
        self.run_worker(self.print_worker.start, thread=True, group="printer",
                        exit_on_error=False)
        self.set_interval(BOOTSTRAP_POLL_S, self.poll_bootstrap)
        self.start()

    def _start_scanners(self) -> None:
        self._scanners = start_scanners(
            self.config.scanner, self._scan_from_thread, self._scanner_status_from_thread
        )

    def _scan_from_thread(self, scan: ScanEvent) -> None:
        self.post_message(ScanReceived(scan))

    def _scanner_status_from_thread(self, status: ScannerStatus) -> None:
        self.post_message(ScannerStatusChanged(status))

    async def on_scan_received(self, message: ScanReceived) -> None:
        """A scan goes to the sale screen, or into the field of the dialog that is open."""
        text = message.scan.text.strip("\r\n")
        screen = self.screen
        if isinstance(screen, SaleScreen):
            screen.handle_code(text)
        elif isinstance(self.focused, Input) and not isinstance(screen, LoginScreen):
            self.focused.value = text
            await self.focused.action_submit()
        else:
            self.bell()

    def on_scanner_status_changed(self, message: ScannerStatusChanged) -> None:
        self.scanner_status = message.status
        self.refresh_status()

    def _scanner_text(self) -> str:
        status = self.scanner_status
        if status is None:
            return ""
        if status.state is ScannerState.CONNECTED:
            return _("scanner connected")
        if status.state is ScannerState.DISCONNECTED:
            return _("scanner unplugged: waiting for it")
        reason = _SCANNER_REASONS.get(status.reason) if status.reason else None
        return _("keyboard mode: {reason}").format(reason=_(reason) if reason else "")

    @work(exit_on_error=False, group="start")
    async def start(self) -> None:
        """Restore the open shift and receipt, then ask for a PIN."""
        async with self.io_lock:
            await asyncio.to_thread(self.session.restore)
        await self.load_store()
        self.show_login()

    async def on_unmount(self) -> None:
        self.sync_loop.stop()
        await asyncio.to_thread(self.print_worker.stop)
        if self._scanners is not None:
            await asyncio.to_thread(self._scanners.stop)

    # --- screens ------------------------------------------------------------------------

    def show_login(self) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(LoginScreen())
        else:
            self.push_screen(LoginScreen())

    def show_sale(self) -> None:
        self.sale_screen = SaleScreen()
        self.sale_screen.show_store(self.store_line())
        self.switch_screen(self.sale_screen)
        self.refresh_status()

    def action_switch_language(self) -> None:
        """Cycle the UI language (ru → uk → en); the receipt language stays the store's."""
        languages = list(LANGUAGES)
        set_language(languages[(languages.index(current_language()) + 1) % len(languages)])
        translate_bindings(self)
        if isinstance(self.screen, SaleScreen):
            self.show_sale()
        else:
            self.switch_screen(LoginScreen())
        self.refresh_status()

    # --- status -------------------------------------------------------------------------

    def _print_status_from_thread(self, status: QueueStatus) -> None:
        self.post_message(PrintQueueChanged(status))

    def on_print_queue_changed(self, message: PrintQueueChanged) -> None:
        self.print_queue = message.status
        self.refresh_status()

    def _sync_status_from_thread(self, status: SyncStatus) -> None:
        self.post_message(SyncStatusChanged(status))

    async def on_sync_status_changed(self, message: SyncStatusChanged) -> None:
        first_contact = message.status.online and not self.sync_status.online
        self.sync_status = message.status
        if first_contact:
            await self.load_store()
        self.refresh_status()

    async def load_store(self) -> None:
        """Store name and currency sign from the till database (they come from central)."""
        async with self.io_lock:
            self.store = await asyncio.to_thread(self.service.store)
        if self.store is not None:
            self.currency_sign = self.store.currency_sign
        self.sale_screen.show_store(self.store_line())
        self.sale_screen.refresh_receipt()

    def store_line(self) -> str:
        """The top line: store, till and the fiscal mode, in the current language."""
        if self.store is None:
            return _("Store {store} is not known yet: waiting for central").format(
                store=self.config.store_id)
        return _("{store} · till {till} · non-fiscal mode").format(
            store=self.store.name, till=self.config.till_id)

    async def poll_bootstrap(self) -> None:
        """Read a bootstrap's progress (the sync thread stores it with each page)."""
        state = await asyncio.to_thread(changes.bootstrap_state, self.service.database)
        if state != self.bootstrap:
            self.bootstrap = state
            self.refresh_status()

    def _bootstrap_text(self, state: changes.Bootstrap) -> str:
        """'bootstrap 37% (370,000 / 1,000,000)' and what the till can do meanwhile."""
        language = current_language()
        progress = _("bootstrap {percent}% ({done} / {total})").format(
            percent=state.done * 100 // state.total if state.total else 0,
            done=format_decimal(state.done, locale=language),
            total=format_decimal(state.total, locale=language) if state.total else "?")
        return progress + ": " + _("sales work meanwhile; customers, cards and points "
                                   "are still loading")

    def refresh_status(self) -> None:
        """online/offline · waiting events · printer · cashier · shift; a bootstrap in
        progress takes a line of its own above them."""
        status = self.sync_status
        parts = [
            _("● online") if status.online else _("○ offline"),
            _("{count} waiting to sync").format(count=status.pending),
            self._printer_text(),
        ]
        if scanner := self._scanner_text():
            parts.append(scanner)
        session = self.session
        if session.cashier is not None:
            parts.append(session.cashier.name)
        if session.shift is not None:
            shift = _("shift {number}").format(number=session.shift.number)
            if shift_too_long(session.shift.opened_at, self.service.now()):
                shift += " " + _("(open over 24 h: close it with a Z report)")
            parts.append(shift)
        text = " · ".join(parts)
        self.set_class(self.bootstrap is not None, "bootstrapping")
        if self.bootstrap is not None:
            text = self._bootstrap_text(self.bootstrap) + "\n" + text
        for screen in self.screen_stack:
            if isinstance(screen, SaleScreen | LoginScreen):
                screen.show_status(text)

    def sale_closed(self) -> None:
        """An event was stored: count it as waiting and sync it now."""
        self.sync_status = SyncStatus(
            online=self.sync_status.online,
            pending=self.sync_status.pending + 1,
            last_success=self.sync_status.last_success,
        )
        self.refresh_status()
        self.sync_loop.wake()

    def _printer_text(self) -> str:
        queue = self.print_queue
        if queue.waiting:
            text = _("printer: {count} waiting").format(count=queue.waiting)
            return f"{text} ({queue.last_error})" if queue.last_error else text
        if self.drawer_error:
            return _("drawer: {error}").format(error=self.drawer_error)
        return _("printer: ready")

    async def after_sale(self, sale: ClosedSale) -> None:
        """The receipt is queued with the sale: print it now, and open the drawer for cash."""
        await self._printed_with_drawer(cash=sale.paid_by("cash") > 0)

    async def after_return(self, ret: ClosedReturn) -> None:
        """The slip is queued with the return: print it now, and open the drawer for cash."""
        await self._printed_with_drawer(cash=ret.refunded_by("cash") > 0)

    async def _printed_with_drawer(self, *, cash: bool) -> None:
        self.print_worker.wake()
        if cash:
            try:
                await asyncio.to_thread(self.printer.kick_drawer)
                self.drawer_error = ""
            except (OSError, ValueError) as exc:
                self.drawer_error = str(exc)
            self.refresh_status()

    async def print_copy(self, sale: ClosedSale) -> str:
        """Queue a reprint marked COPY; returns '' or why it cannot be queued."""
        store = await asyncio.to_thread(self.service.store)
        if store is None:
            return _("store settings not received from central yet")
        async with self.io_lock:
            await asyncio.to_thread(self._queue, self.printer.queue_copy, sale, store)
        self.print_worker.wake()
        return ""

    async def print_shift_report(self, totals: ShiftTotals, *, kind: str) -> None:
        """Queue an X or Z report."""
        store = await asyncio.to_thread(self.service.store)
        if store is None:
            return
        cashier = self.session.cashier.name if self.session.cashier else ""
        async with self.io_lock:
            await asyncio.to_thread(
                self._queue, self.printer.queue_shift_report, totals, store, kind=kind,
                till_id=self.config.till_id, cashier=cashier, at=self.service.now())
        self.print_worker.wake()

    def _queue(self, make: Callable[..., str], *args: object, **kwargs: object) -> None:
        with self.service.database.write() as db:
            make(db, *args, **kwargs)
