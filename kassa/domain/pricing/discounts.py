"""Choosing a line's discounts: the best of each kind, stacked by the chain's mode (L7-L11,
L13), then the cashier's manual discount, then the line's minimum price (R4).

A line's result depends only on its product, category, price, quantity, minimum price and
manual discount, the best promotions open to it, and the customer's terms (personal
discount, cumulative %, price list). Results are kept per terms on the programs, so the
till re-pricing an open receipt on every scan recomputes only the new line.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import NamedTuple

from kassa.domain.money import line_total
from kassa.domain.pricing.arithmetic import percent_of, share_floor
from kassa.domain.pricing.customer import Customer
from kassa.domain.pricing.programs import (
    CategoryPolicy,
    CumulativeProgram,
    DiscountKind,
    GroupDiscount,
    PersonalDiscount,
    PriceList,
    Programs,
    StackingMode,
)
from kassa.domain.pricing.promotions import Promotion
from kassa.domain.pricing.request import SaleLine
from kassa.domain.pricing.results import AppliedDiscount
from kassa.domain.pricing.windows import LocalMoment

_new = tuple.__new__  # builds a NamedTuple from its fields in order, skipping its __new__
LINES_PER_TERMS = 2048  # priced lines kept per customer terms; then they are dropped


class LinePrice(NamedTuple):
    """A line after discounts, before points. Equal lines on equal terms share one."""

    policy: CategoryPolicy
    base_price: int
    price_list: str | None
    base_total: int
    discounts: tuple[AppliedDiscount, ...]
    total: int
    points_cap: int  # the most bonus redeem steps that may pay for it


def best_personal(
    programs: Programs, customer: Customer | None
) -> PersonalDiscount | GroupDiscount | None:
    """The customer's best personal %: their own or a group's, one-time ones not yet used.
    On a tie a permanent discount wins, so a one-time one is kept for later."""
    if customer is None:
        return None
    offers: list[PersonalDiscount | GroupDiscount] = [
        *customer.discounts,
        *(d for d in programs.group_discounts if d.group in customer.groups),
    ]
    usable = [d for d in offers if not (d.one_time and d.id in customer.used_one_time)]
    return min(usable, key=lambda d: (-d.percent, d.one_time, d.id), default=None)


class _Source(NamedTuple):
    """Where a discount comes from, and its rank in the chain's priority order."""

    kind: DiscountKind
    rank: int
    program_id: str | None
    version: int | None
    name: str
    given_by: str | None = None


# a stacked kind's offer as (-amount, rank, percent, source): sorts largest amount first,
# then by rank (ranks differ between kinds)
_Offer = tuple[int, int, int, _Source]
# a discount taken: (amount, percent, source, capped)
_Taken = tuple[int, int, _Source, bool]


