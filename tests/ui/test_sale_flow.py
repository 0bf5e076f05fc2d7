"""The till driven by Textual's Pilot against a real central and a real SQLite file."""

from __future__ import annotations

from edge.storage import outbox, sales
from edge.ui.dialogs import TextScreen
from edge.ui.payment import PaymentScreen
from kassa.sync.v1 import sync_pb2
from tests.ui.conftest import Harness, type_code


async def test_scan_identify_pay_cash_print(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "4820000000017")  # Хліб житній 32.50
        await type_code(harness, pilot, "2*4820000000062")  # Кава мелена 2 x 219.00
        await type_code(harness, pilot, "2000000000015")  # card of Шевченко Олена
        session = harness.session
        assert [line.quantity_milli for line in session.cart.lines] == [1000, 2000]
        assert session.cart.total == 3250 + 43800
        assert session.customer is not None and session.customer.id == "c-shevchenko"

        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        await pilot.press("ctrl+a", "ctrl+k", *"500", "enter")
        await harness.settle()

        assert "Change: 29.50" in harness.message()
        assert session.cart.empty
        printed = await harness.printed(pilot)
    ((receipt_id,),) = harness.database.db.conn.execute("SELECT id FROM receipts").fetchall()
    stored = sales.get_receipt(harness.database, receipt_id)
    assert stored is not None
    assert stored["total"] == 47050 and stored["cash_tendered"] == 50000
    assert stored["change"] == 2950 and stored["customer_id"] == "c-shevchenko"
    assert stored["payments"] == {"cash": 47050} and stored["cashier_id"] == "oksana"
    assert [(ln["name"], ln["quantity_milli"]) for ln in stored["lines"]] == [
        ("Хліб житній", 1000), ("Кава мелена 250 г", 2000)
    ]
    assert b"\x1b\x70" in printed  # the cash drawer kick, for a cash payment
    for text in ("Хліб житній", "Кава мелена 250 г", "470.50", "29.50", "2352"):
        assert text.encode("cp1251") in printed, text
    # The receipt's barcode carries the store's receipt prefix, so the till knows it.
    assert b"{BRA1-000001" in printed


async def test_bad_input_says_what_is_wrong_and_writes_nothing(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press("f10")  # an empty receipt cannot be paid
        await harness.settle()
        assert "The receipt is empty" in harness.message()

        await type_code(harness, pilot, "4820000000017")
        await type_code(harness, pilot, "1234567890123")  # no product, no card
        assert "Unknown code 1234567890123" in harness.message()
        await type_code(harness, pilot, "2000000000046")  # card-like, but not issued
        assert "Unknown code 2000000000046" in harness.message()
        await type_code(harness, pilot, "0*4820000000017")
        assert "Quantity must be a whole number" in harness.message()
        await type_code(harness, pilot, "2100001003754")  # scale label, bad check digit
        assert "wrong check digit" in harness.message()

        for phone, message in [("12ab", "Not a phone number: 12ab"),
                               ("+380 99 000 00 00", "No customer has the phone")]:
            await pilot.press("f3")
            await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, TextScreen))
            await pilot.press(*phone, "enter")
            await harness.settle()
            assert message in harness.message()

        await pilot.press("f3")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, TextScreen))
        await pilot.press(*"067-123-45-67", "enter")  # Ukrainian spelling, no +380
        await harness.settle()
        session = harness.session
        assert session.customer is not None and session.customer.id == "c-shevchenko"

        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        await pilot.press("ctrl+a", "ctrl+k", *"10", "enter")  # short of 32.50
        assert isinstance(harness.app.screen, PaymentScreen)
        await pilot.press("escape")
        await harness.settle()
        assert len(session.cart.lines) == 1 and session.cart.total == 3250
    assert harness.receipts() == 0
    pending = [sync_pb2.Event.FromString(p) for _, p in outbox.pending(harness.database, 10)]
    # Only the shift opening may be waiting (or already synced): no sale, no customer.
    assert {e.WhichOneof("body") for e in pending} <= {"shift_opened"}
    assert harness.database.scalar("SELECT COUNT(*) FROM customers WHERE id LIKE '0%'") == 0
