"""Small builders for pricing requests in tests."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kassa.domain.pricing import (
    BonusProgram,
    Cart,
    Customer,
    PointLot,
    PricedReceipt,
    Programs,
    ReturnLine,
    ReturnRequest,
    SaleLine,
    SaleRequest,
    Store,
    customer_after_sale,
    price_receipt,
)

KYIV = ZoneInfo("Europe/Kyiv")
STORE = Store("Europe/Kyiv")
AT = datetime(2025, 6, 4, 10, 0, tzinfo=KYIV)  # a Wednesday
BONUS = BonusProgram("bonus", 1, "Bonus", 1, 100, 100, 100)  # 1 point per 1.00, 100 = 1.00


def line(product: str = "mug", price: int = 10_000, quantity: int = 1000, **extra: Any) -> SaleLine:
    return SaleLine(product, price, quantity, **extra)


def lot(points: int, name: str = "L1", **extra: Any) -> PointLot:
    return PointLot(
        name, points, earned_at=extra.pop("earned_at", datetime(2025, 1, 1, tzinfo=KYIV)), **extra
    )


def request(
    *lines: SaleLine,
    programs: Programs | None = None,
    customer: Customer | None = None,
    **extra: Any,
) -> SaleRequest:
    return SaleRequest(
        receipt_id=extra.pop("receipt_id", "R-1"),
        at=extra.pop("at", AT),
        store=extra.pop("store", STORE),
        programs=programs or Programs(),
        cart=Cart(lines or (line(),)),
        customer=customer,
        **extra,
    )


def totals(receipt: PricedReceipt) -> list[int]:
    return [priced.total for priced in receipt.lines]


def return_of(
    sale: SaleRequest,
    receipt: PricedReceipt,
    *lines: ReturnLine,
    before: tuple[ReturnLine, ...] = (),
    **extra: Any,
) -> ReturnRequest:
    """A return against ``receipt`` by the customer as the sale left them (unless given)."""
    customer = extra.pop("customer", None)
    if customer is None and sale.customer is not None:
        customer = customer_after_sale(sale.customer, receipt)
    return ReturnRequest(
        receipt=receipt,
        at=extra.pop("at", sale.at),
        store=sale.store,
        lines=lines,
        returned_before=before,
        customer=customer,
    )


def priced(sale: SaleRequest, **changes: Any) -> PricedReceipt:
    return price_receipt(replace(sale, **changes) if changes else sale)
