"""Choosing a line's discounts: the best of each kind, stacked by the chain's mode (L7-L11,
L13), then the cashier's manual discount, then the line's minimum price (R4).

A line's result depends only on its product, category, price, quantity, minimum price and
manual discount, the best promotions open to it, and the customer's terms (personal
discount, cumulative %, price list). Results are kept per terms on the programs, so the
till re-pricing an open receipt on every scan recomputes only the new line; the part that
does not depend on the personal discount and tier (policy, base price, best promotion) is
kept per price list, so that a customer on new terms only stacks the kinds again.
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import NamedTuple

from kassa.domain.money import line_total
from kassa.domain.pricing.arithmetic import BASIS, percent_of, share_floor
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
LINES_PER_PRICE_LIST = 4096  # line parts kept per price list; then they are dropped


# an AppliedDiscount's first fields: kind, program id, version, name, percent
_Head = tuple[DiscountKind, str, int, str, int]
# a stacked kind's offer on a line: (-amount, rank, head, the discount uncapped if built);
# sorts largest amount first, then by rank in the chain's priority order (ranks differ)
_Offer = tuple[int, int, _Head, AppliedDiscount | None]
_Program = PersonalDiscount | GroupDiscount | CumulativeProgram


class LinePrice(NamedTuple):
    """A line after discounts, before points. Equal lines on equal terms share one."""

    policy: CategoryPolicy
    base_price: int
    price_list: str | None
    base_total: int
    discounts: tuple[AppliedDiscount, ...]
    total: int
    points_cap: int  # the most bonus redeem steps that may pay for it


class LineParts(NamedTuple):
    """What a line's price takes from all but the personal discount and tier: its policy,
    base price and total, and the special offer (None when no promotion takes anything)."""

    policy: CategoryPolicy
    base_price: int
    price_list: str | None
    base_total: int
    special: _Offer | None


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
        rank = {kind: i for i, kind in enumerate(programs.stacking.priority)}
        self._special_rank = rank[DiscountKind.SPECIAL]
        self._policy_for = programs.policy_for
        self._step_value = programs.bonus.step[1] if programs.bonus else 1
        self._promotions = programs.open_promotions(
            customer.groups if customer else frozenset(), LocalMoment.of(local)
        )
        self._price_list = price_list
        self.personal = best_personal(programs, customer)
        kinds: list[tuple[DiscountKind, int, _Program]] = []
        if self.personal is not None:
            kinds.append((DiscountKind.PERSONAL, self.personal.percent, self.personal))
        cumulative = programs.cumulative
        tier = 0
        if cumulative is not None and customer is not None:
            tier = cumulative.percent_for(customer.lifetime_purchases)
            if tier:
                kinds.append((DiscountKind.CUMULATIVE, tier, cumulative))
        # the personal and cumulative %: (percent, rank, head)
        self._wide = [
            (percent, rank[kind], (kind, program.id, program.version, program.name, percent))
            for kind, percent, program in kinds
        ]
        # priority mode: the kinds by rank as (percent, head), None standing for the special
        order = [(rank, (percent, head)) for percent, rank, head in self._wide]
        self._order = [kind for _, kind in sorted([*order, (self._special_rank, None)])]
        price_list_id = price_list.id if price_list else None
        self._priced = programs.priced_lines((self.personal, tier, price_list_id))
        self._parts = programs.line_parts(price_list_id)

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
            parts = self._parts.get(key)
            if parts is None:
                parts = self._prepare(line, by_percent, by_price)
                if len(self._parts) >= LINES_PER_PRICE_LIST:
                    self._parts.clear()
                self._parts[key] = parts
            priced = self._price(line, parts)
            if len(self._priced) >= LINES_PER_TERMS:
                self._priced.clear()
            self._priced[key] = priced
        return priced

    def _prepare(
        self, line: SaleLine, by_percent: Promotion | None, by_price: Promotion | None
    ) -> LineParts:
        policy = self._policy_for(line.category)
        price_list = self._price_list
        listed = price_list.prices.get(line.product_id) if price_list else None
        base_price = line.price if listed is None else listed
        base_total = line_total(base_price, line.quantity)
        special = (
            self._special(base_price, base_total, line.quantity, by_percent, by_price)
            if policy.discounts
            else None
        )
        price_list_id = None if listed is None or price_list is None else price_list.id
        return _new(LineParts, (policy, base_price, price_list_id, base_total, special))

    def _price(self, line: SaleLine, parts: LineParts) -> LinePrice:
        """The line's discounts on these terms, then the manual one, then its minimum price:
        in all at most its base total."""
        policy, base_price, price_list_id, base_total, special = parts
        if policy.discounts:
            taken, discount_total = self._stacked(base_total, special)
            manual = line.manual
            if manual is not None:
                amount = percent_of(base_total - discount_total, manual.percent)
                if amount:
                    taken.append(
                        _new(
                            AppliedDiscount,
                            (
                                DiscountKind.MANUAL,
                                None,
                                None,
                                manual.reason,
                                manual.percent,
                                amount,
                                False,
                                manual.given_by,
                            ),
                        )
                    )
                    discount_total += amount
            if line.min_price:
                limit = base_total - line_total(line.min_price, line.quantity)
                taken = _fill(taken, max(0, limit))
                discount_total = sum([d.amount for d in taken])
            discounts = tuple(taken)
        else:
            discounts, discount_total = (), 0
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

    def _stacked(
        self, base_total: int, special: _Offer | None
    ) -> tuple[list[AppliedDiscount], int]:
        """The stacked kinds' discounts on a line and their total: in priority mode the
        first kind giving something; in sum mode each kind's, largest first, together at
        most the base total and the cap (but never below the largest)."""
        if self._priority:
            for kind in self._order:
                if kind is None:
                    if special is not None:
                        return [_uncapped(special)], -special[0]
                    continue
                percent, head = kind
                amount = (2 * base_total * percent + BASIS) // (2 * BASIS)  # percent_of
                if amount:
                    return [_new(AppliedDiscount, (*head, amount, False, None))], amount
            return [], 0
        offers = [] if special is None else [special]
        for percent, rank, head in self._wide:
            amount = (2 * base_total * percent + BASIS) // (2 * BASIS)  # percent_of
            if amount:
                offers.append((-amount, rank, head, None))
        room = base_total  # what they may take together; never less than one of them
        cap = self._cap
        if len(offers) > 1:
            offers.sort()
            if cap is not None:
                room = (2 * base_total * cap + BASIS) // (2 * BASIS)  # percent_of
                largest = -offers[0][0]
                if room < largest:
                    room = largest
        taken: list[AppliedDiscount] = []
        total = 0
        for negated, _, head, applied in offers:
            amount = -negated
            if amount >= room:
                if room > 0:
                    taken.append(_new(AppliedDiscount, (*head, room, amount > room, None)))
                    total += room
                break
            taken.append(
                _new(AppliedDiscount, (*head, amount, False, None)) if applied is None else applied
            )
            total += amount
            room -= amount
        return taken, total

    def _special(
        self,
        base_price: int,
        base_total: int,
        quantity: int,
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
            price_amount, price_percent = by_price.discount(base_price, base_total, quantity)
            ours, theirs = (price_amount, price_percent), (amount, percent)
            if best is None or ours > theirs or (ours == theirs and by_price.id < best.id):
                best, amount, percent = by_price, price_amount, price_percent
        if best is None or not amount:
            return None
        head = (DiscountKind.SPECIAL, best.id, best.version, best.name, percent)
        applied = _new(AppliedDiscount, (*head, amount, False, None))
        return -amount, self._special_rank, head, applied


def _uncapped(offer: _Offer) -> AppliedDiscount:
    applied = offer[3]
    return (
        _new(AppliedDiscount, (*offer[2], -offer[0], False, None)) if applied is None else applied
    )


def _capped(applied: AppliedDiscount, amount: int) -> AppliedDiscount:
    """``applied`` cut down to ``amount``."""
    kind, program_id, version, name, percent, _, _, given_by = applied
    return _new(AppliedDiscount, (kind, program_id, version, name, percent, amount, True, given_by))


def _fill(taken: list[AppliedDiscount], limit: int) -> list[AppliedDiscount]:
    """Keep discounts in order until their amounts reach ``limit``; trim the one crossing it."""
    kept: list[AppliedDiscount] = []
    room = limit
    for applied in taken:
        if room <= 0:
            break
        if applied.amount > room:
            applied = _capped(applied, room)
        kept.append(applied)
        room -= applied.amount
    return kept
