"""Customers merge per field: last writer by HLC stamp, then store id; opting out wins ties."""

from __future__ import annotations

import itertools
import time

from hypothesis import given
from hypothesis import strategies as st

from central.storage.sqlite import SqliteStorage
from edge.storage import customers, outbox
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from kassa.replication import hlc
from kassa.replication.hlc import Stamp
from kassa.replication.merge import FieldEdit, wins
from kassa.sync.v1 import sync_pb2
from tests.conftest import Chain
from tests.sync.helpers import CUSTOMER, MakeTill, central_query, event_at

stamps = st.builds(Stamp, st.integers(0, 5), st.integers(0, 3))
edits = st.builds(
    FieldEdit, st.sampled_from(["surname", "consent_sms"]), st.sampled_from(["0", "1", "x"]),
    stamps, st.sampled_from(["kyiv-1", "lviv-1", ""]),
)


@given(st.lists(edits, max_size=6))
def test_every_order_of_edits_ends_with_the_same_values(batch: list[FieldEdit]) -> None:
    def replay(order: tuple[FieldEdit, ...]) -> dict[str, FieldEdit]:
        held: dict[str, FieldEdit] = {}
        for edit in order:
            if wins(edit, held.get(edit.field)):
                held[edit.field] = edit
        return held

    results = {tuple(sorted(replay(order).items())) for order in itertools.permutations(batch)}
    assert len(results) <= 1


@given(stamps, stamps, st.integers(0, 10))
def test_a_clock_orders_after_what_it_has_seen(last: Stamp, remote: Stamp, now: int) -> None:
    after = hlc.receive(last, remote, now)
    assert after > last and after > remote and after.wall_ms >= now
    assert hlc.tick(after, now) > after


@given(stamps, st.lists(stamps, max_size=8), st.integers(0, 10))
def test_seeing_stamps_together_moves_the_clock_as_one_by_one(
    last: Stamp, remotes: list[Stamp], now: int
) -> None:
    one_by_one = last
    for remote in remotes:
        one_by_one = hlc.receive(one_by_one, remote, now)
    together = hlc.receive_all(last, [(r.wall_ms, r.logical) for r in remotes], now)
    assert together == one_by_one
    assert all(together > remote for remote in remotes)


def test_a_wild_remote_clock_is_bounded() -> None:
    assert hlc.bound(Stamp(10**13), now_ms=1000, max_ahead_ms=500) == Stamp(1500)


def _update(wall_ms: int, **fields: object) -> sync_pb2.Event:
    event = event_at(wall_ms)
    update = event.customer_updated
    update.customer.id = CUSTOMER
    for name, value in fields.items():
        if name.startswith("consent_"):
            setattr(update, name, value)
        else:
            setattr(update.customer, name, value)
            update.fields.append(name)
    return event


def _push(till_client: SyncClient, event: sync_pb2.Event) -> None:
    reply = till_client.push([event.SerializeToString()])
    assert list(reply.acknowledged_ids) == [event.id], reply.rejected


def test_fields_merge_by_stamp_then_store_and_opting_out_wins(
    chain: Chain, make_till: MakeTill
) -> None:
    kyiv, lviv = make_till("A1", "kyiv-1"), make_till("B1", "lviv-1")
    t = time.time_ns() // 1_000_000 + 60_000  # after HQ loaded the demo, within the bound
    # Kyiv edits the surname later by its clock; Lviv's earlier edit arrives after it.
    _push(kyiv.client, _update(t + 10, surname="Kyiv-later", email="k@example.com"))
    _push(lviv.client, _update(t + 5, surname="Lviv-earlier"))
    # Same stamp: the greater store id wins ("lviv-1" > "kyiv-1"), whatever the order.
    _push(lviv.client, _update(t + 20, email="l@example.com"))
    _push(kyiv.client, _update(t + 20, email="k2@example.com"))
    # Same stamp: withdrawing consent wins over granting it, even from the smaller store id.
    _push(kyiv.client, _update(t + 30, consent_sms=False))
    _push(lviv.client, _update(t + 30, consent_sms=True))

    row = central_query(chain, "SELECT surname, email FROM customers WHERE id = ?", (CUSTOMER,))
    assert row == [("Kyiv-later", "l@example.com")]
    consent = central_query(
        chain, "SELECT granted, store_id FROM customer_consents WHERE customer_id = ? "
        "AND channel = 'sms'", (CUSTOMER,))
    assert consent == [(0, "kyiv-1")]
    # Both tills receive the merged customer through the feed.
    for till in (kyiv, lviv):
        sync_once(till.database, till.client)
        record = customers.get_customer(till.database, CUSTOMER)
        assert record is not None and (record.surname, record.email) == (
            "Kyiv-later", "l@example.com")


def test_an_edit_made_after_seeing_central_wins_despite_a_slow_clock(
    chain: Chain, make_till: MakeTill
) -> None:
    """HQ edits at central's time; a till whose clock is 10 minutes slow syncs (and so
    sees central's clock), then edits: its edit is later by HLC and wins."""
    till = make_till("A1", "kyiv-1")
    sync_once(till.database, till.client)
    storage = SqliteStorage(chain.central.db_path)
    try:
        storage.put_customer(sync_pb2.Customer(id=CUSTOMER, surname="HQ", first_name="Олена",
                                               phone="+380671234567"))
    finally:
        storage.close()
    sync_once(till.database, till.client)
    slow_ms = central_query(chain, "SELECT hlc FROM feed_state")[0][0]
    stamp = Stamp.decode(str(slow_ms))
    event = _update(stamp.wall_ms - 600_000, surname="Till")
    with till.database.write() as db:
        outbox.add_in(db, event)  # stamped by the till's clock, which has seen central's
    assert Stamp(event.hlc.wall_ms, event.hlc.logical) > stamp
    sync_once(till.database, till.client)
    assert central_query(chain, "SELECT surname FROM customers WHERE id = ?", (CUSTOMER,)) == [
        ("Till",)]
