"""Shift reports (X and Z) as text for the screen."""

from __future__ import annotations

from edge.i18n import _
from edge.ui.formatting import money
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
