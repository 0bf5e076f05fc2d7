"""The customer's receipt (S3) laid out on any python-escpos printer, in one fixed code page."""

from __future__ import annotations

import contextlib
import io
import textwrap
from datetime import tzinfo

from escpos.escpos import Escpos
from escpos.printer import Dummy

from edge.i18n import translations
from edge.printing.config import TEXT_ENCODINGS
from kassa.domain.money import format_amount
from kassa.domain.sale import ClosedSale

# Font A is 12 dots wide: a line of `width` characters spans about width * 12 dots.
_DOTS_PER_CHAR = 12
_BARCODE_QUIET_MODULES = 20


def render_receipt(
    printer: Escpos,
    sale: ClosedSale,
    *,
    store_name: str,
    currency_sign: str,
    language: str,
    width: int,
    code_page: str,
    tz: tzinfo | None = None,
) -> None:
    """Print ``sale`` as a receipt, its number as a CODE128 barcode, then cut the paper.

    The code page is selected once (ESC t) and never switched, so Cyrillic text is
    encoded whole in it; characters it lacks print as "?". ``tz`` is the store's time
    zone for the printed time (default: as ``closed_at`` carries it). Raises ValueError
    before printing anything when the code page or receipt number cannot be printed.
    """
    _ = translations(language).gettext
    code_page = code_page.upper()
    if code_page not in TEXT_ENCODINGS or code_page not in printer.profile.get_code_pages():
        raise ValueError(f"code page {code_page!r} is not available on this printer profile")
    if not (sale.number.isascii() and sale.number.isprintable()):
        raise ValueError(f"receipt number {sale.number!r} cannot be printed as CODE128")

    def money(minor: int) -> str:
        return f"{format_amount(minor)} {currency_sign}"

    printer.hw("INIT")
    # ESC @ resets the printer's code page, so make python-escpos forget the one it
    # believes is active; charcode() then always sends ESC t and fixes the encoding.
    printer.magic.encoding = None
    printer.charcode(code_page)

    printer.set(align="center", bold=True)
    printer.textln(store_name)
    printer.set(align="left", bold=False)
    closed_at = sale.closed_at.astimezone(tz) if tz is not None else sale.closed_at
    heading = _("Receipt {number}").format(number=sale.number)
    _lines(printer, _columns(heading, f"{closed_at:%d.%m.%Y %H:%M}", width))
    printer.textln("-" * width)
    for line in sale.lines:
        _lines(printer, textwrap.wrap(line.name, width) or [""])
        amounts = f"{_quantity(line.quantity_milli)} x {format_amount(line.unit_price)}"
        printer.textln(f"{amounts} = {format_amount(line.total)}".rjust(width))
    printer.textln("-" * width)
    printer.set(bold=True)
    _lines(printer, _columns(_("Total"), money(sale.total), width))
    printer.set(bold=False)
    _lines(printer, _columns(_("Cash"), money(sale.cash_tendered), width))
    _lines(printer, _columns(_("Change"), money(sale.change), width))
    if sale.customer is not None:
        printer.textln("-" * width)
        _lines(printer, _columns(_("Customer"), sale.customer.name, width))
        _lines(printer, _columns(_("Points earned"), str(sale.points_earned), width))
        _lines(printer, _columns(_("Points balance"), str(sale.balance_after), width))
    printer.ln()
    printer.set(align="center")
    printer.textln(_("Thank you for your purchase!"))
    if printer.profile.supports("barcodeB"):
        # python-escpos announces its barcode renderer on stdout: keep it off the till's screen.
        with contextlib.redirect_stdout(io.StringIO()):
            printer.barcode(
                "{B" + sale.number.replace("{", "{{"),
                "CODE128",
                width=_module_width(len(sale.number), width),
                function_type="B",
            )
    printer.set(align="left")
    printer.cut()


def receipt_bytes(
    sale: ClosedSale,
    *,
    store_name: str,
    currency_sign: str,
    language: str,
    width: int,
    code_page: str,
    profile: str = "default",
    tz: tzinfo | None = None,
) -> bytes:
    """The exact bytes render_receipt sends to a printer with the given profile."""
    dummy = Dummy(profile=profile)
    render_receipt(
        dummy,
        sale,
        store_name=store_name,
        currency_sign=currency_sign,
        language=language,
        width=width,
        code_page=code_page,
        tz=tz,
    )
    output: bytes = dummy.output
    return output


def open_cash_drawer(printer: Escpos) -> None:
    """Kick the cash drawer wired to the printer's drawer port (pin 2)."""
    printer.cashdraw(2)


def _columns(left: str, right: str, width: int) -> list[str]:
    """``left`` and ``right`` on one line of ``width``, or on two when they do not fit."""
    if len(left) + 1 + len(right) <= width:
        return [left + right.rjust(width - len(left))]
    return [left, right.rjust(width)]


def _lines(printer: Escpos, lines: list[str]) -> None:
    for text in lines:
        printer.textln(text)


def _quantity(milli: int) -> str:
    """Whole quantities as "2", weighted ones with three decimals as "0.375"."""
    sign = "-" if milli < 0 else ""
    units, rest = divmod(abs(milli), 1000)
    return f"{sign}{units}" if rest == 0 else f"{sign}{units}.{rest:03d}"


def _module_width(length: int, width: int) -> int:
    """The widest CODE128 module (2 or 3 dots) that keeps the barcode within the paper."""
    modules = 11 * length + 35 + _BARCODE_QUIET_MODULES  # start, data, check, stop
    return 3 if modules * 3 <= width * _DOTS_PER_CHAR else 2
