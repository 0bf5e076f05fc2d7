"""The till prices with the engine (issue 3): discounts, points payment, returns and the
stored inputs that `edge price` reproduces. The till database is a real SQLite file fed
with the changes central sends (kassa.sync.v1), so no central process is needed here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edge.pricing_cli import main as edge_price
from edge.services.returns import ReturnDesk
from edge.services.session import TillSession
from edge.services.till import TillService
from edge.storage import changes, customers, sales
from edge.storage.database import Database
from kassa.domain.cart import Cart
from kassa.domain.pricing import parse_document, price_document
from kassa.domain.sale import SaleError, Tender
from kassa.sync.v1 import sync_pb2

NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # a Wednesday, 12:00 in Kyiv

PROGRAMS = {
    "stacking": {"mode": "sum"},
    "promotions": [
        {"id": "drinks-10", "version": 2, "name": "Drinks -10%", "percent": "10",
         "categories": ["drinks"]},
    ],
    "group_discounts": [
        {"id": "vip-3", "version": 1, "name": "VIP 3%", "group": "vip", "percent": "3"},
        {"id": "birthday-15", "version": 1, "name": "Birthday 15%", "group": "birthday",
         "percent": "15", "one_time": True},
    ],
    "bonus": {"id": "bonus", "version": 1, "name": "Bonus", "earn_points": 1,
              "earn_per": "1.00", "redeem_points": 100, "redeem_value": "1.00",
              "max_points_share": "20"},
    "category_rules": [
        {"category": "tobacco", "discounts": False, "points_payment": False,
         "earns_points": False},
    ],
    "price_lists": [
        {"id": "opt-1", "version": 1, "name": "Опт-1", "prices": {"p-cup": "80.00"}},
    ],
}

# (id, category, price, barcode)
PRODUCTS = [
    ("p-cup", "home", 10000, "1001"),
    ("p-plate", "home", 10000, "1002"),
    ("p-juice", "juice", 5890, "1003"),
    ("p-cigs", "tobacco", 10000, "1004"),
]


class FakeClock:
    """The till's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def _change(**entity: object) -> sync_pb2.Change:
    return sync_pb2.Change(**entity)  # type: ignore[arg-type]


def _central_changes(balance: int, groups: list[str], price_list: str = "") -> list[
    sync_pb2.Change
]:
    found = [
        _change(store=sync_pb2.Store(
            id="s1", name="Kyiv", time_zone="Europe/Kyiv", phone_region="UA", currency="UAH",
            currency_sign="грн", cash_step=10, receipt_barcode_prefix="R")),
        _change(category=sync_pb2.Category(id="drinks", name="Drinks")),
        _change(category=sync_pb2.Category(id="juice", name="Juice", parent_id="drinks")),
        _change(category=sync_pb2.Category(id="home", name="Home")),
        _change(category=sync_pb2.Category(id="tobacco", name="Tobacco")),
        _change(pricing_programs=sync_pb2.PricingPrograms(
            id="chain", version=1, json=json.dumps(PROGRAMS))),
        _change(customer=sync_pb2.Customer(id="c1", surname="Шевченко", first_name="Олена",
                                           phone="+380671234567")),
        _change(card=sync_pb2.Card(barcode="2000000000015", customer_id="c1")),
        _change(customer_terms=sync_pb2.CustomerTerms(
            customer_id="c1", groups=groups, price_list=price_list)),
    ]
    for pid, category, price, barcode in PRODUCTS:
        found.append(_change(product=sync_pb2.Product(
            id=pid, name=pid, category=category, price=price, barcodes=[barcode], active=True,
            vat_rate_bp=2000)))
    if balance:
        entry = sync_pb2.LedgerEntry(id="opening", customer_id="c1", points=balance,
                                     store_id="s0", reason="import")
        entry.created_at.FromDatetime(NOW - timedelta(days=30))
        found.append(_change(ledger_entry=entry))
    for seq, change in enumerate(found, start=1):
        change.seq = seq
    return found


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def till_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "till.db")
    yield database
    database.close()


def make_till(
    database: Database, clock: FakeClock, *, balance: int = 0, groups: list[str] | None = None,
    price_list: str = "",
) -> TillService:
    changes.apply_changes(database, _central_changes(balance, groups or [], price_list))
    return TillService(database, till_id="T1", store_id="s1", clock=clock)


def cart_of(till: TillService, *codes: str) -> Cart:
    cart = Cart()
    for code in codes:
        found = till.scan(code)
        assert not isinstance(found, str)
        cart.add(found.product)  # type: ignore[union-attr]
    return cart


