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
from edge.printing.returns import render_return
from edge.printing.tags import render_price_tags
from edge.printing.testpage import (
    RUSSIAN_SAMPLE,
    SAMPLE_CODE128,
    SAMPLE_EAN13,
    UKRAINIAN_SAMPLE,
    render_test_page,
)
from kassa.domain.codes import CodeRanges, ReceiptCode, classify_in_store_code
from kassa.domain.pricing import VatTotal
from kassa.domain.returns import ClosedReturn
from kassa.domain.sale import ClosedSale, Payment

from .escpos_parser import EPSON_TABLES, POS58_TABLES, Barcode, Line, Printout, QrCode, parse
from .sales import (
    DAMAGED,
    LOYAL,
    RU_NAME,
    SPRING,
    UK_NAME,
    WATER,
    make_discounted_sale,
    make_return,
    make_sale,
)
from .samples import CARD_NUMBER, loyalty_card, price_tags, shift_report, style

LANGUAGES = ["ru", "uk", "en"]
WIDTHS = [32, 42]
each_language_and_width = pytest.mark.parametrize(
    ("language", "width"), [(lang, w) for lang in LANGUAGES for w in WIDTHS]
)
each_language_and_paper = pytest.mark.parametrize(
    ("language", "width"), [(lang, w) for lang in LANGUAGES for w in [*WIDTHS, 48]]
)


def decode(draw: Callable[[Escpos], Any], profile: str = "default") -> Printout:
    tables = POS58_TABLES if profile == "POS-5890" else EPSON_TABLES
    return parse(rendered(profile, draw), tables)


def assert_fits(printout: Printout, width: int) -> None:
    """One code page for the whole job, no line, barcode or QR code wider than the paper."""
    assert len(printout.tables) == 1
    for item in printout.items:
        if isinstance(item, Line):
            assert item.cells <= width, item
        if isinstance(item, Barcode):
            assert item.module * item.bar_modules <= width * 12, item
        if isinstance(item, QrCode):  # with a quiet zone of 4 modules each side
            assert item.module * (item.modules + 8) <= width * 12, item


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


LONG_NUMBER = "kyiv-central-T12-000042"
RANGES = CodeRanges(weight_label_prefixes=("21", "22"), receipt_prefix="R")


def receipt_with_prefix(sale: ClosedSale, language: str, width: int) -> Printout:
    return decode(
        lambda p: render_receipt(
            p,
            sale,
            store_name="Kassa",
            currency_sign="грн",
            language=language,
            width=width,
            code_page="CP1251",
            code_prefix=RANGES.receipt_prefix,
        )
    )


@each_language_and_width
def test_a_number_too_long_for_code128_is_a_qr_code_a_2d_scanner_reads_as_the_receipt(
    language: str, width: int
) -> None:
    _ = translations(language).gettext
    sale = make_sale(number=LONG_NUMBER)
    printout = receipt_with_prefix(sale, language, width)
    assert_fits(printout, width)
    assert printout.barcodes == []
    (qr,) = printout.qr_codes
    assert (qr.data, qr.model, qr.ec, qr.align) == ("R" + LONG_NUMBER, 2, "M", "center")
    assert classify_in_store_code(qr.data, RANGES) == ReceiptCode(LONG_NUMBER)
    # Readable too: the number in the heading, the scanned text under the QR code.
    heading = _("Receipt {number}").format(number=LONG_NUMBER)
    assert_row(printout.lines, heading, "01.03.2025 10:05", width)
    after = printout.items[printout.items.index(qr) + 1]
    assert after == Line("R" + LONG_NUMBER, "center", False, 0, (1, 1))


@pytest.mark.parametrize("width", WIDTHS)
def test_a_code128_receipt_number_scans_as_the_receipt_too(width: int) -> None:
    sale = make_sale(number="T1-000042")  # as a till numbers its receipts
    printout = receipt_with_prefix(sale, "en", width)
    assert printout.qr_codes == []
    (barcode,) = printout.barcodes
    assert (barcode.symbology, barcode.data) == ("CODE128", "R" + sale.number)
    assert classify_in_store_code(barcode.data, RANGES) == ReceiptCode(sale.number)


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


