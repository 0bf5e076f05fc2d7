"""What the printed documents say, as plain data: money in minor units, aware datetimes.

Each class checks on creation what a printer could not show sensibly, so a bad
document fails when it is made, not halfway through a print job.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from edge.printing.barcodes import require_ean13


def _aware(name: str, moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")


@dataclass(frozen=True)
class CashMovement:
    """Cash put into (positive ``amount``) or taken out of (negative) the drawer."""

    at: datetime
    amount: int
    reason: str = ""

    def __post_init__(self) -> None:
        _aware("CashMovement.at", self.at)
        if self.amount == 0:
            raise ValueError("a cash movement of 0 is not a movement")


@dataclass(frozen=True)
class ShiftReport:
    """An X report (shift still open) or a Z report (the shift is closed) (S5).

    ``at`` is when an X report was taken or when the Z report's shift closed.
    Payments are net of returns; ``returns_total`` is the positive sum refunded;
    ``paid_points`` is the money value paid with points.
    """

    kind: Literal["X", "Z"]
    store_name: str
    till_id: str
    shift_number: int
    cashier: str
    opened_at: datetime
    at: datetime
    sales_count: int
    sales_total: int
    returns_count: int
    returns_total: int
    discounts_total: int
    paid_cash: int
    paid_card: int
    paid_points: int
    points_earned: int
    points_spent: int
    opening_float: int
    movements: tuple[CashMovement, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in ("X", "Z"):
            raise ValueError(f"shift report kind must be 'X' or 'Z', got {self.kind!r}")
        _aware("ShiftReport.opened_at", self.opened_at)
        _aware("ShiftReport.at", self.at)
        if self.at < self.opened_at:
            raise ValueError("a shift report cannot be earlier than the shift opened")

    @property
    def cash_in(self) -> int:
        return sum(m.amount for m in self.movements if m.amount > 0)

    @property
    def cash_out(self) -> int:
        return -sum(m.amount for m in self.movements if m.amount < 0)

    @property
    def expected_cash(self) -> int:
        """Opening float + net cash payments + cash in - cash out."""
        return self.opening_float + self.paid_cash + self.cash_in - self.cash_out


@dataclass(frozen=True)
class PriceTag:
    """A shelf tag (L12): the price, and for a promotion the old price and its dates.

    ``barcode`` is the product's code: EAN-13 when it is a valid one, else CODE128;
    empty for none.
    """

    name: str
    price: int
    barcode: str = ""
    old_price: int | None = None
    promo_from: date | None = None
    promo_to: date | None = None

    def __post_init__(self) -> None:
        if self.price < 0:
            raise ValueError(f"price of {self.name!r} cannot be negative")
        if self.old_price is not None and self.old_price <= self.price:
            raise ValueError(f"old price of {self.name!r} must be above the new price")
        if self.old_price is None and (self.promo_from or self.promo_to):
            raise ValueError(f"promotion dates of {self.name!r} need an old price")
        if self.promo_from and self.promo_to and self.promo_from > self.promo_to:
            raise ValueError(f"promotion of {self.name!r} ends before it starts")


@dataclass(frozen=True)
class LoyaltyCard:
    """A named loyalty card (C8); a numeric ``number`` must be a valid EAN-13.

    Other printable ASCII numbers are printed as CODE128.
    """

    store_name: str
    customer_name: str
    number: str

    def __post_init__(self) -> None:
        if self.number.isdigit():
            require_ean13(self.number)
        elif not (self.number.isascii() and self.number.isprintable() and self.number):
            raise ValueError(f"card number {self.number!r} must be printable ASCII")
