"""Pricing a receipt: the one function the till and `edge price` both call."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

from kassa.domain.pricing.arithmetic import apportion, round_to_step, vat_included
from kassa.domain.pricing.customer import Customer, PointLot
from kassa.domain.pricing.discounts import LineDiscounter, LinePrice
from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.lots import balance, credit, spend, spendable, tidy
from kassa.domain.pricing.programs import DiscountKind, PriceList
from kassa.domain.pricing.request import SaleRequest
from kassa.domain.pricing.results import PricedLine, PricedReceipt, VatTotal

_new = tuple.__new__  # builds a NamedTuple from its fields in order, see price_receipt


class _Points(NamedTuple):
    """The receipt's points: offer, spend and earnings per line, and the lots after."""

    caps: list[int]
    offer: int
    spent: list[int]
    values: list[int]
    earned: list[int]
    spent_from: tuple[PointLot, ...]
    lots_after: tuple[PointLot, ...]


def price_receipt(request: SaleRequest) -> PricedReceipt:
    """Price every line at the receipt's store time; split points spent and earned per line.

    Deterministic: the same request always gives the same receipt. Raises InputError when
    ``points_to_spend`` cannot be spent.
    """
    programs, customer = request.programs, request.customer
    at = request.at.astimezone(request.store.zone)
    price_list = (
        programs.price_lists_by_id[customer.price_list]
        if customer is not None and customer.price_list is not None
        else None
    )
    discounter = LineDiscounter(programs, customer, at, price_list)
    cart = request.cart.lines
    lines = [discounter.price(line) for line in cart]
    lots = customer.point_lots if customer else ()
    available = spendable(lots, at)
    points = _points(request, at, customer, lines, available)
    # tuple.__new__ with the fields in order: a NamedTuple's own __new__ (a Python
    # function) costs three times as much, keyword arguments three times more
    priced = tuple(
        [
            _new(
                PricedLine,
                (
                    no,
                    line.product_id,
                    line.name,
                    line.category,
                    line.quantity,
                    line.vat_rate,
                    line.price,
                    d.base_price,
                    d.price_list,
                    d.base_total,
                    d.discounts,
                    d.base_total - d.total,
                    d.total,
                    cap,
                    spent,
                    value,
                    d.total - value,
                    earned,
                ),
            )
            for no, (line, d, cap, spent, value, earned) in enumerate(
                zip(
                    cart,
                    lines,
                    points.caps,
                    points.spent,
                    points.values,
                    points.earned,
                    strict=True,
                ),
                start=1,
            )
        ]
    )
    total = sum([d.total for d in lines])
    base_total = sum([d.base_total for d in lines])
    points_value = sum(points.values)
    due = total - points_value
    cash_due = round_to_step(due, request.store.cash_step)
    personal = discounter.personal
    used = (
        personal is not None
        and personal.one_time
        and any(
            d.kind is DiscountKind.PERSONAL and d.program_id == personal.id
            for line in priced
            for d in line.discounts
        )
    )
    return PricedReceipt(
        receipt_id=request.receipt_id,
        at=at,
        customer_id=customer.id if customer else None,
        customer_terms=_terms(customer, price_list),
        lines=priced,
        base_total=base_total,
        discount_total=base_total - total,
        total=total,
        vat=vat_totals((line.vat_rate, line.total) for line in priced),
        points_max=points.offer,
        points_spent=sum(points.spent),
        points_value=points_value,
        due=due,
        cash_due=cash_due,
        cash_rounding=cash_due - due,
        points_earned=sum(points.earned),
        balance_before=balance(lots, at) if customer else None,
        available_before=available if customer else None,
        balance_after=balance(points.lots_after, at) if customer else None,
        lifetime_before=customer.lifetime_purchases if customer else None,
        lifetime_after=customer.lifetime_purchases + total if customer else None,
        one_time_used=(personal.id,) if used and personal else (),
        points_spent_from=points.spent_from,
        point_lots_after=points.lots_after,
    )


def customer_after_sale(customer: Customer, receipt: PricedReceipt) -> Customer:
    """The customer once ``receipt`` is closed: points, lifetime and one-time discounts."""
    return replace(
        customer,
        point_lots=receipt.point_lots_after,
        lifetime_purchases=receipt.lifetime_after or 0,
        used_one_time=customer.used_one_time | set(receipt.one_time_used),
    )


def vat_totals(lines: Iterable[tuple[int, int]]) -> tuple[VatTotal, ...]:
    """VAT per rate from (rate, gross) pairs, rounded once per rate (R3)."""
    gross: dict[int, int] = defaultdict(int)
    for rate, amount in lines:
        gross[rate] += amount
    return tuple(
        VatTotal(rate, gross[rate], vat_included(gross[rate], rate)) for rate in sorted(gross)
    )


def _points(
    request: SaleRequest,
    at: datetime,
    customer: Customer | None,
    lines: list[LinePrice],
    available: int,
) -> _Points:
    """``available``: the customer's spendable points."""
    bonus = request.programs.bonus
    zeros = [0] * len(lines)
    if customer is None or bonus is None:
        if request.points_to_spend:
            raise InputError("points_to_spend", "no customer with a bonus program to spend from")
        lots = tidy(customer.point_lots, at) if customer else ()
        return _Points(zeros, 0, zeros, zeros, zeros, (), lots)
    step_points, step_value = bonus.step
    caps = [d.points_cap for d in lines]
    payable = sum(caps)
    offer = min(payable, available // step_points)
    steps = offer
    wanted = request.points_to_spend
    if wanted is not None:
        if wanted % step_points:
            raise InputError("points_to_spend", f"must be a multiple of {step_points}")
        if wanted > offer * step_points:
            raise InputError(
                "points_to_spend", f"at most {offer * step_points} points may be spent here"
            )
        steps = wanted // step_points
    shares = apportion(steps, [steps * cap for cap in caps], payable) if steps else zeros
    values = _scaled(shares, step_value)
    quotas = [
        (d.total - value) * bonus.earn_points if d.policy.earns_points else 0
        for d, value in zip(lines, values, strict=True)
    ]
    earned_total = sum(quotas) // bonus.earn_per
    earned = apportion(earned_total, quotas, bonus.earn_per)
    lots, spent_from = spend(customer.point_lots, steps * step_points, at)
    if earned_total:
        lot = PointLot(
            request.receipt_id,
            0,
            earned_at=at,
            available_at=at + timedelta(days=bonus.spend_delay_days)
            if bonus.spend_delay_days
            else None,
            expires_at=at + timedelta(days=bonus.expiry_days) if bonus.expiry_days else None,
        )
        lots = credit(lots, lot, earned_total)
    return _Points(
        caps=_scaled(caps, step_points),
        offer=offer * step_points,
        spent=_scaled(shares, step_points),
        values=values,
        earned=earned,
        spent_from=spent_from,
        lots_after=lots,
    )


def _scaled(values: list[int], factor: int) -> list[int]:
    """``values`` times ``factor`` (the same list when it is 1: nothing changes it)."""
    return values if factor == 1 else [value * factor for value in values]


def _terms(customer: Customer | None, price_list: PriceList | None) -> tuple[str, ...]:
    """What the sale screen shows when the customer is added (L10)."""
    if customer is None:
        return ()
    permanent = tuple(d.name for d in customer.discounts if not d.one_time)
    return ((price_list.name,) if price_list else ()) + permanent
