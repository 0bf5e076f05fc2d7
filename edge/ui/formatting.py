"""Money and quantities as the cashier reads them, formatted for the UI language."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_decimal

from edge.i18n import current_language


def money(minor: int, sign: str = "") -> str:
    """'1 234,50 грн' style amount in the current UI language; exact, no floats."""
    text = format_decimal(Decimal(minor).scaleb(-2), format="#,##0.00", locale=_locale())
    return f"{text} {sign}".strip()


def quantity(milli: int) -> str:
    """Whole quantities as integers, weights with three decimals."""
    if milli % 1000 == 0:
        return str(milli // 1000)
    return str(format_decimal(Decimal(milli).scaleb(-3), format="0.000", locale=_locale()))


def _locale() -> str:
    return {"uk": "uk_UA", "ru": "ru_RU", "en": "en_US"}[current_language()]
