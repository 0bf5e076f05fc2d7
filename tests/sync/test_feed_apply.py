"""A till applying receipt facts: one change holding what separate changes held.

Other tills' receipts without spends are kept as one ``receipt_facts`` row each
(edge/storage/receipt_facts.py); what a till reads of a customer must not depend on that.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from central.storage.feed import CHANGE_TYPES, served
from edge.storage import changes, customers, receipts_elsewhere
from edge.storage.database import Database
from edge.storage.migrations import MIGRATIONS
from kassa.sync.v1 import sync_pb2

CUSTOMERS = ("c-0", "c-1", "c-2")


def _facts(n: int, *, spend: bool = True) -> sync_pb2.ReceiptFacts:
    """Sale ``n``'s facts: points earned (with a lot), spent unless not ``spend``, and
    the purchase."""
    facts = sync_pb2.ReceiptFacts()
    receipt, customer = f"r-{n}", CUSTOMERS[n % 3]
    for kind, points in (("earn", 100 + n), ("spend", -n))[:2 if spend else 1]:
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


def _numbered(kinds: list[sync_pb2.Change], after: int = 0) -> list[sync_pb2.Change]:
    for seq, change in enumerate(kinds, after + 1):
        change.seq = seq
    return kinds


def _together(facts: list[sync_pb2.ReceiptFacts], after: int = 0) -> list[sync_pb2.Change]:
    return _numbered([sync_pb2.Change(receipt_facts=f) for f in facts], after)


def _apart(facts: list[sync_pb2.ReceiptFacts], after: int = 0) -> list[sync_pb2.Change]:
    separate = [sync_pb2.Change(ledger_entry=e) for f in facts for e in f.ledger_entries]
    separate += [sync_pb2.Change(customer_purchase=f.purchase) for f in facts]
    return _numbered(separate, after)


def _as_fed(facts: list[sync_pb2.ReceiptFacts], after: int = 0) -> list[sync_pb2.Change]:
    """The changes central feeds for ``facts`` (feed format 4): a receipt_row for a
    receipt of one entry, not a spend, receipt_facts otherwise."""
    fed = []
    for f in facts:
        kind, payload = served("receipt_facts", f.SerializeToString())
        fed.append(sync_pb2.Change(**{kind: CHANGE_TYPES[kind].FromString(payload)}))
    return _numbered(fed, after)


def _seen(database: Database) -> dict[str, object]:
    """Everything a till reads of its customers' points and purchases."""
    seen: dict[str, object] = {"held": sorted(customers.held_entries(database))}
    for customer in CUSTOMERS:
        profile = customers.pricing_profile(database, customer)
        seen[customer] = (
            customers.balance(database, customer),
            sorted(customers.ledger(database, customer), key=lambda e: e.id),
            profile.lifetime_purchases, profile.used_one_time, profile.point_lots,
        )
    return seen


def _checksum_holds(database: Database) -> None:
    assert changes.ledger_checksum(database) == changes.recompute_ledger_checksum(database)


