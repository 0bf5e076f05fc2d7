"""Printing a closed sale on the configured printer and opening the cash drawer."""

from __future__ import annotations

from collections.abc import Callable

from escpos.escpos import Escpos

from edge.printing.config import PrinterConfig
from edge.printing.connect import open_printer
from edge.printing.receipt import open_cash_drawer, render_receipt
from edge.storage.catalog import StoreSettings
from kassa.domain.sale import ClosedSale


class ReceiptPrinter:
    """Prints receipts; each job opens the printer, so a replugged printer just works."""

    def __init__(
        self,
        config: PrinterConfig,
        language: str,
        connect: Callable[[PrinterConfig], Escpos] = open_printer,
    ) -> None:
        self.config = config
        self.language = language
        self._connect = connect

    def print_sale(self, sale: ClosedSale, store: StoreSettings, *, open_drawer: bool) -> None:
        """Print the receipt of ``sale``; raises PrinterUnavailable or OSError on failure."""
        printer = self._connect(self.config)
        try:
            if open_drawer:
                open_cash_drawer(printer)
            render_receipt(
                printer,
                sale,
                store_name=store.name,
                currency_sign=store.currency_sign,
                language=self.language,
                width=self.config.width,
                code_page=self.config.code_page,
            )
        finally:
            printer.close()
