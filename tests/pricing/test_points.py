"""Bonus points of issue 3: offer, spend split, earning, delay, expiry and steps."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from kassa.domain.pricing import (
    CategoryRule,
    Customer,
    InputError,
    Programs,
    Store,
    customer_after_sale,
    price_receipt,
)
from tests.pricing.builders import AT, BONUS, KYIV, line, lot, request

PROGRAMS = Programs(bonus=replace(BONUS, max_points_share=2000))


def test_spending_less_than_the_maximum_splits_by_each_lines_cap() -> None:
    customer = Customer("C-1", point_lots=(lot(5000),))
    sale = request(line("a", 10_000), line("b", 30_000), programs=PROGRAMS, customer=customer)
    assert price_receipt(sale).points_max == 5000
    receipt = price_receipt(replace(sale, points_to_spend=1001))
    assert [priced.points_max for priced in receipt.lines] == [2000, 6000]
    assert [priced.points_spent for priced in receipt.lines] == [250, 751]
    assert receipt.due == 40_000 - 1001
    assert receipt.balance_after == 5000 - 1001 + receipt.points_earned


def test_earned_points_are_floored_per_receipt_and_split_by_largest_remainder() -> None:
    programs = Programs(bonus=replace(BONUS, earn_points=5))  # 5 points per 1.00
    receipt = price_receipt(
        request(
            line("a", 33), line("b", 33), line("c", 34), programs=programs, customer=Customer("C")
        )
    )
    # 1.00 paid earns 5 points; per line 1.65, 1.65 and 1.70
    assert receipt.points_earned == 5
    assert [priced.points_earned for priced in receipt.lines] == [2, 1, 2]


def test_points_are_earned_only_on_money_of_earning_categories() -> None:
    programs = Programs(
        bonus=BONUS,
        category_rules=(CategoryRule("gift-cards", earns_points=False, points_payment=False),),
    )
    customer = Customer("C-1", point_lots=(lot(1000),))
    receipt = price_receipt(
        request(
            line("card", 50_000, category=("gift-cards",)),
            line(),
            programs=programs,
            customer=customer,
        )
    )
    assert [priced.points_spent for priced in receipt.lines] == [0, 1000]
    assert receipt.points_earned == 90  # on 100.00 - 10.00 paid with points


def test_a_redemption_step_above_one_kopeck() -> None:
    programs = Programs(bonus=replace(BONUS, redeem_points=1, redeem_value=100))  # 1 point = 1.00
    customer = Customer("C-1", point_lots=(lot(500),))
    sale = request(line(price=1_050), programs=programs, customer=customer)
    receipt = price_receipt(sale)
    assert (receipt.points_max, receipt.points_value, receipt.due) == (10, 1000, 50)
    fine_step = replace(programs, bonus=replace(BONUS, redeem_points=1000, redeem_value=100))
    with pytest.raises(InputError, match="points_to_spend: must be a multiple of 10"):
        price_receipt(replace(sale, programs=fine_step, points_to_spend=15))


def test_spending_needs_a_customer_and_no_more_than_offered() -> None:
    with pytest.raises(InputError, match="points_to_spend: no customer"):
        price_receipt(request(programs=PROGRAMS, points_to_spend=100))
    customer = Customer("C-1", point_lots=(lot(5000),))
    with pytest.raises(InputError, match="at most 2000 points"):
        price_receipt(request(programs=PROGRAMS, customer=customer, points_to_spend=2001))


def test_earned_points_wait_for_the_delay_and_lots_expire() -> None:
    programs = Programs(bonus=replace(BONUS, spend_delay_days=14, expiry_days=365))
    customer = Customer("C-1", point_lots=(lot(300, "old", expires_at=AT + timedelta(hours=1)),))
    first = price_receipt(request(programs=programs, customer=customer))
    earned = next(found for found in first.point_lots_after if found.id == "R-1")
    assert (earned.points, earned.available_at, earned.expires_at) == (
        97,  # 100.00 less 3.00 paid with points
        AT + timedelta(days=14),
        AT + timedelta(days=365),
    )
    after = customer_after_sale(customer, first)
    next_day = price_receipt(
        request(programs=programs, customer=after, at=AT + timedelta(days=1), receipt_id="R-2")
    )
    # "old" expired, R-1's points wait for their delay: nothing to spend, but a balance
    assert (next_day.available_before, next_day.balance_before, next_day.points_max) == (0, 97, 0)
    later = price_receipt(
        request(programs=programs, customer=after, at=AT + timedelta(days=14), receipt_id="R-3")
    )
    assert later.available_before == 97


def test_oldest_lots_are_spent_first_and_their_dates_kept() -> None:
    older = lot(
        100, "older", earned_at=datetime(2024, 1, 1, tzinfo=KYIV), expires_at=AT + timedelta(days=2)
    )
    newer = lot(100, "newer", earned_at=datetime(2024, 6, 1, tzinfo=KYIV))
    customer = Customer("C-1", point_lots=(newer, older))
    receipt = price_receipt(request(programs=PROGRAMS, customer=customer, points_to_spend=150))
    assert [(d.id, d.points) for d in receipt.points_spent_from] == [("older", 100), ("newer", 50)]
    assert [(kept.id, kept.points) for kept in receipt.point_lots_after] == [
        ("newer", 50),
        ("R-1", 98),  # 98.50 paid in money, floored
    ]


def test_a_program_change_never_shortens_an_earned_lot() -> None:
    """Expiry is stamped on the lot when earned; today's program does not re-date it."""
    kept = lot(100, "kept", expires_at=AT + timedelta(days=300))
    programs = Programs(bonus=replace(BONUS, expiry_days=30))
    receipt = price_receipt(
        request(programs=programs, customer=Customer("C", point_lots=(kept,)), points_to_spend=0)
    )
    assert receipt.point_lots_after[0] == kept


def test_cash_rounds_to_the_coin_step_and_card_stays_exact() -> None:
    receipt = price_receipt(request(line(price=12_345), store=Store("Europe/Kyiv", cash_step=10)))
    assert (receipt.due, receipt.cash_due, receipt.cash_rounding) == (12_345, 12_350, 5)
    receipt = price_receipt(request(line(price=12_344), store=Store("Europe/Kyiv", cash_step=10)))
    assert (receipt.due, receipt.cash_due, receipt.cash_rounding) == (12_344, 12_340, -4)


def test_lifetime_grows_by_the_total_whatever_the_tender() -> None:
    customer = Customer("C-1", lifetime_purchases=1000, point_lots=(lot(5000),))
    receipt = price_receipt(request(programs=PROGRAMS, customer=customer))
    assert receipt.points_spent == 2000
    assert receipt.lifetime_after == 1000 + 10_000
