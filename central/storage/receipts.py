"""Finding a closed receipt of any till, with the returns held against it (S4: goods sold
at one till come back at another)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from kassa.sync.v1 import sync_pb2


class ReceiptRefused(Exception):
    """The receipt exists but the asking till may not take goods back against it."""



def _currency(conn: sqlite3.Connection, store_id: str) -> str:
    row = conn.execute("SELECT payload FROM stores WHERE id = ?", (store_id,)).fetchone()
    return "" if row is None else sync_pb2.Store.FromString(row[0]).currency


def find(conn: sqlite3.Connection, number: str, asking_store: str) -> sync_pb2.FoundReceipt | None:
    """The receipt numbered ``number`` and its returns, oldest first; None if central holds
    none. Raises ReceiptRefused when it was sold in another currency than the asking
    store's (its money cannot come back from that till's drawer)."""
    row = conn.execute(
        "SELECT id, store_id, till_id, body FROM receipts WHERE number = ?", (number,)
    ).fetchone()
    if row is None:
        return None
    receipt_id, store_id, till_id, body = row
    if store_id != asking_store:
        sold_in, here = _currency(conn, store_id), _currency(conn, asking_store)
        if sold_in != here:
            raise ReceiptRefused(
                f"receipt {number} was sold in store {store_id} in {sold_in or 'no currency'}; "
                f"store {asking_store} takes {here or 'no currency'}"
            )
    found = sync_pb2.FoundReceipt(
        store_id=store_id, till_id=till_id, sale=sync_pb2.SaleClosed.FromString(body)
    )
    found.returns.extend(_returns(conn, receipt_id))
    return found


def _returns(conn: sqlite3.Connection, receipt_id: str) -> list[sync_pb2.ReturnMade]:
    returns = {}
    for (return_id, number, returned_at, customer_id, total, refund, cash_rounding,
         one_time_restored, cashier_id, approved_by, shift_id, reason) in conn.execute(
        "SELECT id, number, returned_at, customer_id, total, refund, cash_rounding, "
        "one_time_restored, cashier_id, approved_by, shift_id, reason FROM returns "
        "WHERE receipt_id = ? ORDER BY returned_at, id", (receipt_id,)
    ).fetchall():
        ret = sync_pb2.ReturnMade(
            return_id=return_id, number=number, receipt_id=receipt_id,
            customer_id=customer_id or "", total=total, refund=refund,
            cash_rounding=cash_rounding, one_time_restored=json.loads(one_time_restored),
            cashier_id=cashier_id, approved_by=approved_by, shift_id=shift_id, reason=reason,
        )
        ret.returned_at.FromDatetime(datetime.fromisoformat(returned_at))
        returns[return_id] = ret
    if not returns:
        return []
    marks = ",".join("?" * len(returns))
    for return_id, line_no, quantity, total, refund, restored, annulled in conn.execute(
        "SELECT return_id, line_no, quantity_milli, total, refund, points_restored, "
        f"points_annulled FROM return_lines WHERE return_id IN ({marks}) "
        "ORDER BY return_id, line_no", tuple(returns)
    ).fetchall():
        returns[return_id].lines.add(
            line_no=line_no, quantity_milli=quantity, total=total, refund=refund,
            points_restored=restored, points_annulled=annulled,
        )
    for return_id, method, amount in conn.execute(
        f"SELECT return_id, method, amount FROM refunds WHERE return_id IN ({marks}) "
        "ORDER BY return_id, method", tuple(returns)
    ).fetchall():
        returns[return_id].refunds.add(
            method=sync_pb2.Payment.Method.Value(method.upper()), amount=amount)
    return list(returns.values())
