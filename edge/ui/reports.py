"""Shift reports (X and Z) as text for the screen."""

from __future__ import annotations

from edge.i18n import _
from edge.ui.formatting import money, quantity
from kassa.domain.sale import ClosedSale
from kassa.domain.shift import ShiftTotals


def shift_report_text(totals: ShiftTotals, sign: str, *, closing: bool) -> str:
    """The X report (mid-shift) or the Z report (shift closed)."""
    title = _("Z report — shift {number} closed") if closing else _("X report — shift {number}")
    rows = [
        (_("Opened"), f"{totals.opened_at:%d.%m.%Y %H:%M}"),
        (_("Float"), money(totals.opening_float, sign)),
        (_("Sales"), f"{totals.sales_count} · {money(totals.sales_total, sign)}"),
        (_("Cash"), money(totals.by_method.get("cash", 0), sign)),
        (_("Card"), money(totals.by_method.get("card", 0), sign)),
        (_("Points earned"), str(totals.points_earned)),
        (_("Points spent"), str(totals.points_spent)),
        (_("Cash in"), money(totals.cash_in, sign)),
        (_("Cash out"), money(totals.cash_out, sign)),
        (_("Cash expected in the drawer"), money(totals.expected_cash, sign)),
    ]
    width = max(len(label) for label, _value in rows)
    body = "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
    return f"{title.format(number=totals.shift_number)}\n\n{body}"


def receipt_text(sale: ClosedSale, sign: str) -> str:
    """A stored receipt as the journal shows it before a reprint."""
    rows = [_("Receipt {number}").format(number=sale.number)
            + f"  {sale.closed_at.astimezone():%d.%m.%Y %H:%M}", ""]
    for line in sale.lines:
        rows.append(f"{line.name}")
        rows.append(f"    {quantity(line.quantity_milli)} × {money(line.unit_price)}"
                    f" = {money(line.total)}")
    rows.append("")
    rows.append(f"{_('Total')}: {money(sale.total, sign)}")
    for payment in sale.payments:
        label = _("Cash") if payment.method == "cash" else _("Card")
        rows.append(f"{label}: {money(payment.amount, sign)}")
    if sale.customer is not None:
        rows.append(f"{_('Customer')}: {sale.customer.name}")
        rows.append(f"{_('Points earned')}: {sale.points_earned}")
    rows.append("")
    rows.append(_("P — print a copy, Esc — close"))
    return "\n".join(rows)
