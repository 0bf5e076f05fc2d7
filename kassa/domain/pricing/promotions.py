"""Special prices (L9): promotions and their index by product and category."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kassa.domain.money import div_half_up, line_total
from kassa.domain.pricing.arithmetic import BASIS, percent_of
from kassa.domain.pricing.errors import InputError, check_not_negative, check_percent, check_text
from kassa.domain.pricing.units import Money, Percent, Quantity
from kassa.domain.pricing.windows import LocalMoment, Window


@dataclass(frozen=True)
class Promotion:
    """A % off or a fixed unit price on products and categories (a category covers its
    subcategories), for everyone or for some groups, while its window is open."""

    id: str
    version: int
    name: str
    percent: Percent | None = None
    fixed_price: Money | None = None
    products: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    groups: frozenset[str] = frozenset()
    window: Window = field(default_factory=Window)

    def __post_init__(self) -> None:
        check_text("id", self.id)
        if (self.percent is None) == (self.fixed_price is None):
            raise InputError("percent", "give either percent or fixed_price")
        if self.percent is not None:
            check_percent("percent", self.percent, positive=True)
        if self.fixed_price is not None:
            check_not_negative("fixed_price", self.fixed_price)
        if not self.products and not self.categories:
            raise InputError("products", "name at least one product or category")

    def discount(self, base_price: Money, base_total: Money, quantity: Quantity) -> tuple[int, int]:
        """(amount off the line's base total, percent off the base) on one line."""
        fixed = self.fixed_price
        if fixed is None:
            percent = self.percent or 0
            return percent_of(base_total, percent), percent
        if fixed >= base_price:
            return 0, 0
        amount = base_total - line_total(fixed, quantity)
        return amount, div_half_up((base_price - fixed) * BASIS, base_price)


class PromotionIndex:
    """Promotions by the product and category ids they name, each list in order of
    preference: % promotions by larger %, fixed prices by lower price, then by id. The
    first open one of a list takes the most off any line among its like.

    Promotions for everyone and promotions for some groups are kept apart: the first are
    looked up per key, the second gathered per group, so a customer's groups only cost
    their own few promotions."""

    def __init__(self, promotions: Iterable[Promotion]) -> None:
        by_key: dict[str, list[Promotion]] = defaultdict(list)
        by_group: dict[str, list[Promotion]] = defaultdict(list)
        for promotion in promotions:
            if promotion.groups:
                for group in promotion.groups:
                    by_group[group].append(promotion)
                continue
            for key in _keys(promotion):
                by_key[key].append(promotion)
        self.by_percent = {
            key: sorted((p for p in found if p.percent is not None), key=_percent_order)
            for key, found in by_key.items()
        }
        self.by_price = {
            key: sorted((p for p in found if p.fixed_price is not None), key=_price_order)
            for key, found in by_key.items()
        }
        self.by_group = dict(by_group)


class OpenToAll:
    """The promotions for everyone open at one moment (shared by every customer priced
    in the same period): for a line, the best % promotion and the lowest fixed price among
    those naming its product or a category on its path."""

    def __init__(self, index: PromotionIndex, moment: LocalMoment) -> None:
        self._index = index
        self._moment = moment
        self.windows: dict[str, bool] = {}
        self._best: dict[str, _Best] = {}
        self._best_path: dict[tuple[str, ...], _Best] = {}
        self._best_line: dict[tuple[str, tuple[str, ...]], _Best] = {}

    def is_open(self, promotion: Promotion) -> bool:
        """Whether ``promotion``'s window is open at this moment (memoized)."""
        found = self.windows.get(promotion.id)
        if found is None:
            found = self.windows[promotion.id] = promotion.window.contains(self._moment)
        return found

    def best(self, product_id: str, category: tuple[str, ...]) -> _Best:
        line_key = (product_id, category)
        found = self._best_line.get(line_key)
        if found is None:
            on_path = self._best_path.get(category)
            if on_path is None:
                on_path = _merge([self._best_for(_category_key(c)) for c in category])
                self._best_path[category] = on_path
            found = _merge([self._best_for(_product_key(product_id)), on_path])
            self._best_line[line_key] = found
        return found

    def _best_for(self, key: str) -> _Best:
        best = self._best.get(key)
        if best is None:
            by_percent = by_price = None
            for promotion in self._index.by_percent.get(key, ()):
                if self.is_open(promotion):
                    by_percent = promotion
                    break
            for promotion in self._index.by_price.get(key, ()):
                if self.is_open(promotion):
                    by_price = promotion
                    break
            best = self._best[key] = (by_percent, by_price)
        return best


class OpenPromotions:
    """The promotions open to one customer at one moment: those for everyone, merged with
    the open promotions of the customer's groups."""

    def __init__(self, common: OpenToAll, index: PromotionIndex, groups: frozenset[str]) -> None:
        self._common = common
        self._by_product: dict[str, _Best] = {}
        self._by_category: dict[str, _Best] = {}
        self._best_line: dict[tuple[str, tuple[str, ...]], _Best] = {}
        seen: set[str] = set()
        for group in groups:
            for promotion in index.by_group.get(group, ()):
                if promotion.id in seen or not common.is_open(promotion):
                    continue
                seen.add(promotion.id)
                pair: _Best = (
                    (promotion, None) if promotion.percent is not None else (None, promotion)
                )
                for own, names in (
                    (self._by_product, promotion.products),
                    (self._by_category, promotion.categories),
                ):
                    for name in names:
                        own[name] = _better(own.get(name, (None, None)), pair)

    def best(self, product_id: str, category: tuple[str, ...]) -> _Best:
        """(best % promotion, lowest fixed price) for a line; either may be None."""
        line_key = (product_id, category)
        found = self._best_line.get(line_key)
        if found is None:
            found = self._common.best(product_id, category)
            by_product, by_category = self._by_product, self._by_category
            if product_id in by_product or not by_category.keys().isdisjoint(category):
                own = by_product.get(product_id)
                if own is not None:
                    found = _better(found, own)
                for name in category:
                    own = by_category.get(name)
                    if own is not None:
                        found = _better(found, own)
            self._best_line[line_key] = found
        return found


_Best = tuple[Promotion | None, Promotion | None]


def _merge(bests: list[_Best]) -> _Best:
    merged: _Best = (None, None)
    for best in bests:
        merged = _better(merged, best)
    return merged


def _better(one: _Best, other: _Best) -> _Best:
    """The better % promotion and the better fixed price of two pairs (the orders of
    ``_percent_order`` and ``_price_order``, compared field by field)."""
    by_percent, by_price = one
    percent, price = other
    if percent is not None and (
        by_percent is None
        or (percent.percent or 0) > (by_percent.percent or 0)
        or (percent.percent == by_percent.percent and percent.id < by_percent.id)
    ):
        by_percent = percent
    if price is not None and (
        by_price is None
        or (price.fixed_price or 0) < (by_price.fixed_price or 0)
        or (price.fixed_price == by_price.fixed_price and price.id < by_price.id)
    ):
        by_price = price
    return by_percent, by_price


def _percent_order(promotion: Promotion) -> tuple[int, str]:
    return -(promotion.percent or 0), promotion.id


def _price_order(promotion: Promotion) -> tuple[int, str]:
    return promotion.fixed_price or 0, promotion.id


def _keys(promotion: Promotion) -> list[str]:
    return [*map(_product_key, promotion.products), *map(_category_key, promotion.categories)]


def _product_key(product_id: str) -> str:
    return "p:" + product_id


def _category_key(category: str) -> str:
    return "c:" + category
