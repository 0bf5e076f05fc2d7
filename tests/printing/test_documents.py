"""Documents refuse, when they are made, what no printer could show sensibly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from edge.printing.documents import CashMovement, LoyaltyCard, PriceTag

from .samples import CARD_NUMBER, OPENED, shift_report


def test_expected_cash_is_float_plus_cash_payments_plus_in_minus_out() -> None:
    report = shift_report()
    assert (report.cash_in, report.cash_out) == (20000, 100000)
    assert report.expected_cash == 50000 + 800000 + 20000 - 100000


@pytest.mark.parametrize(
    ("make", "complaint"),
    [
        (lambda: replace(shift_report(), opened_at=datetime(2025, 3, 1, 8)), "timezone-aware"),
        (lambda: replace(shift_report(), at=OPENED.replace(hour=5)), "earlier than the shift"),
        (lambda: replace(shift_report(), kind="Y"), "'X' or 'Z'"),
        (lambda: CashMovement(datetime(2025, 3, 1, 8), 100), "timezone-aware"),
        (lambda: CashMovement(OPENED, 0), "of 0"),
        (lambda: PriceTag("Сир", -1), "negative"),
        (lambda: PriceTag("Сир", 100, old_price=100), "above the new price"),
        (lambda: PriceTag("Сир", 100, promo_to=date(2025, 3, 1)), "need an old price"),
        (
            lambda: PriceTag(
                "Сир", 100, old_price=200, promo_from=date(2025, 3, 2), promo_to=date(2025, 3, 1)
            ),
            "ends before it starts",
        ),
        (lambda: LoyaltyCard("S", "C", CARD_NUMBER[:12] + "0"), "should end in 9"),
        (lambda: LoyaltyCard("S", "C", CARD_NUMBER[:12]), "must be 13 digits"),
        (lambda: LoyaltyCard("S", "C", "Карта-1"), "printable ASCII"),
        (lambda: LoyaltyCard("S", "C", ""), "printable ASCII"),
    ],
)
def test_impossible_documents_are_refused(make: object, complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        make()  # type: ignore[operator]


def test_a_card_number_that_is_not_numeric_is_kept_for_code128() -> None:
    assert LoyaltyCard("S", "C", "KS-000123").number == "KS-000123"
