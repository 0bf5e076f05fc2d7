"""Closing a sale: payments, change and points earned, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kassa.domain.cart import Cart
from kassa.domain.ids import new_id
from kassa.domain.loyalty import FlatEarnProgram


class SaleError(ValueError):
    """A sale that cannot close as asked; nothing is written."""


@dataclass(frozen=True)
class CustomerRef:
    """The customer on a receipt, as much as a till needs."""

    id: str
    name: str
    balance: int


@dataclass(frozen=True)
class ReceiptLine:
    line_no: int
    product_id: str
    barcode: str
    name: str
    quantity_milli: int
    unit_price: int
    total: int


@dataclass(frozen=True)
class LedgerEntry:
    """One movement of a customer's points."""

    id: str
    customer_id: str
    points: int
    receipt_id: str
    store_id: str
    created_at: datetime
    reason: str


@dataclass(frozen=True)
class ClosedSale:
    """A closed receipt with everything needed to store, sync and print it."""

    id: str
    number: str
    store_id: str
    till_id: str
    closed_at: datetime
    lines: tuple[ReceiptLine, ...]
    total: int
    cash_tendered: int
    change: int
    customer: CustomerRef | None
    ledger: tuple[LedgerEntry, ...]

    @property
    def points_earned(self) -> int:
        return sum(e.points for e in self.ledger if e.points > 0)

    @property
    def balance_after(self) -> int | None:
        if self.customer is None:
            return None
        return self.customer.balance + sum(e.points for e in self.ledger)


def close_cash_sale(
    cart: Cart,
    *,
    tendered: int,
    number: str,
    store_id: str,
    till_id: str,
    closed_at: datetime,
    customer: CustomerRef | None,
    program: FlatEarnProgram | None,
) -> ClosedSale:
    """Close a cart paid in cash. Raises SaleError for an empty cart or short payment."""
    if closed_at.tzinfo is None:
        raise ValueError("closed_at must be timezone-aware")
    if cart.empty:
        raise SaleError("the receipt is empty")
    total = cart.total
    if tendered < total:
        raise SaleError(f"cash {tendered} is less than the total {total}")
    receipt_id = new_id()
    lines = tuple(
        ReceiptLine(
            line_no=i,
            product_id=line.product.id,
            barcode=line.product.barcode,
            name=line.product.name,
            quantity_milli=line.quantity_milli,
            unit_price=line.product.price,
            total=line.total,
        )
        for i, line in enumerate(cart.lines, start=1)
    )
    ledger: tuple[LedgerEntry, ...] = ()
    if customer is not None and program is not None:
        points = program.points_for(total)
        if points:
            ledger = (
                LedgerEntry(
                    id=new_id(),
                    customer_id=customer.id,
                    points=points,
                    receipt_id=receipt_id,
                    store_id=store_id,
                    created_at=closed_at,
                    reason="earn",
                ),
            )
    return ClosedSale(
        id=receipt_id,
        number=number,
        store_id=store_id,
        till_id=till_id,
        closed_at=closed_at,
        lines=lines,
        total=total,
        cash_tendered=tendered,
        change=tendered - total,
        customer=customer,
        ledger=ledger,
    )
