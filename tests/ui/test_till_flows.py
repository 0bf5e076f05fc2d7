"""Pilot-driven flows of a shift: PINs, shift money, customers, payments, journal, language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from textual.widgets import Static

from central.storage.sqlite import SqliteStorage
from edge.scanner.model import DeviceInfo, ScanEvent
from edge.storage import outbox, sales
from edge.sync.runner import sync_once
from edge.ui.app import ScanReceived
from edge.ui.dialogs import (
    AmountReasonScreen,
    ConfirmScreen,
    InfoScreen,
    PickScreen,
    RegisterScreen,
    TextScreen,
)
from edge.ui.login import LoginScreen
from edge.ui.payment import PaymentScreen
from edge.ui.sale_screen import SaleScreen, ShiftMenu
from kassa.sync.v1 import sync_pb2
from tests.ui.conftest import Harness, type_code

KYIV = ZoneInfo("Europe/Kyiv")


def pending_kinds(harness: Harness) -> list[str]:
    return [
        str(sync_pb2.Event.FromString(p).WhichOneof("body"))
        for _, p in outbox.pending(harness.database, 100)
    ]


async def test_wrong_pins_lock_entry(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, LoginScreen))
        login = harness.app.screen
        for _ in range(4):
            await pilot.press(*"4321", "enter")
            await harness.settle()
            assert "Wrong PIN" in str(login.query_one("#login-message", Static).render())
        await pilot.press(*"4321", "enter")
        await harness.settle()
        assert "Too many wrong PINs" in str(login.query_one("#login-message", Static).render())
        await pilot.press(*"1111", "enter")  # even the right PIN waits out the lockout
        await harness.settle()
        assert "Too many wrong PINs" in str(login.query_one("#login-message", Static).render())
        assert harness.session.cashier is None


async def test_shift_cash_in_out_x_and_z(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "4820000000017")
        await pilot.press("f10")
        await harness.press_into(pilot, PaymentScreen, "enter")  # exact cash 32.50
        await harness.settle()

        await pilot.press("f7")
        await harness.press_into(pilot, ShiftMenu, "down", "down", "enter")  # cash in
        await harness.press_into(pilot, AmountReasonScreen, *"100", "enter", *"coins", "enter")
        await harness.settle()
        assert "Cash in: 100.00" in harness.message()

        await pilot.press("f7")
        await harness.press_into(pilot, ShiftMenu, "down", "down", "down", "enter")  # cash out
        await harness.press_into(pilot, TextScreen, *"1111", "enter")  # not a manager
        await harness.settle()
        assert "Not a manager's PIN" in harness.message()

        await pilot.press("f7")
        await harness.press_into(pilot, ShiftMenu, "down", "down", "down", "enter")
        await harness.press_into(pilot, TextScreen, *"9999", "enter")
        await harness.press_into(pilot, AmountReasonScreen, *"50", "enter", *"bank", "enter")
        await harness.settle()
        assert "Cash out: 50.00" in harness.message()

        await pilot.press("f7")
        await harness.press_into(pilot, ShiftMenu, "enter")  # X report
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, InfoScreen))
        x_report = str(harness.app.screen.query_one("#info", Static).render())
        assert "X report — shift 1" in x_report
        assert "82.50" in x_report  # float 0 + cash 32.50 + 100 in - 50 out
        await pilot.press("escape")
        await harness.settle()

        await pilot.press("f7")
        await harness.press_into(pilot, ShiftMenu, "down", "enter")  # Z report
        await harness.press_into(pilot, TextScreen, *"9999", "enter")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, InfoScreen))
        z_report = str(harness.app.screen.query_one("#info", Static).render())
        assert "Z report — shift 1 closed" in z_report
        await pilot.press("escape")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, LoginScreen))
    row = harness.database.one("SELECT closed_by, expected_cash FROM shifts WHERE number = 1")
    assert row == {"closed_by": "andriy", "expected_cash": 8250}
    actions = harness.database.rows("SELECT kind, approved_by FROM actions ORDER BY at")
    assert [(a["kind"], a["approved_by"]) for a in actions] == [
        ("cash_in", ""), ("cash_out", "andriy"), ("z_report", "andriy")
    ]


async def test_register_a_customer_then_mixed_payment_reaches_central(
    harness: Harness,
) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "4820000000062")  # coffee 219.00
        await pilot.press("f6")
        await harness.press_into(
            pilot, RegisterScreen, *"050 765 43 21", "enter", *"Taras", "enter",
            *"Melnyk", "enter", *"friends", "enter", "space", "tab", "tab",
            *"2000000000046", "enter",
        )
        await harness.settle()
        assert "Registered and added to the receipt: Melnyk Taras" in harness.message()

        await pilot.press("f10")
        await harness.press_into(pilot, PaymentScreen, "shift+tab", "ctrl+a", "ctrl+k",
                                 *"100", "tab", "ctrl+a", "ctrl+k", *"200", "enter")
        await harness.settle()
        assert "Change: 81.00" in harness.message()
    ((receipt_id,),) = harness.database.db.conn.execute("SELECT id FROM receipts").fetchall()
    stored = sales.get_receipt(harness.database, receipt_id)
    assert stored is not None and stored["payments"] == {"card": 10000, "cash": 11900}

    app_client = harness.app.sync_loop._client
    sync_once(harness.database, app_client)
    storage = SqliteStorage(harness.chain.central.db_path)
    try:
        customer = storage.db.conn.execute(
            "SELECT id, first_name, surname, source FROM customers WHERE phone = ?",
            ("+380507654321",),
        ).fetchone()
        assert customer is not None and customer[1:] == ("Taras", "Melnyk", "friends")
        consents = dict(storage.db.conn.execute(
            "SELECT channel, granted FROM customer_consents WHERE customer_id = ?",
            (customer[0],)).fetchall())
        assert consents == {"sms": 1, "email": 0}
        assert storage.balance(customer[0]) == 1095  # 219.00 at 5 points per 1.00
    finally:
        storage.close()


async def test_age_check_and_forbidden_hours(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press(*"4820000000116", "enter")  # beer, 18+
        await harness.press_into(pilot, ConfirmScreen, "n")
        await harness.settle()
        assert "Not sold: age not confirmed" in harness.message()
        assert harness.session.cart.empty
        await pilot.press(*"4820000000116", "enter")
        await harness.press_into(pilot, ConfirmScreen, "y")
        await harness.settle()
        assert [ln.product.id for ln in harness.session.cart.lines] == ["p-beer"]

        harness.clock.now = datetime(2026, 11, 25, 23, 30, tzinfo=KYIV)
        await type_code(harness, pilot, "4820000000116")
        assert "Алкоголь is not sold from 23:00 to 08:00" in harness.message()
        assert len(harness.session.cart.lines) == 1


async def test_search_by_name_treats_yo_as_ye(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press("f2")
        await harness.press_into(pilot, TextScreen, *"елка", "enter")
        await harness.press_into(pilot, PickScreen, "enter")
        await harness.press_into(pilot, ConfirmScreen, "y")
        await harness.settle()
        assert [ln.product.id for ln in harness.session.cart.lines] == ["p-sparkling"]


async def test_journal_finds_and_reprints_a_receipt(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "4820000000017")
        await pilot.press("f10")
        await harness.press_into(pilot, PaymentScreen, "enter")
        await harness.settle()
        printed_once = await harness.printed(pilot)
        assert printed_once.count("Хліб житній".encode("cp1251")) == 1

        await pilot.press("ctrl+r")
        await harness.press_into(pilot, TextScreen, *"1", "enter")
        await harness.press_into(pilot, PickScreen, "enter")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, InfoScreen))
        assert "A1-000001" in str(harness.app.screen.query_one("#info", Static).render())
        await pilot.press("p")
        await harness.settle()
        printed = await harness.printed(pilot)
        assert printed.count("Хліб житній".encode("cp1251")) == 2
        # The reprint says so, in the store's receipt language (uk in the demo store).
        assert printed.count("КОПІЯ".encode("cp1251")) == 1


async def test_a_scanner_message_adds_the_line(harness: Harness) -> None:
    device = DeviceInfo(path="/dev/input/event7", name="Scanner", vendor=0x0C2E, product=0x0B61)
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        harness.app.post_message(
            ScanReceived(ScanEvent("4820000000024", "scanner", device, terminated=True)))
        await pilot.pause()
        await harness.settle()
        assert [ln.product.id for ln in harness.session.cart.lines] == ["p-milk"]


async def test_language_switch_translates_the_screen(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press("f12")  # en -> ru

        def total_text() -> str:
            screen = harness.app.screen
            if not isinstance(screen, SaleScreen):
                return ""
            return "".join(str(w.render()) for w in screen.query("#total").results(Static))

        await harness.wait_for(pilot, lambda: total_text().startswith("ИТОГО"))
        descriptions = {b.binding.description for b in harness.app.screen.active_bindings.values()}
        assert "Оплата" in descriptions and "Pay" not in descriptions
