"""Modal dialogs of the sale screen: cash payment and customer by phone."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from edge.i18n import _
from edge.ui.formatting import money
from kassa.domain.money import parse_amount


class CashPaymentScreen(ModalScreen[int | None]):
    """Asks for the cash handed over; returns it in minor units, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]

    def __init__(self, total: int, sign: str) -> None:
        super().__init__()
        self.total = total
        self.sign = sign

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Total to pay: {amount}").format(amount=money(self.total, self.sign)))
            yield Label(_("Cash received (Enter to close the sale, Esc to go back):"))
            yield Input(value=f"{self.total // 100}.{self.total % 100:02d}", id="tendered")
            yield Label("", id="change")

    def on_input_changed(self, event: Input.Changed) -> None:
        label = self.query_one("#change", Label)
        try:
            tendered = parse_amount(event.value)
        except ValueError:
            label.update(_("Type an amount, e.g. 500 or 250.50"))
            return
        if tendered < self.total:
            label.update(_("Short by {amount}").format(amount=money(self.total - tendered)))
        else:
            label.update(_("Change: {amount}").format(amount=money(tendered - self.total)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            tendered = parse_amount(event.value)
        except ValueError:
            self.notify(_("Not an amount: {text}").format(text=event.value), severity="error")
            return
        if tendered < self.total:
            self.notify(
                _("Cash {cash} is less than the total {total}").format(
                    cash=money(tendered), total=money(self.total)
                ),
                severity="error",
            )
            return
        self.dismiss(tendered)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PhoneScreen(ModalScreen[str | None]):
    """Asks for a customer's phone in any spelling; returns the text, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", _("Cancel"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Customer phone (Enter to find, Esc to go back):"))
            yield Input(placeholder="067 123 45 67", id="phone")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