def draw_receipt(sale: ClosedSale, language: str, width: int) -> Callable[[Escpos], Any]:
    return lambda p: render_receipt(
        p,
        sale,
        store_name="Kassa",
        currency_sign="грн",
        language=language,
        width=width,
        code_page="CP1251",
    )


def draw_return(
    ret: ClosedReturn, language: str, width: int, *, copy: bool = False
) -> Callable[[Escpos], Any]:
    return lambda p: render_return(
        p, ret, style(language, width), store_name="Продукти «Ґанок»", copy=copy
    )


def discount_rows(lines: list[str], name: str, amount: str, width: int) -> None:
    """The discount ``name`` indented under its line (wrapped), ``amount`` right."""
    texts = wrap(name, width - 2)
    rows = ["  " + text for text in texts[:-1]]
    last = "  " + texts[-1]
    if len(last) + 1 + len(amount) <= width:
        rows.append(last + amount.rjust(width - len(last)))
    else:
        rows += [last, amount.rjust(width)]
    at = lines.index(rows[0])
    assert lines[at : at + len(rows)] == rows, (rows, lines)


@each_language_and_paper
def test_receipt_with_discounts_points_rounding_and_vat(language: str, width: int) -> None:
    _ = translations(language).gettext
    sale = make_discounted_sale()
    printout = decode(draw_receipt(sale, language, width))
    assert_fits(printout, width)
    lines = printout.lines
    bread = lines.index(UK_NAME)
    assert lines[bread + 1] == "2 x 45.50 = 91.00".rjust(width)
    discount_rows(lines, f"{SPRING} 10%", "-9.10", width)
    discount_rows(lines, f"{LOYAL} 3%", "-2.73", width)
    assert "= 79.17".rjust(width) in lines
    milk = lines.index(RU_NAME)
    assert lines[milk - 1] == "= 79.17".rjust(width)
    assert lines[milk + 1] == "0.375 x 200.00 = 75.00".rjust(width)
    discount_rows(lines, f"{DAMAGED} 5%", "-3.75", width)
    assert lines[milk + 3] == "= 71.25".rjust(width)
    water = lines.index(WATER)
    assert lines[water + 1 : water + 3] == ["1 x 18.00 = 18.00".rjust(width), "-" * width]
    rows = [
        (_("Subtotal"), "184.00 грн"),
        (_("Discounts"), "-15.58 грн"),
        (_("Total"), "168.42 грн"),
        (_("Paid with points: {points}").format(points=450), "4.50 грн"),
        (_("Rounding"), "-0.02 грн"),
        (_("Card"), "100.00 грн"),
        (_("Cash"), "100.00 грн"),
        (_("Change"), "36.10 грн"),
        (_("VAT {rate}").format(rate="20%"), "16.20 грн"),
        (_("VAT {rate}").format(rate="7%"), "4.66 грн"),
        (_("Customer"), "Іваненко Ї."),
        (_("Points spent"), "450"),
        (_("Points earned"), "158"),
        (_("Points balance"), "908"),
    ]
    for label, value in rows:
        assert_row(lines, label, value, width)
    starts = [next(i for i, line in enumerate(lines) if line.startswith(row[0])) for row in rows]
    assert starts == sorted(starts), "totals, payments, VAT and points in this order"
    assert [(b.symbology, b.data) for b in printout.barcodes] == [("CODE128", sale.number)]


