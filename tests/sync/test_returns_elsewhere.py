"""Returns of receipts closed at another till (S4), through a real central process:
central's FindReceipt, the copy the returning till keeps, and what each till then knows."""

from __future__ import annotations

import pytest

from central.demo import enrol
from central.storage.sqlite import SqliteStorage
from edge.services.returns import (
    ElsewhereRefused,
    ElsewhereUnreachable,
    PointsNotHere,
    ReturnDesk,
)
from edge.services.till import CardScan, NotFound, ProductScan
from edge.storage import customers, journal, outbox, shifts
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.domain.cart import Cart
from kassa.domain.sale import ClosedSale, SaleError, Tender
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain, Till
from tests.sync.helpers import BREAD, CARD, COFFEE, CUSTOMER, MakeTill, central_query


def enrol_till(chain: Chain, till_id: str, store_id: str) -> None:
    """Enrol one more till while central runs (as `central enrol` does)."""
    storage = SqliteStorage(chain.central.db_path)
    try:
        chain.tokens[till_id] = enrol(storage, till_id, store_id)
    finally:
        storage.close()


def sell_with_card(till: Till, tender: Tender) -> ClosedSale:
    """Bread and coffee (32.50 + 219.00) to the demo customer, paid with ``tender``."""
    cart = Cart()
    for code in (BREAD, COFFEE):
        found = till.service.scan(code)
        assert isinstance(found, ProductScan)
        cart.add(found.product)
    card = till.service.scan(CARD)
    assert isinstance(card, CardScan)
    return till.service.close_sale(cart, tender, card.customer, shift_id="shift-of-A1")


@pytest.fixture
def two_tills(chain: Chain, make_till: MakeTill) -> tuple[Till, Till]:
    """A1 and A2 of the same store, both in sync with central."""
    enrol_till(chain, "A2", "kyiv-1")
    a1, a2 = make_till("A1", "kyiv-1"), make_till("A2", "kyiv-1")
    for till in (a1, a2):
        sync_once(till.database, till.client)
    return a1, a2


def test_a_receipt_of_another_till_comes_back_here_and_stays_that_tills(
    chain: Chain, two_tills: tuple[Till, Till]
) -> None:
    a1, a2 = two_tills
    sale = sell_with_card(a1, Tender(cash=20000, card=10000))
    sync_once(a1.database, a1.client)
    sync_once(a2.database, a2.client)  # A2 now holds the sale's ledger entries
    balance = customers.balance(a2.database, CUSTOMER)

    desk = ReturnDesk(a2.service, a2.client)
    receipt = desk.find(sale.number)
    assert (receipt.id, receipt.number, receipt.customer_id) == (sale.id, sale.number, CUSTOMER)
    assert [(ln.line_no, ln.sold, ln.returned) for ln in receipt.lines] == [
        (1, 1000, 0), (2, 1000, 0)]
    assert receipt.card_left == 10000
    ret = desk.make(receipt, {2: 1000}, cashier_id="k2", approved_by="m2", shift_id="shift-of-A2")
    assert ret.receipt_number == sale.number
    assert ret.refunded_by("card") == 10000  # the card payment is refunded first
    assert customers.balance(a2.database, CUSTOMER) == (
        balance + ret.points_restored - ret.points_annulled)

    # The copy is A1's sale, not A2's: not in A2's journal or shift, no outbox event.
    assert journal.by_number(a2.database, "A2", sale.number) == []
    pending = [sync_pb2.Event.FromString(payload) for _, payload in outbox.pending(a2.database, 10)]
    assert [e.WhichOneof("body") for e in pending] == ["return_made"]
    figures = shifts.shift_figures(a2.database, "shift-of-A2")
    assert (figures["sales"]["count"], figures["returns"]["count"]) == (0, 1)
    assert figures["refunds"] == {"card": 10000, "cash": ret.refund - 10000 + ret.cash_rounding}

    sync_once(a2.database, a2.client)
    assert central_query(chain, "SELECT till_id, receipt_id FROM returns") == [("A2", sale.id)]

    # A1 learns of A2's return from central when the receipt is opened again, and
    # cannot give the coffee back a second time.
    again = ReturnDesk(a1.service, a1.client).find(sale.number.rsplit("-", 1)[1].lstrip("0"))
    assert [(ln.line_no, ln.returned) for ln in again.lines] == [(1, 0), (2, 1000)]
    assert again.card_left == 0
    with pytest.raises(SaleError, match="left"):
        ReturnDesk(a1.service, a1.client).preview(again, {2: 1000})