def test_points_maximum_payment_and_return_of_one_line(till_db: Database, clock: FakeClock) -> None:
    """Issue 3 examples 2 and 3, made at the till: 5,000 points, two lines of 100.00
    payable up to 20%: 4,000 points offered; paid with 160.00 cash; 160 earned; balance
    1,160. Returning one line refunds 80.00, restores 2,000, annuls 80: balance 3,080."""
    till = make_till(till_db, clock, balance=5000)
    customer = till.customer_ref("c1")
    assert (customer.balance, customer.available) == (5000, 5000)
    cart = cart_of(till, "1001", "1002")
    offered = till.price(cart, customer)
    assert offered.points_max == 4000
    sale = till.close_sale(cart, Tender(cash=16000, points=4000), customer)
    assert sale.payments == (
        sale.payments[0].__class__("cash", 16000), sale.payments[0].__class__("points", 4000),
    )
    assert (sale.points_spent, sale.points_earned, sale.balance_after) == (4000, 160, 1160)
    assert sorted((e.points, e.reason) for e in sale.ledger) == [(-4000, "spend"), (160, "earn")]
    assert customers.balance(till_db, "c1") == 1160
    assert till.customer_ref("c1").lifetime == 20000

    desk = ReturnDesk(till)
    receipt = desk.find(sale.number)
    ret = desk.make(receipt, {2: 1000}, cashier_id="k", approved_by="m", shift_id="")
    assert (ret.refund, ret.points_restored, ret.points_annulled) == (8000, 2000, 80)
    assert ret.refunds == (ret.refunds[0].__class__("cash", 8000),)
    assert customers.balance(till_db, "c1") == 3080
    assert till.customer_ref("c1").lifetime == 10000


