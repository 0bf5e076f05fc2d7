"""Events as a till of the new contract pushes them, built directly with sync_pb2."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kassa.domain.ids import new_id
from kassa.sync.v1 import sync_pb2
from tests.sync.helpers import event_at

STORE = "kyiv-1"
CUSTOMER = "c-kovalenko"  # demo customer in groups vip and birthday
CASH, CARD, POINTS = sync_pb2.Payment.CASH, sync_pb2.Payment.CARD, sync_pb2.Payment.POINTS
AT = datetime(2025, 6, 2, 7, 30, tzinfo=UTC)


def _now_event() -> sync_pb2.Event:
    return event_at(int(datetime.now(UTC).timestamp() * 1000))


def sale_event(customer_id: str = CUSTOMER) -> sync_pb2.Event:
    """2 breads with VIP 3% and a juice with drinks -10%: total 116.06, 10.00 of it paid
    with 1000 points, cash 106.10 (rounded up by 0.04); 530 points earned in a lot."""
    event = _now_event()
    sale = event.sale_closed
    sale.receipt_id, sale.number = new_id(), "A1-000001"
    sale.closed_at.FromDatetime(AT)
    sale.customer_id, sale.cashier_id, sale.shift_id = customer_id, "oksana", new_id()
    bread = sale.lines.add(
        line_no=1, product_id="p-bread", barcode="4820000000017", name="Хліб житній",
        quantity_milli=2000, unit_price=3250, base_total=6500, total=6305, points_spent=545,
        points_earned=287, vat_rate_bp=2000,
    )
    bread.discounts.add(kind="personal", program_id="vip-3", program_version=1,
                        name="VIP 3%", percent_bp=300, amount=195)
    juice = sale.lines.add(
        line_no=2, product_id="p-juice", barcode="4820000000093", name="Сік яблучний 1 л",
        quantity_milli=1000, unit_price=5890, base_total=5890, total=5301, points_spent=455,
        points_earned=243, vat_rate_bp=2000,
    )
    juice.discounts.add(kind="special", program_id="drinks-10", program_version=1,
                        name="Напої -10%", percent_bp=1000, amount=589)
    sale.total, sale.cash_rounding, sale.points_spent = 11606, 4, 1000
    sale.one_time_used.append("birthday-15")
    sale.pricing_json = '{"total": "116.06"}'
    sale.payments.add(method=POINTS, amount=1000)
    sale.payments.add(method=CASH, amount=10610, tendered=20000)
    if customer_id:
        sale.ledger_entries.add(
            id=new_id(), customer_id=customer_id, points=-1000, receipt_id=sale.receipt_id,
            store_id=STORE, reason="spend", lot_id="balance",
        )
        earned = sale.ledger_entries.add(
            id=new_id(), customer_id=customer_id, points=530, receipt_id=sale.receipt_id,
            store_id=STORE, reason="earn", lot_id=sale.receipt_id,
        )
        earned.lot_earned_at.FromDatetime(AT)
        earned.lot_available_at.FromDatetime(AT + timedelta(days=14))
        earned.lot_expires_at.FromDatetime(AT + timedelta(days=365))
    for entry in sale.ledger_entries:
        entry.created_at.FromDatetime(AT)
    return event


def return_event(
    sale: sync_pb2.SaleClosed, line_no: int = 2, quantity_milli: int = 1000
) -> sync_pb2.Event:
    """A return of ``quantity_milli`` of one line of ``sale``: the line's share of its total
    back in cash (rounded to 0.10) and points, the points it earned annulled."""
    line = next(ln for ln in sale.lines if ln.line_no == line_no)
    share = (line.total * quantity_milli) // line.quantity_milli
    restored = (line.points_spent * quantity_milli) // line.quantity_milli
    annulled = (line.points_earned * quantity_milli) // line.quantity_milli
    event = _now_event()
    ret = event.return_made
    ret.return_id, ret.number, ret.receipt_id = new_id(), "A1-V000001", sale.receipt_id
    ret.returned_at.FromDatetime(AT + timedelta(hours=2))
    ret.customer_id, ret.cashier_id, ret.approved_by = sale.customer_id, "oksana", "andriy"
    ret.shift_id, ret.reason = sale.shift_id, "faulty"
    ret.lines.add(line_no=line_no, quantity_milli=quantity_milli, total=share,
                  refund=share - restored, points_restored=restored, points_annulled=annulled)
    ret.total, ret.refund = share, share - restored
    cash = (ret.refund + 5) // 10 * 10
    ret.cash_rounding = cash - ret.refund
    ret.refunds.add(method=CASH, amount=cash)
    if sale.customer_id:
        for points, reason in ((restored, "restore"), (-annulled, "annul")):
            entry = ret.ledger_entries.add(
                id=new_id(), customer_id=sale.customer_id, points=points,
                receipt_id=ret.return_id, store_id=STORE, reason=reason,
            )
            entry.created_at.FromDatetime(AT + timedelta(hours=2))
    return event
