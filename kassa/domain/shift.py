"""Shift arithmetic for X and Z reports (S5): totals by payment type and cash expected."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

MAX_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class CashMove:
    amount: int  # positive: cash in, negative: cash out
    reason: str
    at: datetime


@dataclass(frozen=True)
class ShiftTotals:
    """What an X report shows mid-shift and a Z report shows at close."""

    shift_number: int
    opened_at: datetime
    opening_float: int
    sales_count: int
    sales_total: int
    by_method: dict[str, int] = field(default_factory=dict)
    points_earned: int = 0
    points_spent: int = 0
    moves: tuple[CashMove, ...] = ()
    discounts_total: int = 0
    returns_count: int = 0
    returns_total: int = 0
    refunds_by_method: dict[str, int] = field(default_factory=dict)

    def net_by(self, method: str) -> int:
        """Paid by ``method`` less refunded by it."""
        return self.by_method.get(method, 0) - self.refunds_by_method.get(method, 0)

    @property
    def cash_in(self) -> int:
        return sum(m.amount for m in self.moves if m.amount > 0)

    @property
    def cash_out(self) -> int:
        return -sum(m.amount for m in self.moves if m.amount < 0)

    @property
    def expected_cash(self) -> int:
        """Float + cash sales - cash refunds + cash in - cash out: what the drawer holds."""
        return self.opening_float + self.net_by("cash") + self.cash_in - self.cash_out


def shift_too_long(opened_at: datetime, now: datetime) -> bool:
    """A shift open longer than 24 hours is flagged (fiscal rules in RU and UA)."""
    return now - opened_at > MAX_SHIFT
