"""Documents for the layout tests: a shift report, price tags and a loyalty card."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from edge.printing.documents import CashMovement, LoyaltyCard, PriceTag, ShiftReport
from edge.printing.layout import Style

KYIV = timezone(timedelta(hours=2))
OPENED = datetime(2025, 3, 1, 6, 0, tzinfo=UTC)
CLOSED = datetime(2025, 3, 1, 18, 30, tzinfo=UTC)
CARD_NUMBER = "2900000012349"  # EAN-13, check digit 9


def style(language: str, width: int, code_page: str = "CP1251") -> Style:
    return Style(language, width, code_page, currency_sign="грн", tz=KYIV)


def shift_report(kind: str = "Z") -> ShiftReport:
    return ShiftReport(
        kind="Z" if kind == "Z" else "X",
        store_name="Продукти «Ґанок»",
        till_id="T1",
        shift_number=12,
        cashier="Їжакевич Є.",
        opened_at=OPENED,
        at=CLOSED,
        sales_count=42,
        sales_total=1234550,
        returns_count=2,
        returns_total=30000,
        discounts_total=21005,
        paid_cash=800000,
        paid_card=400050,
        paid_points=4500,
        points_earned=1234,
        points_spent=450,
        opening_float=50000,
        movements=(
            CashMovement(datetime(2025, 3, 1, 8, 15, tzinfo=UTC), 20000, "Розмінна монета"),
            CashMovement(datetime(2025, 3, 1, 12, 0, tzinfo=UTC), -100000, "Інкасація"),
        ),
    )


def price_tags() -> list[PriceTag]:
    return [
        PriceTag(
            "Хліб житній «Їжачок», 500 г",
            price=3990,
            barcode="4820000000017",
            old_price=4550,
            promo_from=date(2025, 3, 1),
            promo_to=date(2025, 3, 15),
        ),
        PriceTag("Молоко ёлочка 2,5%", price=5200, barcode="ART-1042"),
        PriceTag("Сир «Єдиний»", price=21990, old_price=25000, promo_to=date(2025, 3, 31)),
    ]


def loyalty_card(number: str = CARD_NUMBER) -> LoyaltyCard:
    return LoyaltyCard("Продукти «Ґанок»", "Ґалаґан Єлизавета Іванівна", number)
