"""Which receipts' facts a till holds as one ``receipt_facts`` row (receipt_facts.row_of)."""

from __future__ import annotations

from edge.storage.receipt_facts import row_of
from kassa.sync.v1 import sync_pb2


def _facts(*entries: tuple[str, int], purchase_for: str | None = "c-1") -> sync_pb2.ReceiptFacts:
    facts = sync_pb2.ReceiptFacts()
    for n, (reason, points) in enumerate(entries):
        facts.ledger_entries.add(id=f"l-{n}", customer_id="c-1", points=points,
                                 receipt_id="r-1", store_id="kyiv-1", reason=reason)
    if purchase_for is not None:
        facts.purchase.id, facts.purchase.customer_id = "r-1", purchase_for
        facts.purchase.amount = 25150
    return facts


def test_one_entry_earned_is_a_row_with_its_checksum_row() -> None:
    facts = _facts(("earn", 1257))
    assert row_of(facts) == (("r-1", "c-1", 1257, facts.SerializeToString()),
                             [("l-0", "c-1", 1257)])
    alone = _facts(("earn", 5), purchase_for=None)
    assert row_of(alone) == (("r-1", "c-1", 5, alone.SerializeToString()), [("l-0", "c-1", 5)])


def test_entries_of_a_receipt_add_up_in_one_row() -> None:
    facts = _facts(("earn", 100), ("restore", 20))
    assert row_of(facts) == (("r-1", "c-1", 120, facts.SerializeToString()),
                             [("l-0", "c-1", 100), ("l-1", "c-1", 20)])


def test_spends_other_customers_and_no_entries_stay_rows_of_their_own() -> None:
    assert row_of(_facts(("spend", -300))) is None
    assert row_of(_facts(("earn", 10), ("spend", -300))) is None
    assert row_of(_facts(("earn", 10), purchase_for="c-2")) is None
    assert row_of(_facts(("earn", 10), ("earn", 20), purchase_for="c-2")) is None
    assert row_of(_facts()) is None
