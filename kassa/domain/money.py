"""Money is integer minor units (kopecks); these helpers never touch floats."""

from __future__ import annotations


def div_half_up(numerator: int, denominator: int) -> int:
    """Divide integers, rounding half away from zero."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def line_total(unit_price: int, quantity_milli: int) -> int:
    """Total of a line: unit price times quantity in thousandths, rounded half-up."""
    return div_half_up(unit_price * quantity_milli, 1000)


def format_amount(minor: int) -> str:
    """Plain '1234.50' form of an amount, for receipts and logs."""
    sign = "-" if minor < 0 else ""
    units, cents = divmod(abs(minor), 100)
    return f"{sign}{units}.{cents:02d}"


def parse_amount(text: str) -> int:
    """Parse a typed amount such as '150', '150.5' or '150,50' into minor units.

    Raises ValueError naming the text when it is not an amount.
    """
    cleaned = text.strip().replace(" ", "").replace(",", ".")
    units, _, cents = cleaned.partition(".")
    if not units.isdigit() and not (units == "" and cents.isdigit()):
        raise ValueError(f"not an amount: {text!r}")
    if cents and (not cents.isdigit() or len(cents) > 2):
        raise ValueError(f"not an amount: {text!r}")
    return int(units or "0") * 100 + int(cents.ljust(2, "0") or "0")
