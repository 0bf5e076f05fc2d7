"""When a promotion is on: dates, weekdays and hours in the store's local time (L9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kassa.domain.pricing.errors import InputError
from kassa.domain.pricing.units import ClockTime


class Weekday(StrEnum):
    MON = "mon"
    TUE = "tue"
    WED = "wed"
    THU = "thu"
    FRI = "fri"
    SAT = "sat"
    SUN = "sun"


WEEKDAYS = tuple(Weekday)  # indexed by datetime.weekday()
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class LocalMoment:
    """A time in the store's zone, taken apart once per receipt."""

    day: date
    weekday: Weekday
    minute: int

    @classmethod
    def of(cls, local: datetime) -> LocalMoment:
        return cls(local.date(), WEEKDAYS[local.weekday()], local.hour * 60 + local.minute)


@dataclass(frozen=True)
class HourRange:
    """Local times of day [start, end): "09:00"-"12:00" is over at 12:00."""

    start: ClockTime
    end: ClockTime

    def __post_init__(self) -> None:
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise InputError("start", "must be from 00:00 to 23:59")
        if not self.start < self.end <= MINUTES_PER_DAY:
            raise InputError(
                "end", "must be after start and at most 24:00 (split a night window in two)"
            )


@dataclass(frozen=True)
class Window:
    """Local dates (both inclusive), weekdays and hours; an empty part means "any"."""

    date_from: date | None = None
    date_to: date | None = None
    weekdays: frozenset[Weekday] = frozenset()
    hours: tuple[HourRange, ...] = ()

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_to < self.date_from:
            raise InputError("date_to", "must not be before date_from")

    def contains(self, moment: LocalMoment) -> bool:
        """Whether the window is open at ``moment``."""
        day = moment.day
        if self.date_from is not None and day < self.date_from:
            return False
        if self.date_to is not None and day > self.date_to:
            return False
        if self.weekdays and moment.weekday not in self.weekdays:
            return False
        minute = moment.minute
        for hours in self.hours:
            if hours.start <= minute < hours.end:
                return True
        return not self.hours
