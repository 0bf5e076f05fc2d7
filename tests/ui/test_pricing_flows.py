"""Pilot flows of pricing at the till: discounts on lines, points, manual discounts,
quantities, returns and price tags, against a real central with the demo programs."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Label, Static

from edge.ui.dialogs import DiscountScreen, TextScreen
from edge.ui.payment import PaymentScreen
from edge.ui.receipt_lines import ReceiptLines
from edge.ui.returns import ReturnScreen
from edge.ui.sale_screen import SaleScreen
from tests.ui.conftest import Harness, type_code

JUICE, COFFEE, BREAD, MILK = "4820000000093", "4820000000062", "4820000000017", "4820000000024"
SHEVCHENKO, KOVALENKO = "2000000000015", "2000000000022"


def row(harness: Harness, index: int) -> list[str]:
    table = harness.app.sale_screen.query_one("#lines", ReceiptLines)
    return list(table.rows[index])


def side(harness: Harness) -> str:
    screen = harness.app.sale_screen
    return "\n".join(str(screen.query_one(f"#{name}", Static).render())
                     for name in ("customer", "sums", "total"))


def label(harness: Harness, selector: str) -> str:
    return str(harness.app.screen.query_one(selector, Label).render())


def receipt(harness: Harness, number: str) -> dict[str, object]:
    found = harness.database.one("SELECT * FROM receipts WHERE number = ?", (number,))
    assert found is not None
    return found


async def pay(harness: Harness, pilot: Pilot[None], *keys: str) -> None:
    """F10, then ``keys`` in the payment dialog (Enter alone: the cash pre-filled)."""
    await pilot.press("f10")
    await harness.press_into(pilot, PaymentScreen, *(keys or ("enter",)))
    await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, SaleScreen))
    await harness.settle()


async def test_a_promotion_shows_on_its_line_and_is_stored(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, JUICE)  # 58.90, drinks -10%
        await type_code(harness, pilot, BREAD)  # 32.50, no discount
        assert row(harness, 0)[3:] == ["58.90", "-5.89 Напої -10%", "53.01"]
        assert row(harness, 1)[3:] == ["32.50", "", "32.50"]
        assert "Subtotal 91.40 грн\nDiscount -5.89 грн\nTOTAL 85.51 грн" in side(harness)

        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        assert "Receipt total: 85.51 грн · discount 5.89 грн" in label(harness, "Label")
        assert "In cash 85.50 грн (rounding -0.01)" in label(harness, "#due")
        await pilot.press("enter")  # the cash pre-filled: 85.50
        await harness.settle()
        assert "Change: 0.00" in harness.message()
    stored = receipt(harness, "A1-000001")
    assert (stored["total"], stored["discount_total"], stored["cash_rounding"]) == (8551, 589, -1)
    lines = harness.database.rows(
        "SELECT name, discount_total, total FROM receipt_lines ORDER BY line_no")
    assert [(ln["discount_total"], ln["total"]) for ln in lines] == [(589, 5301), (0, 3250)]
    assert "Напої -10%" in str(stored["pricing_json"])


async def test_a_vip_gets_the_birthday_gift_once_then_3_percent(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, KOVALENKO)
        assert "VIP 3%" in side(harness)
        await type_code(harness, pilot, COFFEE)  # 219.00
        assert row(harness, 0)[4].startswith("-32.85")  # the one-time 15% is the best
        await pay(harness, pilot)

        await type_code(harness, pilot, KOVALENKO)
        await type_code(harness, pilot, COFFEE)
        assert row(harness, 0)[4:] == ["-6.57 VIP 3%", "212.43"]
        assert "TOTAL 212.43" in side(harness)
        await pay(harness, pilot)
    assert receipt(harness, "A1-000002")["discount_total"] == 657


async def test_points_pre_filled_at_the_maximum_then_fewer(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, SHEVCHENKO)
        await type_code(harness, pilot, COFFEE)
        await pay(harness, pilot)  # no points yet: no points field
        assert "1095 points earned, balance 1095" in harness.message()

        await type_code(harness, pilot, SHEVCHENKO)
        assert "Points: 1095" in side(harness)
        await type_code(harness, pilot, COFFEE)
        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        screen = harness.app.screen
        assert screen.query_one("#points").value == "1095"  # type: ignore[attr-defined]
        assert "1095 points pay 10.95" in label(harness, "#due")
        assert "To pay: 208.05 грн\nIn cash 208.10 грн (rounding +0.05)" in label(
            harness, "#due")
        await pilot.press("enter")  # cash 208.10 pre-filled
        await harness.settle()
        assert "1095 points spent" in harness.message()

        await type_code(harness, pilot, SHEVCHENKO)
        await type_code(harness, pilot, COFFEE)
        await pilot.press("f10")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, PaymentScreen))
        await pilot.press("shift+tab", "shift+tab", "ctrl+a", "ctrl+k", *"5000")
        await harness.wait_for(pilot, lambda: "At most" in label(harness, "#change"))
        await pilot.press("backspace")  # 500 points
        await harness.wait_for(pilot, lambda: "To pay: 214.00" in label(harness, "#due"))
        await pilot.press("enter", "enter")  # to the cash field, then the cash pre-filled
        await harness.settle()
        assert "500 points spent" in harness.message()
        printed = await harness.printed(pilot)
    second, third = receipt(harness, "A1-000002"), receipt(harness, "A1-000003")
    assert (second["points_spent"], second["cash_rounding"]) == (1095, 5)
    assert third["points_spent"] == 500
    spent = harness.database.rows(
        "SELECT receipt_id, points FROM ledger_entries WHERE reason = 'spend' ORDER BY created_at")
    assert [(e["receipt_id"], e["points"]) for e in spent] == [
        (second["id"], -1095), (third["id"], -500)]
    payments = harness.database.rows(
        "SELECT method, amount FROM payments WHERE receipt_id = ?", (third["id"],))
    assert {p["method"]: p["amount"] for p in payments} == {"cash": 21400, "points": 500}
    assert b"1095" in printed and b"500" in printed


async def test_manual_discount_needs_a_manager(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, COFFEE)
        await pilot.press("ctrl+g")
        await harness.press_into(pilot, DiscountScreen, *"10", "enter", *"damaged", "enter")
        await harness.press_into(pilot, TextScreen, *"1111", "enter")  # a cashier's PIN
        await harness.settle()
        assert "Not a manager's PIN" in harness.message()
        assert harness.session.cart.lines[0].manual is None and row(harness, 0)[4] == ""

        await pilot.press("ctrl+g")
        await harness.press_into(pilot, DiscountScreen, *"10", "enter", *"damaged", "enter")
        await harness.press_into(pilot, TextScreen, *"9999", "enter")
        await harness.settle()
        assert "discount 10% given by Андрій Бондар" in harness.message()
        assert row(harness, 0)[4:] == ["-21.90 damaged", "197.10"]
        await pay(harness, pilot)
    assert receipt(harness, "A1-000001")["discount_total"] == 2190
    actions = harness.database.rows("SELECT kind, approved_by FROM actions")
    assert ("manual_discount", "andriy") in [(a["kind"], a["approved_by"]) for a in actions]


async def test_quantity_of_the_highlighted_line(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, MILK)  # 41.90
        await type_code(harness, pilot, BREAD)
        await pilot.press("up", "ctrl+n")
        await harness.press_into(pilot, TextScreen, "ctrl+a", "ctrl+k", *"1.5", "enter")
        await harness.settle()
        assert "Pieces are counted in whole numbers: 1.5" in harness.message()
        await pilot.press("ctrl+n")
        await harness.press_into(pilot, TextScreen, "ctrl+a", "ctrl+k", *"3", "enter")
        await harness.settle()
        assert [ln.quantity_milli for ln in harness.session.cart.lines] == [3000, 1000]
        assert row(harness, 0)[2] == "3" and row(harness, 0)[5] == "125.70"
        assert "TOTAL 158.20" in side(harness)


async def test_return_of_one_line_with_a_manager_pin(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, SHEVCHENKO)
        await type_code(harness, pilot, BREAD)
        await type_code(harness, pilot, COFFEE)
        await pay(harness, pilot)
        balance = harness.database.scalar(
            "SELECT SUM(points) FROM ledger_entries WHERE customer_id = 'c-shevchenko'")
        assert balance == 1257  # 251.50 at 5 points per 1.00

        await pilot.press(*"RA1-000001", "enter")  # the receipt's barcode
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, ReturnScreen))
        await pilot.press("f10")  # nothing picked yet
        assert "Nothing is picked" in label(harness, "#refund")
        await pilot.press("space")  # all of line 1 (bread)
        await harness.wait_for(pilot, lambda: "Refund 32.50" in label(harness, "#refund"))
        assert "cash 32.50" in label(harness, "#refund")
        assert "Points back 0, annulled 162; balance after 1095" in label(harness, "#refund")
        await pilot.press("f10")
        await harness.press_into(pilot, TextScreen, *"9999", "enter")
        await harness.settle()
        assert "refund 32.50 грн (cash 32.50 грн)" in harness.message()
        assert "balance 1095" in harness.message()
        printed = await harness.printed(pilot)
    ret = harness.database.one("SELECT * FROM returns")
    assert ret is not None and (ret["refund"], ret["approved_by"]) == (3250, "andriy")
    refunds = harness.database.rows("SELECT method, amount FROM refunds")
    assert [(r["method"], r["amount"]) for r in refunds] == [("cash", 3250)]
    assert harness.database.scalar(
        "SELECT SUM(points) FROM ledger_entries WHERE customer_id = 'c-shevchenko'") == 1095
    assert printed.count("Хліб житній".encode("cp1251")) == 2  # the receipt, the slip


async def test_returning_more_than_is_left_is_refused(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await type_code(harness, pilot, "2*" + BREAD)
        await pay(harness, pilot)

        await pilot.press("ctrl+b")
        await harness.press_into(pilot, TextScreen, *"999", "enter")
        await harness.settle()
        assert "Receipt 999 cannot be returned" in harness.message()

        await pilot.press("ctrl+b")
        await harness.press_into(pilot, TextScreen, *"1", "enter")
        await harness.press_into(pilot, ReturnScreen, "enter")
        await harness.press_into(pilot, TextScreen, "ctrl+a", "ctrl+k", *"3", "enter")
        await harness.wait_for(pilot, lambda: isinstance(harness.app.screen, ReturnScreen))
        await harness.wait_for(pilot, lambda: "Only 2 of Хліб житній is left to return"
                               in label(harness, "#refund"))
        await pilot.press("f10")  # refused: nothing is picked
        assert isinstance(harness.app.screen, ReturnScreen)
        await pilot.press("escape")
        await harness.settle()
    assert harness.database.scalar("SELECT COUNT(*) FROM returns") == 0


async def test_a_price_tag_for_a_product(harness: Harness) -> None:
    async with harness.app.run_test() as pilot:
        await harness.log_in(pilot)
        await pilot.press("ctrl+t")
        await harness.press_into(pilot, TextScreen, *JUICE, "enter")
        await harness.settle()
        assert "Price tags sent to the printer: 1" in harness.message()
        printed = await harness.printed(pilot)
    assert harness.database.scalar("SELECT kind FROM print_jobs") == "price-tags"
    for text in ("Сік яблучний 1 л", "58.90", "53.01"):
        assert text.encode("cp1251") in printed, text
