"""Printed documents of the till: receipts, return slips and shift reports are queued.

A receipt or a return slip is rendered to ESC/POS bytes (and its "COPY" twin) when the
sale or return closes and queued in its own transaction; the print worker sends it when
the printer can take it. The cash drawer is kicked directly, never queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from escpos.escpos import Escpos

from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.printing.documents import CashMovement, ShiftReport
from edge.printing.layout import Style, rendered
from edge.printing.queue import Target, enqueue
from edge.printing.receipt import open_cash_drawer, receipt_bytes
from edge.printing.reports import render_shift_report
from edge.printing.returns import return_bytes
from edge.storage.catalog import StoreSettings
from kassa.domain.returns import ClosedReturn
from kassa.domain.sale import ClosedSale
from kassa.domain.shift import ShiftTotals


class ReceiptPrinter:
    """Renders the till's documents for the configured printer and queues them."""

    def __init__(
        self,
        config: PrinterConfig,
        language: str,
        connect: Callable[[PrinterConfig], Escpos] = open_printer,
    ) -> None:
        self.config = config
        self.language = language
        self._connect = connect

    def _language(self, store: StoreSettings) -> str:
        """Receipts speak the store's receipt language (R1), else the till's."""
        return store.receipt_language or self.language

    def _style(self, store: StoreSettings) -> Style:
        return Style(
            language=self._language(store), width=self.config.width,
            code_page=self.config.code_page, currency_sign=store.currency_sign,
            tz=ZoneInfo(store.time_zone),
        )

    def receipt(self, sale: ClosedSale, store: StoreSettings, *, copy: bool = False) -> bytes:
        return receipt_bytes(
            sale,
            store_name=store.name,
            currency_sign=store.currency_sign,
            language=self._language(store),
            width=self.config.width,
            code_page=self.config.code_page,
            profile=self.config.profile,
            tz=ZoneInfo(store.time_zone),
            copy=copy,
            code_prefix=store.receipt_barcode_prefix,
        )

    def queue_receipt(self, target: Target, sale: ClosedSale, store: StoreSettings) -> str:
        """Queue a new receipt (with its COPY twin for a retry after a partial print)."""
        return enqueue(
            target, "receipt", self.receipt(sale, store),
            copy_payload=self.receipt(sale, store, copy=True),
        )

    def queue_copy(self, target: Target, sale: ClosedSale, store: StoreSettings) -> str:
        """Queue a reprint of a stored receipt: it says COPY."""
        payload = self.receipt(sale, store, copy=True)
        return enqueue(target, "receipt-copy", payload, copy_payload=payload)

    def return_slip(self, ret: ClosedReturn, store: StoreSettings, *, copy: bool = False) -> bytes:
        return return_bytes(
            ret, self._style(store), store_name=store.name, profile=self.config.profile,
            copy=copy,
        )

    def queue_return(self, target: Target, ret: ClosedReturn, store: StoreSettings) -> str:
        """Queue a return slip (with its COPY twin for a retry after a partial print)."""
        return enqueue(
            target, "return", self.return_slip(ret, store),
            copy_payload=self.return_slip(ret, store, copy=True),
        )

    def queue_shift_report(
        self, target: Target, totals: ShiftTotals, store: StoreSettings, *, kind: str,
        till_id: str, cashier: str, at: datetime,
    ) -> str:
        """Queue an X or Z report."""
        report = ShiftReport(
            kind="Z" if kind == "Z" else "X", store_name=store.name, till_id=till_id,
            shift_number=totals.shift_number, cashier=cashier, opened_at=totals.opened_at,
            at=at, sales_count=totals.sales_count, sales_total=totals.sales_total,
            returns_count=totals.returns_count, returns_total=totals.returns_total,
            discounts_total=totals.discounts_total,
            paid_cash=totals.net_by("cash"), paid_card=totals.net_by("card"),
            paid_points=totals.by_method.get("points", 0), points_earned=totals.points_earned,
            points_spent=totals.points_spent, opening_float=totals.opening_float,
            movements=tuple(CashMovement(m.at, m.amount, m.reason) for m in totals.moves),
        )
        style = self._style(store)
        payload = rendered(self.config.profile,
                           lambda printer: render_shift_report(printer, report, style))
        return enqueue(target, f"{kind.lower()}-report", payload)

    def kick_drawer(self) -> None:
        """Open the cash drawer now; raises PrinterUnavailable or OSError on failure."""
        printer = self._connect(self.config)
        try:
            open_cash_drawer(printer)
        finally:
            printer.close()
