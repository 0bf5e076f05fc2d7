"""Sales and returns for printing tests, built directly from the domain dataclasses."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kassa.domain.points import LedgerEntry
from kassa.domain.pricing import AppliedDiscount, DiscountKind, VatTotal
from kassa.domain.returns import ClosedReturn, ReturnedItem
from kassa.domain.sale import ClosedSale, CustomerRef, Payment, ReceiptLine

CLOSED_AT = datetime(2025, 3, 1, 10, 5, tzinfo=UTC)
RETURNED_AT = datetime(2025, 3, 2, 12, 40, tzinfo=UTC)
UK_NAME = "Хліб житній, їжа, є, ґанок"
RU_NAME = "Молоко ёлочка, щука"
WATER = "Вода «Єва»"
SPRING = "Акція «Весна»"
LOYAL = "Персональна знижка постійного покупця"
DAMAGED = "Пошкоджена упаковка"


def make_sale(*, with_customer: bool = True, number: str = "S1-T1-000042") -> ClosedSale:
    """Two lines (one weighted), paid 200.00 in cash; with a customer earning 166 points."""
    lines = (
        ReceiptLine(1, "p1", "4820000000017", UK_NAME, 2000, 4550, 9100, points_earned=91),
        ReceiptLine(2, "p2", "2000000000015", RU_NAME, 375, 20000, 7500, points_earned=75),
    )
    sale = ClosedSale(
        id="r1",
        number=number,
        store_id="s1",
        till_id="t1",
        closed_at=CLOSED_AT,
        lines=lines,
        total=16600,
        payments=(Payment("cash", 16600),),
        cash_tendered=20000,
        change=3400,
        customer=None,
        ledger=(),
    )
    if not with_customer:
        return sale
    earned = LedgerEntry("l1", "c1", 166, "r1", "s1", CLOSED_AT, "earn")
    return replace(sale, customer=CustomerRef("c1", "Іваненко Ї.", 120), ledger=(earned,))


def make_discounted_sale() -> ClosedSale:
    """Three lines, two discounted (a promotion and a personal discount, a manual one),
    VAT at 20% and 7%; 450 points (4.50) spent, 100.00 by card, the rest in cash rounded
    by -0.02 to the 0.10 step, 100.00 tendered. Subtotal 184.00, discounts 15.58, total
    168.42; the customer's 1200 points become 908."""
    lines = (
        ReceiptLine(
            1, "p1", "4820000000017", UK_NAME, 2000, 4550, 7917, base_total=9100,
            discounts=(
                AppliedDiscount(DiscountKind.SPECIAL, "pr1", 1, SPRING, 1000, 910),
                AppliedDiscount(DiscountKind.PERSONAL, "pd1", 2, LOYAL, 300, 273),
            ),
            vat_rate=2000, points_spent=212, points_earned=79,
        ),
        ReceiptLine(
            2, "p2", "2000000000015", RU_NAME, 375, 20000, 7125, base_total=7500,
            discounts=(
                AppliedDiscount(DiscountKind.MANUAL, None, None, DAMAGED, 500, 375,
                                given_by="m1"),
            ),
            vat_rate=700, points_spent=190, points_earned=71,
        ),
        ReceiptLine(3, "p3", "4820000000109", WATER, 1000, 1800, 1800, base_total=1800,
                    vat_rate=2000, points_spent=48, points_earned=8),
    )
    ledger = (
        LedgerEntry("l2", "c1", -450, "r2", "s1", CLOSED_AT, "spend", lot_id="l0"),
        LedgerEntry("l3", "c1", 158, "r2", "s1", CLOSED_AT, "earn"),
    )
    return ClosedSale(
        id="r2",
        number="S1-T1-000043",
        store_id="s1",
        till_id="t1",
        closed_at=CLOSED_AT,
        lines=lines,
        total=16842,
        payments=(Payment("card", 10000), Payment("cash", 6390), Payment("points", 450)),
        cash_tendered=10000,
        change=3610,
        customer=CustomerRef("c1", "Іваненко Ї.", 1200),
        ledger=ledger,
        cash_rounding=-2,
        points_spent=450,
        vat=(VatTotal(2000, 9717, 1620), VatTotal(700, 7125, 466)),
    )


def make_return(*, with_customer: bool = True) -> ClosedReturn:
    """Part of the discounted sale back: one bread and the milk; 110.84 of goods, 107.53
    refunded (100.00 to the card, 7.53 in cash rounded to 7.50), 334 points restored and
    111 annulled: the customer's 908 points become 1131."""
    items = (
        ReturnedItem(1, "p1", UK_NAME, 1000, 3959, 3850, 109, 40),
        ReturnedItem(2, "p2", RU_NAME, 375, 7125, 6903, 225, 71),
    )
    ledger = (
        LedgerEntry("l4", "c1", 334, "x1", "s1", RETURNED_AT, "restore", lot_id="l0"),
        LedgerEntry("l5", "c1", -111, "x1", "s1", RETURNED_AT, "annul", lot_id="l3"),
    )
    ret = ClosedReturn(
        id="x1",
        number="S1-T1-R00007",
        receipt_id="r2",
        receipt_number="S1-T1-000043",
        store_id="s1",
        till_id="t1",
        returned_at=RETURNED_AT,
        customer=CustomerRef("c1", "Іваненко Ї.", 908),
        lines=items,
        total=11084,
        refund=10753,
        cash_rounding=-3,
        refunds=(Payment("card", 10000), Payment("cash", 750)),
        ledger=ledger,
        one_time_restored=(),
        cashier_id="k1",
        approved_by="m1",
        shift_id="sh1",
    )
    return ret if with_customer else replace(ret, customer=None, ledger=())
