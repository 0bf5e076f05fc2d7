"""EAN-13 check digits, and which barcode or QR command a code gets."""

from __future__ import annotations

import pytest
from escpos.printer import Dummy

from edge.printing.barcodes import (
    check_printable,
    ean13_check_digit,
    is_valid_ean13,
    print_barcode,
    print_document_code,
    qr_fits,
    require_ean13,
)
from edge.printing.layout import Style, begin

from .escpos_parser import POS58_TABLES, Line, QrCode, parse

# Published codes: GS1's example, Wikipedia's example, an ISBN-13, and ours.
VALID = ["5901234123457", "4006381333931", "9780306406157", "4820000000017", "0000000000000"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid_and_their_check_digit_is_recomputed(code: str) -> None:
    assert is_valid_ean13(code)
    assert ean13_check_digit(code[:12]) == int(code[12])
    assert require_ean13(code) == code


@pytest.mark.parametrize("code", VALID)
def test_every_other_last_digit_is_refused(code: str) -> None:
    for digit in "0123456789":
        if digit != code[12]:
            wrong = code[:12] + digit
            assert not is_valid_ean13(wrong)
            with pytest.raises(ValueError, match=f"should end in {code[12]}"):
                require_ean13(wrong)


@pytest.mark.parametrize(
    "code", ["", "590123412345", "59012341234570", "590123412345A", "５９０１２３４１２３４５７"]
)
def test_not_thirteen_ascii_digits_is_not_an_ean13(code: str) -> None:
    assert not is_valid_ean13(code)
    with pytest.raises(ValueError, match="must be 13 digits"):
        require_ean13(code)


@pytest.mark.parametrize(
    "digits", ["59012341234", "5901234123457", "59012341234a", "５９０１２３４１２３４５"]
)
def test_check_digit_needs_exactly_twelve_ascii_digits(digits: str) -> None:
    with pytest.raises(ValueError, match="exactly 12 digits"):
        ean13_check_digit(digits)


def test_a_valid_ean13_is_drawn_with_function_a() -> None:
    dummy = Dummy()
    print_barcode(dummy, "4006381333931", 42)
    assert (
        dummy.output == b"\x1ba\x01\x1dh\x40\x1dw\x04\x1df\x00\x1dH\x02\x1dk\x024006381333931\x00"
    )


def test_a_bad_check_digit_or_other_code_is_drawn_as_code128() -> None:
    dummy = Dummy()
    print_barcode(dummy, "4006381333932", 42)
    print_barcode(dummy, "A{1}", 42)
    barcodes = parse(dummy.output).barcodes
    assert [(b.symbology, b.function, b.data) for b in barcodes] == [
        ("CODE128", "B", "4006381333932"),
        ("CODE128", "B", "A{1}"),
    ]
    assert b"\x1dkI\x07{BA{{1}" in dummy.output


@pytest.mark.parametrize("width", [32, 42])
@pytest.mark.parametrize("code", ["4006381333931", "ART-1042", "S1-T1-000042"])
def test_the_widest_module_that_fits_the_paper(code: str, width: int) -> None:
    dummy = Dummy()
    print_barcode(dummy, code, width)
    (barcode,) = parse(dummy.output).barcodes
    quiet = {"EAN13": 11 + 7, "CODE128": 10 + 10}[barcode.symbology]  # modules, both sides
    assert barcode.module * (barcode.bar_modules + quiet) <= width * 12
    if barcode.module < 4:
        assert (barcode.module + 1) * (barcode.bar_modules + quiet) > width * 12


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("Код-1", "printable ASCII"),
        ("A\tB", "printable ASCII"),
        ("", "printable ASCII"),
        ("ABCDEFGHIJKLM", "too long"),
    ],
)
def test_codes_that_cannot_be_a_barcode_are_refused_before_printing(
    code: str, problem: str
) -> None:
    dummy = Dummy()
    with pytest.raises(ValueError, match=problem):
        print_barcode(dummy, code, 32)
    assert dummy.output == b""
    check_printable("ABCDEFGHIJKLM", 42)


