"""The customer on a receipt, as pricing needs them: groups, terms, lifetime and points."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kassa.domain.pricing.errors import (
    InputError,
    check_not_negative,
    check_text,
    check_unique,
)
from kassa.domain.pricing.programs import PersonalDiscount
from kassa.domain.pricing.units import Money


def check_aware(field: str, moment: datetime | None) -> None:
    """Raise if ``moment`` has no time zone."""
    if moment is not None and moment.utcoffset() is None:
        raise InputError(field, "must include a UTC offset, e.g. 2025-06-02T10:30:00+03:00")


@dataclass(frozen=True)
class PointLot:
    """Points earned together (or restored, or owed when negative): spendable from
    ``available_at`` (from ``earned_at`` when null), gone at ``expires_at`` (never when null).
    A lot's dates are set when it is earned, so a later change of the program never
    shortens them."""

    id: str
    points: int
    earned_at: datetime
    available_at: datetime | None = None
    expires_at: datetime | None = None

    def __post_init__(self) -> None:
        check_text("id", self.id)
        check_aware("earned_at", self.earned_at)
        check_aware("available_at", self.available_at)
        check_aware("expires_at", self.expires_at)

    def live(self, at: datetime) -> bool:
        """Not expired at ``at``."""
        return self.expires_at is None or at < self.expires_at

    def spendable(self, at: datetime) -> bool:
        """Live and past its spend delay at ``at``."""
        return self.live(at) and (self.available_at or self.earned_at) <= at


@dataclass(frozen=True)
class Customer:
    """A customer's pricing profile. ``used_one_time`` lists one-time discounts (own or of a
    group) already used up; ``lifetime_purchases`` is net of returns."""

    id: str
    groups: frozenset[str] = frozenset()
    price_list: str | None = None
    discounts: tuple[PersonalDiscount, ...] = ()
    used_one_time: frozenset[str] = frozenset()
    lifetime_purchases: Money = 0
    point_lots: tuple[PointLot, ...] = ()

    def __post_init__(self) -> None:
        check_text("id", self.id)
        check_not_negative("lifetime_purchases", self.lifetime_purchases)
        check_unique("point_lots", (lot.id for lot in self.point_lots))
