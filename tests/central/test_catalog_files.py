"""`central load-catalog` and `central load-customers` on a real database file: every row
checked, all or nothing, the row and field named."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from central.storage.sqlite import SqliteStorage
from kassa.sync.v1 import sync_pb2
from tests.central.test_load_cli import central, feed_kinds, query
from tests.central_process import prepare_chain

CATALOG: dict[str, Any] = {
    "categories": [
        {"id": "tea", "name": "Чай", "parent_id": "drinks"},
        {"id": "tobacco", "name": "Тютюн", "min_age": 18, "no_sale_from": "22:00",
         "no_sale_to": "8:00"},
    ],
    "products": [
        {"id": "p-tea", "name": "Чай зелений 100 г", "article": "tea-100",
         "barcodes": ["4820000000130", "4820000000147"], "category": "tea", "price": 8990,
         "vat_rate_bp": 2000,
         "scheduled_prices": [
             {"price": 7990, "effective_from": "2026-12-01T00:00:00+02:00"},
             {"price": 8490, "effective_from": "2026-11-28T00:00:00+02:00"},
         ]},
        {"id": "p-pears", "name": "Груші, 1 кг", "category": "produce", "price": 5490,
         "weighted": True, "plu": 2},
        {"id": "p-bread", "name": "Хліб житній", "article": "bread",
         "barcodes": ["4820000000017"], "category": "bakery", "price": 3490,
         "vat_rate_bp": 2000, "active": False},
    ],
}

CUSTOMERS: list[dict[str, Any]] = [
    {"id": "c-bondar", "surname": "Бондар", "first_name": "Ганна", "phone": "050 765 43 21",
     "email": "hanna@example.com", "cards": ["2000000000046"]},
    {"id": "c-shevchenko", "first_name": "Олена", "phone": "+380 67 123 45 67",
     "email": "olena@example.com", "cards": ["2000000000015", "2000000000053"]},
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "central.db"
    prepare_chain(path)
    return path


def _write(tmp_path: Path, value: object) -> Path:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


def _product(db: Path, product_id: str) -> sync_pb2.Product:
    ((payload,),) = query(db, f"SELECT payload FROM products WHERE id = '{product_id}'")
    assert isinstance(payload, bytes)
    return sync_pb2.Product.FromString(payload)


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_load_catalog_stores_categories_and_products_and_feeds_them(
    db: Path, tmp_path: Path
) -> None:
    before = feed_kinds(db)
    done = central(db, "load-catalog", str(_write(tmp_path, CATALOG)))
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "2 categories and 3 products stored\n", "")
    assert feed_kinds(db) == [*before, "category", "category", "product", "product", "product"]
    tea = _product(db, "p-tea")
    assert (tea.name, tea.article, list(tea.barcodes), tea.category, tea.price,
            tea.vat_rate_bp, tea.active, tea.weighted) == (
        "Чай зелений 100 г", "tea-100", ["4820000000130", "4820000000147"], "tea", 8990, 2000,
        True, False)
    assert [(s.price, s.effective_from.ToDatetime(tzinfo=UTC)) for s in tea.scheduled_prices] == [
        (8490, _moment("2026-11-28T00:00:00+02:00")), (7990, _moment("2026-12-01T00:00:00+02:00"))]
    pears = _product(db, "p-pears")
    assert (pears.weighted, pears.plu, pears.vat_rate_bp) == (True, 2, 0)
    bread = _product(db, "p-bread")
    assert (bread.price, bread.active) == (3490, False)
    ((tobacco,),) = query(db, "SELECT payload FROM categories WHERE id = 'tobacco'")
    assert isinstance(tobacco, bytes)
    assert sync_pb2.Category.FromString(tobacco) == sync_pb2.Category(
        id="tobacco", name="Тютюн", min_age=18, no_sale_from="22:00", no_sale_to="08:00")


def _set(path: tuple[str | int, ...], value: object) -> Callable[[Any], None]:
    def spoil(document: Any) -> None:
        for key in path[:-1]:
            document = document[key]
        document[path[-1]] = value
    return spoil


def _drop(path: tuple[str | int, ...]) -> Callable[[Any], None]:
    def spoil(document: Any) -> None:
        for key in path[:-1]:
            document = document[key]
        del document[path[-1]]
    return spoil


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (_set(("products", 1, "price"), -1),
         "products[1].price: must be a whole number of minor units >= 0"),
        (_set(("products", 1, "price"), "54.90"),
         "products[1].price: must be a whole number of minor units >= 0"),
        (_drop(("products", 2, "price")),
         "products[2].price: must be a whole number of minor units >= 0"),
        (_set(("products", 0, "colour"), "green"), "products[0].colour: unknown field"),
        (_set(("products", 1, "name"), " "), "products[1].name: is required"),
        (_set(("products", 1, "category"), "fruit"), "products[1].category: no category 'fruit'"),
        (_set(("products", 0, "barcodes", 1), "4820000000024"),
         "products[0].barcodes[1]: '4820000000024' belongs to product 'p-milk'"),
        (_set(("products", 0, "barcodes", 1), "4820000000130"),
         "products[0].barcodes[1]: repeats '4820000000130'"),
        (_set(("products", 1, "plu"), 1), "products[1].plu: 1 belongs to product 'p-apples'"),
        (_set(("products", 1, "vat_rate_bp"), 20.0),
         "products[1].vat_rate_bp: must be basis points, 0 to 10000 (2000 = 20%)"),
        (_set(("products", 1, "weighted"), "yes"), "products[1].weighted: must be true or false"),
        (_set(("products", 2, "id"), "p-tea"), "products[2].id: repeats products[0]"),
        (_set(("products", 0, "scheduled_prices", 1, "effective_from"), "2026-11-28 00:00"),
         "products[0].scheduled_prices[1].effective_from: must be a date and time with its "
         "UTC offset, e.g. 2026-12-01T00:00:00+02:00"),
        (_set(("products", 0, "scheduled_prices", 1, "effective_from"),
              "2026-11-30T22:00:00+00:00"),
         "products[0].scheduled_prices[1].effective_from: another scheduled price takes "
         "effect then"),
        (_set(("categories", 0, "parent_id"), "beverages"),
         "categories[0].parent_id: no category 'beverages'"),
        (_drop(("categories", 1, "no_sale_to")),
         "categories[1].no_sale_to: no_sale_from and no_sale_to go together"),
        (_set(("categories", 1, "no_sale_from"), "late"),
         "categories[1].no_sale_from: not a time of day (HH:MM): 'late'"),
        (_set(("shops",), []), "shops: unknown field"),
    ],
)
def test_a_bad_catalog_row_is_refused_naming_it_and_nothing_is_stored(
    db: Path, spoil: Callable[[Any], None], error: str
) -> None:
    catalog = copy.deepcopy(CATALOG)
    spoil(catalog)
    before = (feed_kinds(db), query(db, "SELECT id, payload FROM products ORDER BY id"),
              query(db, "SELECT id FROM categories ORDER BY id"))
    done = central(db, "load-catalog", "-", stdin=json.dumps(catalog, ensure_ascii=False))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {error}\n")
    assert (feed_kinds(db), query(db, "SELECT id, payload FROM products ORDER BY id"),
            query(db, "SELECT id FROM categories ORDER BY id")) == before


def test_a_catalog_that_is_not_json_or_missing_is_refused(db: Path, tmp_path: Path) -> None:
    done = central(db, "load-catalog", "-", stdin="[")
    assert done.returncode == 2 and done.stderr.startswith("error: not valid JSON")
    done = central(db, "load-catalog", str(tmp_path / "nowhere.json"))
    assert done.returncode == 2 and "nowhere.json" in done.stderr


def _customer(db: Path, customer_id: str) -> tuple[object, ...]:
    (row,) = query(db, "SELECT surname, first_name, patronymic, phone, email FROM customers"
                         f" WHERE id = '{customer_id}'")
    return row


def test_load_customers_creates_and_updates_customers_and_issues_cards(
    db: Path, tmp_path: Path
) -> None:
    rows = [*CUSTOMERS, {"id": "c-petrov", "first_name": "Пётр", "phone": "8 916 765-43-21"}]
    rows[0] = {**rows[0], "phone": "+380 50 765 43 21"}
    before = feed_kinds(db)
    done = central(db, "load-customers", "--region", "RU", str(_write(tmp_path, rows)))
    assert (done.returncode, done.stdout, done.stderr) == (0, "3 customers stored\n", "")
    assert _customer(db, "c-bondar") == (
        "Бондар", "Ганна", "", "+380507654321", "hanna@example.com")
    # Fields the row leaves out (surname, patronymic) stay as they were.
    assert _customer(db, "c-shevchenko") == (
        "Шевченко", "Олена", "Петрівна", "+380671234567", "olena@example.com")
    assert _customer(db, "c-petrov")[3] == "+79167654321"
    assert query(db, "SELECT barcode, customer_id FROM cards WHERE barcode IN "
                     "('2000000000046', '2000000000053') ORDER BY barcode") == [
        ("2000000000046", "c-bondar"), ("2000000000053", "c-shevchenko")]
    assert feed_kinds(db)[len(before):] == [
        "customer", "card", "customer", "card", "customer"]


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (_set((1, "phone"), "12345"), "[1].phone: not a valid phone number: '12345'"),
        (_set((0, "phone"), "050 111 22 33"),
         "[0].phone: +380501112233 is the phone of customer 'c-kovalenko'"),
        (_set((1, "phone"), "050 765 43 21"),
         "[1].phone: +380507654321 is the phone of customer 'c-bondar'"),
        (_set((0, "cards"), ["2000000000022"]),
         "[0].cards[0]: card '2000000000022' is issued to customer 'c-kovalenko'"),
        (_set((1, "id"), "c-bondar"), "[1].id: repeats [0]"),
        (_drop((0, "first_name")), "[0].first_name: is required"),
        (_set((0, "email"), "hanna.example.com"),
         "[0].email: not an email address: 'hanna.example.com'"),
        (_set((0, "birthday"), "1990-01-01"), "[0].birthday: unknown field"),
    ],
)
def test_a_bad_customer_row_is_refused_naming_it_and_nothing_is_stored(
    db: Path, spoil: Callable[[Any], None], error: str
) -> None:
    rows = copy.deepcopy(CUSTOMERS)
    spoil(rows)
    before = (feed_kinds(db), query(db, "SELECT * FROM customers ORDER BY id"),
              query(db, "SELECT * FROM cards ORDER BY barcode"))
    done = central(db, "load-customers", "-", stdin=json.dumps(rows, ensure_ascii=False))
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"error: {error}\n")
    assert (feed_kinds(db), query(db, "SELECT * FROM customers ORDER BY id"),
            query(db, "SELECT * FROM cards ORDER BY barcode")) == before


def test_a_customer_moving_to_a_phone_another_row_gives_up_is_loaded(db: Path) -> None:
    """Коваленко takes Шевченко's phone while Шевченко takes a new one: no conflict."""
    rows = [{"id": "c-kovalenko", "first_name": "Іван", "phone": "+380671234567"},
            {"id": "c-shevchenko", "first_name": "Олена", "phone": "+380507654321"}]
    done = central(db, "load-customers", "-", stdin=json.dumps(rows))
    assert done.returncode == 0, done.stderr
    assert _customer(db, "c-kovalenko")[3] == "+380671234567"


def test_a_deleted_customer_is_not_loaded(db: Path) -> None:
    storage = SqliteStorage(db)
    try:
        storage.delete_customer("c-kovalenko")
    finally:
        storage.close()
    rows = [{"id": "c-kovalenko", "first_name": "Іван", "phone": "+380501112233"}]
    done = central(db, "load-customers", "-", stdin=json.dumps(rows))
    assert (done.returncode, done.stderr) == (
        2, "error: [0].id: customer 'c-kovalenko' was deleted or merged\n")
