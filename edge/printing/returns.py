"""The return slip (S4): what was given back and how the money and points went back."""

from __future__ import annotations

from escpos.escpos import Escpos

from edge.printing.layout import Style, begin, columns, lines, quantity, rendered, wrapped
from kassa.domain.money import format_amount
from kassa.domain.returns import ClosedReturn


def render_return(
    printer: Escpos, ret: ClosedReturn, style: Style, *, store_name: str, copy: bool = False
) -> None:
    """Print ``ret``: the receipt it returns to, each item, the refund and where it went,
    the customer's points, a line for the customer's signature; then cut the paper.

    The goods' value ("Total") is printed only when the money refunded differs from it
    (part was paid with points). Raises ValueError before printing anything when the
    profile lacks the code page.
    """
    _ = style.gettext
    width = style.width
    rule = "-" * width

    def row(label: str, value: str) -> None:
        lines(printer, columns(label, value, width))

    begin(printer, style, copy=copy)
    printer.set(align="center", bold=True)
    lines(printer, wrapped(store_name, width))
    printer.set(align="left")
    row(_("Return {number}").format(number=ret.number), style.time(ret.returned_at))
    printer.set(bold=False)
    lines(printer, wrapped(_("For receipt {number}").format(number=ret.receipt_number), width))
    printer.textln(rule)
    qty = _("Qty")
    for item in ret.lines:
        lines(printer, wrapped(item.name, width))
        row(f"  {qty} {quantity(item.quantity_milli)}", format_amount(item.total))
    printer.textln(rule)
    if ret.total != ret.refund:
        row(_("Total"), style.money(ret.total))
    printer.set(bold=True)
    row(_("Refund"), style.money(ret.refund))
    printer.set(bold=False)
    if ret.cash_rounding:
        row(_("Rounding"), style.signed(ret.cash_rounding))
    for method, label in (("card", _("Refunded to card")), ("cash", _("Refunded in cash"))):
        if ret.refunded_by(method):
            row(label, style.money(ret.refunded_by(method)))
    if ret.customer is not None:
        printer.textln(rule)
        row(_("Customer"), ret.customer.name)
        if ret.points_restored:
            row(_("Points restored"), str(ret.points_restored))
        if ret.points_annulled:
            row(_("Points annulled"), str(ret.points_annulled))
        row(_("Points balance"), str(ret.balance_after))
    printer.ln(2)
    printer.textln(_("Customer's signature"))
    printer.ln()
    printer.textln("_" * width)
    printer.cut()


def return_bytes(
    ret: ClosedReturn, style: Style, *, store_name: str, profile: str = "default",
    copy: bool = False,
) -> bytes:
    """The exact bytes render_return sends to a printer with the given profile."""
    return rendered(
        profile,
        lambda printer: render_return(printer, ret, style, store_name=store_name, copy=copy),
    )
