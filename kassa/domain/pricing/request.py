"""What is priced: the store, the chain's programs, the customer, the cart, and returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kassa.domain.pricing.customer import Customer, check_aware
from kassa.domain.pricing.errors import (
    InputError,
    check_not_negative,
    check_percent,
    check_positive,
    check_text,
)
from kassa.domain.pricing.programs import Programs
from kassa.domain.pricing.results import PricedReceipt
from kassa.domain.pricing.units import Money, Percent, Quantity


@dataclass(frozen=True)
class Store:
    """Where the receipt is made: its IANA time zone and its cash coin step (R1, R2)."""

    time_zone: str
    cash_step: Money = 1

    def __post_init__(self) -> None:
        try:
            self.zone  # noqa: B018 - fails early on an unknown zone
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InputError("time_zone", f"unknown time zone {self.time_zone!r}") from exc
        check_positive("cash_step", self.cash_step)

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class ManualDiscount:
    """A cashier's % off a line with a manager's PIN (L13), applied after all others."""

    percent: Percent
    given_by: str
    reason: str = ""

    def __post_init__(self) -> None:
        check_percent("percent", self.percent, positive=True)
        check_text("given_by", self.given_by)


@dataclass(frozen=True)
class SaleLine:
    """One cart line: retail unit ``price`` (VAT included), ``quantity`` (weights too), the
    category path from the root, the VAT rate and the lowest unit price discounts may reach."""

    product_id: str
    price: Money
    quantity: Quantity
    name: str = ""
    category: tuple[str, ...] = ()
    vat_rate: Percent = 0
    min_price: Money = 0
    manual: ManualDiscount | None = None

    def __post_init__(self) -> None:
        check_text("product_id", self.product_id)
        check_not_negative("price", self.price)
        check_positive("quantity", self.quantity)
        check_percent("vat_rate", self.vat_rate)
        check_not_negative("min_price", self.min_price)


@dataclass(frozen=True)
class Cart:
    lines: tuple[SaleLine, ...] = ()


@dataclass(frozen=True)
class SaleRequest:
    """Everything that prices a receipt. ``points_to_spend`` null means the maximum."""

    receipt_id: str
    at: datetime
    store: Store
    programs: Programs
    cart: Cart
    customer: Customer | None = None
    points_to_spend: int | None = None

    def __post_init__(self) -> None:
        check_text("receipt_id", self.receipt_id)
        check_aware("at", self.at)
        if self.points_to_spend is not None:
            check_not_negative("points_to_spend", self.points_to_spend)
        price_list = self.customer.price_list if self.customer else None
        if price_list is not None and price_list not in self.programs.price_lists_by_id:
            raise InputError("customer.price_list", f"no price list {price_list!r} in programs")


@dataclass(frozen=True)
class ReturnLine:
    """A quantity of receipt line ``line_no`` (1-based) given back."""

    line_no: int
    quantity: Quantity

    def __post_init__(self) -> None:
        check_positive("line_no", self.line_no)
        check_positive("quantity", self.quantity)


@dataclass(frozen=True)
class ReturnRequest:
    """A return against a priced receipt: what comes back now, what came back before, and
    the customer as they are now."""

    receipt: PricedReceipt
    at: datetime
    store: Store
    lines: tuple[ReturnLine, ...]
    returned_before: tuple[ReturnLine, ...] = ()
    customer: Customer | None = None

    def __post_init__(self) -> None:
        check_aware("at", self.at)
        expected = self.receipt.customer_id
        actual = self.customer.id if self.customer else None
        if actual != expected:
            raise InputError("customer", f"the receipt's customer is {expected!r}, not {actual!r}")