def test_a_printer_without_barcodes_gets_the_code_as_text() -> None:
    dummy = Dummy(profile="POS-5890")
    begin(dummy, Style("en", 32, "CP1251"))
    print_barcode(dummy, "4006381333931", 32)
    printout = parse(dummy.output, POS58_TABLES)
    assert printout.barcodes == []
    assert printout.items[-1] == Line("4006381333931", "center", False, 0, (1, 1))


LONG_CODE = "Rkyiv-central-T12-000042"


@pytest.mark.parametrize(
    ("code", "width", "kind"),
    [
        ("S1-T1-000042", 32, "CODE128"),
        ("ABCDEFGHIJKLMN", 32, "QR"),
        ("ABCDEFGHIJKLMN", 42, "CODE128"),
        (LONG_CODE, 32, "QR"),
        (LONG_CODE, 42, "QR"),
        ("4006381333931", 32, "EAN13"),
    ],
)
def test_a_document_code_is_a_barcode_when_it_fits_else_a_qr_code_with_the_text(
    code: str, width: int, kind: str
) -> None:
    dummy = Dummy()
    print_document_code(dummy, code, width)
    printout = parse(dummy.output)
    if kind == "QR":
        (qr,) = printout.qr_codes
        assert qr == QrCode(code, 2, 5, "M", "center")
        assert (qr.modules + 8) * qr.module <= width * 12  # quiet zone: 4 modules each side
        assert printout.items[1:] == [Line(code, "center", False, 0, (1, 1))]
        assert printout.barcodes == []
    else:
        assert [(b.symbology, b.data) for b in printout.barcodes] == [(kind, code)]
        assert printout.qr_codes == []


def test_the_qr_code_is_drawn_by_the_printer_with_gs_paren_k() -> None:
    dummy = Dummy()
    begin(dummy, Style("en", 32, "CP1251"))
    job_start = len(dummy.output)
    print_document_code(dummy, "R-1234567890123", 32)
    assert dummy.output[job_start:] == (
        b"\x1ba\x01"  # centred
        b"\x1d(k\x04\x001A2\x00"  # function 165: model 2
        b"\x1d(k\x03\x001C\x05"  # function 167: modules of 5 dots
        b"\x1d(k\x03\x001E1"  # function 169: error correction M
        b"\x1d(k\x12\x001P0R-1234567890123"  # function 180: store the data
        b"\x1d(k\x03\x001Q0"  # function 181: print it
        b"R-1234567890123\n"
    )


def test_qr_text_longer_than_the_line_is_cut_into_lines() -> None:
    code = "R" + "0123456789" * 4
    dummy = Dummy()
    print_document_code(dummy, code, 32)
    printout = parse(dummy.output)
    assert [qr.data for qr in printout.qr_codes] == [code]
    assert printout.lines == [code[:32], code[32:]]


@pytest.mark.parametrize(
    ("profile", "code", "width"),
    [
        ("POS-5890", "S1-T1-000042", 32),  # neither barcodes nor QR codes
        ("POS-5890", LONG_CODE, 32),
        ("TH230", LONG_CODE, 32),  # barcodes, no QR codes
        ("default", "R" * 214, 42),  # more than a version 10 QR code holds
    ],
)
def test_no_code_at_all_when_the_printer_cannot_draw_one_that_fits(
    profile: str, code: str, width: int
) -> None:
    dummy = Dummy(profile=profile)
    print_document_code(dummy, code, width)
    assert dummy.output == b""


def test_qr_fits_counts_the_symbol_and_its_quiet_zone() -> None:
    assert qr_fits("R" * 213, 28)  # version 10: (57 + 8) modules x 5 dots = 325 <= 336
    assert not qr_fits("R" * 213, 27)
    assert not qr_fits("R" * 214, 48)
