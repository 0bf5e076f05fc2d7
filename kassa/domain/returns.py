"""Closing a return (S4) the engine computed: refund methods, rounding and ledger entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kassa.domain.ids import new_id
from kassa.domain.points import LedgerEntry, ledger_entries
from kassa.domain.pricing import PointLot, PricedReceipt, PricedReturn
from kassa.domain.pricing.arithmetic import round_to_step
from kassa.domain.sale import CustomerRef, Payment, SaleError


@dataclass(frozen=True)
class ReturnedItem:
    """One receipt line (or part of it) given back."""

    line_no: int
    product_id: str
    name: str
    quantity_milli: int
    total: int
    refund: int
    points_restored: int
    points_annulled: int


@dataclass(frozen=True)
class ClosedReturn:
    """A return made at the till, with what is stored, synced and printed."""

    id: str
    number: str
    receipt_id: str
    receipt_number: str
    store_id: str
    till_id: str
    returned_at: datetime
    customer: CustomerRef | None
    lines: tuple[ReturnedItem, ...]
    total: int
    refund: int
    cash_rounding: int
    refunds: tuple[Payment, ...]
    ledger: tuple[LedgerEntry, ...]
    one_time_restored: tuple[str, ...]
    cashier_id: str
    approved_by: str
    shift_id: str
    reason: str = ""

    def refunded_by(self, method: str) -> int:
        return sum(p.amount for p in self.refunds if p.method == method)

    @property
    def points_restored(self) -> int:
        return sum(line.points_restored for line in self.lines)

    @property
    def points_annulled(self) -> int:
        return sum(line.points_annulled for line in self.lines)

    @property
    def balance_after(self) -> int | None:
        if self.customer is None:
            return None
        return self.customer.balance + sum(e.points for e in self.ledger)


def refund_methods(refund: int, card_left: int, cash_step: int) -> tuple[tuple[Payment, ...], int]:
    """Give ``refund`` back the way it was paid: to the card up to ``card_left`` (what the
    receipt's card payment still covers after earlier returns), the rest in cash rounded
    to the store's coin step. Returns the payments and the cash rounding."""
    card = min(refund, max(0, card_left))
    cash_part = refund - card
    cash = round_to_step(cash_part, cash_step) if cash_part else 0
    payments = tuple(
        Payment(method, amount) for method, amount in (("card", card), ("cash", cash)) if amount
    )
    return payments, cash - cash_part


def close_return(
    priced: PricedReturn,
    receipt: PricedReceipt,
    *,
    number: str,
    receipt_number: str,
    store_id: str,
    till_id: str,
    customer: CustomerRef | None,
    lots_before: tuple[PointLot, ...],
    card_left: int,
    cash_step: int,
    cashier_id: str,
    approved_by: str,
    shift_id: str,
    reason: str = "",
) -> ClosedReturn:
    """The return ``priced`` (from ``receipt``'s stored split), ready to store.

    Raises SaleError when the receipt had a customer who is not given.
    """
    if receipt.customer_id is not None and customer is None:
        raise SaleError("the receipt's customer is needed to give their points back")
    return_id = new_id()
    by_no = {line.line_no: line for line in receipt.lines}
    items = tuple(
        ReturnedItem(
            line_no=line.line_no,
            product_id=by_no[line.line_no].product_id,
            name=by_no[line.line_no].name,
            quantity_milli=line.quantity,
            total=line.total,
            refund=line.refund,
            points_restored=line.points_restored,
            points_annulled=line.points_annulled,
        )
        for line in priced.lines
    )
    refunds, rounding = refund_methods(priced.refund, card_left, cash_step)
    ledger: tuple[LedgerEntry, ...] = ()
    if customer is not None:
        ledger = ledger_entries(
            lots_before, priced.point_lots_after, customer_id=customer.id,
            receipt_id=return_id, store_id=store_id, at=priced.at,
            reasons=("annul", "restore"),
        )
    return ClosedReturn(
        id=return_id,
        number=number,
        receipt_id=receipt.receipt_id,
        receipt_number=receipt_number,
        store_id=store_id,
        till_id=till_id,
        returned_at=priced.at,
        customer=customer,
        lines=items,
        total=priced.total,
        refund=priced.refund,
        cash_rounding=rounding,
        refunds=refunds,
        ledger=ledger,
        one_time_restored=priced.one_time_restored,
        cashier_id=cashier_id,
        approved_by=approved_by,
        shift_id=shift_id,
        reason=reason,
    )