def test_discounts_are_stored_and_edge_price_reproduces_the_receipt(
    till_db: Database, clock: FakeClock, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    till = make_till(till_db, clock, groups=["vip"])
    customer = till.customer_ref("c1")
    assert customer.groups == ("VIP 3%",)
    cart = cart_of(till, "1003", "1001")
    sale = till.close_sale(cart, Tender(cash=20000), customer)
    juice, cup = sale.lines
    assert [(d.name, d.amount) for d in juice.discounts] == [("Drinks -10%", 589), ("VIP 3%", 177)]
    assert juice.total == 5890 - 589 - 177
    assert [(d.name, d.amount) for d in cup.discounts] == [("VIP 3%", 300)]
    # Cash rounds to the store's 0.10 step and the rounding is recorded.
    assert sale.total == 5124 + 9700
    assert (sale.paid_by("cash"), sale.cash_rounding) == (14820, -4)
    assert sale.change == 20000 - 14820
    stored = sales.get_receipt(till_db, sale.id)
    assert stored is not None
    assert [ln["discount_total"] for ln in stored["lines"]] == [766, 300]

    document = sales.pricing_document(till_db, sale.number)
    assert document is not None
    again = price_document(parse_document(document))
    assert again["receipt"] == json.loads(stored["pricing_json"])
    path = tmp_path / "doc.json"
    path.write_text(document, encoding="utf-8")
    assert edge_price([str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["receipt"] == again["receipt"]


def test_price_list_and_tobacco_rules(till_db: Database, clock: FakeClock) -> None:
    till = make_till(till_db, clock, balance=3000, price_list="opt-1", groups=["vip"])
    customer = till.customer_ref("c1")
    assert customer.terms == ("Опт-1",)
    priced = till.price(cart_of(till, "1001", "1004"), customer)
    cup, cigs = priced.lines
    assert (cup.base_price, cup.price_list, cup.total) == (8000, "opt-1", 7760)
    assert (cigs.discounts, cigs.points_max, cigs.total) == ((), 0, 10000)
    assert priced.points_max == 1552  # 20% of the cup line (77.60) only


def test_one_time_discount_is_used_once_and_given_back_by_a_full_return(
    till_db: Database, clock: FakeClock
) -> None:
    till = make_till(till_db, clock, groups=["birthday"])
    first = till.close_sale(cart_of(till, "1001"), Tender(card=8500), till.customer_ref("c1"))
    assert first.one_time_used == ("birthday-15",)
    assert till.customer_ref("c1").groups == ()
    second = till.price(cart_of(till, "1001"), till.customer_ref("c1"))
    assert second.lines[0].discounts == ()
    desk = ReturnDesk(till)
    ret = desk.make(desk.find(first.number), {1: 1000}, cashier_id="k", approved_by="m",
                    shift_id="")
    assert ret.one_time_restored == ("birthday-15",)
    assert ret.refunds == (ret.refunds[0].__class__("card", 8500),)
    assert till.customer_ref("c1").groups == ("Birthday 15%",)


def test_bad_points_and_over_returns_write_nothing(till_db: Database, clock: FakeClock) -> None:
    till = make_till(till_db, clock, balance=5000)
    customer = till.customer_ref("c1")

    def facts() -> tuple[int, int, int]:
        return (till_db.scalar("SELECT COUNT(*) FROM receipts"),
                till_db.scalar("SELECT COUNT(*) FROM ledger_entries"),
                till_db.scalar("SELECT COUNT(*) FROM outbox"))

    before = facts()
    with pytest.raises(SaleError, match="at most 2000 points"):
        till.close_sale(cart_of(till, "1001"), Tender(cash=10000, points=2100), customer)
    with pytest.raises(SaleError, match="no customer"):
        till.close_sale(cart_of(till, "1001"), Tender(cash=10000, points=100), None)
    with pytest.raises(SaleError, match="less than"):
        till.close_sale(cart_of(till, "1001"), Tender(cash=7000, points=2000), customer)
    assert facts() == before

    sale = till.close_sale(cart_of(till, "1001"), Tender(cash=8000, points=2000), customer)
    desk = ReturnDesk(till)
    desk.make(desk.find(sale.number), {1: 1000}, cashier_id="k", approved_by="m", shift_id="")
    before = facts()
    with pytest.raises(SaleError, match="left to return"):
        desk.make(desk.find(sale.number), {1: 1000}, cashier_id="k", approved_by="m",
                  shift_id="")
    assert facts() == before
    assert customers.balance(till_db, "c1") == 5000


def test_points_earned_become_spendable_after_the_delay(
    till_db: Database, clock: FakeClock
) -> None:
    delayed = dict(PROGRAMS, bonus=dict(PROGRAMS["bonus"], spend_delay_days=14))  # type: ignore[arg-type]
    change = _change(pricing_programs=sync_pb2.PricingPrograms(
        id="chain", version=2, json=json.dumps(delayed)), seq=100)
    till = make_till(till_db, clock)
    changes.apply_changes(till_db, [change])
    till.close_sale(cart_of(till, "1001"), Tender(cash=10000), till.customer_ref("c1"))
    assert (till.customer_ref("c1").balance, till.customer_ref("c1").available) == (100, 0)
    clock.now = NOW + timedelta(days=15)
    assert till.customer_ref("c1").available == 100


def test_offline_redemption_is_capped_per_customer_and_by_the_store_budget(
    till_db: Database, clock: FakeClock
) -> None:
    """N2: a till that has not synced lately lets a customer spend at most the store's
    per-customer cap, and its customers together at most the offline budget."""
    till = make_till(till_db, clock, balance=50000)
    limits = sync_pb2.Store(
        id="s1", name="Kyiv", time_zone="Europe/Kyiv", phone_region="UA", currency="UAH",
        currency_sign="грн", cash_step=10, offline_points_cap=1000, offline_points_budget=1500)
    changes.apply_changes(till_db, [_change(store=limits, seq=200)])
    customer = till.customer_ref("c1")
    cart = cart_of(till, "1001", "1002")  # 4,000 points payable online
    offline = till.price(cart, customer)
    assert (offline.points_max, offline.points_spent) == (1000, 1000)
    till.close_sale(cart, Tender(cash=19000, points=1000), customer)
    assert till.price(cart_of(till, "1001"), customer).points_max == 500
    with pytest.raises(SaleError, match="offline: at most 500 points"):
        till.close_sale(cart_of(till, "1001"), Tender(cash=10000, points=600), customer)

    changes.mark_synced(till_db, clock.now)
    assert till.price(cart, till.customer_ref("c1")).points_max == 4000
    clock.now += timedelta(minutes=3)
    assert till.price(cart, till.customer_ref("c1")).points_max == 1000


def test_a_receipt_holding_a_merged_away_customer_prices_and_closes_as_the_survivor(
    till_db: Database, clock: FakeClock
) -> None:
    till = make_till(till_db, clock, balance=5000)
    gone = till.customer_ref("c1")
    survivor = sync_pb2.Customer(id="c2", surname="Шевченко", phone="+380671234568")
    changes.apply_changes(till_db, [
        _change(customer=survivor, seq=300),
        _change(customer_merged=sync_pb2.CustomerMerged(gone_id="c1", survivor_id="c2"),
                seq=301),
    ])
    assert till.price(cart_of(till, "1001"), gone).balance_before == 5000
    sale = till.close_sale(cart_of(till, "1001"), Tender(cash=10000), gone)
    assert sale.customer is not None and sale.customer.id == "c2"
    assert customers.balance(till_db, "c2") == 5100


def test_a_receipt_reads_the_customer_profile_once_and_afresh_for_the_payment(
    till_db: Database, clock: FakeClock
) -> None:
    """Scans re-price with the profile read when the customer joined the receipt (its cost
    grows with their history); the payment and the closing sale read it again."""
    session = TillSession(make_till(till_db, clock, balance=5000))
    session.set_customer(session.service.customer_ref("c1"))
    session.cart = cart_of(session.service, "1001", "1002")
    assert session.priced().balance_before == 5000
    earned = sync_pb2.LedgerEntry(id="elsewhere", customer_id="c1", points=1000,
                                  store_id="s2", reason="earn")
    earned.created_at.FromDatetime(NOW - timedelta(days=1))
    changes.apply_changes(till_db, [sync_pb2.Change(seq=100, ledger_entry=earned)])

    assert session.priced().balance_before == 5000  # the receipt's profile, by design
    paying = session.priced(fresh=True)
    assert (paying.balance_before, paying.points_max) == (6000, 4000)
    assert session.priced(1000).balance_before == 6000  # the fresh one is kept
    sale = session.service.close_sale(session.cart, Tender(cash=20000), session.customer)
    assert sale.balance_after == 6000 + sale.points_earned

    session.set_customer(None)
    session.set_customer(session.service.customer_ref("c1"))
    assert session.priced().balance_before == 6000 + sale.points_earned
