"""Barcodes on the paper: EAN-13 check digits and the printer's own barcode commands.

Codes are drawn by the printer (GS k barcodes, GS ( k QR codes), not sent as images:

- the printer draws them at its native dot pitch, so modules are exact whole dots;
  an image scaled from a guessed DPI (most python-escpos profiles have none, and then
  it prints a warning on stdout) blurs or drops modules and fails scanners;
- a job stays small (the code's characters instead of several kilobytes of raster),
  which matters for the print queue and for slow serial and Bluetooth links;
- the digits under the bars (HRI) come from the printer's font, and the job can be
  checked byte by byte: our tests and any ESC/POS decoder read the code back exactly.

EAN-13 uses function A (``GS k 2 ... NUL``), which every ESC/POS printer knows; other
codes use CODE128 in function B (``GS k 73 n ...``). A profile without hardware
barcodes (python-escpos says so, e.g. "POS-5890") gets the code printed as text, so
it can still be typed in. python-escpos does not check EAN check digits: we do.

A document's own code (the receipt number, scanned for a return) is CODE128 when
that fits the paper; a longer one, which CODE128 cannot fit on 58 mm paper beyond
about 12 characters, becomes a printer-drawn QR code (``GS ( k``: model 2, error
correction M, 5-dot modules) with the code as text below it, read by any 2D scanner.
There is no image fallback: a printer with neither command prints no code (the
document carries the number as text).
"""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_M, QR_MODEL_2
from escpos.escpos import Escpos

#: Font A is 12 dots wide: a line of `width` characters spans about width * 12 dots.
_DOTS_PER_CHAR = 12
_EAN13_MODULES = 95 + 11 + 7  # bars plus the minimum quiet zones left and right
_CODE128_QUIET_MODULES = 20
_MODULE_WIDTHS = (4, 3, 2)  # dots per module, widest first
_QR_MODULE = 5  # dots: 0.625 mm at 203 dpi (8 dots per mm)
_QR_QUIET_MODULES = 8  # 4 on each side
#: Bytes a QR code holds at error correction M, versions 1 to 10 (ISO/IEC 18004).
_QR_CAPACITY_M = (14, 26, 42, 62, 84, 106, 122, 152, 180, 213)


def ean13_check_digit(digits: str) -> int:
    """The EAN-13 check digit of the first 12 digits; raises ValueError otherwise."""
    if len(digits) != 12 or not (digits.isascii() and digits.isdigit()):
        raise ValueError(f"an EAN-13 check digit needs exactly 12 digits, got {digits!r}")
    odd = sum(int(d) for d in digits[0::2])
    even = sum(int(d) for d in digits[1::2])
    return (10 - (odd + 3 * even) % 10) % 10


def is_valid_ean13(code: str) -> bool:
    """True when ``code`` is 13 digits whose last one is the right check digit."""
    if len(code) != 13 or not (code.isascii() and code.isdigit()):
        return False
    return ean13_check_digit(code[:12]) == int(code[12])


def require_ean13(code: str) -> str:
    """Return ``code`` if it is a valid EAN-13, else raise ValueError saying what is wrong."""
    if is_valid_ean13(code):
        return code
    if len(code) == 13 and code.isascii() and code.isdigit():
        right = ean13_check_digit(code[:12])
        raise ValueError(f"EAN-13 {code!r} has a wrong check digit: it should end in {right}")
    raise ValueError(f"{code!r} is not an EAN-13: it must be 13 digits")


def check_printable(code: str, width: int) -> None:
    """Raise ValueError unless ``code`` can be printed as a barcode on ``width`` columns."""
    if is_valid_ean13(code):
        return
    if not (code.isascii() and code.isprintable() and 0 < len(code) <= 250):
        raise ValueError(f"code {code!r} cannot be printed as CODE128: printable ASCII only")
    if not fits(code, width):
        raise ValueError(f"code {code!r} is too long for a barcode {width} characters wide")


def fits(code: str, width: int) -> bool:
    """Whether the barcode of ``code`` is no wider than ``width`` characters of paper."""
    modules = _EAN13_MODULES if is_valid_ean13(code) else _code128_modules(code)
    return modules * _MODULE_WIDTHS[-1] <= width * _DOTS_PER_CHAR


def print_barcode(printer: Escpos, code: str, width: int) -> None:
    """Print ``code`` centred, EAN-13 if it is a valid one, else CODE128, digits below.

    Call at the start of a line. Raises ValueError (see check_printable) before
    sending anything. Leaves the alignment centred.
    """
    check_printable(code, width)
    if is_valid_ean13(code):
        symbology, data, function, modules = "EAN13", code, "A", _EAN13_MODULES
        supported = printer.profile.supports("barcodeA")
    else:
        symbology, data, function = "CODE128", "{B" + code.replace("{", "{{"), "B"
        modules = _code128_modules(code)
        supported = printer.profile.supports("barcodeB")
    if not supported:
        printer.set(align="center")
        printer.textln(code)
        return
    # _hw_barcode is what barcode() calls for hardware barcodes; calling it directly
    # keeps python-escpos from announcing its renderer on stdout (the till's screen)
    # and from ever falling back to a software image.
    printer._hw_barcode(
        data,
        symbology,
        height=64,
        width=_module_width(modules, width),
        pos="BELOW",
        font="A",
        align_ct=True,
        function_type=function,
        check=True,
    )


def qr_fits(code: str, width: int) -> bool:
    """Whether the QR code of ``code``, quiet zone included, is no wider than ``width``
    characters of paper (counting the data in byte mode: the printer may pack it tighter)."""
    for version, capacity in enumerate(_QR_CAPACITY_M, start=1):
        if len(code.encode()) <= capacity:
            modules = 17 + 4 * version + _QR_QUIET_MODULES
            return modules * _QR_MODULE <= width * _DOTS_PER_CHAR
    return False


def print_document_code(printer: Escpos, code: str, width: int) -> None:
    """Print a document's own ``code`` (printable ASCII) centred for scanning.

    CODE128 (or EAN-13) when the profile has it and it fits the paper; else a QR code
    with ``code`` as text below it when the profile has QR codes; else nothing. Call
    at the start of a line. Leaves the alignment centred.
    """
    if printer.profile.supports("barcodeB") and fits(code, width):
        print_barcode(printer, code, width)
    elif printer.profile.supports("qrCode") and qr_fits(code, width):
        printer.set(align="center")
        printer.qr(code, ec=QR_ECLEVEL_M, size=_QR_MODULE, model=QR_MODEL_2, native=True)
        for start in range(0, len(code), width):
            printer.textln(code[start : start + width])


def _code128_modules(code: str) -> int:
    return 11 * len(code) + 35 + _CODE128_QUIET_MODULES  # start, data, check, stop


def _module_width(modules: int, width: int) -> int:
    """The widest module (4, 3 or 2 dots) that keeps the barcode within the paper."""
    for dots in _MODULE_WIDTHS:
        if modules * dots <= width * _DOTS_PER_CHAR:
            return dots
    return _MODULE_WIDTHS[-1]