def test_the_figures_printed_add_up() -> None:
    sale = make_discounted_sale()
    paid = sum(p.amount for p in sale.payments)
    assert sale.total + sale.discount_total == 18400
    assert paid == sale.total + sale.cash_rounding
    assert sale.cash_tendered - sale.paid_by("cash") == sale.change
    assert sum(vat.gross for vat in sale.vat) == sale.total
    assert sale.balance_after == 1200 - 450 + 158
    ret = make_return()
    assert sum(p.amount for p in ret.refunds) == ret.refund + ret.cash_rounding
    assert ret.balance_after == 908 + 334 - 111


def test_whole_receipt_with_discounts_in_english_at_42() -> None:
    printout = decode(draw_receipt(make_discounted_sale(), "en", 42))
    assert printout.text == "\n".join(
        [
            "Kassa",
            "Receipt S1-T1-000043      01.03.2025 10:05",
            "-" * 42,
            "Хліб житній, їжа, є, ґанок",
            "                         2 x 45.50 = 91.00",
            "  Акція «Весна» 10%                  -9.10",
            "  Персональна знижка постійного покупця 3%",
            "                                     -2.73",
            "                                   = 79.17",
            "Молоко ёлочка, щука",
            "                    0.375 x 200.00 = 75.00",
            "  Пошкоджена упаковка 5%             -3.75",
            "                                   = 71.25",
            "Вода «Єва»",
            "                         1 x 18.00 = 18.00",
            "-" * 42,
            "Subtotal                        184.00 грн",
            "Discounts                       -15.58 грн",
            "Total                           168.42 грн",
            "Paid with points: 450             4.50 грн",
            "Rounding                         -0.02 грн",
            "Card                            100.00 грн",
            "Cash                            100.00 грн",
            "Change                           36.10 грн",
            "VAT 20%                          16.20 грн",
            "VAT 7%                            4.66 грн",
            "-" * 42,
            "Customer                       Іваненко Ї.",
            "Points spent                           450",
            "Points earned                          158",
            "Points balance                         908",
            "",
            "Thank you for your purchase!",
        ]
    )


def test_a_receipt_without_discounts_points_or_vat_has_none_of_their_rows() -> None:
    lines = decode(draw_receipt(make_sale(), "en", 42)).lines
    for label in ("Subtotal", "Discounts", "Paid with points", "Rounding", "VAT", "Points spent"):
        assert not any(line.startswith(label) for line in lines), label
    assert not any(line.lstrip().startswith("=") for line in lines)


def test_rounding_up_is_signed_and_points_paying_everything_need_no_cash_rows() -> None:
    rounded_up = replace(make_discounted_sale(), cash_rounding=3)
    assert_row(decode(draw_receipt(rounded_up, "en", 32)).lines, "Rounding", "+0.03 грн", 32)
    by_points = replace(
        make_sale(), payments=(Payment("points", 16600),), cash_tendered=0, change=0,
        points_spent=16600,
    )
    lines = decode(draw_receipt(by_points, "en", 32)).lines
    assert_row(lines, "Paid with points: 16600", "166.00 грн", 32)
    assert not any(line.startswith(("Cash", "Change", "Card")) for line in lines)


@pytest.mark.parametrize(("rate", "printed"), [(2000, "20%"), (700, "7%"), (1250, "12.5%"),
                                              (1005, "10.05%"), (0, "0%")])
def test_vat_rates_are_printed_as_percentages(rate: int, printed: str) -> None:
    sale = replace(make_sale(), vat=(VatTotal(rate, 16600, 1234),))
    assert_row(decode(draw_receipt(sale, "en", 32)).lines, f"VAT {printed}", "12.34 грн", 32)


@pytest.mark.parametrize(("language", "word"), [("ru", "НДС"), ("uk", "ПДВ"), ("en", "VAT")])
def test_vat_is_named_in_the_receipt_language(language: str, word: str) -> None:
    if translations(language).gettext("VAT {rate}") == "VAT {rate}" and language != "en":
        pytest.skip(f"'VAT {{rate}}' is not in the {language} catalog yet")
    lines = decode(draw_receipt(make_discounted_sale(), language, 42)).lines
    assert_row(lines, f"{word} 20%", "16.20 грн", 42)
    assert_row(lines, f"{word} 7%", "4.66 грн", 42)


