"""What pricing gives back: priced lines with every discount's source, points and VAT,
and the refund of a return. These are what the till stores and prints.

All are immutable. The two records made per line, ``AppliedDiscount`` and ``PricedLine``,
are typed NamedTuples: a receipt makes hundreds of them, and a frozen dataclass costs
about seven times as much to build (its ``__init__`` sets each field through
``object.__setattr__``), which was the largest part of pricing a 200-line cart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from kassa.domain.pricing.customer import PointLot
from kassa.domain.pricing.programs import DiscountKind
from kassa.domain.pricing.units import Money, Percent, Quantity


class AppliedDiscount(NamedTuple):
    """One discount on a line. ``percent`` is the program's (a fixed price's % off the base);
    ``amount`` is what it took off the line, less than its full size when ``capped`` by
    the sum cap or a minimum price. A manual discount has no program but ``given_by``."""

    kind: DiscountKind
    program_id: str | None
    program_version: int | None
    name: str
    percent: Percent
    amount: Money
    capped: bool = False
    given_by: str | None = None


class PricedLine(NamedTuple):
    """A line after discounts (``total``) and its split into points and money. ``base_price``
    is the price list's unit price where the customer has one (``price_list``), else retail."""

    line_no: int
    product_id: str
    name: str
    category: tuple[str, ...]
    quantity: Quantity
    vat_rate: Percent
    retail_price: Money
    base_price: Money
    price_list: str | None
    base_total: Money
    discounts: tuple[AppliedDiscount, ...]
    discount_total: Money
    total: Money
    points_max: int
    points_spent: int
    points_value: Money
    money: Money
    points_earned: int


@dataclass(frozen=True, slots=True)
class VatTotal:
    """VAT contained in the ``gross`` of all lines at one rate."""

    rate: Percent
    gross: Money
    vat: Money


@dataclass(frozen=True, slots=True)
class PricedReceipt:
    """A priced receipt. ``due`` is the money part, exact for cards; ``cash_due`` is it
    rounded to the store's coin step, ``cash_rounding`` the difference. ``points_max`` is
    what the till offers; ``points_spent_from`` the lots they came from, oldest first.
    Customer fields are null without a customer."""

    receipt_id: str
    at: datetime
    customer_id: str | None
    customer_terms: tuple[str, ...]
    lines: tuple[PricedLine, ...]
    base_total: Money
    discount_total: Money
    total: Money
    vat: tuple[VatTotal, ...]
    points_max: int
    points_spent: int
    points_value: Money
    due: Money
    cash_due: Money
    cash_rounding: Money
    points_earned: int
    balance_before: int | None
    available_before: int | None
    balance_after: int | None
    lifetime_before: Money | None
    lifetime_after: Money | None
    one_time_used: tuple[str, ...]
    points_spent_from: tuple[PointLot, ...]
    point_lots_after: tuple[PointLot, ...]


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    """What one receipt line gives back: ``total`` is the goods' value after discounts
    (it leaves lifetime purchases), ``refund`` the money, and the points either way."""

    line_no: int
    quantity: Quantity
    total: Money
    refund: Money
    points_restored: int
    points_annulled: int


@dataclass(frozen=True, slots=True)
class PricedReturn:
    """A return computed from the receipt's stored split, never from today's programs."""

    receipt_id: str
    at: datetime
    lines: tuple[ReturnedLine, ...]
    total: Money
    vat: tuple[VatTotal, ...]
    refund: Money
    cash_refund: Money
    cash_rounding: Money
    points_restored: int
    points_annulled: int
    balance_before: int | None
    balance_after: int | None
    lifetime_before: Money | None
    lifetime_after: Money | None
    fully_returned: bool
    one_time_restored: tuple[str, ...]
    point_lots_after: tuple[PointLot, ...]
