"""What a bootstrapping till gets from Snapshot: programs, terms, purchases, lots."""

from __future__ import annotations

from collections import defaultdict

from central.demo import DEMO_PROGRAMS
from central.storage.sqlite import SqliteStorage
from edge.sync.client import SyncClient
from kassa.sync.v1 import sync_pb2
from tests.central.builders import return_event, sale_event
from tests.conftest import Chain


def snapshot(client: SyncClient, limit: int) -> tuple[list[sync_pb2.Change], int]:
    """Every entity of the snapshot, walked in pages of ``limit``, and the stated total."""
    changes: list[sync_pb2.Change] = []
    page = client.snapshot("", limit)
    total = page.total
    while True:
        changes += page.changes
        if not page.next:
            return changes, total
        page = client.snapshot(page.next, limit)


def test_a_snapshot_holds_the_newest_programs_terms_purchases_and_lots(chain: Chain) -> None:
    client = SyncClient(chain.central.address, chain.tokens["A1"], till_id="A1",
                        store_id="kyiv-1", timeout_s=5)
    try:
        sale = sale_event()
        returned = return_event(sale.sale_closed)
        assert not client.push([sale.SerializeToString(), returned.SerializeToString()]).rejected
        storage = SqliteStorage(chain.central.db_path)
        try:
            newest = storage.put_pricing_programs(DEMO_PROGRAMS.read_text(encoding="utf-8"))
        finally:
            storage.close()
        changes, total = snapshot(client, limit=4)
    finally:
        client.close()

    assert total == len(changes)
    by_kind: dict[str, list[sync_pb2.Change]] = defaultdict(list)
    for change in changes:
        by_kind[str(change.WhichOneof("entity"))].append(change)
    assert [c.pricing_programs for c in by_kind["pricing_programs"]] == [newest]
    assert newest.version == 2
    terms = {c.customer_terms.customer_id: c.customer_terms for c in by_kind["customer_terms"]}
    assert sorted(terms) == ["c-ivanova", "c-kovalenko"]  # Шевченко has none
    assert list(terms["c-kovalenko"].groups) == ["vip", "birthday"]
    assert terms["c-ivanova"].price_list == "opt-1"
    assert terms["c-ivanova"].discounts_json == "[]"
    purchases = [c.customer_purchase for c in by_kind["customer_purchase"]]
    ret = returned.return_made
    assert sorted((p.id, p.amount, list(p.one_time_used)) for p in purchases) == sorted(
        [(sale.sale_closed.receipt_id, 11606, ["birthday-15"]), (ret.return_id, -5301, [])])
    held = sorted((c.ledger_entry for c in by_kind["ledger_entry"]), key=lambda e: e.id)
    pushed = sorted([*sale.sale_closed.ledger_entries, *ret.ledger_entries], key=lambda e: e.id)
    assert held == pushed  # lot fields included
    assert any(e.HasField("lot_expires_at") for e in held)
    assert by_kind["store"][0].store.cash_step == 10
