"""Closing a sale priced by the engine: payments, cash rounding, change and ledger entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kassa.domain.ids import new_id
from kassa.domain.points import LedgerEntry, ledger_entries
from kassa.domain.pricing import AppliedDiscount, PointLot, PricedReceipt, VatTotal
from kassa.domain.pricing.arithmetic import round_to_step


class SaleError(ValueError):
    """A sale that cannot close as asked; nothing is written."""


@dataclass(frozen=True)
class CustomerRef:
    """The customer on a receipt, as much as a till needs to show and price them.

    ``balance`` counts every live point, ``available`` only those spendable now; ``terms``
    are the price list and permanent discount names the sale screen shows (L10);
    ``tier_percent`` the cumulative discount in basis points reached (L7).
    """

    id: str
    name: str
    balance: int
    available: int | None = None
    terms: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    tier_percent: int = 0
    lifetime: int = 0


@dataclass(frozen=True)
class ReceiptLine:
    """A closed line. ``total`` is after discounts; ``base_total`` before them."""

    line_no: int
    product_id: str
    barcode: str
    name: str
    quantity_milli: int
    unit_price: int
    total: int
    base_total: int | None = None
    discounts: tuple[AppliedDiscount, ...] = ()
    vat_rate: int = 0
    points_spent: int = 0
    points_earned: int = 0

    @property
    def discount_total(self) -> int:
        return sum(d.amount for d in self.discounts)


@dataclass(frozen=True)
class Tender:
    """What the customer hands over: cash (before change), an amount by card, and the
    points they spend (their money value is taken off what is due)."""

    cash: int = 0
    card: int = 0
    points: int = 0


@dataclass(frozen=True)
class Payment:
    """A part of the total settled by one method ("cash", "card" or "points")."""

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
    cash_rounding: int = 0
    points_spent: int = 0
    vat: tuple[VatTotal, ...] = ()
    one_time_used: tuple[str, ...] = ()
    pricing: PricedReceipt | None = field(default=None, compare=False)

    def paid_by(self, method: str) -> int:
        """Amount of the total settled by ``method``."""
        return sum(p.amount for p in self.payments if p.method == method)

    @property
    def discount_total(self) -> int:
        return sum(line.discount_total for line in self.lines)

    @property
    def points_earned(self) -> int:
        return sum(line.points_earned for line in self.lines)

    @property
    def balance_after(self) -> int | None:
        if self.customer is None:
            return None
        return self.customer.balance + sum(e.points for e in self.ledger)


def settle(
    due: int, tender: Tender, cash_step: int = 1, points_value: int = 0
) -> tuple[tuple[Payment, ...], int, int]:
    """Split ``due`` (the money part of the total) into payments; returns them, the change
    and the cash rounding. Raises SaleError if the tender does not cover it.

    The card pays at most what is due, exactly; cash covers the rest, rounded half-up to
    the store's coin step (R2), and any excess is change. Points paid are a payment of
    their ``points_value``.
    """
    if tender.cash < 0 or tender.card < 0 or tender.points < 0:
        raise SaleError("payment amounts cannot be negative")
    if tender.card > due:
        raise SaleError(f"card {tender.card} is more than the {due} due")
    cash_part = due - tender.card
    cash_due = round_to_step(cash_part, cash_step) if cash_part else 0
    if tender.cash < cash_due:
        raise SaleError(f"cash {tender.cash} is less than the {cash_due} due")
    payments = tuple(
        Payment(method, amount)
        for method, amount in (("card", tender.card), ("cash", cash_due), ("points", points_value))
        if amount > 0
    )
    return payments, tender.cash - cash_due, cash_due - cash_part


def close_sale(
    priced: PricedReceipt,
    *,
    barcodes: dict[str, str],
    tender: Tender,
    number: str,
    store_id: str,
    till_id: str,
    customer: CustomerRef | None,
    lots_before: tuple[PointLot, ...] = (),
    cash_step: int = 1,
    cashier_id: str = "",
    shift_id: str = "",
) -> ClosedSale:
    """Close a receipt the engine priced (with ``tender.points`` spent) and paid by
    ``tender``; the receipt's id is ``priced.receipt_id``.

    ``barcodes`` maps product ids to the code printed on the line; ``lots_before`` are the
    customer's point lots the receipt was priced with: the ledger entries are the
    difference between them and the lots after. Raises SaleError for an empty receipt, a
    points spend that differs from what was priced, or a payment that does not cover it.
    """
    if priced.at.tzinfo is None:
        raise ValueError("the receipt time must be timezone-aware")
    if not priced.lines:
        raise SaleError("the receipt is empty")
    if tender.points != priced.points_spent:
        raise SaleError(f"the receipt was priced with {priced.points_spent} points, "
                        f"not {tender.points}")
    payments, change, rounding = settle(priced.due, tender, cash_step, priced.points_value)
    lines = tuple(
        ReceiptLine(
            line_no=line.line_no,
            product_id=line.product_id,
            barcode=barcodes.get(line.product_id, ""),
            name=line.name,
            quantity_milli=line.quantity,
            unit_price=line.base_price,
            total=line.total,
            base_total=line.base_total,
            discounts=line.discounts,
            vat_rate=line.vat_rate,
            points_spent=line.points_spent,
            points_earned=line.points_earned,
        )
        for line in priced.lines
    )
    ledger: tuple[LedgerEntry, ...] = ()
    if customer is not None:
        ledger = ledger_entries(
            lots_before, priced.point_lots_after, customer_id=customer.id,
            receipt_id=priced.receipt_id, store_id=store_id, at=priced.at,
            reasons=("spend", "earn"),
        )
    return ClosedSale(
        id=priced.receipt_id,
        number=number,
        store_id=store_id,
        till_id=till_id,
        closed_at=priced.at,
        lines=lines,
        total=priced.total,
        payments=payments,
        cash_tendered=tender.cash,
        change=change,
        customer=customer,
        ledger=ledger,
        cashier_id=cashier_id,
        shift_id=shift_id,
        cash_rounding=rounding,
        points_spent=priced.points_spent,
        vat=priced.vat,
        one_time_used=priced.one_time_used,
        pricing=priced,
    )


def new_receipt_id() -> str:
    """The id of a receipt about to close: also the id of the points lot it earns."""
    return new_id()
