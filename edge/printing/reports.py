"""X and Z shift reports (S5) on any python-escpos printer."""

from __future__ import annotations

from escpos.escpos import Escpos

from edge.printing.documents import ShiftReport
from edge.printing.layout import Style, begin, big_line, columns, lines, wrapped


def render_shift_report(
    printer: Escpos, report: ShiftReport, style: Style, *, copy: bool = False
) -> None:
    """Print ``report``: who and when, sales and returns, payments, points, the drawer.

    A Z report says the shift is closed. Raises ValueError before printing when the
    profile lacks the code page.
    """
    _ = style.gettext
    width = style.width
    rule = "-" * width

    def row(label: str, value: str) -> None:
        lines(printer, columns(label, value, width))

    begin(printer, style, copy=copy)
    printer.set(align="center", bold=True)
    lines(printer, wrapped(report.store_name, width))
    big_line(printer, _("X report") if report.kind == "X" else _("Z report"), width)
    printer.textln(_("Shift is open") if report.kind == "X" else _("Shift closed"))
    printer.set(align="left", bold=False)
    row(_("Till"), report.till_id)
    row(_("Shift"), str(report.shift_number))
    row(_("Cashier"), report.cashier)
    row(_("Opened"), style.time(report.opened_at))
    row(_("Printed") if report.kind == "X" else _("Closed"), style.time(report.at))
    printer.textln(rule)
    row(_("Sales ({count})").format(count=report.sales_count), style.money(report.sales_total))
    row(
        _("Returns ({count})").format(count=report.returns_count),
        style.money(report.returns_total),
    )
    row(_("Discounts"), style.money(report.discounts_total))
    printer.textln(rule)
    printer.textln(_("Payments"))
    row(_("Cash"), style.money(report.paid_cash))
    row(_("Card"), style.money(report.paid_card))
    row(_("Points"), style.money(report.paid_points))
    printer.textln(rule)
    row(_("Points earned"), str(report.points_earned))
    row(_("Points spent"), str(report.points_spent))
    printer.textln(rule)
    row(_("Opening float"), style.money(report.opening_float))
    for movement in report.movements:
        label = _("Cash in") if movement.amount > 0 else _("Cash out")
        row(f"{label} {style.local(movement.at):%H:%M}", style.money(movement.amount))
        if movement.reason:
            lines(printer, wrapped(movement.reason, width))
    printer.set(bold=True)
    row(_("Expected cash in drawer"), style.money(report.expected_cash))
    printer.set(bold=False)
    printer.cut()
