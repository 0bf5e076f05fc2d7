"""Returns of issue 3: from the stored split, in any pieces, with points and lifetime."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from kassa.domain.pricing import (
    Customer,
    InputError,
    PersonalDiscount,
    Programs,
    ReturnLine,
    Store,
    customer_after_return,
    customer_after_sale,
    price_receipt,
    price_return,
)
from tests.pricing.builders import AT, BONUS, line, lot, request, return_of

PROGRAMS = Programs(bonus=replace(BONUS, max_points_share=5000))


def test_units_returned_one_by_one_take_the_remainder_last() -> None:
    sale = request(
        line(price=3333, quantity=3000),
        programs=PROGRAMS,
        customer=Customer("C", point_lots=(lot(1000),)),
    )
    receipt = price_receipt(sale)
    assert (receipt.lines[0].total, receipt.points_spent, receipt.points_earned) == (9999, 1000, 89)
    pieces = []
    before: tuple[ReturnLine, ...] = ()
    for _ in range(3):
        refund = price_return(return_of(sale, receipt, ReturnLine(1, 1000), before=before))
        pieces.append((refund.refund, refund.points_restored, refund.points_annulled))
        before += (ReturnLine(1, 1000),)
    # 89.99 paid in money, 10.00 in points, 89 points earned; thirds rounded half-up
    assert pieces == [(3000, 333, 30), (2999, 334, 29), (3000, 333, 30)]
    whole = price_return(return_of(sale, receipt, ReturnLine(1, 3000)))
    assert (whole.refund, whole.points_restored, whole.points_annulled) == (8999, 1000, 89)


def test_a_one_time_discount_comes_back_only_with_a_full_return() -> None:
    gift = PersonalDiscount("gift", 1, "Gift 15%", 1500, one_time=True)
    customer = Customer("C", discounts=(gift,))
    sale = request(line("a"), line("b"), customer=customer)
    receipt = price_receipt(sale)
    assert receipt.one_time_used == ("gift",)
    partial = price_return(return_of(sale, receipt, ReturnLine(1, 1000)))
    assert (partial.fully_returned, partial.one_time_restored) == (False, ())
    rest = price_return(
        return_of(
            sale,
            receipt,
            ReturnLine(2, 1000),
            before=(ReturnLine(1, 1000),),
            customer=customer_after_return(customer_after_sale(customer, receipt), partial),
        )
    )
    assert (rest.fully_returned, rest.one_time_restored) == (True, ("gift",))


def test_points_already_spent_are_owed_and_paid_off_by_the_next_earnings() -> None:
    customer = Customer("C")
    sale = request(line(price=50_000), programs=PROGRAMS, customer=customer)
    receipt = price_receipt(sale)
    assert receipt.points_earned == 500
    after = customer_after_sale(customer, receipt)
    spend = price_receipt(
        request(
            line(price=800),
            programs=PROGRAMS,
            customer=after,
            receipt_id="R-2",
            points_to_spend=400,
        )
    )
    after = customer_after_sale(after, spend)
    assert (spend.points_earned, spend.balance_after) == (4, 104)
    refund = price_return(return_of(sale, receipt, ReturnLine(1, 1000), customer=after))
    assert (refund.points_annulled, refund.balance_after) == (500, -396)
    owed = customer_after_return(after, refund)
    assert [(found.id, found.points) for found in owed.point_lots] == [("R-1-owed", -396)]
    next_sale = price_receipt(request(programs=PROGRAMS, customer=owed, receipt_id="R-3"))
    assert (next_sale.points_max, next_sale.points_earned, next_sale.balance_after) == (
        0,
        100,
        -296,
    )
    assert [(found.id, found.points) for found in next_sale.point_lots_after] == [
        ("R-1-owed", -296)
    ]


def test_restored_points_go_back_to_their_lots_with_their_dates() -> None:
    expiring = lot(1000, "expiring", expires_at=AT + timedelta(days=1))
    sale = request(line(), programs=PROGRAMS, customer=Customer("C", point_lots=(expiring,)))
    receipt = price_receipt(sale)
    assert receipt.points_spent == 1000
    refund = price_return(return_of(sale, receipt, ReturnLine(1, 1000)))
    assert [(found.id, found.points) for found in refund.point_lots_after] == [("expiring", 1000)]
    assert refund.point_lots_after[0].expires_at == expiring.expires_at
    late = price_return(return_of(sale, receipt, ReturnLine(1, 1000), at=AT + timedelta(days=2)))
    assert (late.points_restored, late.balance_after) == (1000, 0)


def test_a_return_is_computed_from_the_receipt_not_todays_programs() -> None:
    sale = request(line(), programs=PROGRAMS, customer=Customer("C", point_lots=(lot(1000),)))
    receipt = price_receipt(sale)
    refund = price_return(return_of(sale, receipt, ReturnLine(1, 1000)))
    assert (refund.refund, refund.total) == (receipt.due, receipt.total)
    assert refund.vat == receipt.vat


def test_cash_refund_rounds_to_the_coin_step() -> None:
    store = Store("Europe/Kyiv", cash_step=10)
    sale = request(line(price=12_345), store=store)
    refund = price_return(return_of(sale, price_receipt(sale), ReturnLine(1, 1000)))
    assert (refund.refund, refund.cash_refund, refund.cash_rounding) == (12_345, 12_350, 5)
    assert refund.balance_after is None and refund.lifetime_after is None


def test_return_errors_name_the_field() -> None:
    sale = request(line(quantity=2000), customer=Customer("C"))
    receipt = price_receipt(sale)
    with pytest.raises(InputError, match=r"lines\[0\].line_no: the receipt has no line 2"):
        price_return(return_of(sale, receipt, ReturnLine(2, 1000)))
    with pytest.raises(InputError, match=r"lines\[1\].quantity: only 1 of line 1 is left"):
        price_return(return_of(sale, receipt, ReturnLine(1, 1000), ReturnLine(1, 1500)))
    with pytest.raises(InputError, match="customer: the receipt's customer is 'C', not 'D'"):
        price_return(return_of(sale, receipt, ReturnLine(1, 1000), customer=Customer("D")))
