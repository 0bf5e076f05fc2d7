"""The returns dialog (S4): pick lines and quantities of a receipt, see the refund."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar
from zoneinfo import ZoneInfo

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Label

from edge.i18n import N_, _
from edge.services.returns import (
    ElsewhereRefused,
    ElsewhereUnreachable,
    PointsNotHere,
    ReturnableLine,
    ReturnableReceipt,
)
from edge.ui.dialogs import Dialog, TextScreen
from edge.ui.formatting import money, parse_quantity, quantity
from kassa.domain.pricing import PricedReturn
from kassa.domain.returns import ClosedReturn, refund_methods
from kassa.domain.sale import Payment, SaleError

Preview = Callable[[dict[int, int]], Awaitable[PricedReturn]]


@dataclass(frozen=True)
class ReturnDraft:
    """A receipt to return from, with what the refund needs to be shown by method."""

    receipt: ReturnableReceipt
    card_left: int
    cash_step: int
    time_zone: str


def refunds_text(refunds: tuple[Payment, ...], sign: str) -> str:
    """'card 100.00 грн, cash 32.50 грн'."""
    names = {"card": _("card"), "cash": _("cash")}
    return ", ".join(f"{names.get(p.method, p.method)} {money(p.amount, sign)}" for p in refunds)


def not_returnable_text(number: str, exc: Exception) -> str:
    """Why receipt ``number`` cannot be opened for a return."""
    if isinstance(exc, ElsewhereUnreachable):
        return _("Receipt {number} is not on this till, and central cannot be reached to "
                 "find it").format(number=number)
    if isinstance(exc, ElsewhereRefused):
        return _("Receipt {number} was sold in a store with another currency: it cannot "
                 "be returned here").format(number=number)
    if isinstance(exc, PointsNotHere):
        return _("Receipt {number}: its points have not reached this till yet; try again "
                 "in a minute").format(number=number)
    return _("Receipt {number} cannot be returned: {reason}").format(
        number=number, reason=str(exc))


def return_done_text(ret: ClosedReturn, sign: str) -> str:
    """The message after a return: its number, the refund by method and the points."""
    text = _("Return {number} from receipt {receipt}: refund {amount}").format(
        number=ret.number, receipt=ret.receipt_number, amount=money(ret.refund, sign))
    if ret.refunds:
        text += f" ({refunds_text(ret.refunds, sign)})"
    if ret.customer is not None:
        text += " · " + _("points back {restored}, annulled {annulled}, balance {balance}").format(
            restored=ret.points_restored, annulled=ret.points_annulled, balance=ret.balance_after)
    return text


class ReturnScreen(Dialog[dict[int, int]]):
    """A receipt's lines with sold, returned and left; Enter types a quantity, Space takes
    all that is left, F10 returns the picks (the caller asks for a manager's PIN)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "all_left", N_("All that is left")),
        Binding("f10", "confirm", N_("Return"), priority=True),
    ]

    def __init__(self, draft: ReturnDraft, sign: str, preview: Preview) -> None:
        super().__init__()
        self.draft = draft
        self.sign = sign
        self.preview = preview
        self.picks: dict[int, int] = {}
        self.error = ""

    @property
    def lines(self) -> tuple[ReturnableLine, ...]:
        return self.draft.receipt.lines

    def compose(self) -> ComposeResult:
        receipt = self.draft.receipt
        with Vertical(classes="dialog wide"):
            closed = receipt.closed_at.astimezone(ZoneInfo(self.draft.time_zone))
            yield Label(_("Return from receipt {number} of {date}").format(
                number=receipt.number, date=f"{closed:%d.%m.%Y %H:%M}"))
            yield DataTable(id="return-lines", cursor_type="row")
            yield Label("", id="refund")
            yield Label(_("Enter — quantity, Space — all that is left, F10 — return "
                          "(manager PIN), Esc — cancel"))

    def on_mount(self) -> None:
        table = self.query_one("#return-lines", DataTable)
        table.add_columns("#", _("Product"), _("Sold"), _("Returned"), _("Left"))
        table.add_column(_("Return"), key="picked")
        for line in self.lines:
            table.add_row(str(line.line_no), line.name, quantity(line.sold),
                          quantity(line.returned), quantity(line.left), "",
                          key=str(line.line_no))
        table.focus()
        self._show_refund(None)

    def _current(self) -> ReturnableLine:
        return self.lines[self.query_one("#return-lines", DataTable).cursor_row]

    def _pick(self, line: ReturnableLine, milli: int) -> None:
        """Set what comes back of ``line`` (0: none) and preview the refund."""
        if milli > line.left:
            self.error = _("Only {left} of {name} is left to return").format(
                left=quantity(line.left), name=line.name)
            self._show_refund(None)
            return
        if milli:
            self.picks[line.line_no] = milli
        else:
            self.picks.pop(line.line_no, None)
        self.query_one("#return-lines", DataTable).update_cell(
            str(line.line_no), "picked", quantity(milli) if milli else "")
        self.error = ""
        self.refresh_preview()

    def action_all_left(self) -> None:
        line = self._current()
        self._pick(line, 0 if self.picks.get(line.line_no) else line.left)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.ask_quantity(self._current())

    @work(exit_on_error=False, group="return-quantity")
    async def ask_quantity(self, line: ReturnableLine) -> None:
        text = await self.app.push_screen_wait(TextScreen(
            _("{name}: how much comes back? ({left} left)").format(
                name=line.name, left=quantity(line.left)),
            value=quantity(line.left)))
        if text is None:
            return
        text = text.strip()
        try:  # a line sold in whole pieces comes back in whole pieces
            milli = parse_quantity(text, weighted=line.sold % 1000 != 0) if text not in (
                "", "0") else 0
        except ValueError:
            self.error = _("Not a quantity: {text}").format(text=text)
            self._show_refund(None)
            return
        self._pick(line, milli)

    @work(exclusive=True, exit_on_error=False, group="return-preview")
    async def refresh_preview(self) -> None:
        if not self.picks:
            self._show_refund(None)
            return
        try:
            priced = await self.preview(dict(self.picks))
        except SaleError as exc:
            self.error = _("Cannot return this: {reason}").format(reason=str(exc))
            priced = None
        self._show_refund(priced)

    def _show_refund(self, priced: PricedReturn | None) -> None:
        label = self.query_one("#refund", Label)
        label.set_class(bool(self.error), "error")
        if self.error:
            label.update(self.error)
        elif priced is None:
            label.update(_("Pick what comes back"))
        else:
            refunds, _rounding = refund_methods(
                priced.refund, self.draft.card_left, self.draft.cash_step)
            text = _("Refund {amount}").format(amount=money(priced.refund, self.sign))
            if refunds:
                text += f": {refunds_text(refunds, self.sign)}"
            if priced.balance_after is not None:
                text += "\n" + _("Points back {restored}, annulled {annulled}; "
                                 "balance after {balance}").format(
                    restored=priced.points_restored, annulled=priced.points_annulled,
                    balance=priced.balance_after)
            label.update(text)

    def action_confirm(self) -> None:
        if not self.picks:
            self.error = _("Nothing is picked: Enter or Space on a line first")
            self._show_refund(None)
        elif not self.error:
            self.dismiss(dict(self.picks))
