"""The one rule by which central serves a receipt as a ReceiptRow and a till holds
ReceiptFacts as one row (kassa/replication/receipt_rows.py)."""

from __future__ import annotations

from central.storage.feed import served
from edge.storage import receipt_facts
from kassa.replication.receipt_rows import sole_entry
from kassa.sync.v1 import sync_pb2


def _facts(*reasons: str, buyer: str = "c-1") -> sync_pb2.ReceiptFacts:
    facts = sync_pb2.ReceiptFacts()
    for n, reason in enumerate(reasons):
        facts.ledger_entries.add(id=f"l-{n}", customer_id="c-1", points=10, receipt_id="r-1",
                                 reason=reason)
    facts.purchase.id, facts.purchase.customer_id = "r-1", buyer
    return facts


def test_only_a_sole_entry_that_is_no_spend_of_the_buyer_makes_a_row() -> None:
    cases = {
        "earn": (_facts("earn"), True),
        "spend": (_facts("spend"), False),
        "another customer's purchase": (_facts("earn", buyer="c-2"), False),
        "two entries": (_facts("earn", "restore"), False),
        "none": (_facts(), False),
    }
    for name, (facts, row) in cases.items():
        entry = sole_entry(facts)
        assert (entry is not None) == row, name
        kind, _ = served("receipt_facts", facts.SerializeToString())
        assert kind == ("receipt_row" if row else "receipt_facts"), name
    # The till makes a row of these too (two entries of one receipt and customer as well).
    assert receipt_facts.row_of(cases["earn"][0]) is not None
    assert receipt_facts.row_of(cases["spend"][0]) is None
    assert receipt_facts.row_of(cases["another customer's purchase"][0]) is None
