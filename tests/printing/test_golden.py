"""Golden bytes: every layout in ru, uk and en at 32 and 42 columns, byte for byte.

"receipt-discounts" is a receipt with discounts, points paid, cash rounding and VAT;
"return" a return slip with a card and a cash refund and points given back;
"receipt-long-number" a receipt whose code ("R" + a number too long for CODE128 on 58 mm
paper) is a QR code.

Regenerate after an intended change (a layout, a translation) and review the diff:
    KASSA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/printing/test_golden.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from difflib import unified_diff
from pathlib import Path

import pytest
from escpos.escpos import Escpos

from edge.printing.cards import render_loyalty_card
from edge.printing.layout import rendered
from edge.printing.receipt import render_receipt
from edge.printing.reports import render_shift_report
from edge.printing.returns import render_return
from edge.printing.tags import render_price_tags
from edge.printing.testpage import render_test_page
from kassa.domain.sale import ClosedSale

from .escpos_parser import EPSON_TABLES, POS58_TABLES, parse
from .sales import make_discounted_sale, make_return, make_sale
from .samples import KYIV, loyalty_card, price_tags, shift_report, style

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("KASSA_UPDATE_GOLDEN") == "1"
Draw = Callable[[Escpos], object]


def receipt(
    language: str,
    width: int,
    *,
    copy: bool = False,
    sale: ClosedSale | None = None,
    code_prefix: str = "",
) -> Draw:
    return lambda p: render_receipt(
        p,
        sale or make_sale(),
        store_name="Продукти «Ґанок»",
        currency_sign="грн",
        language=language,
        width=width,
        code_page="CP1251",
        tz=KYIV,
        copy=copy,
        code_prefix=code_prefix,
    )


LAYOUTS: dict[str, Callable[[str, int], Draw]] = {
    "receipt": receipt,
    "receipt-copy": lambda lang, w: receipt(lang, w, copy=True),
    "receipt-discounts": lambda lang, w: receipt(lang, w, sale=make_discounted_sale()),
    "receipt-long-number": lambda lang, w: receipt(
        lang, w, sale=make_sale(number="kyiv-central-T12-000042"), code_prefix="R"
    ),
    "return": lambda lang, w: (
        lambda p: render_return(p, make_return(), style(lang, w), store_name="Продукти «Ґанок»")
    ),
    "x-report": lambda lang, w: lambda p: render_shift_report(p, shift_report("X"), style(lang, w)),
    "z-report": lambda lang, w: lambda p: render_shift_report(p, shift_report("Z"), style(lang, w)),
    "price-tags": lambda lang, w: lambda p: render_price_tags(p, price_tags(), style(lang, w)),
    "loyalty-card": lambda lang, w: (
        lambda p: render_loyalty_card(p, loyalty_card(), style(lang, w))
    ),
    "test-page": lambda lang, w: lambda p: render_test_page(p, style(lang, w), profile="default"),
}
CASES = (
    [
        (name, "default", language, width)
        for name in LAYOUTS
        if name != "receipt-long-number"
        for language in ("ru", "uk", "en")
        for width in (32, 42)
    ]
    + [("receipt-long-number", "default", language, 32) for language in ("ru", "uk", "en")]
    + [
        ("receipt", "POS-5890", "uk", 32),
        ("price-tags", "POS-5890", "uk", 32),
    ]
)


def golden_path(name: str, profile: str, language: str, width: int) -> Path:
    prefix = "" if profile == "default" else f"{profile}-"
    return GOLDEN / f"{prefix}{name}-{language}-{width}.bin"


@pytest.mark.parametrize(("name", "profile", "language", "width"), CASES)
def test_layout_bytes_are_unchanged(name: str, profile: str, language: str, width: int) -> None:
    output = rendered(profile, LAYOUTS[name](language, width))
    path = golden_path(name, profile, language, width)
    if UPDATE:
        path.write_bytes(output)
    assert path.exists(), f"{path.name} is missing: regenerate (see this module's docstring)"
    expected = path.read_bytes()
    if output != expected:
        at = next(
            (i for i, (a, b) in enumerate(zip(output, expected, strict=False)) if a != b),
            min(len(output), len(expected)),
        )
        tables = POS58_TABLES if profile == "POS-5890" else EPSON_TABLES
        was, now = parse(expected, tables).lines, parse(output, tables).lines
        diff = "\n".join(unified_diff(was, now, "golden", "now", lineterm=""))
        pytest.fail(f"{path.name} differs from byte {at}; printed text:\n{diff}")


def test_every_golden_file_belongs_to_a_case() -> None:
    expected = {golden_path(*case).name for case in CASES}
    assert {path.name for path in GOLDEN.glob("*.bin")} == expected
