"""Protocol v1 against a real central process: claims, hashes, quarantine, refusals."""

from __future__ import annotations

import grpc
import pytest

from edge.storage import changes, outbox
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.replication.content import content_hash, seal
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import BREAD, CARD, MakeTill, central_checksum, central_query, sell


def test_events_carry_claim_stamp_and_hash(chain: Chain, make_till: MakeTill) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sale = sell(till, [BREAD], CARD, tendered=5000)
    second = sell(till, [BREAD], None, tendered=5000)
    first_event, second_event = (
        sync_pb2.Event.FromString(p) for _, p in outbox.pending(till.database, 10)
    )
    # The HLC stamp follows the till's clock and only grows.
    assert first_event.hlc.wall_ms == int(sale.closed_at.timestamp() * 1000)
    assert (second_event.hlc.wall_ms, second_event.hlc.logical) > (
        first_event.hlc.wall_ms, first_event.hlc.logical)
    assert second.closed_at >= sale.closed_at
    sync_once(till.database, till.client)
    rows = central_query(chain, "SELECT id, store_id, till_id, hlc, content_hash FROM events "
                                "ORDER BY hlc")
    # The store and till come from the credential; the event was sealed as it was queued.
    assert [(r[1], r[2]) for r in rows] == [("kyiv-1", "A1")] * 2
    assert (first_event.store_id, first_event.till_id) == ("", "")
    assert rows[0][4] == first_event.content_hash == content_hash(first_event)


def test_a_push_claiming_another_store_is_refused(chain: Chain, make_till: MakeTill) -> None:
    honest = make_till("B1", "lviv-1")
    intruder = SyncClient(chain.central.address, chain.tokens["A1"], till_id="A1",
                          store_id="lviv-1", timeout_s=5)
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [BREAD], None, tendered=5000)
    try:
        with pytest.raises(grpc.RpcError) as refused:
            intruder.push([p for _, p in outbox.pending(till.database, 10)])
    finally:
        intruder.close()
    assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
    assert "claims store 'lviv-1'" in str(refused.value.details())
    assert "refused a push claiming store 'lviv-1'" in chain.central.log_path.read_text()
    assert central_query(chain, "SELECT COUNT(*) FROM receipts") == [(0,)]
    sync_once(honest.database, honest.client)  # everyone else is served


def test_a_reused_id_is_quarantined_and_later_events_flow(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [BREAD], None, tendered=5000)
    ((event_id, payload),) = outbox.pending(till.database, 10)
    sync_once(till.database, till.client)
    # A bug (or a restored backup) queues other content under the same id, then a sale.
    forged = sync_pb2.Event.FromString(payload)
    forged.sale_closed.total += 100
    with till.database.write() as db:
        db.conn.execute("INSERT INTO outbox (id, created_at, payload) VALUES (?, '', ?)",
                        (event_id, forged.SerializeToString()))
    later = sell(till, [BREAD], CARD, tendered=5000)

    sync_once(till.database, till.client)
    assert outbox.pending_count(till.database) == 0
    quarantined = till.database.rows("SELECT id, reason FROM outbox_rejected")
    assert [(r["id"], "used before for other content" in r["reason"]) for r in quarantined] == [
        (event_id, True)]
    assert central_query(chain, "SELECT COUNT(*) FROM receipts") == [(2,)]
    assert central_query(chain, "SELECT id FROM receipts WHERE id = ?", (later.id,))
    # The quarantined event's ledger (none here) is left out of the till's checksum.
    assert changes.ledger_checksum(till.database) == central_checksum(chain)


def test_a_hash_that_does_not_match_the_content_is_rejected(
    chain: Chain, make_till: MakeTill
) -> None:
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [BREAD], None, tendered=5000)
    ((event_id, payload),) = outbox.pending(till.database, 10)
    event = sync_pb2.Event.FromString(payload)
    event.content_hash = "0" * 64
    channel = grpc.insecure_channel(chain.central.address)
    push = channel.unary_unary(
        "/kassa.sync.v1.SyncService/Push",
        request_serializer=sync_pb2.PushRequest.SerializeToString,
        response_deserializer=sync_pb2.PushReply.FromString,
    )
    try:
        reply = push(sync_pb2.PushRequest(events=[event]), timeout=5,
                     metadata=(("authorization", f"Bearer {chain.tokens['A1']}"),))
    finally:
        channel.close()
    assert [(r.event_id, r.reason) for r in reply.rejected] == [
        (event_id, f"event {event_id}: content hash does not match its content")]
    assert reply.forget_through == event_id


@pytest.mark.parametrize(
    ("payload", "code", "detail"),
    [
        (b"\xff\xff\xff", grpc.StatusCode.INVALID_ARGUMENT, "malformed PushRequest"),
        (b"\x0a" + b"\xff" * 9_000_000, grpc.StatusCode.RESOURCE_EXHAUSTED, "larger than max"),
    ],
    ids=["malformed", "oversized"],
)
def test_malformed_and_oversized_pushes_are_refused(
    chain: Chain, make_till: MakeTill, payload: bytes, code: grpc.StatusCode, detail: str
) -> None:
    channel = grpc.insecure_channel(chain.central.address)
    push = channel.unary_unary("/kassa.sync.v1.SyncService/Push")
    try:
        with pytest.raises(grpc.RpcError) as refused:
            push(payload, timeout=5,
                 metadata=(("authorization", f"Bearer {chain.tokens['A1']}"),))
    finally:
        channel.close()
    assert refused.value.code() == code
    assert detail in str(refused.value.details())
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        assert "refused a malformed PushRequest" in chain.central.log_path.read_text()
    till = make_till("B1", "lviv-1")
    sync_once(till.database, till.client)  # central keeps serving


def test_a_bad_sale_in_a_batch_is_rejected_alone(chain: Chain, make_till: MakeTill) -> None:
    """The bulk path gives up on the whole batch; the careful path rejects only the sale
    that repeats a receipt id, and applies the rest."""
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    for _ in range(3):
        sell(till, [BREAD], CARD, tendered=5000)
    first, second, third = (sync_pb2.Event.FromString(p) for _, p in
                            outbox.pending(till.database, 10))
    second.sale_closed.receipt_id = first.sale_closed.receipt_id
    for entry in second.sale_closed.ledger_entries:
        entry.receipt_id = first.sale_closed.receipt_id
    seal(second)  # as a till with that bug would have queued it
    reply = till.client.push([e.SerializeToString() for e in (first, second, third)])
    assert list(reply.acknowledged_ids) == [first.id, third.id]
    assert [r.event_id for r in reply.rejected] == [second.id]
    assert "repeats a stored fact" in reply.rejected[0].reason
    assert central_query(chain, "SELECT COUNT(*), SUM(points) FROM ledger_entries") == [
        (2, 2 * 162)]
