"""The sale screen: scan or type codes, identify the customer, take cash, print."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from edge.i18n import _
from edge.services.till import CardScan, NotFound
from edge.ui.dialogs import CashPaymentScreen, PhoneScreen
from edge.ui.formatting import money, quantity
from kassa.domain.cart import Cart, CartError, Product
from kassa.domain.phones import InvalidPhone
from kassa.domain.sale import ClosedSale, CustomerRef, SaleError

if TYPE_CHECKING:
    from edge.ui.app import TillApp

MAX_QUANTITY = 9999


def split_quantity(text: str) -> tuple[int, str]:
    """'3*4820000000017' -> (3000, code); a plain code -> (1000, code)."""
    count, star, code = text.partition("*")
    if not star:
        return 1000, text.strip()
    count = count.strip()
    if not count.isdigit() or not 0 < int(count) <= MAX_QUANTITY:
        raise CartError(_("Quantity must be a whole number from 1 to {max}: {text}").format(
            max=MAX_QUANTITY, text=count))
    return int(count) * 1000, code.strip()


class SaleScreen(Screen[None]):
    """One open receipt. The code field always has focus: a keyboard-mode scanner types there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "customer_by_phone", _("Customer by phone")),
        Binding("f8", "delete_line", _("Delete line")),
        Binding("f4", "clear_receipt", _("Clear receipt")),
        Binding("f10", "pay_cash", _("Pay cash"), priority=True),
        Binding("f9", "reprint", _("Reprint")),
        Binding("up", "cursor(-1)", _("Line up"), show=False),
        Binding("down", "cursor(1)", _("Line down"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.cart = Cart()
        self.customer: CustomerRef | None = None
        self.last_sale: ClosedSale | None = None
        self._status_text = ""
        self._store_text = ""

    @property
    def till(self) -> TillApp:
        from edge.ui.app import TillApp

        assert isinstance(self.app, TillApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(self._store_text, id="store")
        with Horizontal():
            yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
            with Vertical(id="side"):
                yield Static(_("No customer"), id="customer")
                yield Static("", id="total")
        yield Static("", id="message")
        yield Input(
            placeholder=_("Scan or type a barcode, article or card; 3* before a code for 3 pcs"),
            id="code",
        )
        yield Static(self._status_text, id="status")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#lines", DataTable)
        table.add_columns("#", _("Product"), _("Qty"), _("Price"), _("Sum"))
        self.query_one("#code", Input).focus()
        self.query_one("#status", Static).update(self._status_text)
        self.query_one("#store", Static).update(self._store_text)
        self.refresh_receipt()

    # --- display ------------------------------------------------------------------------

    @property
    def sign(self) -> str:
        return self.till.currency_sign

    def refresh_receipt(self) -> None:
        """Redraw the lines, the total and the customer panel from the cart."""
        if not self.is_mounted:
            return  # on_mount draws it
        table = self.query_one("#lines", DataTable)
        row = table.cursor_row
        table.clear()
        for i, line in enumerate(self.cart.lines, start=1):
            table.add_row(
                str(i), line.product.name, quantity(line.quantity_milli),
                money(line.product.price), money(line.total),
            )
        if self.cart.lines:
            table.move_cursor(row=min(max(row, 0), len(self.cart.lines) - 1))
        self.query_one("#total", Static).update(
            _("TOTAL {amount}").format(amount=money(self.cart.total, self.sign))
        )
        if self.customer is None:
            text = _("No customer")
        else:
            text = _("{name}\nPoints: {points}").format(
                name=self.customer.name, points=self.customer.balance
            )
        self.query_one("#customer", Static).update(text)

    def say(self, text: str, *, error: bool = False) -> None:
        """Show a message under the receipt; errors in the error style."""
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "error")

    def show_status(self, text: str) -> None:
        """Status line text; kept until the screen is mounted if it is not yet."""
        self._status_text = text
        if self.is_mounted:
            self.query_one("#status", Static).update(text)

    def show_store(self, text: str) -> None:
        """Store line text; kept until the screen is mounted if it is not yet."""
        self._store_text = text
        if self.is_mounted:
            self.query_one("#store", Static).update(text)

    # --- codes --------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "code":
            return
        text = event.value
        event.input.value = ""
        if text.strip():
            self.handle_code(text)

    @work(exit_on_error=False, group="codes")
    async def handle_code(self, text: str) -> None:
        """Look the code up off the UI thread, in the order codes arrived."""
        try:
            quantity_milli, code = split_quantity(text)
        except CartError as exc:
            self.say(str(exc), error=True)
            return
        async with self.till.io_lock:
            try:
                found = await asyncio.to_thread(self.till.service.scan, code)
            except NotFound as exc:
                self.say(_("Unknown code {code}: no product or card has it").format(code=code)
                         if "unknown code" in str(exc) else str(exc), error=True)
                return
        if isinstance(found, Product):
            self.cart.add(found, quantity_milli)
            self.say(f"{found.name} × {quantity(quantity_milli)}")
        else:
            self.set_customer(found)
        self.refresh_receipt()

    def set_customer(self, found: CardScan | CustomerRef) -> None:
        customer = found.customer if isinstance(found, CardScan) else found
        self.customer = customer
        self.say(_("Customer: {name}, {points} points").format(
            name=customer.name, points=customer.balance))

    # --- actions ------------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#lines", DataTable)
        if self.cart.lines:
            table.move_cursor(row=min(max(table.cursor_row + step, 0), len(self.cart.lines) - 1))

    def action_delete_line(self) -> None:
        if self.cart.empty:
            self.say(_("The receipt is empty"), error=True)
            return
        removed = self.cart.remove(self.query_one("#lines", DataTable).cursor_row)
        self.say(_("Deleted: {name}").format(name=removed.product.name))
        self.refresh_receipt()

    def action_clear_receipt(self) -> None:
        self.cart.clear()
        self.customer = None
        self.say(_("Receipt cleared"))
        self.refresh_receipt()

    def action_customer_by_phone(self) -> None:
        self.app.push_screen(PhoneScreen(), self._phone_entered)

    def _phone_entered(self, text: str | None) -> None:
        if text:
            self.find_by_phone(text)

    @work(exit_on_error=False, group="codes")
    async def find_by_phone(self, text: str) -> None:
        async with self.till.io_lock:
            try:
                customer = await asyncio.to_thread(self.till.service.customer_by_phone, text)
            except InvalidPhone:
                self.say(_("Not a phone number: {text}").format(text=text), error=True)
                return
            except NotFound:
                self.say(_("No customer has the phone {text}").format(text=text), error=True)
                return
        self.set_customer(customer)
        self.refresh_receipt()

    def action_pay_cash(self) -> None:
        if self.cart.empty:
            self.say(_("The receipt is empty: scan a product first"), error=True)
            return
        self.app.push_screen(CashPaymentScreen(self.cart.total, self.sign), self._cash_entered)

    def _cash_entered(self, tendered: int | None) -> None:
        if tendered is not None:
            self.close_sale(tendered)

    @work(exit_on_error=False, group="sale")
    async def close_sale(self, tendered: int) -> None:
        """Store the sale (one transaction with its outbox event), then print it."""
        async with self.till.io_lock:
            try:
                sale = await asyncio.to_thread(
                    self.till.service.close_cash_sale, self.cart, tendered, self.customer
                )
            except SaleError as exc:
                self.say(str(exc), error=True)
                return
        self.last_sale = sale
        self.cart = Cart()
        self.customer = None
        self.refresh_receipt()
        text = _("Receipt {number} closed. Change: {change}").format(
            number=sale.number, change=money(sale.change, self.sign)
        )
        if sale.customer is not None:
            text += " · " + _("{points} points earned, balance {balance}").format(
                points=sale.points_earned, balance=sale.balance_after
            )
        self.say(text)
        self.till.sale_closed()
        await self.print_sale(sale, open_drawer=True)

    async def print_sale(self, sale: ClosedSale, *, open_drawer: bool) -> None:
        error = await self.till.print_receipt(sale, open_drawer=open_drawer)
        if error:
            self.say(_("Receipt {number} is saved but not printed: {error}. F9 reprints it.")
                     .format(number=sale.number, error=error), error=True)

    def action_reprint(self) -> None:
        if self.last_sale is None:
            self.say(_("No receipt to reprint yet"), error=True)
            return
        self.reprint(self.last_sale)

    @work(exit_on_error=False, group="print")
    async def reprint(self, sale: ClosedSale) -> None:
        await self.print_sale(sale, open_drawer=False)
