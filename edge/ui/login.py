"""The login screen: a cashier's PIN, then the float if no shift is open."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, Static

from edge.i18n import N_, _
from edge.services.session import LockedOut, NotAllowed, PinRejected
from edge.ui.dialogs import TextScreen
from edge.ui.keys import translate_bindings
from kassa.domain.money import parse_amount

if TYPE_CHECKING:
    from edge.ui.app import TillApp


class LoginScreen(Screen[None]):
    """PIN entry. Wrong PINs are counted; five in a row lock entry for a minute."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12", "app.switch_language", N_("Language")),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def till(self) -> TillApp:
        from edge.ui.app import TillApp

        assert isinstance(self.app, TillApp)
        return self.app

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="login"):
            yield Label(_("Kassa — till {till}").format(till=self.till.config.till_id))
            yield Label(_("Cashier PIN:"))
            yield Input(password=True, id="pin")
            yield Static("", id="login-message")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pin", Input).focus()
        self.till.refresh_status()

    def show_status(self, text: str) -> None:
        # The screen may be mounting or going away when a status arrives: update if there.
        for status in self.query("#status").results(Static):
            status.update(text)

    def say(self, text: str) -> None:
        self.query_one("#login-message", Static).update(text)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        pin = event.value
        event.input.value = ""
        self.login(pin)

    @work(exit_on_error=False, group="login")
    async def login(self, pin: str) -> None:
        session = self.till.session
        async with self.till.io_lock:
            try:
                cashier = await asyncio.to_thread(session.login, pin)
            except LockedOut as exc:
                self.say(_("Too many wrong PINs: wait {seconds} s").format(seconds=exc.seconds))
                return
            except PinRejected:
                self.say(_("Wrong PIN"))
                return
        self.say(_("Hello, {name}").format(name=cashier.name))
        if session.shift is None:
            prompt = _("No shift is open. Starting cash in the drawer (float):")
            while True:  # a mistyped float asks again instead of logging the cashier out
                float_text = await self.app.push_screen_wait(
                    TextScreen(prompt, placeholder="1000.00"))
                if float_text is None:
                    session.logout()
                    self.say(_("Log in again to open a shift"))
                    return
                try:
                    amount = parse_amount(float_text)
                    break
                except ValueError:
                    prompt = _("Not an amount: {text}").format(text=float_text) + "\n" + _(
                        "No shift is open. Starting cash in the drawer (float):")
            async with self.till.io_lock:
                try:
                    await asyncio.to_thread(session.open_shift, amount)
                except NotAllowed as exc:
                    self.say(str(exc))
                    return
        self.till.show_sale()
