"""Returns (S4, L5, L7): the refund of any lines and quantities from the receipt's stored
split, the one function the till and `edge price` both call."""

from __future__ import annotations

from dataclasses import replace

from kassa.domain.pricing.arithmetic import prorate, round_to_step
from kassa.domain.pricing.customer import Customer, PointLot
from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.lots import annul, balance, credit
from kassa.domain.pricing.request import ReturnLine, ReturnRequest
from kassa.domain.pricing.results import PricedLine, PricedReturn, ReturnedLine
from kassa.domain.pricing.sale import vat_totals
from kassa.domain.pricing.units import Unit, format_unit


def price_return(request: ReturnRequest) -> PricedReturn:
    """Refund money, restore points spent and annul points earned for what comes back now.

    Every amount of a line is prorated on the quantity returned so far, so returning units
    one at a time gives exactly what returning them together gives. Raises InputError for
    a line the receipt lacks or more than is left to return.
    """
    receipt = request.receipt
    at = request.at.astimezone(request.store.zone)
    by_no = {line.line_no: line for line in receipt.lines}
    before = _quantities("returned_before", request.returned_before, by_no, {})
    if not request.lines:
        raise InputError("lines", "name at least one line to return")
    now = _quantities("lines", request.lines, by_no, before)
    returned = tuple(_returned(by_no[no], before.get(no, 0), now[no]) for no in sorted(now))
    total = sum(line.total for line in returned)
    refund = sum(line.refund for line in returned)
    restored = sum(line.points_restored for line in returned)
    annulled = sum(line.points_annulled for line in returned)
    cash_refund = round_to_step(refund, request.store.cash_step)
    fully = all(before.get(no, 0) + now.get(no, 0) == line.quantity for no, line in by_no.items())
    customer = request.customer
    lots: tuple[PointLot, ...] = ()
    if customer is not None:
        restored_before = sum(
            prorate(by_no[no].points_spent, quantity, by_no[no].quantity)
            for no, quantity in before.items()
        )
        lots = _restore(customer.point_lots, receipt.points_spent_from, restored_before, restored)
        lots = annul(lots, annulled, receipt.receipt_id, at)
    return PricedReturn(
        receipt_id=receipt.receipt_id,
        at=at,
        lines=returned,
        total=total,
        vat=vat_totals((by_no[line.line_no].vat_rate, line.total) for line in returned),
        refund=refund,
        cash_refund=cash_refund,
        cash_rounding=cash_refund - refund,
        points_restored=restored,
        points_annulled=annulled,
        balance_before=balance(customer.point_lots, at) if customer else None,
        balance_after=balance(lots, at) if customer else None,
        lifetime_before=customer.lifetime_purchases if customer else None,
        lifetime_after=max(0, customer.lifetime_purchases - total) if customer else None,
        fully_returned=fully,
        one_time_restored=receipt.one_time_used if fully else (),
        point_lots_after=lots,
    )


def customer_after_return(customer: Customer, refund: PricedReturn) -> Customer:
    """The customer once ``refund`` is made: points, lifetime and one-time discounts."""
    return replace(
        customer,
        point_lots=refund.point_lots_after,
        lifetime_purchases=refund.lifetime_after or 0,
        used_one_time=customer.used_one_time - set(refund.one_time_restored),
    )


def _quantities(
    name: str, entries: tuple[ReturnLine, ...], lines: dict[int, PricedLine], taken: dict[int, int]
) -> dict[int, int]:
    """Quantities by line number, checked against what ``taken`` already returned."""
    quantities: dict[int, int] = {}
    for i, entry in enumerate(entries):
        line = lines.get(entry.line_no)
        if line is None:
            raise InputError(f"{name}[{i}].line_no", f"the receipt has no line {entry.line_no}")
        so_far = taken.get(entry.line_no, 0) + quantities.get(entry.line_no, 0)
        if so_far + entry.quantity > line.quantity:
            raise InputError(
                f"{name}[{i}].quantity",
                f"only {format_unit(Unit.QUANTITY, line.quantity - so_far)} of line "
                f"{entry.line_no} is left to return",
            )
        quantities[entry.line_no] = quantities.get(entry.line_no, 0) + entry.quantity
    return quantities


def _returned(line: PricedLine, before: int, now: int) -> ReturnedLine:
    def part(amount: int) -> int:
        return prorate(amount, before + now, line.quantity) - prorate(amount, before, line.quantity)

    return ReturnedLine(
        line_no=line.line_no,
        quantity=now,
        total=part(line.total),
        refund=part(line.money),
        points_restored=part(line.points_spent),
        points_annulled=part(line.points_earned),
    )


def _restore(
    lots: tuple[PointLot, ...], spent_from: tuple[PointLot, ...], skip: int, points: int
) -> tuple[PointLot, ...]:
    """Give ``points`` back to the lots they were spent from, last spent first, after the
    ``skip`` points earlier returns gave back; each keeps its own dates."""
    for draw in reversed(spent_from):
        if points == 0:
            break
        left = draw.points - min(skip, draw.points)
        skip -= draw.points - left
        take = min(left, points)
        if take:
            lots = credit(lots, draw, take)
            points -= take
    return lots
