"""Barcodes on the paper: EAN-13 check digits and the printer's own barcode command.

Barcodes are drawn by the printer (GS k), not sent as images, because:

- the printer draws bars at its native dot pitch, so module widths are exact whole dots;
  an image scaled from a guessed DPI (most python-escpos profiles have none, and then
  it prints a warning on stdout) blurs or drops bars and fails scanners;
- a job stays small (13 digits instead of several kilobytes of raster), which matters
  for the print queue and for slow serial and Bluetooth links;
- the digits under the bars (HRI) come from the printer's font, and the job can be
  checked byte by byte: our tests and any ESC/POS decoder read the code back exactly.

EAN-13 uses function A (``GS k 2 ... NUL``), which every ESC/POS printer knows; other
codes use CODE128 in function B (``GS k 73 n ...``). A profile without hardware
barcodes (python-escpos says so, e.g. "POS-5890") gets the code printed as text, so
it can still be typed in. python-escpos does not check EAN check digits: we do.
"""

from __future__ import annotations

from escpos.escpos import Escpos

#: Font A is 12 dots wide: a line of `width` characters spans about width * 12 dots.
_DOTS_PER_CHAR = 12
_EAN13_MODULES = 95 + 11 + 7  # bars plus the minimum quiet zones left and right
_CODE128_QUIET_MODULES = 20
_MODULE_WIDTHS = (4, 3, 2)  # dots per module, widest first


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


def _code128_modules(code: str) -> int:
    return 11 * len(code) + 35 + _CODE128_QUIET_MODULES  # start, data, check, stop


def _module_width(modules: int, width: int) -> int:
    """The widest module (4, 3 or 2 dots) that keeps the barcode within the paper."""
    for dots in _MODULE_WIDTHS:
        if modules * dots <= width * _DOTS_PER_CHAR:
            return dots
    return _MODULE_WIDTHS[-1]
