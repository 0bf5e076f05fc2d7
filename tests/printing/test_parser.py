"""The tests' ESC/POS reader itself: code pages, barcodes, and refusing what it does not know."""

from __future__ import annotations

import pytest

from .escpos_parser import (
    POS58_TABLES,
    Barcode,
    Cut,
    DrawerKick,
    Feed,
    Line,
    ParseError,
    parse,
)


def plain(text: str, align: str = "left") -> Line:
    return Line(text, align, False, 0, (1, 1))


def test_text_is_decoded_in_the_code_page_selected_and_esc_at_resets_it() -> None:
    data = (
        b"\x1b@\x1bt\x2e"
        + "Ґанок\n".encode("cp1251")
        + b"\x1bt\x11"
        + "Ёлка\n".encode("cp866")
        + b"\x1bt\x2c"
        + "Їжак\n".encode("cp1125")
        + b"\x1b@"
        + "Ç\n".encode("cp437")
    )
    printout = parse(data)
    assert printout.lines == ["Ґанок", "Ёлка", "Їжак", "Ç"]
    assert printout.tables == [46, 17, 44]


def test_the_same_table_number_means_another_code_page_on_another_printer_family() -> None:
    data = b"\x1bt\x49" + "Ґанок\n".encode("cp1251")
    assert parse(data, POS58_TABLES).lines == ["Ґанок"]
    with pytest.raises(ParseError, match="ESC t 73"):
        parse(data)


def test_styles_are_recorded_per_line() -> None:
    data = (
        b"\x1ba\x01\x1bE\x01\x1d!\x11BIG\n\x1d!\x00\x1bE\x00\x1ba\x00"
        b"\x1b-\x01under\n\x1b!\x38esc-bang\n\x1b!\x00\n"
    )
    assert parse(data).items == [
        Line("BIG", "center", True, 0, (2, 2)),
        Line("under", "left", False, 1, (1, 1)),
        Line("esc-bang", "left", True, 0, (2, 2)),
        plain(""),
    ]


def test_barcodes_in_function_a_and_b_with_their_settings() -> None:
    data = (
        b"\x1ba\x01\x1dh\x40\x1dw\x03\x1df\x00\x1dH\x02\x1dk\x024006381333931\x00"
        b"\x1dw\x02\x1dkI\x0b{BA{{1}{C\x0c\x22"
    )
    assert parse(data).barcodes == [
        Barcode("EAN13", "4006381333931", "A", 3, 64, 2, "center"),
        Barcode("CODE128", "A{1}1234", "B", 2, 64, 2, "center"),
    ]


def test_feeds_cuts_and_the_drawer_kick() -> None:
    data = b"\x1bp\x00\x32\x32last\x1bd\x06\x1dV\x00\x1dV\x01\x1dVB\x03"
    assert parse(data).items == [
        DrawerKick(2),
        plain("last"),
        Feed(6),
        Cut(partial=False),
        Cut(partial=True),
        Cut(partial=True),
    ]


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        (b"\x1bM\x01x\n", "unknown command ESC 0x4d"),  # font select: not used by us
        (b"\x1d(k\x03\x001A\x00", "unknown command GS 0x28"),  # QR code
        (b"\x1dv0\x00\x01\x00\x01\x00\xff", "unknown command GS 0x76"),  # raster image
        (b"\x10\x04\x04", "control byte 0x10"),  # status query: not part of a document
        (b"a\tb\n", "control byte 0x09"),
        (b"abc\x1ba\x01\n", "ESC a in the middle of a line"),
        (b"abc\x1dk\x024006381333931\x00", "GS k in the middle of a line"),
        (b"\x1dk\x024006381333931", "without its closing NUL"),
        (b"\x1dkI\x05{B12", "cut short"),
        (b"\x1dkI\x0212", "must start by selecting a code set"),
        (b"\x1dk\x0540", "without its closing NUL"),
        (b"\x1dk\x02ABC\x00", "non-digits"),
        (b"\x1dk\x09123\x00", "unknown barcode system"),
        (b"\x1bt\x63x\n", "ESC t 99"),
        (b"\x1dw\x09", "GS w 9"),
        (b"no line feed", "no line feed"),
        (b"\x1b", "cut short"),
    ],
)
def test_anything_unknown_or_ignored_by_printers_is_rejected(data: bytes, complaint: str) -> None:
    with pytest.raises(ParseError, match=complaint):
        parse(data)
