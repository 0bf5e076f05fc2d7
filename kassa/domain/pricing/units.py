"""Integer units of the engine, and their exact text form in JSON.

Every amount is an ``int``; the ``Annotated`` aliases say which unit it is so that the
JSON codec can read and write it as a decimal string without ever using a float.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated


class Unit(Enum):
    """How an integer field is written in JSON."""

    MONEY = "money"  # minor units (kopecks): 1250 = "12.50"
    PERCENT = "percent"  # basis points: 500 = "5", 1250 = "12.5"
    QUANTITY = "quantity"  # thousandths: 1500 = "1.5"
    CLOCK = "clock"  # minutes since midnight: 540 = "09:00"


Money = Annotated[int, Unit.MONEY]
Percent = Annotated[int, Unit.PERCENT]
Quantity = Annotated[int, Unit.QUANTITY]
ClockTime = Annotated[int, Unit.CLOCK]

_DECIMAL = re.compile(r"(-?)(\d+)(?:\.(\d+))?")
_CLOCK = re.compile(r"(\d\d):(\d\d)")
_PLACES = {Unit.MONEY: 2, Unit.PERCENT: 2, Unit.QUANTITY: 3}
_SCALE = {Unit.MONEY: 100, Unit.PERCENT: 100, Unit.QUANTITY: 1000}
_HINTS = {
    Unit.MONEY: "an amount such as 12.50",
    Unit.PERCENT: "a percentage such as 5 or 12.5",
    Unit.QUANTITY: "a quantity such as 2 or 0.375",
    Unit.CLOCK: 'a time of day such as "09:00" (00:00 to 24:00)',
}


def parse_unit(unit: Unit, value: object) -> int:
    """Read a JSON number or string in ``unit``; raises ValueError with what is expected.
    Signs are read (a receipt's cash rounding may be negative); inputs check their own."""
    if unit is Unit.CLOCK:
        match = _CLOCK.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            raise ValueError(f"must be {_HINTS[unit]}")
        minutes = int(match[1]) * 60 + int(match[2])
        if int(match[2]) >= 60 or minutes > 24 * 60:
            raise ValueError(f"must be {_HINTS[unit]}")
        return minutes
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    match = _DECIMAL.fullmatch(value) if isinstance(value, str) else None
    if match is None or len(match[3] or "") > _PLACES[unit]:
        raise ValueError(f"must be {_HINTS[unit]}")
    whole: str = match[2]
    fraction: str = (match[3] or "").ljust(_PLACES[unit], "0")
    magnitude = int(whole) * _SCALE[unit] + int(fraction or "0")
    return -magnitude if match[1] else magnitude


def format_unit(unit: Unit, value: int) -> str:
    """Write ``value`` in ``unit``: money with two decimals, the rest as short as exact."""
    if unit is Unit.CLOCK:
        return f"{value // 60:02d}:{value % 60:02d}"
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), _SCALE[unit])
    digits = f"{fraction:0{_PLACES[unit]}d}"
    if unit is not Unit.MONEY:
        digits = digits.rstrip("0")
    return f"{sign}{whole}.{digits}" if digits else f"{sign}{whole}"
