"""The chain's programs as central distributes them: discounts, points, category rules."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import cached_property
from math import gcd
from typing import TYPE_CHECKING, TypeVar

from kassa.domain.pricing.arithmetic import BASIS
from kassa.domain.pricing.errors import (
    InputError,
    check_not_negative,
    check_percent,
    check_positive,
    check_text,
    check_unique,
)
from kassa.domain.pricing.promotions import (
    OpenPromotions,
    OpenToAll,
    Promotion,
    PromotionIndex,
)
from kassa.domain.pricing.units import Money, Percent
from kassa.domain.pricing.windows import LocalMoment

if TYPE_CHECKING:
    from kassa.domain.pricing.discounts import LineParts, LinePrice

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")
V = TypeVar("V")
TERMS_KEPT = 4  # customer terms (and price lists) whose lines are kept


class DiscountKind(StrEnum):
    SPECIAL = "special"
    PERSONAL = "personal"
    CUMULATIVE = "cumulative"
    MANUAL = "manual"


class StackingMode(StrEnum):
    SUM = "sum"
    PRIORITY = "priority"


STACKED_KINDS = (DiscountKind.SPECIAL, DiscountKind.PERSONAL, DiscountKind.CUMULATIVE)


@dataclass(frozen=True)
class Stacking:
    """How kinds combine (L11). ``sum``: the best of each kind added, limited by ``cap`` but
    never below the best single one; ``priority``: the first kind in ``priority`` that gives
    something wins. ``priority`` also orders equal discounts in sum mode."""

    mode: StackingMode = StackingMode.SUM
    cap: Percent | None = None
    priority: tuple[DiscountKind, ...] = STACKED_KINDS

    def __post_init__(self) -> None:
        if self.cap is not None:
            check_percent("cap", self.cap)
        if sorted(self.priority) != sorted(STACKED_KINDS):
            raise InputError("priority", "must list special, personal and cumulative once each")


@dataclass(frozen=True)
class PersonalDiscount:
    """A customer's own % (a wholesale fixed discount, a birthday gift), maybe one-time."""

    id: str
    version: int
    name: str
    percent: Percent
    one_time: bool = False

    def __post_init__(self) -> None:
        check_text("id", self.id)
        check_percent("percent", self.percent, positive=True)


@dataclass(frozen=True)
class GroupDiscount:
    """A % for every customer of a group (VIP, students), permanent or one-time each (L8)."""

    id: str
    version: int
    name: str
    group: str
    percent: Percent
    one_time: bool = False

    def __post_init__(self) -> None:
        check_text("id", self.id)
        check_text("group", self.group)
        check_percent("percent", self.percent, positive=True)


@dataclass(frozen=True)
class Tier:
    """From ``threshold`` of lifetime purchases on, ``percent`` off."""

    threshold: Money
    percent: Percent

    def __post_init__(self) -> None:
        check_not_negative("threshold", self.threshold)
        check_percent("percent", self.percent)


@dataclass(frozen=True)
class CumulativeProgram:
    """Cumulative discount (L7): the % grows with lifetime purchases by a scale of tiers."""

    id: str
    version: int
    name: str
    tiers: tuple[Tier, ...]

    def __post_init__(self) -> None:
        check_text("id", self.id)
        for i in range(1, len(self.tiers)):
            if self.tiers[i].threshold <= self.tiers[i - 1].threshold:
                raise InputError(f"tiers[{i}].threshold", "must be above the previous tier's")

    def percent_for(self, lifetime: Money) -> int:
        """The % of the highest tier reached by ``lifetime`` purchases (0 below the first)."""
        reached = [t.percent for t in self.tiers if t.threshold <= lifetime]
        return reached[-1] if reached else 0


@dataclass(frozen=True)
class BonusProgram:
    """Points (L1-L6, L13): ``earn_points`` per ``earn_per`` paid in money; ``redeem_points``
    pay ``redeem_value``; at most ``max_points_share`` of a line's price (categories may
    say otherwise); earned points become spendable after ``spend_delay_days`` and expire
    after ``expiry_days`` (none when null)."""

    id: str
    version: int
    name: str
    earn_points: int
    earn_per: Money
    redeem_points: int
    redeem_value: Money
    max_points_share: Percent = BASIS
    spend_delay_days: int = 0
    expiry_days: int | None = None

    def __post_init__(self) -> None:
        check_text("id", self.id)
        check_not_negative("earn_points", self.earn_points)
        check_positive("earn_per", self.earn_per)
        check_positive("redeem_points", self.redeem_points)
        check_positive("redeem_value", self.redeem_value)
        check_percent("max_points_share", self.max_points_share)
        check_not_negative("spend_delay_days", self.spend_delay_days)
        if self.expiry_days is not None:
            check_positive("expiry_days", self.expiry_days)

    @property
    def step(self) -> tuple[int, Money]:
        """The smallest spend: (points, the whole minor units they pay)."""
        common = gcd(self.redeem_points, self.redeem_value)
        return self.redeem_points // common, self.redeem_value // common


@dataclass(frozen=True)
class CategoryRule:
    """What a category (and its subcategories) allows; null inherits from the parent."""

    category: str
    discounts: bool | None = None
    points_payment: bool | None = None
    max_points_share: Percent | None = None
    earns_points: bool | None = None

    def __post_init__(self) -> None:
        check_text("category", self.category)
        if self.max_points_share is not None:
            check_percent("max_points_share", self.max_points_share)


