"""HQ deletes and merges win, with a real central process and tills that were offline."""

from __future__ import annotations

import time

import pytest

from edge.services.till import CardScan, NotFound
from edge.storage import changes, customers, open_receipt, outbox
from edge.sync.runner import sync_once
from kassa.domain.cart import Cart
from tests.conftest import Chain, Till
from tests.sync.helpers import (
    CARD,
    COFFEE,
    CUSTOMER,
    MakeTill,
    central_checksum,
    central_query,
    event_at,
    sell,
    spend_event,
)
from tests.sync.test_reports import central_cli

GONE, GONE_CARD = "c-kovalenko", "2000000000022"
PHONE = "+380671234567"  # CUSTOMER's


def in_step(chain: Chain, *tills: Till) -> None:
    """Sync every till (each raises ChecksumMismatch unless it matches central), twice so
    each sees what the others pushed; then every checksum equals central's."""
    for _ in range(2):
        for till in tills:
            sync_once(till.database, till.client)
    for till in tills:
        assert changes.ledger_checksum(till.database) == central_checksum(chain)


def central_balance(chain: Chain, customer_id: str) -> int:
    rows = central_query(chain, "SELECT COALESCE(SUM(points), 0) FROM ledger_entries "
                                "WHERE customer_id = ?", (customer_id,))
    return int(str(rows[0][0]))


def test_a_delete_wins_over_an_edit_a_till_made_offline(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [COFFEE], CARD, tendered=30000)
    sync_once(till.database, till.client)
    points = central_balance(chain, CUSTOMER)
    # Offline, the till queues an edit stamped a minute ahead: later than the delete.
    edit = event_at(time.time_ns() // 1_000_000 + 60_000)
    edit.customer_updated.customer.id = CUSTOMER
    edit.customer_updated.customer.surname = "Шевченко-Нова"
    edit.customer_updated.fields.append("surname")
    edit.customer_updated.consent_sms = True
    with till.database.write() as db:
        outbox.add_in(db, edit)
    central_cli(chain, "delete-customer", CUSTOMER)

    sync_once(till.database, till.client)
    assert outbox.pending_count(till.database) == 0
    assert till.database.scalar("SELECT COUNT(*) FROM outbox_rejected") == 0  # not quarantined
    assert central_query(chain, "SELECT surname, phone FROM customers WHERE id = ?",
                         (CUSTOMER,)) == [("", "")]
    assert central_query(chain, "SELECT granted FROM customer_consents WHERE customer_id = ?",
                         (CUSTOMER,)) == []  # the edit's consent did not land either
    record = customers.get_customer(till.database, CUSTOMER)
    assert record is not None and record.display_name == "" and record.phone == ""
    assert customers.find_by_phone(till.database, PHONE) is None
    with pytest.raises(NotFound, match="blocked"):
        till.service.scan(CARD)
    assert customers.balance(till.database, CUSTOMER) == points == central_balance(
        chain, CUSTOMER)  # the ledger stays


def test_an_offline_sale_against_a_merged_away_customer_lands_on_the_survivor(
    chain: Chain, make_till: MakeTill
) -> None:
    kyiv, lviv = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    in_step(chain, kyiv, lviv)
    sell(kyiv, [COFFEE], CARD, tendered=30000)
    sell(lviv, [COFFEE], GONE_CARD, tendered=30000)
    in_step(chain, kyiv, lviv)
    # Lviv goes offline: it sells to the gone customer's card and keeps a receipt open.
    offline = sell(lviv, [COFFEE], GONE_CARD, tendered=30000)
    open_receipt.save(lviv.database, Cart(), GONE)
    assert offline.customer is not None and offline.customer.id == GONE
    central_cli(chain, "merge-customers", CUSTOMER, GONE)

    in_step(chain, kyiv, lviv)
    everything = central_balance(chain, CUSTOMER)
    assert everything > 0 and central_balance(chain, GONE) == 0
    assert central_query(chain, "SELECT DISTINCT customer_id FROM ledger_entries "
                                "WHERE receipt_id = ?", (offline.id,)) == [(CUSTOMER,)]
    for till in (kyiv, lviv):
        assert customers.balance(till.database, CUSTOMER) == everything
        assert customers.balance(till.database, GONE) == 0
        card = customers.find_card(till.database, GONE_CARD)
        assert card is not None and card.customer_id == CUSTOMER
    assert open_receipt.load(lviv.database)[1] == CUSTOMER  # it prices as the survivor now
    scanned = lviv.service.scan(GONE_CARD)
    assert isinstance(scanned, CardScan) and scanned.customer.id == CUSTOMER
    assert scanned.customer.balance == everything
    assert central_query(chain, "SELECT COUNT(*) FROM overdrafts") == [(0,)]

    # Overdraft logic is unaffected: a spend made offline against the gone customer that
    # exceeds the survivor's combined balance is the survivor's overdraft.
    lviv.client.push([spend_event("lviv-1", GONE, everything + 100).SerializeToString()])
    assert central_query(chain, "SELECT customer_id, balance_after FROM overdrafts") == [
        (CUSTOMER, -100)]
    in_step(chain, kyiv, lviv)
    assert customers.balance(kyiv.database, CUSTOMER) == -100
