"""Modal dialogs: phone, PIN, amounts, discounts, confirmations, search, registration, reports."""

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
from edge.ui.formatting import parse_percent
from edge.ui.keys import translate_bindings
from kassa.domain.money import parse_amount

T = TypeVar("T")


class Dialog(ModalScreen[T | None], Generic[T]):
    """A modal that Esc cancels (returning None) and whose key help follows the language."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextScreen(Dialog[str]):
    """Asks for one line of text (a phone, a search, a PIN) and returns it."""

    def __init__(
        self, prompt: str, *, placeholder: str = "", password: bool = False, value: str = ""
    ) -> None:
        super().__init__()
        self.prompt = prompt
        self.placeholder = placeholder
        self.password = password
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.prompt)
            yield Input(self.value, placeholder=self.placeholder, password=self.password,
                        id="text")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)


class _NumberReasonScreen(Dialog[tuple[int, str]]):
    """A number and a reason: Enter in the number moves to the reason, Enter there checks
    both and closes with (number, reason)."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def number_label(self) -> str:
        raise NotImplementedError

    def parse(self, text: str) -> int:
        """The number typed; raises ValueError with a message for the cashier."""
        raise NotImplementedError

    def check(self, number: int, reason: str) -> str | None:
        """What is missing, or None when the pair may close the dialog."""
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text)
            yield Label(self.number_label())
            yield Input(id="number")
            yield Label(_("Reason:"))
            yield Input(id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "number":
            self.query_one("#reason", Input).focus()
            return
        try:
            number = self.parse(self.query_one("#number", Input).value)
        except ValueError as exc:
            self.notify(str(exc), severity="error")
            return
        reason = self.query_one("#reason", Input).value.strip()
        problem = self.check(number, reason)
        if problem is not None:
            self.notify(problem, severity="error")
            return
        self.dismiss((number, reason))


class AmountReasonScreen(_NumberReasonScreen):
    """Cash in or out: an amount above zero and a reason."""

    def number_label(self) -> str:
        return _("Amount:")

    def parse(self, text: str) -> int:
        try:
            return parse_amount(text)
        except ValueError:
            raise ValueError(_("Type an amount, e.g. 500 or 250.50")) from None

    def check(self, number: int, reason: str) -> str | None:
        if number <= 0 or not reason:
            return _("Give an amount above zero and a reason")
        return None


class DiscountScreen(_NumberReasonScreen):
    """A manual discount on one line: a percentage (0 removes it) and a reason."""

    def number_label(self) -> str:
        return _("Discount, % (0 removes it):")

    def parse(self, text: str) -> int:
        try:
            return parse_percent(text)
        except ValueError:
            raise ValueError(
                _("Type a percentage from 0 to 100, e.g. 10 or 12.5")) from None

    def check(self, number: int, reason: str) -> str | None:
        return _("Give a reason for the discount") if number and not reason else None


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
