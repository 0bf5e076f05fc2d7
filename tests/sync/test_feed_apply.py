"""A till applying receipt facts: one change holding what separate changes held."""

from __future__ import annotations

from pathlib import Path

from edge.storage import changes
from edge.storage.database import Database
from kassa.sync.v1 import sync_pb2


def _facts(n: int) -> sync_pb2.ReceiptFacts:
    """Sale ``n``'s facts: points earned (with a lot) and spent, and the purchase."""
    facts = sync_pb2.ReceiptFacts()
    receipt, customer = f"r-{n}", f"c-{n % 3}"
    for kind, points in (("earn", 100 + n), ("spend", -n)):
        entry = facts.ledger_entries.add(
            id=f"{receipt}-{kind}", customer_id=customer, points=points, receipt_id=receipt,
            store_id="lviv-1", reason=kind)
        entry.created_at.FromSeconds(1_790_000_000 + n)
        if kind == "earn":
            entry.lot_id = receipt
            entry.lot_earned_at.CopyFrom(entry.created_at)
            entry.lot_available_at.FromSeconds(1_790_000_000 + n + 86_400)
            entry.lot_expires_at.FromNanoseconds((1_790_000_000 + n) * 10**9 + 5_000)
    facts.purchase.id, facts.purchase.customer_id = receipt, customer
    facts.purchase.store_id, facts.purchase.amount = "lviv-1", 2500 + n
    facts.purchase.at.FromSeconds(1_790_000_000 + n)
    facts.purchase.one_time_used.append(f"gift-{n}")
    return facts


def _rows(database: Database) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    conn = database.db.conn
    return (conn.execute("SELECT * FROM ledger_entries ORDER BY id").fetchall(),
            conn.execute("SELECT * FROM customer_purchases ORDER BY id").fetchall())


def test_receipt_facts_hold_what_separate_changes_held(tmp_path: Path) -> None:
    together, apart = Database(tmp_path / "together.db"), Database(tmp_path / "apart.db")
    try:
        facts = [_facts(n) for n in range(1, 7)]
        changes.apply_changes(together, [
            sync_pb2.Change(seq=n, receipt_facts=f) for n, f in enumerate(facts, 1)])
        separate = [sync_pb2.Change(ledger_entry=e) for f in facts for e in f.ledger_entries]
        separate += [sync_pb2.Change(customer_purchase=f.purchase) for f in facts]
        for seq, change in enumerate(separate, 1):
            change.seq = seq
        changes.apply_changes(apart, separate)
        assert _rows(together) == _rows(apart)
        assert len(_rows(together)[0]) == 12
        assert changes.ledger_checksum(together) == changes.recompute_ledger_checksum(together)
        assert changes.ledger_checksum(together) == changes.ledger_checksum(apart)
    finally:
        together.close()
        apart.close()

