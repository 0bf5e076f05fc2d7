"""Outbox events of the till in the protobuf contract (kassa.sync.v1)."""

from __future__ import annotations

from datetime import datetime

from kassa.domain.ids import new_id
from kassa.domain.sale import ClosedSale, LedgerEntry
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
    )
    message.created_at.FromDatetime(entry.created_at)
    return message


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
            )
            for ln in sale.lines
        ],
        payments=[
            sync_pb2.Payment(
                method=_METHODS[p.method],
                amount=p.amount,
                tendered=sale.cash_tendered if p.method == "cash" else 0,
            )
            for p in sale.payments
        ],
        ledger_entries=[ledger_entry_message(e) for e in sale.ledger],
        cashier_id=sale.cashier_id,
        shift_id=sale.shift_id,
    )
    body.closed_at.FromDatetime(sale.closed_at)
    event = new_event(sale.closed_at)
    event.sale_closed.CopyFrom(body)
    return event
