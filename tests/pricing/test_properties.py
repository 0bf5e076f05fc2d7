"""Properties of issue 3 over generated programs, customers and carts."""

from __future__ import annotations

from dataclasses import replace
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kassa.domain.pricing import (
    PricedReceipt,
    ReturnLine,
    ReturnRequest,
    SaleRequest,
    Stacking,
    StackingMode,
    customer_after_return,
    customer_after_sale,
    price_receipt,
    price_return,
)
from kassa.domain.pricing.arithmetic import share_floor
from tests.pricing.strategies import sale_requests

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def priced_with_some_spend(
    data: st.DataObject, request: SaleRequest
) -> tuple[SaleRequest, PricedReceipt]:
    """Price ``request`` spending a drawn amount between nothing and the maximum offered."""
    offered = price_receipt(request).points_max
    bonus = request.programs.bonus
    if bonus is None or request.customer is None:
        return request, price_receipt(request)
    step = bonus.step[0]
    spend = data.draw(st.integers(0, offered // step), label="steps spent") * step
    request = replace(request, points_to_spend=spend)
    return request, price_receipt(request)


@SETTINGS
@given(sale_requests(), st.data())
def test_totals_never_negative_nor_above_base(request: SaleRequest, data: st.DataObject) -> None:
    request, receipt = priced_with_some_spend(data, request)
    for line, sold in zip(receipt.lines, request.cart.lines, strict=True):
        policy = request.programs.policy_for(sold.category)
        assert 0 <= line.total <= line.base_total
        assert line.discount_total == sum(d.amount for d in line.discounts)
        assert all(d.amount > 0 for d in line.discounts)
        if not policy.discounts:
            assert line.discounts == ()
        floor = sold.min_price * sold.quantity // 1000
        if line.discounts and floor:
            assert line.total >= min(floor, line.base_total)
        assert 0 <= line.money <= line.total
    assert receipt.total == sum(line.total for line in receipt.lines) <= receipt.base_total
    assert receipt.due >= 0 and receipt.cash_due >= 0
    assert abs(receipt.cash_rounding) * 2 <= request.store.cash_step
    assert sum(v.gross for v in receipt.vat) == receipt.total


@SETTINGS
@given(sale_requests())
def test_sum_mode_never_worse_for_the_customer_than_priority(request: SaleRequest) -> None:
    def priced(mode: StackingMode) -> PricedReceipt:
        stacking = replace(request.programs.stacking, mode=mode)
        return price_receipt(
            replace(request, programs=replace(request.programs, stacking=stacking))
        )

    summed, prioritised = priced(StackingMode.SUM), priced(StackingMode.PRIORITY)
    for in_sum, in_priority in zip(summed.lines, prioritised.lines, strict=True):
        assert in_sum.total <= in_priority.total


@SETTINGS
@given(sale_requests(), st.data())
def test_points_spent_within_balance_and_caps(request: SaleRequest, data: st.DataObject) -> None:
    request, receipt = priced_with_some_spend(data, request)
    bonus = request.programs.bonus
    if request.customer is None or bonus is None:
        assert receipt.points_spent == receipt.points_earned == 0
        return
    assert receipt.available_before is not None
    assert receipt.points_spent <= receipt.points_max <= receipt.available_before
    for line, sold in zip(receipt.lines, request.cart.lines, strict=True):
        policy = request.programs.policy_for(sold.category)
        cap = share_floor(line.total, policy.max_points_share) if policy.points_payment else 0
        assert line.points_value <= cap
        assert line.points_spent <= line.points_max
        if not policy.earns_points:
            assert line.points_earned == 0
    earning = sum(
        line.money
        for line, sold in zip(receipt.lines, request.cart.lines, strict=True)
        if request.programs.policy_for(sold.category).earns_points
    )
    assert receipt.points_earned == earning * bonus.earn_points // bonus.earn_per
    assert receipt.balance_before is not None
    assert (
        receipt.balance_after
        == receipt.balance_before - receipt.points_spent + receipt.points_earned
    )


def whole_return(request: SaleRequest, receipt: PricedReceipt) -> ReturnRequest:
    customer = customer_after_sale(request.customer, receipt) if request.customer else None
    return ReturnRequest(
        receipt=receipt,
        at=request.at,
        store=request.store,
        lines=tuple(ReturnLine(line.line_no, line.quantity) for line in receipt.lines),
        customer=customer,
    )


@SETTINGS
@given(sale_requests(), st.data())
def test_full_return_restores_balance_and_lifetime(
    request: SaleRequest, data: st.DataObject
) -> None:
    request, receipt = priced_with_some_spend(data, request)
    refund = price_return(whole_return(request, receipt))
    assert refund.fully_returned
    assert refund.refund == receipt.due
    assert refund.total == receipt.total
    assert refund.points_restored == receipt.points_spent
    assert refund.points_annulled == receipt.points_earned
    assert refund.one_time_restored == receipt.one_time_used
    if request.customer is not None:
        assert refund.balance_after == receipt.balance_before
        assert refund.lifetime_after == request.customer.lifetime_purchases
        after = customer_after_return(customer_after_sale(request.customer, receipt), refund)
        assert after.used_one_time == request.customer.used_one_time - set(receipt.one_time_used)


@SETTINGS
@given(sale_requests(), st.data())
def test_returns_unit_by_unit_equal_a_whole_return(
    request: SaleRequest, data: st.DataObject
) -> None:
    request, receipt = priced_with_some_spend(data, request)
    whole = price_return(whole_return(request, receipt))
    pieces: list[ReturnLine] = []
    for line in receipt.lines:
        cuts = data.draw(
            st.lists(st.integers(1, line.quantity - 1), unique=True, max_size=4)
            if line.quantity > 1
            else st.just([]),
            label=f"cuts of line {line.line_no}",
        )
        bounds = [0, *sorted(cuts), line.quantity]
        pieces += [ReturnLine(line.line_no, b - a) for a, b in pairwise(bounds)]
    order = data.draw(st.permutations(pieces), label="return order")
    customer = whole_return(request, receipt).customer
    before: list[ReturnLine] = []
    totals = [0, 0, 0, 0]
    for piece in order:
        refund = price_return(
            ReturnRequest(receipt, request.at, request.store, (piece,), tuple(before), customer)
        )
        totals = [
            totals[0] + refund.refund,
            totals[1] + refund.total,
            totals[2] + refund.points_restored,
            totals[3] + refund.points_annulled,
        ]
        if customer is not None:
            customer = customer_after_return(customer, refund)
        before.append(piece)
    assert totals == [whole.refund, whole.total, whole.points_restored, whole.points_annulled]
    assert refund.fully_returned
    if customer is not None:
        assert customer.lifetime_purchases == whole.lifetime_after
        assert sum(lot.points for lot in customer.point_lots if lot.live(request.at)) == (
            whole.balance_after
        )


@SETTINGS
@given(sale_requests())
def test_a_cap_never_takes_away_the_best_single_discount(request: SaleRequest) -> None:
    """With a 0% cap, sum mode gives each line exactly its best single discount: what
    priority mode gives with that discount's kind first."""

    def priced(stacking: Stacking) -> PricedReceipt:
        return price_receipt(
            replace(request, programs=replace(request.programs, stacking=stacking))
        )

    kinds = request.programs.stacking.priority
    capped = priced(Stacking(StackingMode.SUM, cap=0, priority=kinds))
    each_first = [
        priced(Stacking(StackingMode.PRIORITY, priority=(kind, *(k for k in kinds if k != kind))))
        for kind in kinds
    ]
    for no, line in enumerate(capped.lines):
        assert line.total == min(receipt.lines[no].total for receipt in each_first)
