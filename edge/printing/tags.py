"""Shelf price tags (L12), several to a job, each cut off on its own."""

from __future__ import annotations

from collections.abc import Sequence

from escpos.escpos import Escpos

from edge.printing.barcodes import check_printable, print_barcode
from edge.printing.documents import PriceTag
from edge.printing.layout import Style, begin, big_line, lines, wrapped


def render_price_tags(printer: Escpos, tags: Sequence[PriceTag], style: Style) -> None:
    """Print each tag: name, "was" old price, the price large, promotion dates, barcode.

    ESC/POS has no strike-through, so the old price is labelled "was". Raises
    ValueError before printing anything when there is no tag, the code page is
    missing or a barcode cannot be printed.
    """
    _ = style.gettext
    if not tags:
        raise ValueError("no price tags to print")
    for tag in tags:
        if tag.barcode:
            check_printable(tag.barcode, style.width)
    begin(printer, style)
    for tag in tags:
        printer.set(align="center", bold=True)
        lines(printer, wrapped(tag.name, style.width))
        printer.set(bold=False)
        if tag.old_price is not None:
            printer.textln(_("Was {price}").format(price=style.money(tag.old_price)))
        printer.set(bold=True)
        big_line(printer, style.money(tag.price), style.width)
        printer.set(bold=False)
        if tag.promo_from and tag.promo_to:
            period = _("Valid {start} - {end}").format(
                start=f"{tag.promo_from:%d.%m.%Y}", end=f"{tag.promo_to:%d.%m.%Y}"
            )
        elif tag.promo_from:
            period = _("Valid from {start}").format(start=f"{tag.promo_from:%d.%m.%Y}")
        elif tag.promo_to:
            period = _("Valid until {end}").format(end=f"{tag.promo_to:%d.%m.%Y}")
        else:
            period = ""
        if period:
            lines(printer, wrapped(period, style.width))
        if tag.barcode:
            print_barcode(printer, tag.barcode, style.width)
        printer.set(align="left")
        printer.cut()
