"""The tests' ESC/POS reader itself: code pages, barcodes, and refusing what it does not know."""

from __future__ import annotations

import pytest
from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_M, QR_MODEL_1, QR_MODEL_2
from escpos.printer import Dummy

from .escpos_parser import (
    POS58_TABLES,
    Barcode,
    Cut,
    DrawerKick,
    Feed,
    Line,
    ParseError,
    QrCode,
    parse,
)

QR_STORE = b"\x1d(k\x05\x001P0AB"  # function 180: store "AB"
QR_PRINT = b"\x1d(k\x03\x001Q0"  # function 181: print what is stored


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


def test_qr_code_settings_data_and_print_and_esc_at_resetting_the_settings() -> None:
    data = (
        b"\x1ba\x01\x1d(k\x04\x001A1\x00\x1d(k\x03\x001C\x08\x1d(k\x03\x001E3"
        + QR_STORE
        + QR_PRINT
        + b"\x1b@\x1d(k\x08\x001P0R1-42"
        + QR_PRINT
    )
    assert parse(data).qr_codes == [
        QrCode("AB", 1, 8, "H", "center"),
        QrCode("R1-42", 2, 3, "L", "left"),  # the printer's defaults
    ]


@pytest.mark.parametrize(
    ("model", "size", "ec", "expected"),
    [
        (QR_MODEL_2, 5, QR_ECLEVEL_M, (2, 5, "M")),
        (QR_MODEL_1, 16, QR_ECLEVEL_H, (1, 16, "H")),
    ],
)
def test_what_python_escpos_sends_for_a_native_qr_code_is_read_back(
    model: int, size: int, ec: int, expected: tuple[int, int, str]
) -> None:
    dummy = Dummy()
    dummy.qr("Rkyiv-central-T12-000042", ec=ec, size=size, model=model, native=True)
    (qr,) = parse(dummy.output).qr_codes
    assert (qr.model, qr.module, qr.ec) == expected
    assert qr.data == "Rkyiv-central-T12-000042"


def test_qr_symbol_size_is_the_smallest_version_holding_the_data() -> None:
    assert [QrCode("x" * n, 2, 5, "M", "center").modules for n in (1, 14, 15, 24, 213)] == [
        21,
        21,
        25,
        25,
        57,
    ]
    assert QrCode("x" * 24, 2, 5, "H", "center").modules == 29


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
        (b"\x1d(L\x02\x000p", "GS \\( other than GS \\( k"),  # graphics
        (b"\x1d(k\x03\x000A\x00", "cn 48: not a QR code"),  # PDF417
        (b"\x1d(k\x01\x001", "shorter than cn and fn"),
        (b"\x1d(k\x10\x001P0AB", "cut short"),
        (b"\x1d(k\x04\x001A4\x00", "QR model"),
        (b"\x1d(k\x03\x001A2", "QR model"),
        (b"\x1d(k\x03\x001C\x00", "QR module size"),
        (b"\x1d(k\x03\x001C\x11", "QR module size"),
        (b"\x1d(k\x03\x001E4", "QR error correction"),
        (b"\x1d(k\x03\x001P0", "QR store without m 48 and data"),
        (b"\x1d(k\x05\x001P1AB", "QR store without m 48 and data"),
        (b"\x1d(k\x05\x001P0\xd0\xaf", "not ASCII"),
        (QR_PRINT, "no data stored"),
        (QR_STORE + QR_PRINT + QR_PRINT, "no data stored"),
        (QR_STORE + b"\x1d(k\x04\x001Q00", "QR print"),
        (QR_STORE + b"x" + QR_PRINT, "QR print in the middle of a line"),
        (b"\x1d(k\x03\x001R0", "QR function 82"),  # transmit size: not a document
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
