"""The payment dialog: points (the maximum pre-filled), card, cash, rounding and change."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from edge.i18n import N_, _
from edge.ui.dialogs import Dialog
from edge.ui.formatting import money
from kassa.domain.money import parse_amount
from kassa.domain.pricing import InputError, PricedReceipt
from kassa.domain.pricing.arithmetic import round_to_step
from kassa.domain.sale import Tender

Reprice = Callable[[int], Awaitable[PricedReceipt]]


def amount_text(minor: int) -> str:
    """An amount as the cashier types it: 1234.50."""
    return f"{minor // 100}.{minor % 100:02d}"


class PaymentScreen(Dialog[Tender]):
    """Points, card and cash. The receipt comes priced with the most points the customer
    may spend; changing the points re-prices it through ``reprice`` (off the UI thread).
    The card takes part of what is due exactly; cash covers the rest, rounded to the
    store's coin step (R2)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "all_card", N_("All by card"), priority=True),
        Binding("f3", "all_cash", N_("All cash"), priority=True),
    ]

    def __init__(
        self, priced: PricedReceipt, sign: str, *, cash_step: int, reprice: Reprice
    ) -> None:
        super().__init__()
        self.priced = priced
        self.sign = sign
        self.cash_step = max(1, cash_step)
        self.reprice = reprice
        self.offers_points = priced.customer_id is not None and bool(priced.available_before)
        self.points_error = ""

    def compose(self) -> ComposeResult:
        priced = self.priced
        with Vertical(classes="dialog"):
            total = _("Receipt total: {amount}").format(amount=money(priced.total, self.sign))
            if priced.discount_total:
                total += " · " + _("discount {amount}").format(
                    amount=money(priced.discount_total, self.sign))
            yield Label(total)
            if self.offers_points:
                yield Label(_("Points to spend (at most {max}; balance {balance}):").format(
                    max=priced.points_max, balance=priced.balance_before or 0))
                yield Input(value=str(priced.points_spent), id="points")
            yield Label("", id="due")
            yield Label(_("By card (external terminal):"))
            yield Input(value="0", id="card")
            yield Label(_("Cash received (Enter to close the sale, Esc to go back):"))
            yield Input(value=amount_text(priced.cash_due), id="cash")
            yield Label("", id="change")

    def on_mount(self) -> None:
        self.query_one("#cash", Input).focus()
        self._show()

    # --- figures ------------------------------------------------------------------------

    def _cash_due(self, card: int) -> int:
        """The cash to take when ``card`` pays part of what is due: rounded to the coin step."""
        rest = self.priced.due - card
        return round_to_step(rest, self.cash_step) if rest > 0 else 0

    def _tender(self) -> Tender:
        return Tender(
            cash=parse_amount(self.query_one("#cash", Input).value or "0"),
            card=parse_amount(self.query_one("#card", Input).value or "0"),
            points=self.priced.points_spent,
        )

    def _show(self) -> None:
        """Money due after points, the cash rounding and the change for what is typed."""
        priced = self.priced
        due = _("To pay: {amount}").format(amount=money(priced.due, self.sign))
        if priced.points_spent:
            due = _("{points} points pay {value}").format(
                points=priced.points_spent, value=money(priced.points_value, self.sign)
            ) + "\n" + due
        if priced.cash_rounding:
            due += "\n" + _("In cash {amount} (rounding {rounding})").format(
                amount=money(priced.cash_due, self.sign),
                rounding=("+" if priced.cash_rounding > 0 else "") + money(priced.cash_rounding))
        self.query_one("#due", Label).update(due)
        self.query_one("#change", Label).update(self.points_error or self._change_text())

    def _change_text(self) -> str:
        try:
            tender = self._tender()
        except ValueError:
            return _("Type an amount, e.g. 500 or 250.50")
        if tender.card > self.priced.due:
            return _("Card is more than the total")
        short = self._cash_due(tender.card) - tender.cash
        if short > 0:
            return _("Short by {amount}").format(amount=money(short))
        return _("Change: {amount}").format(amount=money(-short))

    # --- points -------------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "points":
            self.points_changed(event.value)
        elif self.is_mounted:
            self._show()

    @work(exclusive=True, group="points", exit_on_error=False)
    async def points_changed(self, text: str) -> None:
        """Re-price with the points typed; the cash pre-filled follows the new amount."""
        try:
            points = int(text.strip() or "0")
        except ValueError:
            self._points_refused(_("Points are a whole number: {text}").format(text=text))
            return
        if points == self.priced.points_spent and not self.points_error:
            return
        if not 0 <= points <= self.priced.points_max:
            self._points_refused(_("At most {max} points can be spent on this receipt").format(
                max=self.priced.points_max))
            return
        try:
            priced = await self.reprice(points)
        except InputError as exc:
            self._points_refused(_("These points cannot be spent: {reason}").format(
                reason=exc.message))
            return
        cash = self.query_one("#cash", Input)
        if cash.value == amount_text(self.priced.cash_due):
            cash.value = amount_text(priced.cash_due)
        self.priced = priced
        self.points_error = ""
        self._show()

    def _points_refused(self, text: str) -> None:
        self.points_error = text
        self._show()

    # --- closing ------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "points":
            self.query_one("#cash", Input).focus()
            return
        if self.points_error:
            self.notify(self.points_error, severity="error")
            return
        if self.offers_points and self.query_one("#points", Input).value.strip() != str(
                self.priced.points_spent):
            self.notify(_("The points typed are still being priced: press Enter again"),
                        severity="warning")
            return
        try:
            tender = self._tender()
        except ValueError:
            self.notify(_("Not an amount: {text}").format(text=event.value), severity="error")
            return
        if tender.card > self.priced.due:
            self.notify(_("Card is more than the total"), severity="error")
            return
        due = self._cash_due(tender.card)
        if tender.cash < due:
            self.notify(
                _("Cash {cash} is less than the total {total}").format(
                    cash=money(tender.cash), total=money(due)
                ),
                severity="error",
            )
            return
        self.dismiss(tender)

    def action_all_card(self) -> None:
        self.query_one("#card", Input).value = amount_text(self.priced.due)
        self.query_one("#cash", Input).value = "0"
        self.query_one("#cash", Input).focus()

    def action_all_cash(self) -> None:
        self.query_one("#card", Input).value = "0"
        self.query_one("#cash", Input).value = amount_text(self.priced.cash_due)
        self.query_one("#cash", Input).focus()
