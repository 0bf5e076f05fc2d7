"""ClosedSale objects for printing tests, built directly from the domain dataclasses."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kassa.domain.sale import ClosedSale, CustomerRef, LedgerEntry, Payment, ReceiptLine

CLOSED_AT = datetime(2025, 3, 1, 10, 5, tzinfo=UTC)
UK_NAME = "Хліб житній, їжа, є, ґанок"
RU_NAME = "Молоко ёлочка, щука"


def make_sale(*, with_customer: bool = True, number: str = "S1-T1-000042") -> ClosedSale:
    """Two lines (one weighted), paid 200.00 in cash; with a customer earning 166 points."""
    lines = (
        ReceiptLine(1, "p1", "4820000000017", UK_NAME, 2000, 4550, 9100),
        ReceiptLine(2, "p2", "2000000000015", RU_NAME, 375, 20000, 7500),
    )
    sale = ClosedSale(
        id="r1",
        number=number,
        store_id="s1",
        till_id="t1",
        closed_at=CLOSED_AT,
        lines=lines,
        total=16600,
        payments=(Payment("cash", 16600),),
        cash_tendered=20000,
        change=3400,
        customer=None,
        ledger=(),
    )
    if not with_customer:
        return sale
    earned = LedgerEntry("l1", "c1", 166, "r1", "s1", CLOSED_AT, "earn")
    return replace(sale, customer=CustomerRef("c1", "Іваненко Ї.", 120), ledger=(earned,))