@pytest.fixture
def tills(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    together, apart = Database(tmp_path / "together.db"), Database(tmp_path / "apart.db")
    yield together, apart
    together.close()
    apart.close()


def test_receipt_facts_hold_what_separate_changes_held(
    tills: tuple[Database, Database]
) -> None:
    together, apart = tills
    facts = [_facts(n, spend=n % 2 == 0) for n in range(1, 9)]
    changes.apply_changes(together, _together(facts))
    changes.apply_changes(apart, _apart(facts))
    assert _seen(together) == _seen(apart)
    assert len(customers.held_entries(together)) == 12
    _checksum_holds(together)
    assert changes.ledger_checksum(together) == changes.ledger_checksum(apart)


def test_receipt_rows_hold_what_receipt_facts_held(tills: tuple[Database, Database]) -> None:
    """Receipts of one entry come as rows, the others as facts: the till holds the same
    as from facts alone, the rows' facts as central sent them."""
    rows, reference = tills
    facts = [_facts(n, spend=n % 3 == 0) for n in range(1, 9)]
    fed = _as_fed(facts)
    assert [c.WhichOneof("entity") for c in fed].count("receipt_row") == 6
    changes.apply_changes(rows, fed)
    changes.apply_changes(reference, _together(facts))
    assert _seen(rows) == _seen(reference)
    assert rows.db.conn.execute("SELECT facts FROM receipt_facts ORDER BY receipt_id").fetchall(
        ) == [(c.receipt_row.facts,) for c in sorted(
            (c for c in fed if c.HasField("receipt_row")), key=lambda c: c.receipt_row.receipt_id)]
    _checksum_holds(rows)
    assert changes.ledger_checksum(rows) == changes.ledger_checksum(reference)


def test_rows_sent_again_count_once(tills: tuple[Database, Database]) -> None:
    """A receipt as a row twice, then as facts, then one by one: held once, in its row."""
    till, reference = tills
    facts = [_facts(n, spend=False) for n in range(1, 4)]
    changes.apply_changes(till, _as_fed(facts + facts[:1]))
    changes.apply_changes(till, _together(facts, after=4))
    changes.apply_changes(till, _apart(facts, after=7))
    changes.apply_changes(reference, _together(facts))
    assert _seen(till) == _seen(reference)
    assert till.scalar("SELECT COUNT(*) FROM receipt_facts") == 3
    assert till.scalar("SELECT COUNT(*) FROM ledger_entries") == 0
    _checksum_holds(till)


def test_a_row_of_a_receipt_whose_entry_is_held_stays_rows(
    tills: tuple[Database, Database]
) -> None:
    """A till's own receipt coming back as a row (its entry held as a row since the sale,
    here as a snapshot would leave it) is applied as its facts: no ``receipt_facts`` row,
    counted once."""
    till, reference = tills
    facts = [_facts(n, spend=False) for n in range(1, 4)]
    changes.apply_changes(till, _apart(facts[:2]))
    changes.apply_changes(till, _as_fed(facts, after=4))
    changes.apply_changes(reference, _together(facts))
    assert _seen(till) == _seen(reference)
    assert till.db.conn.execute("SELECT receipt_id FROM receipt_facts").fetchall() == [("r-3",)]
    assert till.scalar("SELECT COUNT(*) FROM ledger_entries") == 2
    _checksum_holds(till)


def test_a_receipt_without_spends_is_one_row(tills: tuple[Database, Database]) -> None:
    till = tills[0]
    changes.apply_changes(till, _together([_facts(1, spend=False), _facts(2)]))
    conn = till.db.conn
    assert conn.execute("SELECT receipt_id, customer_id, points FROM receipt_facts"
                        ).fetchall() == [("r-1", "c-1", 101)]
    # The sale with a spend stays rows: the store's offline budget sums spends.
    assert conn.execute("SELECT id FROM ledger_entries ORDER BY id").fetchall() == [
        ("r-2-earn",), ("r-2-spend",)]
    assert conn.execute("SELECT id FROM customer_purchases").fetchall() == [("r-2",)]
    assert customers.points_spent_since(till, "lviv-1", None) == 2


def test_facts_sent_again_count_once(tills: tuple[Database, Database]) -> None:
    """The same receipt again (a replay), then its entries and purchase one by one (a
    snapshot page, a merge): held once, in its row."""
    till, reference = tills
    facts = [_facts(n, spend=False) for n in range(1, 5)]
    changes.apply_changes(till, _together(facts[:2] + facts[:1]))
    changes.apply_changes(till, _together(facts, after=3))
    changes.apply_changes(till, _apart(facts, after=7))
    changes.apply_changes(reference, _together(facts))
    assert _seen(till) == _seen(reference)
    assert till.scalar("SELECT COUNT(*) FROM ledger_entries") == 0
    _checksum_holds(till)


def test_central_customer_wins_for_a_held_receipt(tills: tuple[Database, Database]) -> None:
    till, reference = tills
    changes.apply_changes(till, _together([_facts(1, spend=False)]))
    moved = _facts(1, spend=False)
    for entry in moved.ledger_entries:
        entry.customer_id = "c-2"
    moved.purchase.customer_id = "c-2"
    changes.apply_changes(till, _apart([moved], after=1))
    changes.apply_changes(reference, _together([moved]))
    assert _seen(till) == _seen(reference)
    assert customers.balance(till, "c-1") == 0
    _checksum_holds(till)


def test_a_merge_moves_receipt_facts_to_the_survivor(tills: tuple[Database, Database]) -> None:
    till, reference = tills
    facts = [_facts(n, spend=False) for n in range(1, 4)]
    changes.apply_changes(till, _together(facts))
    merged = sync_pb2.Change(seq=4, customer_merged=sync_pb2.CustomerMerged(
        gone_id="c-1", survivor_id="c-0"))
    changes.apply_changes(till, [merged])
    for fact in facts:
        for entry in fact.ledger_entries:
            entry.customer_id = "c-0" if entry.customer_id == "c-1" else entry.customer_id
        if fact.purchase.customer_id == "c-1":
            fact.purchase.customer_id = "c-0"
    changes.apply_changes(reference, _together(facts))
    assert _seen(till) == _seen(reference)
    assert customers.balance(till, "c-0") == 101 + 103  # r-1 moved from c-1, r-3
    _checksum_holds(till)


def test_a_receipt_held_as_facts_is_not_missing_for_a_return(
    tills: tuple[Database, Database]
) -> None:
    till = tills[0]
    sale = sync_pb2.SaleClosed(receipt_id="r-1")
    sale.ledger_entries.extend(_facts(1, spend=False).ledger_entries)
    assert receipts_elsewhere.missing_ledger(till, sale) == 1
    changes.apply_changes(till, _together([_facts(1, spend=False)]))
    assert receipts_elsewhere.missing_ledger(till, sale) == 0
    assert customers.holds_receipt(till, "r-1")
    assert not customers.holds_receipt(till, "r-2")


def test_a_till_from_before_receipt_facts_keeps_its_ledger(tmp_path: Path) -> None:
    """Migration 5 adds the table; what the till held as rows still counts."""
    path = tmp_path / "old.db"
    till = Database(path)
    changes.apply_changes(till, _apart([_facts(1, spend=False)]))
    before = _seen(till)
    till.db.conn.executescript("DROP TABLE receipt_facts; DROP INDEX outbox_unsealed; "
                               "ALTER TABLE outbox DROP COLUMN sealed; PRAGMA user_version = 4")
    till.close()
    till = Database(path)
    try:
        assert till.schema_version() == len(MIGRATIONS)
        assert _seen(till) == before
        changes.apply_changes(till, _together([_facts(2, spend=False)], after=2))
        assert customers.balance(till, "c-2") == 102
        _checksum_holds(till)
    finally:
        till.close()


def test_a_change_of_a_kind_the_till_does_not_know_is_skipped(
    tills: tuple[Database, Database], caplog: pytest.LogCaptureFixture
) -> None:
    """A newer central's change between receipts' facts (here one with no entity the
    till knows): the till logs it, applies the rest in order and moves its cursor."""
    till, reference = tills
    facts = [_facts(n, spend=n == 2) for n in range(1, 4)]
    mixed = _numbered([sync_pb2.Change(receipt_facts=facts[0]), sync_pb2.Change(),
                       sync_pb2.Change(receipt_facts=facts[1]),
                       sync_pb2.Change(receipt_facts=facts[2])])
    assert changes.apply_changes(till, mixed) == 4
    changes.apply_changes(reference, _together(facts))
    assert _seen(till) == _seen(reference)
    assert "change 2 carries no entity this till knows; skipped" in caplog.text
    _checksum_holds(till)


def test_a_till_recounts_its_running_checksum_with_crc32_digests(tmp_path: Path) -> None:
    """Migration 6 (feed format 3): the running sum kept with SHA-256 digests goes, and
    the first reader counts it again from the rows, with central's CRC-32 digests."""
    path = tmp_path / "old.db"
    till = Database(path)
    changes.apply_changes(till, _together([_facts(1, spend=False), _facts(2)]))
    held = changes.ledger_checksum(till)
    with till.write() as db:
        db.conn.execute("UPDATE sync_state SET value = '3 201 9999' WHERE key = 'ledger_sum'")
        db.conn.execute("DROP INDEX outbox_unsealed")
        db.conn.execute("ALTER TABLE outbox DROP COLUMN sealed")
        db.conn.execute("PRAGMA user_version = 5")
    till.close()
    till = Database(path)
    try:
        assert till.scalar("SELECT value FROM sync_state WHERE key = 'ledger_sum'") is None
        assert changes.ledger_checksum(till) == held
        _checksum_holds(till)
    finally:
        till.close()
