"""Choosing a line's discounts: the best of each kind, stacked by the chain's mode (L7-L11,
L13), then the cashier's manual discount, then the line's minimum price (R4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kassa.domain.money import line_total
from kassa.domain.pricing.arithmetic import percent_of
from kassa.domain.pricing.customer import Customer
from kassa.domain.pricing.programs import (
    CumulativeProgram,
    DiscountKind,
    GroupDiscount,
    PersonalDiscount,
    Programs,
    StackingMode,
)
from kassa.domain.pricing.promotions import Promotion
from kassa.domain.pricing.request import SaleLine
from kassa.domain.pricing.results import AppliedDiscount
from kassa.domain.pricing.windows import LocalMoment


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


@dataclass(frozen=True, slots=True)
class _Source:
    """Where a discount comes from, and its rank in the chain's priority order."""

    kind: DiscountKind
    rank: int
    program_id: str | None
    version: int | None
    name: str
    given_by: str | None = None


_Offer = tuple[int, int, _Source, bool]  # amount, percent, source, capped


class LineDiscounter:
    """Chooses the discounts of each line of one receipt, priced at ``local`` store time."""

    def __init__(self, programs: Programs, customer: Customer | None, local: datetime) -> None:
        self._mode = programs.stacking.mode
        self._cap = programs.stacking.cap
        self._rank = {kind: i for i, kind in enumerate(programs.stacking.priority)}
        self._promotions = programs.open_promotions(
            customer.groups if customer else frozenset(), LocalMoment.of(local)
        )
        self._special_sources: dict[str, _Source] = {}
        self.personal = best_personal(programs, customer)
        self._kind_wide: list[tuple[int, _Source]] = []
        if self.personal is not None:
            source = self._source(DiscountKind.PERSONAL, self.personal)
            self._kind_wide.append((self.personal.percent, source))
        cumulative = programs.cumulative
        if cumulative is not None and customer is not None:
            percent = cumulative.percent_for(customer.lifetime_purchases)
            if percent:
                source = self._source(DiscountKind.CUMULATIVE, cumulative)
                self._kind_wide.append((percent, source))

    def discounts(
        self, line: SaleLine, base_price: int, base_total: int
    ) -> tuple[tuple[AppliedDiscount, ...], int]:
        """The discounts of a line whose category allows them, and their total: at most
        ``base_total``, and no more than keeps the line at its minimum price."""
        offers: list[_Offer] = []
        special = self._special(line, base_price, base_total)
        if special is not None:
            offers.append(special)
        for percent, source in self._kind_wide:
            amount = percent_of(base_total, percent)
            if amount:
                offers.append((amount, percent, source, False))
        if len(offers) > 1:
            offers = self._stack(offers, base_total)
        manual = line.manual
        if manual is not None:
            amount = percent_of(base_total - _sum(offers), manual.percent)
            if amount:
                source = _Source(DiscountKind.MANUAL, 0, None, None, manual.reason, manual.given_by)
                offers.append((amount, manual.percent, source, False))
        if line.min_price:
            limit = base_total - line_total(line.min_price, line.quantity)
            offers = _fill(offers, max(0, limit))
        applied = tuple(
            AppliedDiscount(
                s.kind, s.program_id, s.version, s.name, percent, amount, capped, s.given_by
            )
            for amount, percent, s, capped in offers
        )
        return applied, _sum(offers)

    def _stack(self, offers: list[_Offer], base_total: int) -> list[_Offer]:
        if self._mode is StackingMode.PRIORITY:
            return [min(offers, key=_by_rank)]
        offers.sort(key=_by_amount_then_rank)
        limit = base_total
        if self._cap is not None:
            limit = min(limit, max(percent_of(base_total, self._cap), offers[0][0]))
        return offers if _sum(offers) <= limit else _fill(offers, limit)

    def _special(self, line: SaleLine, base_price: int, base_total: int) -> _Offer | None:
        """The promotion taking most off the line; on a tie the larger %, then the smaller id."""
        by_percent, by_price = self._promotions.best(line.product_id, line.category)
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
        return amount, percent, source, False

    def _source(
        self,
        kind: DiscountKind,
        program: Promotion | PersonalDiscount | GroupDiscount | CumulativeProgram,
    ) -> _Source:
        return _Source(kind, self._rank[kind], program.id, program.version, program.name)


def _sum(offers: list[_Offer]) -> int:
    return sum(offer[0] for offer in offers)


def _by_rank(offer: _Offer) -> int:
    return offer[2].rank


def _by_amount_then_rank(offer: _Offer) -> tuple[int, int]:
    return -offer[0], offer[2].rank


def _fill(offers: list[_Offer], limit: int) -> list[_Offer]:
    """Keep offers in order until their amounts reach ``limit``; trim the one crossing it."""
    kept: list[_Offer] = []
    room = limit
    for amount, percent, source, capped in offers:
        if room <= 0:
            break
        if amount > room:
            amount, capped = room, True
        kept.append((amount, percent, source, capped))
        room -= amount
    return kept
