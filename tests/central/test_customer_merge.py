"""`central delete-customer` and `central merge-customers` on a real database file, and
where events pushed later for a deleted or merged-away customer land."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from central.storage.base import TillIdentity
from central.storage.sqlite import SqliteStorage
from kassa.replication.checksum import ledger_sum
from kassa.sync.v1 import sync_pb2
from tests.central.builders import return_event, sale_event
from tests.central.test_load_cli import central, feed_kinds
from tests.central_process import prepare_chain
from tests.sync.helpers import event_at

TILL = TillIdentity("A1", "kyiv-1")
GONE, SURVIVOR, THIRD = "c-kovalenko", "c-shevchenko", "c-ivanova"
GONE_CARD = "2000000000022"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "central.db"
    prepare_chain(path)
    return path


def rows(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    storage = SqliteStorage(db)
    try:
        return list(storage.db.conn.execute(sql, params).fetchall())
    finally:
        storage.close()


def push(db: Path, *events: sync_pb2.Event) -> None:
    storage = SqliteStorage(db)
    try:
        outcome = storage.apply_events(TILL, list(events))
    finally:
        storage.close()
    assert not outcome.rejected and len(outcome.acknowledged) == len(events)


def update(customer_id: str, surname: str, consent_email: bool | None = None) -> sync_pb2.Event:
    """A till's edit stamped a minute ahead: later than anything HQ did so far."""
    event = event_at(time.time_ns() // 1_000_000 + 60_000)
    edit = event.customer_updated
    edit.customer.id, edit.customer.surname = customer_id, surname
    edit.fields.append("surname")
    if consent_email is not None:
        edit.consent_email = consent_email
    return event


def balances(db: Path) -> dict[str, int]:
    return {str(customer): int(str(points)) for customer, points in rows(
        db, "SELECT customer_id, SUM(points) FROM ledger_entries GROUP BY customer_id")}


def checksum_matches_rows(db: Path) -> bool:
    """The running checksum tills compare with equals one computed from every row."""
    held = ledger_sum(
        (str(i), str(c), int(str(p)))
        for i, c, p in rows(db, "SELECT id, customer_id, points FROM ledger_entries")
    )
    state = rows(db, "SELECT entries, points, digest_sum FROM feed_state")
    return [(held.entries, held.points, held.digest_sum)] == state


def last_change(db: Path, kind: str) -> sync_pb2.Change:
    storage = SqliteStorage(db)
    try:
        head = storage.feed_position().head
        changes = storage.feed_slice(0, head, head).changes()
    finally:
        storage.close()
    return next(c for c in reversed(changes) if c.WhichOneof("entity") == kind)


def test_a_delete_anonymises_keeps_the_ledger_and_wins_over_later_edits(db: Path) -> None:
    push(db, update(GONE, "Коваленко", consent_email=True), sale_event(GONE))
    before = balances(db)[GONE]
    done = central(db, "delete-customer", GONE)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (f"customer {GONE} deleted: personal data erased, cards blocked, "
                           "ledger kept\n")
    assert rows(db, "SELECT surname, first_name, patronymic, phone, email FROM customers "
                    "WHERE id = ?", GONE) == [("", "", "", "", "")]
    assert rows(db, "SELECT channel, granted FROM customer_consents WHERE customer_id = ?",
                GONE) == [("email", 0)]
    assert rows(db, "SELECT blocked FROM cards WHERE customer_id = ?", GONE) == [(1,)]
    assert rows(db, "SELECT 1 FROM customer_terms WHERE customer_id = ?", GONE) == []
    assert balances(db)[GONE] == before
    assert last_change(db, "customer").customer == sync_pb2.Customer(id=GONE, deleted=True)
    assert last_change(db, "card").card == sync_pb2.Card(
        barcode=GONE_CARD, customer_id=GONE, blocked=True)
    # A till's edit stamped after the delete is acknowledged and changes nothing.
    kinds = feed_kinds(db)
    push(db, update(GONE, "Новий", consent_email=True))
    assert rows(db, "SELECT surname FROM customers WHERE id = ?", GONE) == [("",)]
    assert rows(db, "SELECT granted FROM customer_consents WHERE customer_id = ?", GONE) == [
        (0,)]
    assert feed_kinds(db) == kinds


def test_a_merge_moves_cards_points_purchases_and_terms_to_the_survivor(db: Path) -> None:
    gone_sale = sale_event(GONE)
    push(db, gone_sale, sale_event(SURVIVOR))  # both spends are overdrafts
    total = sum(balances(db).values())
    done = central(db, "merge-customers", SURVIVOR, GONE)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (f"customer {GONE} merged into {SURVIVOR}; moved: cards 1, "
                           "ledger entries 2, purchases 1\n")
    assert balances(db) == {SURVIVOR: total}
    assert rows(db, "SELECT customer_id, blocked FROM cards WHERE barcode = ?", GONE_CARD) == [
        (SURVIVOR, 0)]
    for table in ("customer_purchases", "receipts", "overdrafts"):
        assert rows(db, f"SELECT DISTINCT customer_id FROM {table}") == [(SURVIVOR,)]
    # The survivor had no terms of its own: it takes the gone customer's.
    assert rows(db, "SELECT customer_id, groups FROM customer_terms WHERE customer_id IN "
                    "(?, ?)", GONE, SURVIVOR) == [(SURVIVOR, '["vip", "birthday"]')]
    assert rows(db, "SELECT phone FROM customers WHERE id = ?", GONE) == [("",)]
    assert checksum_matches_rows(db)
    kinds = feed_kinds(db)
    assert kinds[kinds.index("customer_merged"):] == [
        "customer_merged", "card", "ledger_entry", "ledger_entry", "customer_purchase",
        "customer_terms", "customer"]
    assert last_change(db, "customer_merged").customer_merged == sync_pb2.CustomerMerged(
        gone_id=GONE, survivor_id=SURVIVOR)
    refed = last_change(db, "ledger_entry").ledger_entry
    assert refed.customer_id == SURVIVOR
    assert refed.id in {e.id for e in gone_sale.sale_closed.ledger_entries}


def test_the_survivor_keeps_its_own_terms(db: Path) -> None:
    assert central(db, "merge-customers", THIRD, GONE).returncode == 0
    assert rows(db, "SELECT customer_id, price_list FROM customer_terms") == [(THIRD, "opt-1")]


def test_events_pushed_later_for_a_merged_away_customer_land_on_the_survivor(
    db: Path,
) -> None:
    """THIRD is merged into GONE, then GONE into SURVIVOR: the chain is followed."""
    early = sale_event(THIRD)
    push(db, early)
    assert central(db, "merge-customers", GONE, THIRD).returncode == 0
    assert central(db, "merge-customers", SURVIVOR, GONE).returncode == 0
    late = sale_event(THIRD)  # made offline before the till heard of either merge
    push(db, late)  # a batch of sales only: the bulk path hands it to the careful one
    push(db, return_event(early.sale_closed), update(THIRD, "Іванова-Шевченко"))
    assert balances(db) == {SURVIVOR: 2 * (530 - 1000) + 455 - 243}
    assert rows(db, "SELECT customer_id FROM receipts WHERE id = ?",
                late.sale_closed.receipt_id) == [(SURVIVOR,)]
    assert rows(db, "SELECT customer_id FROM returns") == [(SURVIVOR,)]
    assert rows(db, "SELECT id, surname FROM customers WHERE id IN (?, ?) ORDER BY id",
                THIRD, SURVIVOR) == [(THIRD, ""), (SURVIVOR, "Іванова-Шевченко")]
    assert checksum_matches_rows(db)


def _state(db: Path) -> list[object]:
    return [feed_kinds(db), rows(db, "SELECT * FROM customers ORDER BY id"),
            rows(db, "SELECT * FROM cards ORDER BY barcode"),
            rows(db, "SELECT * FROM customer_versions ORDER BY customer_id, field")]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("merge-customers", SURVIVOR, SURVIVOR),
         f"cannot merge customer {SURVIVOR!r} into itself"),
        (("merge-customers", SURVIVOR, "c-nobody"), "no customer 'c-nobody'"),
        (("merge-customers", "c-nobody", GONE), "no customer 'c-nobody'"),
        (("merge-customers", THIRD, SURVIVOR), f"customer {THIRD!r} is deleted"),
        (("merge-customers", SURVIVOR, THIRD), f"customer {THIRD!r} is deleted"),
        (("delete-customer", THIRD), f"customer {THIRD!r} is deleted"),
        (("delete-customer", "c-nobody"), "no customer 'c-nobody'"),
    ],
    ids=["into itself", "unknown gone", "unknown survivor", "deleted survivor",
         "deleted gone", "deleted twice", "delete unknown"],
)
def test_bad_deletes_and_merges_exit_2_and_change_nothing(
    db: Path, args: tuple[str, ...], error: str
) -> None:
    assert central(db, "delete-customer", THIRD).returncode == 0
    before = _state(db)
    done = central(db, *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {error}\n")
    assert _state(db) == before