@each_language_and_paper
def test_return_slip(language: str, width: int) -> None:
    _ = translations(language).gettext
    printout = decode(draw_return(make_return(), language, width))
    assert_fits(printout, width)
    lines = printout.lines
    assert lines[0] == "Продукти «Ґанок»"
    assert_row(lines, _("Return {number}").format(number="S1-T1-R00007"), "02.03.2025 14:40",
               width)
    assert _("For receipt {number}").format(number="S1-T1-000043") in joined(lines)
    qty = _("Qty")
    bread, milk = lines.index(UK_NAME), lines.index(RU_NAME)
    assert lines[bread + 1] == f"  {qty} 1" + "39.59".rjust(width - len(qty) - 4)
    assert lines[milk + 1] == f"  {qty} 0.375" + "71.25".rjust(width - len(qty) - 8)
    rows = [
        (_("Total"), "110.84 грн"),
        (_("Refund"), "107.53 грн"),
        (_("Rounding"), "-0.03 грн"),
        (_("Refunded to card"), "100.00 грн"),
        (_("Refunded in cash"), "7.50 грн"),
        (_("Customer"), "Іваненко Ї."),
        (_("Points restored"), "334"),
        (_("Points annulled"), "111"),
        (_("Points balance"), "1131"),
    ]
    for label, value in rows:
        assert_row(lines, label, value, width)
    assert lines[-3:] == [_("Customer's signature"), "", "_" * width]
    assert printout.barcodes == []
    assert len(printout.pieces()) == 1


def test_whole_return_slip_in_english_at_32() -> None:
    printout = decode(draw_return(make_return(), "en", 32))
    assert printout.text == "\n".join(
        [
            "Продукти «Ґанок»",
            "Return S1-T1-R00007",
            "                02.03.2025 14:40",
            "For receipt S1-T1-000043",
            "-" * 32,
            "Хліб житній, їжа, є, ґанок",
            "  Qty 1                    39.59",
            "Молоко ёлочка, щука",
            "  Qty 0.375                71.25",
            "-" * 32,
            "Total                 110.84 грн",
            "Refund                107.53 грн",
            "Rounding               -0.03 грн",
            "Refunded to card      100.00 грн",
            "Refunded in cash        7.50 грн",
            "-" * 32,
            "Customer             Іваненко Ї.",
            "Points restored              334",
            "Points annulled              111",
            "Points balance              1131",
            "",
            "",
            "Customer's signature",
            "",
            "_" * 32,
        ]
    )
    heading, receipt = printout.items[1], printout.items[3]
    assert isinstance(heading, Line) and isinstance(receipt, Line)
    assert (heading.bold, receipt.bold) == (True, False)


def test_a_cash_return_without_a_customer_or_points_is_short() -> None:
    ret = make_return(with_customer=False)
    ret = replace(ret, total=ret.refund, cash_rounding=0, refunds=(Payment("cash", ret.refund),))
    lines = decode(draw_return(ret, "en", 42)).lines
    assert_row(lines, "Refund", "107.53 грн", 42)
    assert_row(lines, "Refunded in cash", "107.53 грн", 42)
    for label in ("Total", "Rounding", "Refunded to card", "Points"):
        assert not any(line.startswith(label) for line in lines), label
    assert not any("Іваненко" in line for line in lines)


@each_language_and_width
def test_a_return_copy_says_so_first(language: str, width: int) -> None:
    copy = decode(draw_return(make_return(), language, width, copy=True))
    original = decode(draw_return(make_return(), language, width))
    word = translations(language).gettext("COPY")
    assert copy.items[0] == Line(word, "center", True, 0, (2, 2))
    assert copy.items[1:] == original.items


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
        lambda p: render_return(p, make_return(), style("uk", 32, "CP1125"), store_name="S"),
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
        "return-code-page",
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
