"""The customer's receipt (S3) laid out on any python-escpos printer, in one fixed code page."""

from __future__ import annotations

from datetime import tzinfo

from escpos.escpos import Escpos

from edge.printing.barcodes import print_document_code
from edge.printing.layout import (
    Style,
    begin,
    columns,
    lines,
    percent,
    quantity,
    rendered,
    wrapped,
)
from kassa.domain.money import format_amount
from kassa.domain.pricing import AppliedDiscount
from kassa.domain.sale import ClosedSale, ReceiptLine

INDENT = "  "  # before each discount under its line


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
    copy: bool = False,
    code_prefix: str = "",
) -> None:
    """Print ``sale`` as a receipt, its number as a code to scan, then cut the paper.

    The code carries ``code_prefix`` + the number: the store's receipt prefix, so a
    scan of it is known as a receipt (kassa.domain.codes). It is CODE128, or a QR code
    when CODE128 would not fit the paper (see barcodes.print_document_code).

    The code page is selected once (ESC t) and never switched, so Cyrillic text is
    encoded whole in it; characters it lacks print as "?". ``tz`` is the store's time
    zone for the printed time (default: as ``closed_at`` carries it). A ``copy`` (a
    reprint, or a job that may have printed before) starts with "COPY". Raises
    ValueError before printing anything when the code page or receipt number cannot
    be printed.
    """
    style = Style(language, width, code_page, currency_sign, tz)
    _ = style.gettext
    code = code_prefix + sale.number
    if not (code.isascii() and code.isprintable()):
        raise ValueError(f"receipt number {code!r} cannot be printed as a barcode")
    begin(printer, style, copy=copy)

    printer.set(align="center", bold=True)
    printer.textln(store_name)
    printer.set(align="left", bold=False)
    heading = _("Receipt {number}").format(number=sale.number)
    lines(printer, columns(heading, style.time(sale.closed_at), width))
    rule = "-" * width
    printer.textln(rule)
    for line in sale.lines:
        _receipt_line(printer, line, style)
    printer.textln(rule)
    _totals(printer, sale, style)
    if sale.customer is not None:
        printer.textln(rule)
        lines(printer, columns(_("Customer"), sale.customer.name, width))
        if sale.points_spent:
            lines(printer, columns(_("Points spent"), str(sale.points_spent), width))
        lines(printer, columns(_("Points earned"), str(sale.points_earned), width))
        lines(printer, columns(_("Points balance"), str(sale.balance_after), width))
    printer.ln()
    printer.set(align="center")
    printer.textln(_("Thank you for your purchase!"))
    # The number is in the heading too, for a printer that can draw no code.
    print_document_code(printer, code, width)
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
    copy: bool = False,
    code_prefix: str = "",
) -> bytes:
    """The exact bytes render_receipt sends to a printer with the given profile."""
    return rendered(
        profile,
        lambda printer: render_receipt(
            printer,
            sale,
            store_name=store_name,
            currency_sign=currency_sign,
            language=language,
            width=width,
            code_page=code_page,
            tz=tz,
            copy=copy,
            code_prefix=code_prefix,
        ),
    )


def open_cash_drawer(printer: Escpos) -> None:
    """Kick the cash drawer wired to the printer's drawer port (pin 2).

    Send it straight to the printer, never through the print queue: a drawer that
    springs open hours later, when a dead printer comes back, is worse than none.
    """
    printer.cashdraw(2)


def _receipt_line(printer: Escpos, line: ReceiptLine, style: Style) -> None:
    """The name, quantity x base price = base total, each discount, the total after them."""
    width = style.width
    base_total = line.total if line.base_total is None else line.base_total
    lines(printer, wrapped(line.name, width))
    amounts = f"{quantity(line.quantity_milli)} x {format_amount(line.unit_price)}"
    printer.textln(f"{amounts} = {format_amount(base_total)}".rjust(width))
    if not line.discounts:
        return
    for discount in line.discounts:
        *name, last = wrapped(_discount_name(discount, style), width - len(INDENT))
        lines(printer, [INDENT + text for text in name])
        lines(printer, columns(INDENT + last, format_amount(-discount.amount), width))
    printer.textln(f"= {format_amount(line.total)}".rjust(width))


def _discount_name(discount: AppliedDiscount, style: Style) -> str:
    """The program's name (a manual discount's reason) and its percentage."""
    name = discount.name or style.gettext("Discount")
    return f"{name} {percent(discount.percent)}" if discount.percent else name


def _totals(printer: Escpos, sale: ClosedSale, style: Style) -> None:
    """Discounts, the total, how it was paid (points, rounding, card, cash) and VAT per rate."""
    _ = style.gettext
    width = style.width

    def row(label: str, value: str) -> None:
        lines(printer, columns(label, value, width))

    if sale.discount_total:
        row(_("Subtotal"), style.money(sale.total + sale.discount_total))
        row(_("Discounts"), style.money(-sale.discount_total))
    printer.set(bold=True)
    row(_("Total"), style.money(sale.total))
    printer.set(bold=False)
    points = sale.paid_by("points")
    if points:
        row(_("Paid with points: {points}").format(points=sale.points_spent), style.money(points))
    if sale.cash_rounding:
        row(_("Rounding"), style.signed(sale.cash_rounding))
    card = sale.paid_by("card")
    if card:
        row(_("Card"), style.money(card))
    if sale.cash_tendered or not (card or points):
        row(_("Cash"), style.money(sale.cash_tendered))
        row(_("Change"), style.money(sale.change))
    for vat in sale.vat:
        row(_("VAT {rate}").format(rate=percent(vat.rate)), style.money(vat.vat))