def test_offline_a_copy_fetched_before_serves_and_none_is_a_clear_error(
    chain: Chain, two_tills: tuple[Till, Till]
) -> None:
    a1, a2 = two_tills
    first, second = (sell_with_card(a1, Tender(cash=30000)) for _ in range(2))
    sync_once(a1.database, a1.client)
    sync_once(a2.database, a2.client)
    ReturnDesk(a2.service, a2.client).find(first.number)  # A2 keeps a copy of the first
    chain.central.stop()

    offline = ReturnDesk(a2.service, a2.client)
    receipt = offline.find(first.number)
    ret = offline.make(receipt, {1: 1000}, cashier_id="k2", approved_by="m2", shift_id="s")
    assert ret.receipt_number == first.number
    with pytest.raises(ElsewhereUnreachable, match=second.number):
        offline.find(second.number)
    # Without a client, the copy still serves and an unknown number is simply not here.
    assert ReturnDesk(a2.service).find(first.number).id == first.id
    with pytest.raises(NotFound, match="no receipt A1-000099 on this till"):
        ReturnDesk(a2.service).find("A1-000099")


def test_a_receipt_whose_points_have_not_arrived_waits_for_the_feed(
    two_tills: tuple[Till, Till]
) -> None:
    a1, a2 = two_tills
    sale = sell_with_card(a1, Tender(cash=30000))
    sync_once(a1.database, a1.client)  # pushed; A2 has not followed the feed since
    desk = ReturnDesk(a2.service, a2.client)
    with pytest.raises(PointsNotHere, match=f"receipt {sale.number}: 1 of its ledger"):
        desk.find(sale.number)
    assert journal.by_number(a2.database, "A1", sale.number) == []  # nothing kept
    sync_once(a2.database, a2.client)
    assert desk.find(sale.number).id == sale.id


def test_unknown_numbers_and_other_currencies_are_refused_by_name(
    chain: Chain, two_tills: tuple[Till, Till], make_till: MakeTill
) -> None:
    a1, _ = two_tills
    sale = sell_with_card(a1, Tender(cash=30000))
    sync_once(a1.database, a1.client)
    storage = SqliteStorage(chain.central.db_path)
    try:
        storage.put_store(sync_pb2.Store(id="warsaw-1", name="Warszawa", time_zone="Europe/Warsaw",
                                         phone_region="PL", currency="PLN", currency_sign="zł"))
        chain.tokens["W1"] = enrol(storage, "W1", "warsaw-1")
    finally:
        storage.close()
    w1 = make_till("W1", "warsaw-1")
    sync_once(w1.database, w1.client)
    with pytest.raises(ElsewhereRefused, match=f"receipt {sale.number} was sold in store "
                                               "kyiv-1 in UAH; store warsaw-1 takes PLN"):
        ReturnDesk(w1.service, w1.client).find(sale.number)
    with pytest.raises(NotFound, match="no receipt A1-000777 on this till or at central"):
        ReturnDesk(w1.service, w1.client).find("A1-000777")


def test_central_refuses_an_empty_number_and_a_stranger(chain: Chain) -> None:
    client = SyncClient(chain.central.address, chain.tokens["A1"], timeout_s=5)
    stranger = SyncClient(chain.central.address, "not-a-token", timeout_s=5)
    try:
        with pytest.raises(Exception, match="INVALID_ARGUMENT: no receipt number given"):
            client.find_receipt(" ")
        with pytest.raises(Exception, match="UNAUTHENTICATED"):
            stranger.find_receipt("A1-000001")
    finally:
        client.close()
        stranger.close()
