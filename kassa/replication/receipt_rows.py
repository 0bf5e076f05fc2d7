"""Which receipts a till holds as one ``receipt_facts`` row, decided alike on both sides.

Central serves such a receipt as a ReceiptRow (feed format 4) and a till makes the same
row from a ReceiptFacts: if the two rules drifted, central could hand a till as a row
what the till keeps as ledger rows (a spend, which the store's offline budget sums).
"""

from __future__ import annotations

from kassa.sync.v1 import sync_pb2


def sole_entry(facts: sync_pb2.ReceiptFacts) -> sync_pb2.LedgerEntry | None:
    """The receipt's ledger entry when it is the only one and the receipt is held as one
    row as it is: not a spend, of the purchase's customer (when there is a purchase)."""
    entries = facts.ledger_entries
    if len(entries) != 1:
        return None
    entry = entries[0]
    if entry.reason == "spend" or (
            facts.HasField("purchase") and facts.purchase.customer_id != entry.customer_id):
        return None
    return entry