class LineDiscounter:
    """Prices the lines of one receipt before points: base price (the customer's price
    list, else retail) and discounts at ``local`` store time."""

    def __init__(
        self,
        programs: Programs,
        customer: Customer | None,
        local: datetime,
        price_list: PriceList | None,
    ) -> None:
        self._priority = programs.stacking.mode is StackingMode.PRIORITY
        self._cap = programs.stacking.cap
        self._rank = {kind: i for i, kind in enumerate(programs.stacking.priority)}
        self._policy_for = programs.policy_for
        self._step_value = programs.bonus.step[1] if programs.bonus else 1
        self._promotions = programs.open_promotions(
            customer.groups if customer else frozenset(), LocalMoment.of(local)
        )
        self._price_list = price_list
        self._special_sources: dict[str, _Source] = {}
        self.personal = best_personal(programs, customer)
        self._kind_wide: list[tuple[int, _Source]] = []
        if self.personal is not None:
            source = self._source(DiscountKind.PERSONAL, self.personal)
            self._kind_wide.append((self.personal.percent, source))
        cumulative = programs.cumulative
        tier = 0
        if cumulative is not None and customer is not None:
            tier = cumulative.percent_for(customer.lifetime_purchases)
            if tier:
                source = self._source(DiscountKind.CUMULATIVE, cumulative)
                self._kind_wide.append((tier, source))
        terms = (self.personal, tier, price_list.id if price_list else None)
        self._priced = programs.priced_lines(terms)

    def price(self, line: SaleLine) -> LinePrice:
        """The line's base price, discounts and total, computed once per distinct line."""
        product, category = line.product_id, line.category
        by_percent, by_price = self._promotions.best(product, category)
        key: Hashable = (
            product,
            category,
            line.price,
            line.quantity,
            line.min_price,
            line.manual,
            by_percent.id if by_percent else None,
            by_price.id if by_price else None,
        )
        priced = self._priced.get(key)
        if priced is None:
            priced = self._price(line, self._policy_for(category), by_percent, by_price)
            if len(self._priced) >= LINES_PER_TERMS:
                self._priced.clear()
            self._priced[key] = priced
        return priced

    def _price(
        self,
        line: SaleLine,
        policy: CategoryPolicy,
        by_percent: Promotion | None,
        by_price: Promotion | None,
    ) -> LinePrice:
        price_list = self._price_list
        listed = price_list.prices.get(line.product_id) if price_list else None
        base_price = line.price if listed is None else listed
        base_total = line_total(base_price, line.quantity)
        discounts, discount_total = (
            self._discounts(line, base_price, base_total, by_percent, by_price)
            if policy.discounts
            else ((), 0)
        )
        price_list_id = None if listed is None or price_list is None else price_list.id
        total = base_total - discount_total
        points_cap = (
            share_floor(total, policy.max_points_share) // self._step_value
            if policy.points_payment
            else 0
        )
        return _new(
            LinePrice,
            (policy, base_price, price_list_id, base_total, discounts, total, points_cap),
        )

    def _discounts(
        self,
        line: SaleLine,
        base_price: int,
        base_total: int,
        by_percent: Promotion | None,
        by_price: Promotion | None,
    ) -> tuple[tuple[AppliedDiscount, ...], int]:
        """The discounts of a line whose category allows them, and their total: at most
        ``base_total``, and no more than keeps the line at its minimum price."""
        offers: list[_Offer] = []
        special = self._special(line, base_price, base_total, by_percent, by_price)
        if special is not None:
            offers.append(special)
        for percent, source in self._kind_wide:
            amount = percent_of(base_total, percent)
            if amount:
                offers.append((-amount, source.rank, percent, source))
        room = None  # what the stacked kinds may take together, when limited
        if len(offers) > 1:
            if self._priority:
                offers = [min(offers, key=_rank)]
            else:
                offers.sort()
                room = base_total
                if self._cap is not None:
                    room = min(room, max(percent_of(base_total, self._cap), -offers[0][0]))
        taken: list[_Taken] = []
        total = 0
        for negated, _, percent, source in offers:
            amount, capped = -negated, False
            if room is not None:
                if room <= 0:
                    break
                if amount > room:
                    amount, capped = room, True
                room -= amount
            taken.append((amount, percent, source, capped))
            total += amount
        manual = line.manual
        if manual is not None:
            amount = percent_of(base_total - total, manual.percent)
            if amount:
                source = _Source(DiscountKind.MANUAL, 0, None, None, manual.reason, manual.given_by)
                taken.append((amount, manual.percent, source, False))
                total += amount
        if line.min_price:
            limit = base_total - line_total(line.min_price, line.quantity)
            taken = _fill(taken, max(0, limit))
            total = sum(amount for amount, _, _, _ in taken)
        applied = tuple(
            [
                _new(
                    AppliedDiscount,
                    (s.kind, s.program_id, s.version, s.name, percent, amount, capped, s.given_by),
                )
                for amount, percent, s, capped in taken
            ]
        )
        return applied, total

    def _special(
        self,
        line: SaleLine,
        base_price: int,
        base_total: int,
        by_percent: Promotion | None,
        by_price: Promotion | None,
    ) -> _Offer | None:
        """The promotion taking most off the line; on a tie the larger %, then the smaller id."""
        best = by_percent
        amount = percent = 0
        if by_percent is not None:
            percent = by_percent.percent or 0
            amount = percent_of(base_total, percent)
        if by_price is not None:
            price_amount, price_percent = by_price.discount(base_price, base_total, line.quantity)
            ours, theirs = (price_amount, price_percent), (amount, percent)
            if best is None or ours > theirs or (ours == theirs and by_price.id < best.id):
                best, amount, percent = by_price, price_amount, price_percent
        if best is None or not amount:
            return None
        source = self._special_sources.get(best.id)
        if source is None:
            source = self._source(DiscountKind.SPECIAL, best)
            self._special_sources[best.id] = source
        return -amount, source.rank, percent, source

    def _source(
        self,
        kind: DiscountKind,
        program: Promotion | PersonalDiscount | GroupDiscount | CumulativeProgram,
    ) -> _Source:
        return _Source(kind, self._rank[kind], program.id, program.version, program.name)


def _rank(offer: _Offer) -> int:
    return offer[1]


def _fill(taken: list[_Taken], limit: int) -> list[_Taken]:
    """Keep discounts in order until their amounts reach ``limit``; trim the one crossing it."""
    kept: list[_Taken] = []
    room = limit
    for amount, percent, source, capped in taken:
        if room <= 0:
            break
        if amount > room:
            amount, capped = room, True
        kept.append((amount, percent, source, capped))
        room -= amount
    return kept