@dataclass(frozen=True)
class CategoryPolicy:
    """The rules in force for one line's category path."""

    discounts: bool
    points_payment: bool
    max_points_share: Percent
    earns_points: bool


@dataclass(frozen=True)
class PriceList:
    """A personal price list (L10): unit prices by product id; others sell at retail."""

    id: str
    version: int
    name: str
    prices: Mapping[str, Money]

    def __post_init__(self) -> None:
        check_text("id", self.id)
        for product, price in self.prices.items():
            check_not_negative(f"prices.{product}", price)


@dataclass(frozen=True)
class Programs:
    """Everything chain-wide that prices a receipt. Ids are unique within each list."""

    stacking: Stacking = field(default_factory=Stacking)
    promotions: tuple[Promotion, ...] = ()
    group_discounts: tuple[GroupDiscount, ...] = ()
    cumulative: CumulativeProgram | None = None
    bonus: BonusProgram | None = None
    category_rules: tuple[CategoryRule, ...] = ()
    price_lists: tuple[PriceList, ...] = ()

    def __post_init__(self) -> None:
        check_unique("promotions", (p.id for p in self.promotions))
        check_unique("group_discounts", (d.id for d in self.group_discounts))
        check_unique("category_rules", (r.category for r in self.category_rules), "category")
        check_unique("price_lists", (p.id for p in self.price_lists))

    @cached_property
    def promotion_index(self) -> PromotionIndex:
        return PromotionIndex(self.promotions)

    def open_promotions(self, groups: frozenset[str], moment: LocalMoment) -> OpenPromotions:
        """The promotions open to ``groups`` at ``moment``. What is open to everyone is
        kept for re-pricing, as the till does on every scan, until the day or an hour
        range's start or end comes round; a customer's groups add their own few."""
        period = (moment.day, bisect_right(self._hour_boundaries, moment.minute))
        common = self._open_to_all.get(period)
        if common is None:
            self._open_to_all.clear()
            self._open_to_groups.clear()
            common = self._open_to_all[period] = OpenToAll(self.promotion_index, moment)
        found = self._open_to_groups.get((groups, period))
        if found is None:
            if len(self._open_to_groups) >= 8:
                self._open_to_groups.clear()
            found = OpenPromotions(common, self.promotion_index, groups)
            self._open_to_groups[(groups, period)] = found
        return found

    def priced_lines(self, terms: Hashable) -> dict[Hashable, LinePrice]:
        """Lines priced on a customer's ``terms`` by ``LineDiscounter``, kept with these
        programs for re-pricing; the last few terms used are kept."""
        return _recent(self._priced_lines, terms)

    def line_parts(self, price_list: str | None) -> dict[Hashable, LineParts]:
        """What ``LineDiscounter`` found of lines apart from the customer's personal
        discount and tier, by the customer's price list; the last few used are kept."""
        return _recent(self._line_parts, price_list)

    @cached_property
    def _priced_lines(self) -> dict[Hashable, dict[Hashable, LinePrice]]:
        """Priced lines by terms, least recently used first."""
        return {}

    @cached_property
    def _line_parts(self) -> dict[str | None, dict[Hashable, LineParts]]:
        """Line parts by price list, least recently used first."""
        return {}

    @cached_property
    def _open_to_all(self) -> dict[tuple[date, int], OpenToAll]:
        return {}

    @cached_property
    def _open_to_groups(self) -> dict[tuple[frozenset[str], tuple[date, int]], OpenPromotions]:
        """The last few customers' group sets, for re-pricing the same receipt."""
        return {}

    @cached_property
    def _hour_boundaries(self) -> list[int]:
        """Minutes of the day at which some promotion opens or closes."""
        return sorted(
            {m for p in self.promotions for r in p.window.hours for m in (r.start, r.end)}
        )

    @cached_property
    def price_lists_by_id(self) -> dict[str, PriceList]:
        return {p.id: p for p in self.price_lists}

    @cached_property
    def _rules(self) -> dict[str, CategoryRule]:
        return {r.category: r for r in self.category_rules}

    @cached_property
    def _policies(self) -> dict[tuple[str, ...], CategoryPolicy]:
        return {}

    def policy_for(self, category: tuple[str, ...]) -> CategoryPolicy:
        """The rules for a category path (root first): the deepest rule setting each field
        wins; unset fields allow everything, up to the bonus program's share."""
        policy = self._policies.get(category)
        if policy is None:
            rules = [self._rules[c] for c in reversed(category) if c in self._rules]
            default_share = self.bonus.max_points_share if self.bonus else BASIS
            policy = CategoryPolicy(
                discounts=_first([r.discounts for r in rules], True),
                points_payment=_first([r.points_payment for r in rules], True),
                max_points_share=_first([r.max_points_share for r in rules], default_share),
                earns_points=_first([r.earns_points for r in rules], True),
            )
            self._policies[category] = policy
        return policy


def _first(values: list[T | None], default: T) -> T:
    return next((v for v in values if v is not None), default)


def _recent(kept: dict[K, dict[Hashable, V]], key: K) -> dict[Hashable, V]:
    """``kept[key]``, made most recently used (empty when new); the least recently used
    goes when ``TERMS_KEPT`` are kept."""
    found = kept.pop(key, None)
    if found is None:
        found = {}
        if len(kept) >= TERMS_KEPT:
            # a copy, as another thread may price too
            oldest, *_ = tuple(kept)
            kept.pop(oldest, None)
    kept[key] = found
    return found
