"""Sales with the pricing engine's fields and returns, pushed to a real central process."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from edge.sync.client import SyncClient
from kassa.domain.ids import new_id
from kassa.sync.v1 import sync_pb2
from tests.central.builders import CUSTOMER, return_event, sale_event
from tests.conftest import Chain
from tests.sync.helpers import central_query

Mutate = Callable[[sync_pb2.ReturnMade], None]


@pytest.fixture
def client(chain: Chain) -> Iterator[SyncClient]:
    made = SyncClient(chain.central.address, chain.tokens["A1"], till_id="A1",
                      store_id="kyiv-1", timeout_s=5)
    yield made
    made.close()


def push(client: SyncClient, *events: sync_pb2.Event) -> sync_pb2.PushReply:
    return client.push([e.SerializeToString() for e in events])


def feed(client: SyncClient, kind: str) -> list[sync_pb2.Change]:
    """Every change of ``kind`` in central's feed."""
    return [c for batch in client.subscribe(0) for c in batch.changes
            if c.WhichOneof("entity") == kind]


def cash_movement() -> sync_pb2.Event:
    """Any event but a sale, so that a batch takes the event-by-event path."""
    event = sale_event()
    event.ClearField("sale_closed")
    event.cash_movement.movement_id, event.cash_movement.amount = new_id(), 1000
    return event


@pytest.mark.parametrize("path", ["bulk", "event by event"])
def test_a_sale_keeps_its_pricing_split_and_feeds_a_purchase(
    chain: Chain, client: SyncClient, path: str
) -> None:
    event = sale_event()
    sale = event.sale_closed
    batch = [event] if path == "bulk" else [event, cash_movement()]
    assert not push(client, *batch).rejected
    assert central_query(
        chain, "SELECT total, cash_rounding, points_spent, one_time_used, pricing_json "
               "FROM receipts WHERE id = ?", (sale.receipt_id,)
    ) == [(11606, 4, 1000, '["birthday-15"]', '{"total": "116.06"}')]
    ((body,),) = central_query(chain, "SELECT body FROM receipts")
    assert sync_pb2.SaleClosed.FromString(bytes(body)) == sale  # lines and payments too
    assert central_query(chain, "SELECT lot_id, lot_earned_at, lot_expires_at "
                                "FROM ledger_entries WHERE points > 0") == [
        (sale.receipt_id, "2025-06-02T07:30:00+00:00", "2026-06-02T07:30:00+00:00")]
    (change,) = feed(client, "receipt_facts")  # the sale's entries and purchase, together
    assert change.receipt_facts.purchase == sync_pb2.CustomerPurchase(
        id=sale.receipt_id, customer_id=CUSTOMER, store_id="kyiv-1", at=sale.closed_at,
        amount=11606, one_time_used=["birthday-15"])
    # lot fields travel as pushed
    assert list(change.receipt_facts.ledger_entries) == list(sale.ledger_entries)


@pytest.mark.parametrize("path", ["bulk", "event by event"])
def test_a_sale_with_one_ledger_entry_feeds_a_receipt_row(
    path: str, chain: Chain, client: SyncClient
) -> None:
    """Feed format 4: a sale whose one entry is its points earned is fed as a receipt_row,
    its facts as they are with what a till's row needs beside them; a sale that also
    spends points stays receipt_facts."""
    earning, spending = sale_event(), sale_event()
    sale = earning.sale_closed
    del sale.ledger_entries[0]  # the spend: points earned only
    spending.sale_closed.number = "A1-000002"
    batch = [earning, spending] if path == "bulk" else [earning, spending, cash_movement()]
    assert not push(client, *batch).rejected
    (change,) = feed(client, "receipt_row")
    row, (earned,) = change.receipt_row, sale.ledger_entries
    assert (row.receipt_id, row.customer_id, row.points, row.entry_id) == (
        sale.receipt_id, CUSTOMER, 530, earned.id)
    facts = sync_pb2.ReceiptFacts.FromString(row.facts)
    assert list(facts.ledger_entries) == [earned]
    assert (facts.purchase.id, facts.purchase.customer_id, facts.purchase.amount) == (
        sale.receipt_id, CUSTOMER, 11606)
    assert [c.receipt_facts.purchase.id for c in feed(client, "receipt_facts")] == [
        spending.sale_closed.receipt_id]


def test_an_anonymous_sale_feeds_no_purchase(chain: Chain, client: SyncClient) -> None:
    assert not push(client, sale_event(customer_id="")).rejected
    assert feed(client, "receipt_facts") == feed(client, "receipt_row") == []
    assert central_query(chain, "SELECT COUNT(*) FROM customer_purchases") == [(0,)]


def test_payments_must_add_up_to_the_total_plus_cash_rounding(
    chain: Chain, client: SyncClient
) -> None:
    event = sale_event()
    event.sale_closed.cash_rounding = 0
    reply = push(client, event)
    assert [r.reason for r in reply.rejected] == [
        "sale A1-000001: payments do not add up to the total plus cash rounding"]
    assert central_query(chain, "SELECT COUNT(*) FROM receipts") == [(0,)]


