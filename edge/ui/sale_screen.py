"""The sale screen: scan or type codes, identify or register the customer, change lines,
give discounts, pay, return goods, print receipts and price tags."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from edge.i18n import N_, _
from edge.services.customers import RegistrationError
from edge.services.session import AgeCheckNeeded, LockedOut, NotAllowed, PinRejected, SaleForbidden
from edge.services.till import NotFound, ProductScan, ReceiptScan
from edge.storage.shifts import CashierRecord
from edge.ui.code_input import CodeInput
from edge.ui.dialogs import (
    AmountReasonScreen,
    ConfirmScreen,
    Dialog,
    DiscountScreen,
    InfoScreen,
    PickScreen,
    RegisterScreen,
    TextScreen,
)
from edge.ui.formatting import discount_text, money, parse_quantity, percent, quantity
from edge.ui.keys import translate_bindings
from edge.ui.payment import PaymentScreen
from edge.ui.receipt_lines import Column, ReceiptLines
from edge.ui.reports import receipt_text, shift_report_text
from edge.ui.returns import ReturnDraft, ReturnScreen, not_returnable_text, return_done_text
from kassa.domain.cart import CartError
from kassa.domain.codes import BadCode
from kassa.domain.phones import InvalidPhone
from kassa.domain.pricing import InputError, PricedReceipt
from kassa.domain.sale import ClosedSale, CustomerRef, SaleError

if TYPE_CHECKING:
    from edge.ui.app import TillApp

T = TypeVar("T")

HOW_HEARD = ["friends", "internet", "street ad", "social media", "other"]


class ShiftMenu(Dialog[str]):
    """X report, Z report, cash in, cash out."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield OptionList(
                Option(_("X report (shift so far)"), id="x"),
                Option(_("Z report (close the shift)"), id="z"),
                Option(_("Cash in"), id="cash_in"),
                Option(_("Cash out"), id="cash_out"),
                id="shift-menu",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class SaleScreen(Screen[None]):
    """One open receipt. The code field keeps focus: a keyboard-mode scanner types there."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", N_("Help")),
        Binding("f2", "search", N_("Find product")),
        Binding("f3", "customer_by_phone", N_("Customer by phone")),
        Binding("f4", "clear_receipt", N_("Clear receipt")),
        Binding("f5", "price_check", N_("Price check")),
        Binding("f6", "register_customer", N_("New customer")),
        Binding("f7", "shift_menu", N_("Shift")),
        Binding("f8", "delete_line", N_("Delete line")),
        Binding("f9", "reprint", N_("Reprint")),
        Binding("f10", "pay", N_("Pay"), priority=True),
        Binding("f12", "app.switch_language", N_("Language")),
        Binding("ctrl+n", "change_quantity", N_("Quantity")),
        Binding("ctrl+g", "discount", N_("Discount")),
        Binding("ctrl+b", "return_goods", N_("Return")),
        Binding("ctrl+t", "price_tags", N_("Price tags")),
        Binding("ctrl+r", "journal", N_("Journal")),
        Binding("ctrl+l", "logout", N_("Log out")),
        Binding("up", "cursor(-1)", N_("Line up"), show=False),
        Binding("down", "cursor(1)", N_("Line down"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._status_text = ""
        self._store_text = ""
        self._shown: dict[str, str] = {}

    @property
    def till(self) -> TillApp:
        from edge.ui.app import TillApp

        assert isinstance(self.app, TillApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(self._store_text, id="store")
        with Horizontal():
            yield ReceiptLines(
                [Column("#", 4, right=True), Column(_("Product")), Column(_("Qty"), 10, right=True),
                 Column(_("Price"), 12, right=True), Column(_("Discount"), 24),
                 Column(_("Sum"), 12, right=True)],
                id="lines",
            )
            with Vertical(id="side"):
                yield Static(_("No customer"), id="customer")
                yield Static("", id="sums")
                yield Static("", id="total")
        yield Static("", id="message")
        yield CodeInput(
            placeholder=_("Scan or type a barcode, article or card; 3* before a code for 3 pcs"),
            id="code",
        )
        yield Static(self._status_text, id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()
        self.query_one("#status", Static).update(self._status_text)
        self.query_one("#store", Static).update(self._store_text)
        self.refresh_receipt()

    def on_screen_resume(self) -> None:
        self.query_one("#code", Input).focus()

    # --- display ------------------------------------------------------------------------

    @property
    def sign(self) -> str:
        return self.till.currency_sign

    def refresh_receipt(self) -> None:
        """Price the receipt again (in a worker) and redraw it, once the screen is drawn."""
        if self.query("#lines"):
            self.reprice()

    @work(exit_on_error=False, group="codes")
    async def reprice(self) -> None:
        await self.change(lambda: None)

    async def change(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run a session call that changes the receipt, price the receipt in the same
        thread hop and redraw it; nothing is redrawn when the call raises."""
        session = self.till.session

        def run() -> tuple[T, PricedReceipt | InputError]:
            result = fn(*args, **kwargs)
            try:
                return result, session.priced()
            except InputError as exc:
                return result, exc

        async with self.till.io_lock:
            result, priced = await asyncio.to_thread(run)
            self.show_receipt(priced)
        return result

    def show_receipt(self, priced: PricedReceipt | InputError) -> None:
        """Lines with their discounts, the sums and the customer panel."""
        if isinstance(priced, InputError):
            self.say(_("The receipt cannot be priced: {reason}").format(reason=str(priced)),
                     error=True)
            return
        sign = self.sign
        rows: list[tuple[str, ...]] = [
            (str(line.line_no), line.name, quantity(line.quantity), money(line.base_price),
             discount_text(line), money(line.total))
            for line in priced.lines
        ]
        self.query_one("#lines", ReceiptLines).set_rows(rows)
        sums = []
        if priced.discount_total:
            sums.append(_("Subtotal {amount}").format(amount=money(priced.base_total, sign)))
            sums.append(_("Discount -{amount}").format(amount=money(priced.discount_total, sign)))
        self._show("#sums", "\n".join(sums))
        self._show("#total", _("TOTAL {amount}").format(amount=money(priced.total, sign)))
        self._show("#customer", self._customer_text(self.till.session.customer))

    def _show(self, selector: str, text: str) -> None:
        """Put ``text`` in a Static, asking for a new layout only when its height changes
        (a layout redraws much more of the screen than the text)."""
        shown = self._shown.get(selector)
        if shown == text:
            return
        self._shown[selector] = text
        self.query_one(selector, Static).update(
            text, layout=shown is None or shown.count("\n") != text.count("\n"))

    @staticmethod
    def _customer_text(customer: CustomerRef | None) -> str:
        """Name, price list and discounts (L10), groups, cumulative %, points."""
        if customer is None:
            return _("No customer")
        rows = [customer.name, *customer.terms]
        if customer.groups:
            rows.append(_("Groups: {names}").format(names=", ".join(customer.groups)))
        if customer.tier_percent:
            rows.append(_("Cumulative discount {percent}").format(
                percent=percent(customer.tier_percent)))
        rows.append(_("Points: {points}").format(points=customer.balance))
        if customer.available is not None and customer.available != customer.balance:
            rows.append(_("spendable now: {points}").format(points=customer.available))
        return "\n".join(rows)

    def say(self, text: str, *, error: bool = False) -> None:
        """Show a message under the receipt; errors in the error style."""
        self._show("#message", text)
        self.query_one("#message", Static).set_class(error, "error")

    def show_status(self, text: str) -> None:
        """Status line text; kept until the screen is mounted if it is not yet."""
        self._status_text = text
        for status in self.query("#status").results(Static):
            status.update(text)

    def show_store(self, text: str) -> None:
        """Store line text; kept until the screen is mounted if it is not yet."""
        self._store_text = text
        for store in self.query("#store").results(Static):
            store.update(text)

    async def call(self, fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run a blocking session call in a thread, in the order calls were made."""
        async with self.till.io_lock:
            return await asyncio.to_thread(fn, *args, **kwargs)

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
        """Add a product, set the customer or act on a receipt code."""
        session = self.till.session
        try:
            found = await self.change(session.enter_code, text)
        except AgeCheckNeeded as need:
            await self._confirm_age(need)
            return
        except (NotFound, BadCode, CartError, SaleForbidden, NotAllowed) as exc:
            self.say(self._explain(exc, text), error=True)
            return
        if isinstance(found, ReceiptScan):
            await self.return_goods(found.number)
        elif isinstance(found, ProductScan):
            self.say(f"{found.product.name} × {quantity(found.quantity_milli or 1000)}")
        else:
            self.say(_("Customer: {name}, {points} points").format(
                name=found.name, points=found.balance))

    async def _confirm_age(self, need: AgeCheckNeeded) -> None:
        question = _("{product}: is the buyer at least {age} years old? Check the ID.").format(
            product=need.product.name, age=need.min_age)
        if await self.app.push_screen_wait(ConfirmScreen(question)):
            await self.change(self.till.session.add_product, need.product, need.quantity_milli,
                              age_confirmed=True)
            self.say(_("Age confirmed: {product}").format(product=need.product.name))
        else:
            self.say(_("Not sold: age not confirmed"), error=True)

    @staticmethod
    def _explain(exc: Exception, text: str) -> str:
        """The cashier's message for an error, in the UI language."""
        if isinstance(exc, BadCode):
            return {
                "check_digit": _("Scale label {code} has a wrong check digit: scan again"),
                "no_weight": _("Scale label {code} has no weight"),
                "quantity": _("Quantity must be a whole number from 1 to {max}: {text}"),
            }.get(exc.reason, str(exc)).format(code=exc.code, max=9999, text=exc.code)
        if isinstance(exc, NotFound):
            code = text.partition("*")[2].strip() or text.strip()
            return _("Unknown code {code}: no product or card has it").format(code=code)
        if isinstance(exc, SaleForbidden):
            return _("{product}: {category} is not sold from {start} to {end}").format(
                product=exc.product.name, category=exc.category.name,
                start=exc.category.no_sale_from, end=exc.category.no_sale_to)
        if isinstance(exc, CartError):
            return _("A scale label carries its own weight; no quantity before it")
        if isinstance(exc, NotAllowed):
            return _("Not allowed now: {reason}").format(reason=str(exc))
        return str(exc)

    # --- lines and receipt --------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        table = self.query_one("#lines", ReceiptLines)
        table.move_cursor(table.cursor_row + step)

    @work(exit_on_error=False, group="codes")
    async def action_delete_line(self) -> None:
        session = self.till.session
        if session.cart.empty:
            self.say(_("The receipt is empty"), error=True)
            return
        index = self.query_one("#lines", ReceiptLines).cursor_row
        name = session.cart.lines[index].product.name
        await self.change(session.remove_line, index)
        self.say(_("Deleted: {name}").format(name=name))

    @work(exit_on_error=False, group="codes")
    async def action_clear_receipt(self) -> None:
        await self.change(self.till.session.clear)
        self.say(_("Receipt cleared"))

    def _selected_line(self) -> int | None:
        """The highlighted line's index; None (with a message) on an empty receipt."""
        if self.till.session.cart.empty:
            self.say(_("The receipt is empty"), error=True)
            return None
        return self.query_one("#lines", ReceiptLines).cursor_row

    @work(exit_on_error=False, group="codes")
    async def action_change_quantity(self) -> None:
        """Type a new quantity for the highlighted line (pieces, or kg for weighed goods)."""
        index = self._selected_line()
        if index is None:
            return
        line = self.till.session.cart.lines[index]
        text = await self.app.push_screen_wait(TextScreen(
            _("{name}: new quantity").format(name=line.product.name),
            value=quantity(line.quantity_milli)))
        if not text:
            return
        try:
            milli = parse_quantity(text, weighted=line.product.weighted)
        except ValueError:
            self.say((_("Not a quantity: {text}") if line.product.weighted
                      else _("Pieces are counted in whole numbers: {text}")).format(text=text),
                     error=True)
            return
        await self.change(self.till.session.set_quantity, index, milli)
        self.say(f"{line.product.name} × {quantity(milli)}")

    @work(exit_on_error=False, group="codes")
    async def action_discount(self) -> None:
        """A manual % off the highlighted line, approved with a manager's PIN (L13)."""
        index = self._selected_line()
        if index is None:
            return
        name = self.till.session.cart.lines[index].product.name
        form = await self.app.push_screen_wait(
            DiscountScreen(_("Manual discount: {name}").format(name=name)))
        if form is None:
            return
        manager = await self.manager_pin()
        if manager is None:
            return
        bp, reason = form
        try:
            await self.change(self.till.session.give_discount, index, bp, manager, reason)
        except (NotAllowed, CartError, InputError) as exc:
            self.say(str(exc), error=True)
            return
        if bp:
            self.say(_("{name}: discount {percent} given by {manager}").format(
                name=name, percent=percent(bp), manager=manager.name))
        else:
            self.say(_("{name}: manual discount removed").format(name=name))

    # --- returns ------------------------------------------------------------------------

    @work(exit_on_error=False, group="codes")
    async def action_return_goods(self) -> None:
        number = await self.app.push_screen_wait(
            TextScreen(_("Return: scan or type the receipt number")))
        if number:
            await self.return_goods(number.strip())

    async def return_goods(self, number: str) -> None:
        """Open receipt ``number`` for a return, then make it with a manager's PIN (S4)."""
        session = self.till.session
        try:
            draft = await self.call(self._return_draft, number)
        except (NotFound, NotAllowed) as exc:
            self.say(not_returnable_text(number, exc), error=True)
            return
        if draft.receipt.fully_returned:
            self.say(_("Receipt {number} is already returned in full").format(
                number=draft.receipt.number), error=True)
            return
        picks = await self.app.push_screen_wait(ReturnScreen(
            draft, self.sign,
            preview=lambda chosen: self.call(session.returns.preview, draft.receipt, chosen)))
        if picks is None:
            return
        manager = await self.manager_pin()
        if manager is None:
            return
        try:
            ret = await self.call(session.make_return, draft.receipt, picks, manager)
        except (SaleError, NotAllowed, NotFound) as exc:
            self.say(_("Not returned: {reason}").format(reason=str(exc)), error=True)
            return
        self.say(return_done_text(ret, self.sign))
        self.till.sale_closed()
        await self.till.after_return(ret)

    def _return_draft(self, number: str) -> ReturnDraft:
        """The receipt with what its card payment still covers (refunds go there first)."""
        session = self.till.session
        receipt = session.find_return(number)
        store = self.till.store
        if store is None:
            raise NotAllowed("store settings not received from central yet")
        return ReturnDraft(receipt, receipt.card_left, store.cash_step, store.time_zone)

    # --- price tags ---------------------------------------------------------------------

    @work(exit_on_error=False, group="print")
    async def action_price_tags(self) -> None:
        """Print the tag of one product, or of every product whose price changed today."""
        code = await self.app.push_screen_wait(TextScreen(
            _("Price tags: scan or type a product code, or Enter for every price changed today")))
        if code is None:
            return
        tags = self.till.price_tags
        try:
            made = await (self.call(tags.for_code, code) if code.strip()
                          else self.call(tags.changed_today))
            if not made:
                self.say(_("No price changed today"), error=True)
                return
            await self.call(tags.queue, made)
        except NotFound:
            self.say(self._explain(NotFound(code), code), error=True)
            return
        except ValueError as exc:
            self.say(_("Price tags cannot be printed: {reason}").format(reason=str(exc)),
                     error=True)
            return
        self.till.print_worker.wake()
        self.say(_("Price tags sent to the printer: {count}").format(count=len(made)))

    # --- customers ----------------------------------------------------------------------

    @work(exit_on_error=False, group="codes")
    async def action_customer_by_phone(self) -> None:
        text = await self.app.push_screen_wait(
            TextScreen(_("Customer phone (Enter to find, Esc to go back):"),
                       placeholder="067 123 45 67"))
        if not text:
            return
        try:
            customer = await self.change(self.till.session.identify_by_phone, text)
        except InvalidPhone:
            self.say(_("Not a phone number: {text}").format(text=text), error=True)
            return
        except NotFound:
            self.say(_("No customer has the phone {text}").format(text=text), error=True)
            return
        self.say(_("Customer: {name}, {points} points").format(
            name=customer.name, points=customer.balance))

    @work(exit_on_error=False, group="codes")
    async def action_register_customer(self) -> None:
        form = await self.app.push_screen_wait(RegisterScreen(HOW_HEARD))
        if form is None:
            return
        try:
            cashier = self.till.session.cashier
            customer = await self.call(
                self.till.customers.register, form, cashier.id if cashier else "")
        except InvalidPhone:
            self.say(_("Not a phone number: {text}").format(text=form.phone), error=True)
            return
        except RegistrationError as exc:
            self.say(_("Not registered: {reason}").format(reason=str(exc)), error=True)
            return
        await self.change(self.till.session.set_customer, customer)
        self.say(_("Registered and added to the receipt: {name}").format(name=customer.name))

    # --- look-ups -----------------------------------------------------------------------

    @work(exit_on_error=False, group="codes")
    async def action_search(self) -> None:
        text = await self.app.push_screen_wait(
            TextScreen(_("Product name or part of it:"), placeholder="молоко"))
        if not text:
            return
        found = await self.call(self.till.session.search, text)
        if not found:
            self.say(_("No product matches {text}").format(text=text), error=True)
            return
        product = await self.app.push_screen_wait(PickScreen(
            _("Pick a product (Enter) or Esc"),
            [(f"{p.name} — {money(p.price, self.sign)}", p) for p in found],
        ))
        if product is None:
            return
        try:
            await self.change(self.till.session.add_product, product, 1000)
        except AgeCheckNeeded as need:
            await self._confirm_age(need)
            return
        except SaleForbidden as exc:
            self.say(self._explain(exc, text), error=True)
            return
        self.say(f"{product.name} × 1")

    @work(exit_on_error=False, group="codes")
    async def action_price_check(self) -> None:
        code = await self.app.push_screen_wait(
            TextScreen(_("Price check: scan or type a code")))
        if not code:
            return
        try:
            product = await self.call(self.till.session.price_check, code)
        except (NotFound, BadCode) as exc:
            self.say(self._explain(exc, code), error=True)
            return
        self.say(_("Price check: {name} — {price}").format(
            name=product.name, price=money(product.price, self.sign)))

    # --- payment ------------------------------------------------------------------------

    @work(exit_on_error=False, group="sale")
    async def action_pay(self) -> None:
        session = self.till.session
        if session.cart.empty:
            self.say(_("The receipt is empty: scan a product first"), error=True)
            return
        try:
            priced = await self.call(session.priced, fresh=True)
        except InputError as exc:
            self.say(_("The receipt cannot be priced: {reason}").format(reason=str(exc)),
                     error=True)
            return
        store = self.till.store
        tender = await self.app.push_screen_wait(PaymentScreen(
            priced, self.sign, cash_step=store.cash_step if store else 1,
            reprice=lambda points: self.call(session.priced, points),
        ))
        if tender is None:
            return
        try:
            sale = await self.change(session.close_sale, tender)
        except (SaleError, NotAllowed) as exc:
            self.say(str(exc), error=True)
            return
        self.till.last_sale = sale
        text = _("Receipt {number} closed. Change: {change}").format(
            number=sale.number, change=money(sale.change, self.sign)
        )
        if sale.points_spent:
            text += " · " + _("{points} points spent").format(points=sale.points_spent)
        if sale.customer is not None:
            text += " · " + _("{points} points earned, balance {balance}").format(
                points=sale.points_earned, balance=sale.balance_after
            )
        self.say(text)
        self.till.sale_closed()
        await self.till.after_sale(sale)

    async def print_copy(self, sale: ClosedSale) -> None:
        error = await self.till.print_copy(sale)
        if error:
            self.say(_("Receipt {number} cannot be printed: {error}")
                     .format(number=sale.number, error=error), error=True)
        else:
            self.say(_("Copy of receipt {number} sent to the printer").format(number=sale.number))

    @work(exit_on_error=False, group="print")
    async def action_reprint(self) -> None:
        if self.till.last_sale is None:
            self.say(_("No receipt to reprint yet"), error=True)
            return
        await self.print_copy(self.till.last_sale)

    @work(exit_on_error=False, group="print")
    async def action_journal(self) -> None:
        """Find a stored receipt by number, date or customer phone; show and reprint it."""
        query = await self.app.push_screen_wait(
            TextScreen(_("Receipt number, date (DD.MM.YYYY) or customer phone:")))
        if not query:
            return
        session = self.till.session
        rows = await self.call(session.journal, query)
        if not rows:
            self.say(_("No receipt matches {text}").format(text=query), error=True)
            return
        receipt_id = await self.app.push_screen_wait(PickScreen(
            _("Receipts (Enter to open)"),
            [(f"{r.number}  {r.closed_at.astimezone():%d.%m.%Y %H:%M}  "
              f"{money(r.total, self.sign)}  {r.customer_name}", r.id) for r in rows],
        ))
        if receipt_id is None:
            return
        sale = await self.call(session.load_sale, receipt_id)
        if await self.app.push_screen_wait(InfoScreen(receipt_text(sale, self.sign),
                                                      printable=True)):
            await self.print_copy(sale)

    # --- shift --------------------------------------------------------------------------

    async def manager_pin(self) -> CashierRecord | None:
        """Ask for a manager's PIN; None (with a message) when refused or cancelled."""
        pin = await self.app.push_screen_wait(
            TextScreen(_("Manager PIN:"), password=True))
        if not pin:
            return None
        try:
            return await self.call(self.till.session.authorize_manager, pin)
        except LockedOut as exc:
            self.say(_("Too many wrong PINs: wait {seconds} s").format(seconds=exc.seconds),
                     error=True)
        except PinRejected:
            self.say(_("Not a manager's PIN"), error=True)
        return None

    @work(exit_on_error=False, group="shift")
    async def action_shift_menu(self) -> None:
        choice = await self.app.push_screen_wait(ShiftMenu())
        session = self.till.session
        if choice == "x":
            totals = await self.call(session.shift_totals)
            if await self.app.push_screen_wait(
                InfoScreen(shift_report_text(totals, self.sign, closing=False), printable=True)
            ):
                await self.till.print_shift_report(totals, kind="X")
        elif choice == "z":
            manager = await self.manager_pin()
            if manager is None:
                return
            try:
                totals = await self.call(session.close_shift, manager)
            except NotAllowed as exc:
                self.say(self._explain(exc, ""), error=True)
                return
            await self.till.print_shift_report(totals, kind="Z")
            await self.app.push_screen_wait(
                InfoScreen(shift_report_text(totals, self.sign, closing=True)))
            self.till.sale_closed()
            self.till.show_login()
        elif choice in ("cash_in", "cash_out"):
            await self._cash_movement(out=choice == "cash_out")

    async def _cash_movement(self, *, out: bool) -> None:
        manager = await self.manager_pin() if out else None
        if out and manager is None:
            return
        form = await self.app.push_screen_wait(
            AmountReasonScreen(_("Cash out") if out else _("Cash in")))
        if form is None:
            return
        amount, reason = form
        try:
            await self.call(self.till.session.cash_movement, -amount if out else amount, reason,
                            manager)
        except (ValueError, NotAllowed) as exc:
            self.say(str(exc), error=True)
            return
        self.say((_("Cash out: {amount}") if out else _("Cash in: {amount}")).format(
            amount=money(amount, self.sign)))
        self.till.sale_closed()

    # --- the rest -----------------------------------------------------------------------

    def action_help(self) -> None:
        lines = [_("Keys")]
        for active in self.active_bindings.values():
            b = active.binding
            if b.description:
                lines.append(f"  {b.key.upper():<8} {b.description}")
        lines.append(f"  {'CTRL+P':<8} " + _("Find any action by name"))
        self.app.push_screen(InfoScreen("\n".join(lines)))

    @work(exit_on_error=False, group="codes")
    async def action_logout(self) -> None:
        self.till.session.logout()
        self.till.show_login()
