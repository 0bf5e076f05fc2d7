"""Modal dialogs: payment, phone, PIN, amounts, confirmations, search, registration, reports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from edge.i18n import N_, _
from edge.ui.formatting import money
from edge.ui.keys import translate_bindings
from kassa.domain.money import parse_amount
from kassa.domain.sale import Tender

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    """A modal that Esc cancels (returning None) and whose key help follows the language."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)


def _amount_text(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"


class PaymentScreen(Dialog[Tender]):
    """Cash, card or both: the card field takes part of the total, cash covers the rest."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "all_card", N_("All by card"), priority=True),
        Binding("f3", "all_cash", N_("All cash"), priority=True),
    ]

    def __init__(self, total: int, sign: str) -> None:
        super().__init__()
        self.total = total
        self.sign = sign

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Total to pay: {amount}").format(amount=money(self.total, self.sign)))
            yield Label(_("By card (external terminal):"))
            yield Input(value="0", id="card")
            yield Label(_("Cash received (Enter to close the sale, Esc to go back):"))
            yield Input(value=_amount_text(self.total), id="cash")
            yield Label("", id="change")

    def on_mount(self) -> None:
        self.query_one("#cash", Input).focus()

    def _tender(self) -> Tender:
        return Tender(
            cash=parse_amount(self.query_one("#cash", Input).value or "0"),
            card=parse_amount(self.query_one("#card", Input).value or "0"),
        )

    def on_input_changed(self, event: Input.Changed) -> None:
        label = self.query_one("#change", Label)
        try:
            tender = self._tender()
        except ValueError:
            label.update(_("Type an amount, e.g. 500 or 250.50"))
            return
        short = self.total - tender.card - tender.cash
        if tender.card > self.total:
            label.update(_("Card is more than the total"))
        elif short > 0:
            label.update(_("Short by {amount}").format(amount=money(short)))
        else:
            label.update(_("Change: {amount}").format(amount=money(-short)))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            tender = self._tender()
        except ValueError:
            self.notify(_("Not an amount: {text}").format(text=event.value), severity="error")
            return
        if tender.card > self.total:
            self.notify(_("Card is more than the total"), severity="error")
            return
        due = self.total - tender.card
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
        self.query_one("#card", Input).value = _amount_text(self.total)
        self.query_one("#cash", Input).value = "0"
        self.query_one("#cash", Input).focus()

    def action_all_cash(self) -> None:
        self.query_one("#card", Input).value = "0"
        self.query_one("#cash", Input).value = _amount_text(self.total)
        self.query_one("#cash", Input).focus()


class TextScreen(Dialog[str]):
    """Asks for one line of text (a phone, a search, a PIN) and returns it."""

    def __init__(self, prompt: str, *, placeholder: str = "", password: bool = False) -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt)
            yield Input(placeholder=self.placeholder, password=self.password, id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class AmountReasonScreen(Dialog[tuple[int, str]]):
    """Cash in or out: an amount and a reason."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text)
            yield Label(_("Amount:"))
            yield Input(id="amount")
            yield Label(_("Reason:"))
            yield Input(id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "amount":
            self.query_one("#reason", Input).focus()
            return
        try:
            amount = parse_amount(self.query_one("#amount", Input).value)
        except ValueError:
            self.notify(_("Type an amount, e.g. 500 or 250.50"), severity="error")
            return
        reason = self.query_one("#reason", Input).value.strip()
        if amount <= 0 or not reason:
            self.notify(_("Give an amount above zero and a reason"), severity="error")
            return
        self.dismiss((amount, reason))


class ConfirmScreen(Dialog[bool]):
    """A yes/no question: Y confirms, N or Esc declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes")),
        Binding("n", "answer(False)", N_("No")),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question)
            yield Label(_("Y — yes, N — no"))

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PickScreen(Dialog[T]):
    """A list to pick from with the arrows and Enter (callers show at most 100 items)."""

    def __init__(self, title: str, items: list[tuple[str, T]]) -> None:
        super().__init__()
        self.title_text = title
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(self.title_text)
            yield OptionList(
                *[Option(label, id=str(i)) for i, (label, _value) in enumerate(self.items)],
                id="results",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.items[int(event.option.id or 0)][1])


@dataclass(frozen=True)
class Registration:
    phone: str
    first_name: str
    surname: str
    source: str
    consent_sms: bool
    consent_email: bool
    card: str


class RegisterScreen(Dialog[Registration]):
    """New customer, phone first (C3): phone, name, surname, source, consents, card."""

    def __init__(self, sources: list[str]) -> None:
        super().__init__()
        self.sources = sources

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Label(_("New customer — phone first; Enter moves on, Enter on the card saves"))
            yield Input(placeholder=_("Phone"), id="phone")
            yield Input(placeholder=_("First name"), id="first_name")
            yield Input(placeholder=_("Surname (optional)"), id="surname")
            yield Input(
                placeholder=_("How did you hear of us: {sources}").format(
                    sources=", ".join(self.sources)),
                id="source",
            )
            yield Checkbox(_("Agrees to SMS offers"), id="consent_sms")
            yield Checkbox(_("Agrees to e-mail offers"), id="consent_email")
            yield Input(placeholder=_("Loyalty card barcode (scan, optional)"), id="card")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "card":
            self.focus_next()
            return
        values = {i.id: i.value.strip() for i in self.query(Input) if i.id}
        self.dismiss(
            Registration(
                phone=values["phone"], first_name=values["first_name"],
                surname=values["surname"], source=values["source"],
                consent_sms=self.query_one("#consent_sms", Checkbox).value,
                consent_email=self.query_one("#consent_email", Checkbox).value,
                card=values["card"],
            )
        )


class InfoScreen(Dialog[bool]):
    """Shows a report or help text; Esc or Enter closes, P asks for printing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "cancel", N_("Close")),
        Binding("p", "print", N_("Print")),
    ]

    def __init__(self, text: str, *, printable: bool = False) -> None:
        super().__init__()
        self.text = text
        self.printable = printable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.text, id="info")

    def action_print(self) -> None:
        if self.printable:
            self.dismiss(True)
