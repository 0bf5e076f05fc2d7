"""Events are sealed as they are queued and pushed as stored, framed without parsing."""

from __future__ import annotations

from edge.storage import outbox
from edge.sync.client import push_request
from edge.sync.runner import sync_once
from kassa.replication.content import content_hash, seal
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import BREAD, CARD, MakeTill, central_query, sell, spend_event


def test_a_framed_push_request_holds_the_events_as_stored_and_the_claim() -> None:
    events = [spend_event("kyiv-1", "c-1", 10 * n) for n in range(1, 4)]
    events[1].store_id = ""  # left to the push's claim
    for event in events:
        seal(event)
    payloads = [e.SerializeToString(deterministic=True) for e in events]

    request = sync_pb2.PushRequest.FromString(push_request("kyiv-1", "A1", payloads))

    assert (request.store_id, request.till_id) == ("kyiv-1", "A1")
    assert list(request.events) == events
    assert [e.SerializeToString(deterministic=True) for e in request.events] == payloads
    assert sync_pb2.PushRequest.FromString(push_request("", "", [])) == sync_pb2.PushRequest()


def test_an_event_queued_before_sealing_resends_with_the_hash_central_holds(
    chain: Chain, make_till: MakeTill
) -> None:
    """An event queued by a till before migration 7 was sealed by its old client as it
    pushed it, with the claim filled in. If that push's reply was lost, the upgraded
    till's resend must carry the same content: central acknowledges it once more."""
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    sell(till, [BREAD], CARD, tendered=5000)
    ((event_id, payload),) = outbox.pending(till.database, 10)
    queued = sync_pb2.Event.FromString(payload)
    queued.content_hash = ""  # as queued before migration 7
    with till.database.write() as db:
        db.conn.execute("UPDATE outbox SET payload = ?, sealed = 0 WHERE id = ?",
                        (queued.SerializeToString(deterministic=True), event_id))
    old_client_sent = sync_pb2.Event()
    old_client_sent.CopyFrom(queued)
    old_client_sent.store_id, old_client_sent.till_id = "kyiv-1", "A1"
    seal(old_client_sent)
    assert till.client.push([old_client_sent.SerializeToString()]).acknowledged_ids == [
        event_id]  # and its reply was lost: the event stays queued

    sync_once(till.database, till.client)

    assert outbox.pending_count(till.database) == outbox.rejected_count(till.database) == 0
    assert central_query(chain, "SELECT content_hash, repeats FROM events WHERE id = ?",
                         (event_id,)) == [(content_hash(old_client_sent), 1)]
    assert outbox.seal_queued(till.database, "kyiv-1", "A1") == 0
