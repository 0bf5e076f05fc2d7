"""Bonus points (L1): a flat earn rate. The full rule set lives in a later issue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FlatEarnProgram:
    """``earn_points`` points for every ``earn_per_minor`` minor units paid in money."""

    id: str
    name: str
    earn_points: int
    earn_per_minor: int

    def __post_init__(self) -> None:
        if self.earn_points < 0 or self.earn_per_minor <= 0:
            raise ValueError(
                f"bad earn rate {self.earn_points} per {self.earn_per_minor} minor units"
            )

    def points_for(self, paid_minor: int) -> int:
        """Points earned on an amount paid; floored, never negative."""
        if paid_minor <= 0:
            return 0
        return paid_minor * self.earn_points // self.earn_per_minor