def test_a_return_is_stored_with_its_refunds_points_and_purchase(
    chain: Chain, client: SyncClient
) -> None:
    sale = sale_event()
    returned = return_event(sale.sale_closed)
    ret = returned.return_made
    assert not push(client, sale).rejected
    reply = push(client, returned)
    assert list(reply.acknowledged_ids) == [returned.id] and not reply.rejected
    assert central_query(
        chain, "SELECT receipt_id, customer_id, total, refund, cash_rounding, approved_by, "
               "store_id, till_id FROM returns") == [
        (sale.sale_closed.receipt_id, CUSTOMER, 5301, 4846, 4, "andriy", "kyiv-1", "A1")]
    assert central_query(chain, "SELECT line_no, quantity_milli, total, refund, "
                                "points_restored, points_annulled FROM return_lines") == [
        (2, 1000, 5301, 4846, 455, 243)]
    assert central_query(chain, "SELECT method, amount FROM refunds") == [("cash", 4850)]
    assert central_query(chain, "SELECT reason, points FROM ledger_entries WHERE "
                                "receipt_id = ? ORDER BY reason", (ret.return_id,)) == [
        ("annul", -243), ("restore", 455)]
    # The annulment took the balance below zero (the sale spent points central never saw
    # earned): recorded as an overdraft like any negative entry.
    assert central_query(chain, "SELECT points, balance_after FROM overdrafts "
                                "ORDER BY recorded_at, points") == [(-1000, -1000), (-243, -258)]
    facts = [c.receipt_facts for c in feed(client, "receipt_facts")]
    assert [(f.purchase.id, f.purchase.amount) for f in facts] == [
        (sale.sale_closed.receipt_id, 11606), (ret.return_id, -5301)]
    assert [e.id for e in facts[1].ledger_entries] == [e.id for e in ret.ledger_entries]


def _unknown_receipt(ret: sync_pb2.ReturnMade) -> None:
    ret.receipt_id = new_id()


def _missing_line(ret: sync_pb2.ReturnMade) -> None:
    ret.lines[0].line_no = 7


def _too_much(ret: sync_pb2.ReturnMade) -> None:
    ret.lines[0].quantity_milli = 1500


def _refunds_off(ret: sync_pb2.ReturnMade) -> None:
    ret.refunds[0].amount += 10


def _entry_of_the_sale(ret: sync_pb2.ReturnMade) -> None:
    ret.ledger_entries[0].receipt_id = ret.receipt_id


def _entry_of_another_customer(ret: sync_pb2.ReturnMade) -> None:
    ret.ledger_entries[1].customer_id = "c-ivanova"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (_unknown_receipt, "return A1-V000001: unknown receipt"),
        (_missing_line, "return A1-V000001: line 7: receipt {receipt} has no such line"),
        (_too_much, "return A1-V000001: line 2: returns 1.5, 1 of 1 is left to return"),
        (_refunds_off, "refunds do not add up to the refund plus cash rounding"),
        (_entry_of_the_sale, "does not belong to return A1-V000001"),
        (_entry_of_another_customer, "is not for the customer of receipt {receipt}"),
    ],
    ids=["unknown receipt", "missing line", "more than sold", "refunds", "entry receipt",
         "entry customer"],
)
def test_a_return_that_does_not_match_its_receipt_is_rejected(
    chain: Chain, client: SyncClient, mutate: Mutate, reason: str
) -> None:
    sale = sale_event()
    assert not push(client, sale).rejected
    returned = return_event(sale.sale_closed)
    mutate(returned.return_made)
    reply = push(client, returned)
    assert [r.event_id for r in reply.rejected] == [returned.id]
    assert reason.format(receipt=sale.sale_closed.receipt_id) in reply.rejected[0].reason
    assert central_query(chain, "SELECT COUNT(*) FROM returns") == [(0,)]
    assert central_query(chain, "SELECT COUNT(*) FROM ledger_entries") == [(2,)]
    assert central_query(chain, "SELECT COUNT(*) FROM customer_purchases") == [(1,)]


def test_a_line_comes_back_at_most_as_often_as_it_was_sold(
    chain: Chain, client: SyncClient
) -> None:
    sale = sale_event()
    assert not push(client, sale).rejected
    first, too_many, rest, again = (
        return_event(sale.sale_closed, line_no=1, quantity_milli=q)
        for q in (1000, 1500, 1000, 1)
    )
    reply = push(client, first, too_many, rest, again)
    assert list(reply.acknowledged_ids) == [first.id, rest.id]
    assert [r.reason for r in reply.rejected] == [
        "return A1-V000001: line 1: returns 1.5, 1 of 2 is left to return",
        "return A1-V000001: line 1: returns 0.001, 0 of 2 is left to return",
    ]
    assert central_query(chain, "SELECT SUM(quantity_milli) FROM return_lines") == [(2000,)]


def test_a_return_of_an_anonymous_sale_takes_no_ledger_entries(
    chain: Chain, client: SyncClient
) -> None:
    sale = sale_event(customer_id="")
    returned = return_event(sale.sale_closed)
    assert not push(client, sale, returned).rejected
    assert central_query(chain, "SELECT customer_id, total FROM returns") == [(None, 5301)]
    assert central_query(chain, "SELECT COUNT(*) FROM customer_purchases") == [(0,)]
    forged = return_event(sale.sale_closed, line_no=1)
    forged.return_made.ledger_entries.add(
        id=new_id(), customer_id=CUSTOMER, points=100, receipt_id=forged.return_made.return_id,
        store_id="kyiv-1", reason="restore")
    reply = push(client, forged)
    assert "is not for the customer of receipt" in reply.rejected[0].reason
