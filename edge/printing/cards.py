"""Named loyalty cards (C8): the customer's name and the card number as a barcode."""

from __future__ import annotations

from escpos.escpos import Escpos

from edge.printing.barcodes import check_printable, print_barcode
from edge.printing.documents import LoyaltyCard
from edge.printing.layout import Style, begin, big_line, lines, wrapped


def render_loyalty_card(printer: Escpos, card: LoyaltyCard, style: Style) -> None:
    """Print ``card``: store, "Loyalty card", the customer's name, the number's barcode.

    A numeric number was checked as EAN-13 when the card was made; raises ValueError
    before printing anything when the barcode does not fit or the code page is missing.
    """
    _ = style.gettext
    check_printable(card.number, style.width)
    begin(printer, style)
    printer.set(align="center", bold=True)
    lines(printer, wrapped(card.store_name, style.width))
    big_line(printer, _("Loyalty card"), style.width)
    printer.set(bold=False)
    lines(printer, wrapped(card.customer_name, style.width))
    printer.ln()
    print_barcode(printer, card.number, style.width)
    printer.set(align="left")
    printer.cut()
