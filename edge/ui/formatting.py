"""Money, quantities, percentages and discounts as the cashier reads and types them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal

from edge.i18n import N_, _, current_language
from kassa.domain.pricing import PricedLine

_KINDS = {
    "special": N_("promotion"),
    "personal": N_("personal"),
    "cumulative": N_("cumulative"),
    "manual": N_("manual"),
}


def money(minor: int, sign: str = "") -> str:
    """'1 234,50 грн' style amount in the current UI language; exact, no floats."""
    text = format_decimal(Decimal(minor).scaleb(-2), format="#,##0.00", locale=_locale())
    return f"{text} {sign}".strip()


def quantity(milli: int) -> str:
    """Whole quantities as integers, weights with three decimals."""
    if milli % 1000 == 0:
        return str(milli // 1000)
    return str(format_decimal(Decimal(milli).scaleb(-3), format="0.000", locale=_locale()))


def percent(basis_points: int) -> str:
    """500 -> '5%', 1250 -> '12.5%' (in the UI language's decimal sign)."""
    text = format_decimal(Decimal(basis_points).scaleb(-2), format="0.##", locale=_locale())
    return f"{text}%"


def discount_text(line: PricedLine, width: int = 24) -> str:
    """'-3.25 Напої -10%': what the line's discounts took off and where they came from,
    cut to ``width`` characters with '…'."""
    if not line.discount_total:
        return ""
    sources = " + ".join(d.name or _(_KINDS[d.kind]) for d in line.discounts)
    text = f"-{money(line.discount_total)} {sources}"
    return text if len(text) <= width else text[: width - 1] + "…"


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite():
        raise ValueError(text)
    return value


def parse_quantity(text: str, *, weighted: bool) -> int:
    """A typed quantity in thousandths: '3' pieces, '0.375' or '0,375' kg (weights only).

    Raises ValueError for anything else, zero or a negative amount.
    """
    milli = _decimal(text) * 1000
    if milli <= 0 or milli != milli.to_integral_value() or (not weighted and milli % 1000):
        raise ValueError(text)
    return int(milli)


def parse_percent(text: str) -> int:
    """A typed percentage in basis points: '10' -> 1000, '12.5' -> 1250 (0 to 100)."""
    bp = _decimal(text.removesuffix("%")) * 100
    if not 0 <= bp <= 10_000 or bp != bp.to_integral_value():
        raise ValueError(text)
    return int(bp)


def _locale() -> str:
    return {"uk": "uk_UA", "ru": "ru_RU", "en": "en_US"}[current_language()]
