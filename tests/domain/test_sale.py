from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kassa.domain.cart import Cart, CartError, Product
from kassa.domain.loyalty import FlatEarnProgram
from kassa.domain.sale import ClosedSale, CustomerRef, SaleError, Tender, close_sale

BREAD = Product(id="p1", name="Хліб", price=3250, barcode="4820000000017")
APPLES = Product(id="p2", name="Яблука", price=3990, weighted=True)
PROGRAM = FlatEarnProgram(id="bonus", name="5%", earn_points=5, earn_per_minor=100)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def close(cart: Cart, tendered: int, customer: CustomerRef | None = None) -> ClosedSale:
    return close_sale(
        cart, tender=Tender(cash=tendered), number="T1-000001", store_id="s1", till_id="T1",
        closed_at=NOW, customer=customer, program=PROGRAM,
    )


def test_scanning_again_adds_to_the_line_but_weighed_goods_get_their_own() -> None:
    cart = Cart()
    cart.add(BREAD)
    cart.add(BREAD, 2000)
    cart.add(APPLES, 375)
    cart.add(APPLES, 500)
    assert [ln.quantity_milli for ln in cart.lines] == [3000, 375, 500]
    assert cart.total == 3 * 3250 + 1496 + 1995


def test_change_and_points() -> None:
    cart = Cart()
    cart.add(BREAD, 2000)
    sale = close(cart, 10000, CustomerRef("c1", "Олена", balance=100))
    assert (sale.total, sale.change) == (6500, 3500)
    assert sale.points_earned == 325
    assert sale.balance_after == 425
    (entry,) = sale.ledger
    assert (entry.customer_id, entry.receipt_id, entry.points) == ("c1", sale.id, 325)
    assert entry.id != sale.id


def test_no_customer_earns_nothing() -> None:
    cart = Cart()
    cart.add(BREAD)
    sale = close(cart, 3250)
    assert sale.ledger == () and sale.balance_after is None


def test_empty_cart_and_short_cash_are_refused() -> None:
    with pytest.raises(SaleError, match="empty"):
        close(Cart(), 100)
    cart = Cart()
    cart.add(BREAD)
    with pytest.raises(SaleError, match="less than the 3250 due"):
        close(cart, 3249)


def test_card_cash_and_mixed_payments() -> None:
    cart = Cart()
    cart.add(BREAD, 2000)  # 65.00
    def pay(cash: int, card: int) -> ClosedSale:
        return close_sale(
            cart, tender=Tender(cash=cash, card=card), number="n", store_id="s", till_id="t",
            closed_at=NOW, customer=None, program=None,
        )
    by_card = pay(0, 6500)
    assert [(p.method, p.amount) for p in by_card.payments] == [("card", 6500)]
    assert by_card.change == 0
    mixed = pay(5000, 2500)  # card 25.00, cash due 40.00 of 50.00 handed over
    assert [(p.method, p.amount) for p in mixed.payments] == [("card", 2500), ("cash", 4000)]
    assert mixed.change == 1000 and mixed.paid_by("cash") == 4000
    with pytest.raises(SaleError, match="more than the total"):
        pay(0, 6501)
    with pytest.raises(SaleError, match="negative"):
        pay(-1, 0)


def test_bad_cart_changes_leave_the_cart_as_it_was() -> None:
    cart = Cart()
    cart.add(BREAD)
    with pytest.raises(CartError):
        cart.add(BREAD, 0)
    with pytest.raises(CartError):
        cart.remove(5)
    assert [ln.quantity_milli for ln in cart.lines] == [1000]


def test_ids_are_time_ordered() -> None:
    cart = Cart()
    cart.add(BREAD)
    ids = [close(cart, 3250).id for _ in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50


def test_naive_time_is_refused() -> None:
    cart = Cart()
    cart.add(BREAD)
    with pytest.raises(ValueError, match="timezone-aware"):
        close_sale(
            cart, tender=Tender(cash=3250), number="n", store_id="s", till_id="t",
            closed_at=datetime(2026, 1, 1), customer=None, program=None,
        )
