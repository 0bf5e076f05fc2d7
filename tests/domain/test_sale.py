from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kassa.domain.cart import Cart, CartError, Product
from kassa.domain.points import LedgerEntry, ledger_entries, lots_from_ledger
from kassa.domain.pricing import PointLot
from kassa.domain.returns import refund_methods
from kassa.domain.sale import Payment, SaleError, Tender, settle

BREAD = Product(id="p1", name="Хліб", price=3250, barcode="4820000000017")
APPLES = Product(id="p2", name="Яблука", price=3990, weighted=True)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_scanning_again_adds_to_the_line_but_weighed_goods_get_their_own() -> None:
    cart = Cart()
    cart.add(BREAD)
    cart.add(BREAD, 2000)
    cart.add(APPLES, 375)
    cart.add(APPLES, 500)
    assert [ln.quantity_milli for ln in cart.lines] == [3000, 375, 500]
    assert cart.total == 3 * 3250 + 1496 + 1995
    cart.set_quantity(0, 1000)
    assert cart.lines[0].quantity_milli == 1000
    with pytest.raises(CartError, match="positive"):
        cart.set_quantity(0, 0)
    with pytest.raises(CartError, match="no line number 9"):
        cart.set_quantity(8, 1000)


def test_cash_rounds_to_the_coin_step_and_cards_stay_exact() -> None:
    assert settle(14824, Tender(cash=20000), 10) == (
        (Payment("cash", 14820),), 5180, -4)
    assert settle(14825, Tender(cash=14830), 10) == ((Payment("cash", 14830),), 0, 5)
    assert settle(14824, Tender(card=14824), 10) == ((Payment("card", 14824),), 0, 0)
    payments, change, rounding = settle(14824, Tender(card=10000, cash=5000, points=200), 10, 200)
    assert payments == (Payment("card", 10000), Payment("cash", 4820), Payment("points", 200))
    assert (change, rounding) == (180, -4)


def test_short_or_negative_tenders_are_refused() -> None:
    with pytest.raises(SaleError, match="less than the 3250 due"):
        settle(3250, Tender(cash=3249))
    with pytest.raises(SaleError, match="more than the 3250 due"):
        settle(3250, Tender(card=3251))
    with pytest.raises(SaleError, match="negative"):
        settle(3250, Tender(cash=-1))


def test_refunds_go_back_to_the_card_first_then_cash_rounded() -> None:
    assert refund_methods(8000, 5000, 10) == ((Payment("card", 5000), Payment("cash", 3000)), 0)
    assert refund_methods(3213, 0, 10) == ((Payment("cash", 3210),), -3)
    assert refund_methods(3213, 9999, 10) == ((Payment("card", 3213),), 0)


def entry(entry_id: str, points: int, lot: str = "", days: int = 0) -> LedgerEntry:
    return LedgerEntry(entry_id, "c1", points, "r", "s1", NOW + timedelta(days=days), "x", lot)


def test_lots_are_ledger_entries_grouped_by_lot() -> None:
    expires = NOW + timedelta(days=90)
    earned = LedgerEntry("e1", "c1", 500, "r1", "s1", NOW, "earn", "r1", NOW, None, expires)
    lots = lots_from_ledger([
        entry("e0", 1000, days=-10), earned, entry("e2", -200, "r1", days=1),
        entry("e3", -1000, "e0", days=2),
    ])
    assert lots == (PointLot("r1", 300, earned_at=NOW, expires_at=expires),)


def test_ledger_entries_are_the_difference_of_lots_and_skip_expired_ones() -> None:
    old = PointLot("old", 100, earned_at=NOW - timedelta(days=400),
                   expires_at=NOW - timedelta(days=1))
    held = PointLot("a", 500, earned_at=NOW - timedelta(days=3))
    after = (PointLot("a", 200, earned_at=held.earned_at), PointLot("r9", 40, earned_at=NOW))
    made = ledger_entries((old, held), after, customer_id="c1", receipt_id="r9", store_id="s1",
                          at=NOW, reasons=("spend", "earn"))
    assert [(e.lot_id, e.points, e.reason) for e in made] == [("a", -300, "spend"),
                                                             ("r9", 40, "earn")]
    assert len({e.id for e in made}) == 2
