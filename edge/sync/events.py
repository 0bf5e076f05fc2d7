"""Outbox events of the till in the protobuf contract (kassa.sync.v1)."""

from __future__ import annotations

import json
from datetime import datetime

from kassa.domain import pricing
from kassa.domain.ids import new_id
from kassa.domain.points import LedgerEntry
from kassa.domain.returns import ClosedReturn
from kassa.domain.sale import ClosedSale, Payment
from kassa.sync.v1 import sync_pb2

_METHODS = {
    "cash": sync_pb2.Payment.CASH,
    "card": sync_pb2.Payment.CARD,
    "points": sync_pb2.Payment.POINTS,
}


def new_event(at: datetime) -> sync_pb2.Event:
    """An empty event with a fresh time-ordered id, stamped ``at``."""
    event = sync_pb2.Event(id=new_id())
    event.created_at.FromDatetime(at)
    return event


def ledger_entry_message(entry: LedgerEntry) -> sync_pb2.LedgerEntry:
    message = sync_pb2.LedgerEntry(
        id=entry.id,
        customer_id=entry.customer_id,
        points=entry.points,
        receipt_id=entry.receipt_id,
        store_id=entry.store_id,
        reason=entry.reason,
        lot_id=entry.lot_id,
    )
    message.created_at.FromDatetime(entry.created_at)
    if entry.lot_earned_at is not None:
        message.lot_earned_at.FromDatetime(entry.lot_earned_at)
    if entry.lot_available_at is not None:
        message.lot_available_at.FromDatetime(entry.lot_available_at)
    if entry.lot_expires_at is not None:
        message.lot_expires_at.FromDatetime(entry.lot_expires_at)
    return message


def _payment(payment: Payment, tendered: int = 0) -> sync_pb2.Payment:
    return sync_pb2.Payment(method=_METHODS[payment.method], amount=payment.amount,
                            tendered=tendered if payment.method == "cash" else 0)


def sale_closed_event(sale: ClosedSale) -> sync_pb2.Event:
    """The event that carries a closed sale and its ledger entries to central, as one fact."""
    body = sync_pb2.SaleClosed(
        receipt_id=sale.id,
        number=sale.number,
        customer_id=sale.customer.id if sale.customer else "",
        total=sale.total,
        lines=[
            sync_pb2.ReceiptLine(
                line_no=ln.line_no,
                product_id=ln.product_id,
                barcode=ln.barcode,
                name=ln.name,
                quantity_milli=ln.quantity_milli,
                unit_price=ln.unit_price,
                total=ln.total,
                base_total=ln.base_total if ln.base_total is not None else ln.total,
                discounts=[
                    sync_pb2.LineDiscount(
                        kind=d.kind.value, program_id=d.program_id or "",
                        program_version=d.program_version or 0, name=d.name,
                        percent_bp=d.percent, amount=d.amount, given_by=d.given_by or "",
                    )
                    for d in ln.discounts
                ],
                points_spent=ln.points_spent,
                points_earned=ln.points_earned,
                vat_rate_bp=ln.vat_rate,
            )
            for ln in sale.lines
        ],
        payments=[_payment(p, sale.cash_tendered) for p in sale.payments],
        ledger_entries=[ledger_entry_message(e) for e in sale.ledger],
        cashier_id=sale.cashier_id,
        shift_id=sale.shift_id,
        cash_rounding=sale.cash_rounding,
        one_time_used=sale.one_time_used,
        pricing_json=(
            json.dumps(pricing.encode(sale.pricing), ensure_ascii=False) if sale.pricing else ""
        ),
        points_spent=sale.points_spent,
    )
    body.closed_at.FromDatetime(sale.closed_at)
    event = new_event(sale.closed_at)
    event.sale_closed.CopyFrom(body)
    return event


def return_made_event(ret: ClosedReturn) -> sync_pb2.Event:
    """The event that carries a return, its refunds and its ledger entries, as one fact."""
    body = sync_pb2.ReturnMade(
        return_id=ret.id,
        number=ret.number,
        receipt_id=ret.receipt_id,
        customer_id=ret.customer.id if ret.customer else "",
        lines=[
            sync_pb2.ReturnedLine(
                line_no=item.line_no, quantity_milli=item.quantity_milli, total=item.total,
                refund=item.refund, points_restored=item.points_restored,
                points_annulled=item.points_annulled,
            )
            for item in ret.lines
        ],
        refunds=[_payment(p) for p in ret.refunds],
        total=ret.total,
        refund=ret.refund,
        cash_rounding=ret.cash_rounding,
        ledger_entries=[ledger_entry_message(e) for e in ret.ledger],
        one_time_restored=ret.one_time_restored,
        cashier_id=ret.cashier_id,
        approved_by=ret.approved_by,
        shift_id=ret.shift_id,
        reason=ret.reason,
    )
    body.returned_at.FromDatetime(ret.returned_at)
    event = new_event(ret.returned_at)
    event.return_made.CopyFrom(body)
    return event
