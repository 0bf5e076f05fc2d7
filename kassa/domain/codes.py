"""Classifying a scanned or typed code (S1): the documented order, never a guess.

Order: (1) a code a product is known by (barcode or article) is that product;
(2) a code starting with the store's receipt prefix is a receipt (returns);
(3) an EAN-13 in a weight-label prefix is a scale label: PLU and weight in grams,
with its check digit verified; (4) anything else is looked up as a loyalty card;
(5) otherwise the code is unknown. Scale labels use the common layout
``PP CCCCC WWWWW K``: prefix, 5-digit PLU, 5-digit weight in grams, check digit.
"""

from __future__ import annotations

from dataclasses import dataclass


class BadCode(ValueError):
    """A code that is malformed for the range it falls in; the message says how.

    ``reason`` is one of "check_digit", "no_weight", "quantity", "ean13" and
    ``code`` the offending text, so a UI can say it in its own language.
    """

    def __init__(self, message: str, *, reason: str, code: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class CodeRanges:
    """A store's reserved ranges for in-store codes."""

    weight_label_prefixes: tuple[str, ...] = ()
    receipt_prefix: str = ""


@dataclass(frozen=True)
class ScaleLabel:
    plu: int
    weight_grams: int


@dataclass(frozen=True)
class ReceiptCode:
    number: str


def ean13_check_digit(first12: str) -> int:
    """The check digit of the first 12 digits of an EAN-13."""
    if len(first12) != 12 or not first12.isdigit():
        raise BadCode(f"an EAN-13 body is 12 digits, got {first12!r}", reason="ean13",
                      code=first12)
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_ean13(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13_check_digit(code[:12]) == int(code[12])


def classify_in_store_code(code: str, ranges: CodeRanges) -> ScaleLabel | ReceiptCode | None:
    """Steps (2) and (3) of the order above; None means "look it up as a card"."""
    if ranges.receipt_prefix and code.startswith(ranges.receipt_prefix):
        return ReceiptCode(code.removeprefix(ranges.receipt_prefix))
    if len(code) == 13 and code.isdigit() and code[:2] in ranges.weight_label_prefixes:
        if not is_valid_ean13(code):
            raise BadCode(f"scale label {code} has a wrong check digit", reason="check_digit",
                          code=code)
        weight = int(code[7:12])
        if weight == 0:
            raise BadCode(f"scale label {code} carries no weight", reason="no_weight", code=code)
        return ScaleLabel(plu=int(code[2:7]), weight_grams=weight)
    return None


def split_quantity(text: str, maximum: int = 9999) -> tuple[int, str]:
    """'3*4820000000017' -> (3000, code); a plain code -> (1000, code).

    Raises BadCode when the count before '*' is not a whole number in 1..maximum.
    """
    count, star, code = text.partition("*")
    if not star:
        return 1000, text.strip()
    count = count.strip()
    if not count.isdigit() or not 0 < int(count) <= maximum:
        raise BadCode(
            f"quantity must be a whole number from 1 to {maximum}, got {count!r}",
            reason="quantity", code=count,
        )
    return int(count) * 1000, code.strip()
