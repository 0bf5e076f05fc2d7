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
class Tender:
    """What the customer hands over: cash (before change) and an amount by card."""

    cash: int = 0
    card: int = 0


@dataclass(frozen=True)
class Payment:
    """A part of the total settled by one method ("cash" or "card")."""

    method: str
    amount: int


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
    payments: tuple[Payment, ...]
    cash_tendered: int
    change: int
    customer: CustomerRef | None
    ledger: tuple[LedgerEntry, ...]
    cashier_id: str = ""
    shift_id: str = ""

    def paid_by(self, method: str) -> int:
        """Amount of the total settled by ``method``."""
        return sum(p.amount for p in self.payments if p.method == method)

    @property
    def points_earned(self) -> int:
        return sum(e.points for e in self.ledger if e.points > 0)

    @property
    def balance_after(self) -> int | None:
        if self.customer is None:
            return None
        return self.customer.balance + sum(e.points for e in self.ledger)


def settle(total: int, tender: Tender) -> tuple[tuple[Payment, ...], int]:
    """Split ``total`` into payments and the change due; raises SaleError if it cannot.

    The card pays at most the total; cash covers the rest and any excess is change.
    """
    if tender.cash < 0 or tender.card < 0:
        raise SaleError("payment amounts cannot be negative")
    if tender.card > total:
        raise SaleError(f"card {tender.card} is more than the total {total}")
    cash_due = total - tender.card
    if tender.cash < cash_due:
        raise SaleError(f"cash {tender.cash} is less than the {cash_due} due")
    payments = tuple(
        Payment(method, amount)
        for method, amount in (("card", tender.card), ("cash", cash_due))
        if amount > 0
    )
    return payments, tender.cash - cash_due


def close_sale(
    cart: Cart,
    *,
    tender: Tender,
    number: str,
    store_id: str,
    till_id: str,
    closed_at: datetime,
    customer: CustomerRef | None,
    program: FlatEarnProgram | None,
    cashier_id: str = "",
    shift_id: str = "",
) -> ClosedSale:
    """Close a cart paid by cash, card or both.

    Raises SaleError for an empty cart or a payment that does not cover the total.
    """
    if closed_at.tzinfo is None:
        raise ValueError("closed_at must be timezone-aware")
    if cart.empty:
        raise SaleError("the receipt is empty")
    total = cart.total
    payments, change = settle(total, tender)
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
        payments=payments,
        cash_tendered=tender.cash,
        change=change,
        customer=customer,
        ledger=ledger,
        cashier_id=cashier_id,
        shift_id=shift_id,
    )
