"""Every layout in ru, uk and en at 32 and 42 columns, decoded back and compared with the intent.

The bytes go through the tests' own ESC/POS reader, which rejects any command it does
not know; the decoded lines and barcode digits are then checked against the documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from itertools import pairwise
from textwrap import wrap
from typing import Any

import pytest
from escpos.escpos import Escpos
from escpos.printer import Dummy

from edge.i18n import translations
from edge.printing.cards import render_loyalty_card
from edge.printing.documents import PriceTag
from edge.printing.layout import rendered
from edge.printing.receipt import render_receipt
from edge.printing.reports import render_shift_report
from edge.printing.tags import render_price_tags
from edge.printing.testpage import (
    RUSSIAN_SAMPLE,
    SAMPLE_CODE128,
    SAMPLE_EAN13,
    UKRAINIAN_SAMPLE,
    render_test_page,
)
from kassa.domain.sale import Payment

from .escpos_parser import EPSON_TABLES, POS58_TABLES, Barcode, Line, Printout, parse
from .sales import RU_NAME, UK_NAME, make_sale
from .samples import CARD_NUMBER, loyalty_card, price_tags, shift_report, style

LANGUAGES = ["ru", "uk", "en"]
WIDTHS = [32, 42]
each_language_and_width = pytest.mark.parametrize(
    ("language", "width"), [(lang, w) for lang in LANGUAGES for w in WIDTHS]
)


def decode(draw: Callable[[Escpos], Any], profile: str = "default") -> Printout:
    tables = POS58_TABLES if profile == "POS-5890" else EPSON_TABLES
    return parse(rendered(profile, draw), tables)


def assert_fits(printout: Printout, width: int) -> None:
    """One code page for the whole job, no line or barcode wider than the paper."""
    assert len(printout.tables) == 1
    for item in printout.items:
        if isinstance(item, Line):
            assert item.cells <= width, item
        if isinstance(item, Barcode):
            assert item.module * item.bar_modules <= width * 12, item


def assert_row(lines: list[str], label: str, value: str, width: int) -> None:
    """``label`` left and ``value`` right on one line, or on two when they do not fit."""
    one = label + value.rjust(width - len(label))
    two = [label, value.rjust(width)]
    assert one in lines or tuple(two) in pairwise(lines), (label, value, lines)


def joined(lines: list[str]) -> str:
    """The lines joined back with spaces, as wrapped paragraphs were before wrapping."""
    return " ".join(lines)


@each_language_and_width
def test_receipt(language: str, width: int) -> None:
    _ = translations(language).gettext
    sale = make_sale()
    printout = decode(
        lambda p: render_receipt(
            p,
            sale,
            store_name="Kassa",
            currency_sign="грн",
            language=language,
            width=width,
            code_page="CP1251",
        )
    )
    assert_fits(printout, width)
    lines = printout.lines
    assert lines[0] == "Kassa"
    assert_row(lines, _("Receipt {number}").format(number=sale.number), "01.03.2025 10:05", width)
    assert UK_NAME in lines and RU_NAME in lines
    assert "2 x 45.50 = 91.00".rjust(width) in lines
    assert "0.375 x 200.00 = 75.00".rjust(width) in lines
    for label, value in [
        (_("Total"), "166.00 грн"),
        (_("Cash"), "200.00 грн"),
        (_("Change"), "34.00 грн"),
        (_("Customer"), "Іваненко Ї."),
        (_("Points earned"), "166"),
        (_("Points balance"), "286"),
    ]:
        assert_row(lines, label, value, width)
    assert _("Thank you for your purchase!") in lines
    assert [(b.symbology, b.data) for b in printout.barcodes] == [("CODE128", sale.number)]
    assert _("COPY") not in lines


@pytest.mark.parametrize(
    ("payments", "tendered", "change", "rows", "absent"),
    [
        ((Payment("card", 16600),), 0, 0, [("Card", "166.00 грн")], ["Cash", "Change"]),
        (
            (Payment("card", 6600), Payment("cash", 10000)),
            20000,
            10000,
            [("Card", "66.00 грн"), ("Cash", "200.00 грн"), ("Change", "100.00 грн")],
            [],
        ),
    ],
    ids=["card", "card-and-cash"],
)
def test_card_payments_are_shown(
    payments: tuple[Payment, ...],
    tendered: int,
    change: int,
    rows: list[tuple[str, str]],
    absent: list[str],
) -> None:
    sale = replace(make_sale(), payments=payments, cash_tendered=tendered, change=change)
    printout = decode(
        lambda p: render_receipt(
            p,
            sale,
            store_name="Kassa",
            currency_sign="грн",
            language="en",
            width=32,
            code_page="CP1251",
        )
    )
    for label, value in rows:
        assert_row(printout.lines, label, value, 32)
    for label in absent:
        assert not any(line.startswith(label) for line in printout.lines)


@each_language_and_width
def test_a_receipt_copy_says_so_first(language: str, width: int) -> None:
    def draw(printer: Escpos, copy: bool) -> None:
        render_receipt(
            printer,
            make_sale(),
            store_name="Kassa",
            currency_sign="грн",
            language=language,
            width=width,
            code_page="CP1251",
            copy=copy,
        )

    original = decode(lambda p: draw(p, False))
    copy = decode(lambda p: draw(p, True))
    word = translations(language).gettext("COPY")
    assert copy.items[0] == Line(word, "center", True, 0, (2, 2))
    assert copy.items[1:] == original.items
    assert_fits(copy, width)


@pytest.mark.parametrize(("language", "word"), [("ru", "КОПИЯ"), ("uk", "КОПІЯ"), ("en", "COPY")])
def test_copy_is_printed_in_the_receipt_language(language: str, word: str) -> None:
    if translations(language).gettext("COPY") == "COPY" and language != "en":
        pytest.skip(f"'COPY' is not in the {language} catalog yet")
    printout = decode(
        lambda p: render_receipt(
            p,
            make_sale(),
            store_name="Kassa",
            currency_sign="грн",
            language=language,
            width=32,
            code_page="CP1251",
            copy=True,
        )
    )
    assert printout.lines[0] == word


@each_language_and_width
@pytest.mark.parametrize("kind", ["X", "Z"])
def test_shift_report(language: str, width: int, kind: str) -> None:
    _ = translations(language).gettext
    report = shift_report(kind)
    printout = decode(lambda p: render_shift_report(p, report, style(language, width)))
    assert_fits(printout, width)
    lines = printout.lines
    title = _("X report") if kind == "X" else _("Z report")
    assert printout.items[1] == Line(title, "center", True, 0, (2, 2))
    assert (_("Shift closed") in lines) == (kind == "Z")
    assert (_("Shift is open") in lines) == (kind == "X")
    rows = [
        (_("Till"), "T1"),
        (_("Shift"), "12"),
        (_("Cashier"), "Їжакевич Є."),
        (_("Opened"), "01.03.2025 08:00"),
        (_("Printed") if kind == "X" else _("Closed"), "01.03.2025 20:30"),
        (_("Sales ({count})").format(count=42), "12345.50 грн"),
        (_("Returns ({count})").format(count=2), "300.00 грн"),
        (_("Discounts"), "210.05 грн"),
        (_("Cash"), "8000.00 грн"),
        (_("Card"), "4000.50 грн"),
        (_("Points"), "45.00 грн"),
        (_("Points earned"), "1234"),
        (_("Points spent"), "450"),
        (_("Opening float"), "500.00 грн"),
        (_("Cash in") + " 10:15", "200.00 грн"),
        (_("Cash out") + " 14:00", "-1000.00 грн"),
        (_("Expected cash in drawer"), "7700.00 грн"),
    ]
    for label, value in rows:
        assert_row(lines, label, value, width)
    assert "Розмінна монета" in lines and "Інкасація" in lines
    assert printout.barcodes == []


def test_a_report_copy_says_so_first() -> None:
    report, uk = shift_report(), style("uk", 32)
    copy = decode(lambda p: render_shift_report(p, report, uk, copy=True))
    original = decode(lambda p: render_shift_report(p, report, uk))
    assert copy.items[0] == Line(translations("uk").gettext("COPY"), "center", True, 0, (2, 2))
    assert copy.items[1:] == original.items


def test_whole_x_report_in_english_at_42() -> None:
    printout = decode(lambda p: render_shift_report(p, shift_report("X"), style("en", 42)))
    assert printout.text == "\n".join(
        [
            "Продукти «Ґанок»",
            "X report",
            "Shift is open",
            "Till                                    T1",
            "Shift                                   12",
            "Cashier                        Їжакевич Є.",
            "Opened                    01.03.2025 08:00",
            "Printed                   01.03.2025 20:30",
            "-" * 42,
            "Sales (42)                    12345.50 грн",
            "Returns (2)                     300.00 грн",
            "Discounts                       210.05 грн",
            "-" * 42,
            "Payments",
            "Cash                           8000.00 грн",
            "Card                           4000.50 грн",
            "Points                           45.00 грн",
            "-" * 42,
            "Points earned                         1234",
            "Points spent                           450",
            "-" * 42,
            "Opening float                   500.00 грн",
            "Cash in 10:15                   200.00 грн",
            "Розмінна монета",
            "Cash out 14:00                -1000.00 грн",
            "Інкасація",
            "Expected cash in drawer        7700.00 грн",
        ]
    )


@each_language_and_width
def test_price_tags_one_piece_of_paper_each(language: str, width: int) -> None:
    _ = translations(language).gettext
    tags = price_tags()
    printout = decode(lambda p: render_price_tags(p, tags, style(language, width)))
    assert_fits(printout, width)
    pieces = printout.pieces()
    assert len(pieces) == len(tags)
    bread, milk, cheese = (
        [item.text if isinstance(item, Line) else item for item in piece] for piece in pieces
    )
    assert bread == [
        "Хліб житній «Їжачок», 500 г",
        _("Was {price}").format(price="45.50 грн"),
        "39.90 грн",
        *wrap(_("Valid {start} - {end}").format(start="01.03.2025", end="15.03.2025"), width),
        Barcode("EAN13", "4820000000017", "A", 4 if width == 42 else 3, 64, 2, "center"),
    ]
    assert milk[:2] == ["Молоко ёлочка 2,5%", "52.00 грн"]
    assert isinstance(milk[2], Barcode) and (milk[2].symbology, milk[2].data) == (
        "CODE128",
        "ART-1042",
    )
    assert cheese == [
        "Сир «Єдиний»",
        _("Was {price}").format(price="250.00 грн"),
        "219.90 грн",
        *wrap(_("Valid until {end}").format(end="31.03.2025"), width),
    ]
    prices = [item for item in printout.items if isinstance(item, Line) and item.scale == (2, 2)]
    assert [p.text for p in prices] == ["39.90 грн", "52.00 грн", "219.90 грн"]


@each_language_and_width
def test_loyalty_card(language: str, width: int) -> None:
    _ = translations(language).gettext
    printout = decode(lambda p: render_loyalty_card(p, loyalty_card(), style(language, width)))
    assert_fits(printout, width)
    assert printout.lines[:3] == [
        "Продукти «Ґанок»",
        _("Loyalty card"),
        "Ґалаґан Єлизавета Іванівна",
    ]
    (barcode,) = printout.barcodes
    assert (barcode.symbology, barcode.data, barcode.hri) == ("EAN13", CARD_NUMBER, 2)


@each_language_and_width
def test_test_page(language: str, width: int) -> None:
    _ = translations(language).gettext
    printout = decode(lambda p: render_test_page(p, style(language, width), profile="TM-T20II"))
    assert_fits(printout, width)
    lines = printout.lines
    assert lines[0] == _("Test page")
    assert ("1234567890" * 5)[:width] in lines
    assert RUSSIAN_SAMPLE in joined(lines)
    assert UKRAINIAN_SAMPLE in joined(lines)
    assert "123.45 грн / 123.45 руб." in lines
    assert [(b.symbology, b.data) for b in printout.barcodes] == [
        ("EAN13", SAMPLE_EAN13),
        ("CODE128", SAMPLE_CODE128),
    ]


def test_cp1125_prints_ukrainian_whole_and_cp866_shows_what_is_missing() -> None:
    cp1125 = decode(lambda p: render_test_page(p, style("uk", 42, "CP1125"), profile="x"))
    assert cp1125.tables == [44]
    assert UKRAINIAN_SAMPLE in joined(cp1125.lines)
    cp866 = decode(lambda p: render_test_page(p, style("uk", 42, "CP866"), profile="x"))
    assert cp866.tables == [17]
    assert RUSSIAN_SAMPLE in joined(cp866.lines)
    missing = str.maketrans("ІіҐґ", "????")  # CP866 has Є and Ї, not these
    assert UKRAINIAN_SAMPLE.translate(missing) in joined(cp866.lines)


def test_a_58mm_clone_gets_its_own_table_number_and_codes_as_text() -> None:
    printout = decode(
        lambda p: render_price_tags(p, price_tags()[:1], style("uk", 32)), profile="POS-5890"
    )
    assert printout.tables == [73]
    assert printout.barcodes == []
    assert "4820000000017" in printout.lines
    assert "Хліб житній «Їжачок», 500 г" in printout.lines


@pytest.mark.parametrize(
    "draw",
    [
        lambda p: render_shift_report(p, shift_report(), style("uk", 32, "CP1125")),
        lambda p: render_price_tags(p, price_tags(), style("uk", 32, "CP1125")),
        lambda p: render_loyalty_card(p, loyalty_card(), style("uk", 32, "CP1125")),
        lambda p: render_test_page(p, style("uk", 32, "CP1125"), profile="POS-5890"),
        lambda p: render_price_tags(p, [], style("uk", 32)),
        lambda p: render_price_tags(
            p, [*price_tags(), PriceTag("Long code", 100, "ABCDEFGHIJKLMN")], style("uk", 32)
        ),
    ],
    ids=[
        "report-code-page",
        "tags-code-page",
        "card-code-page",
        "test-page-code-page",
        "no-tags",
        "tag-code-too-long",
    ],
)
def test_what_cannot_be_printed_is_refused_before_any_byte(draw: Callable[[Escpos], Any]) -> None:
    dummy = Dummy(profile="POS-5890")
    with pytest.raises(ValueError):
        draw(dummy)
    assert dummy.output == b""


def test_rendering_prints_nothing_on_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    for width in WIDTHS:
        rendered("default", lambda p, w=width: render_price_tags(p, price_tags(), style("en", w)))
        rendered(
            "default", lambda p, w=width: render_loyalty_card(p, loyalty_card(), style("en", w))
        )
    assert capsys.readouterr().out == ""
