"""Catalog and customers loaded from JSON files at central (until the HQ console exists).

``central load-catalog`` stores categories and products, ``central load-customers``
customers with their cards; docs/sync.md gives both formats. Every row is checked, against
the file and against central's data, before anything is stored; an error is an
``InputError`` naming the row and field, e.g. ``products[3].price``.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from central.storage import customers
from central.storage.events import upsert_card
from central.storage.feed import FeedBuffer
from kassa.domain.phones import InvalidPhone, normalize_phone
from kassa.domain.pricing import InputError
from kassa.domain.restrictions import parse_hhmm
from kassa.replication.hlc import Stamp
from kassa.sync.v1 import sync_pb2

CATEGORY_FIELDS = ("id", "name", "parent_id", "min_age", "no_sale_from", "no_sale_to")
PRODUCT_FIELDS = ("id", "name", "article", "barcodes", "category", "price", "vat_rate_bp",
                  "weighted", "active", "plu", "scheduled_prices")
CUSTOMER_FIELDS = ("id", "surname", "first_name", "patronymic", "phone", "email", "cards")
PRICE = "must be a whole number of minor units >= 0"
MAX_MINOR = 2**63 - 1
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class _Fields:
    """One JSON object of a file; errors name ``<path>.<field>``."""

    def __init__(self, item: object, path: str, known: tuple[str, ...]) -> None:
        if not isinstance(item, dict):
            raise InputError(path, "must be an object")
        for key in item:
            if key not in known:
                raise InputError(self._join(path, key), "unknown field")
        self.item: dict[str, Any] = item
        self.path = path

    @staticmethod
    def _join(path: str, name: str) -> str:
        return f"{path}.{name}" if path else name

    def at(self, name: str) -> str:
        return self._join(self.path, name)

    def text(self, name: str, *, required: bool = False) -> str:
        value = self.item.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise InputError(self.at(name), "must be text")
        if required and not value.strip():
            raise InputError(self.at(name), "is required")
        return value.strip()

    def whole(self, name: str, message: str, high: int, default: int | None = None) -> int:
        """A whole number in 0..high; required unless it has a default."""
        value = self.item.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise InputError(self.at(name), message)
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.item.get(name, default)
        if not isinstance(value, bool):
            raise InputError(self.at(name), "must be true or false")
        return value

    def items(self, name: str) -> list[Any]:
        value = self.item.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InputError(self.at(name), "must be a list")
        return value

    def codes(self, name: str) -> list[str]:
        """Barcodes: distinct texts without spaces."""
        found: list[str] = []
        for index, code in enumerate(self.items(name)):
            if not isinstance(code, str) or not code or code != "".join(code.split()):
                raise InputError(f"{self.at(name)}[{index}]", "must be a code without spaces")
            if code in found:
                raise InputError(f"{self.at(name)}[{index}]", f"repeats {code!r}")
            found.append(code)
        return found


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError("", f"not valid JSON: {exc}") from None


# --- catalog ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """Categories and products read from a catalog file."""

    categories: list[sync_pb2.Category]
    products: list[sync_pb2.Product]


def parse_catalog_file(text: str) -> Catalog:
    """A catalog from ``{"categories": [...], "products": [...]}``; InputError names the
    row and field."""
    top = _Fields(_load(text), "", ("categories", "products"))
    return Catalog(
        [_category(item, f"categories[{i}]") for i, item in enumerate(top.items("categories"))],
        [_product(item, f"products[{i}]") for i, item in enumerate(top.items("products"))],
    )


def _category(item: object, path: str) -> sync_pb2.Category:
    f = _Fields(item, path, CATEGORY_FIELDS)
    category = sync_pb2.Category(
        id=f.text("id", required=True), name=f.text("name", required=True),
        parent_id=f.text("parent_id"),
        min_age=f.whole("min_age", "must be an age in years (0: no check)", 99, 0),
        no_sale_from=_time_of_day(f, "no_sale_from"), no_sale_to=_time_of_day(f, "no_sale_to"),
    )
    if bool(category.no_sale_from) != bool(category.no_sale_to):
        raise InputError(f.at("no_sale_to"), "no_sale_from and no_sale_to go together")
    return category


def _time_of_day(f: _Fields, name: str) -> str:
    text = f.text(name)
    try:
        return parse_hhmm(text).strftime("%H:%M") if text else ""
    except ValueError as exc:
        raise InputError(f.at(name), str(exc)) from None


def _product(item: object, path: str) -> sync_pb2.Product:
    f = _Fields(item, path, PRODUCT_FIELDS)
    return sync_pb2.Product(
        id=f.text("id", required=True), name=f.text("name", required=True),
        article=f.text("article"), barcodes=f.codes("barcodes"), category=f.text("category"),
        price=f.whole("price", PRICE, MAX_MINOR),
        vat_rate_bp=f.whole("vat_rate_bp", "must be basis points, 0 to 10000 (2000 = 20%)",
                            10_000, 0),
        weighted=f.flag("weighted", False), active=f.flag("active", True),
        plu=f.whole("plu", "must be a scale PLU, 1 to 99999 (0: none)", 99_999, 0),
        scheduled_prices=_schedule(f.items("scheduled_prices"), f.at("scheduled_prices")),
    )


def _schedule(items: list[Any], path: str) -> list[sync_pb2.ScheduledPrice]:
    """Scheduled prices, oldest first; two at the same moment are refused."""
    found: dict[datetime, sync_pb2.ScheduledPrice] = {}
    for index, item in enumerate(items):
        f = _Fields(item, f"{path}[{index}]", ("price", "effective_from"))
        moment = _moment(f, "effective_from")
        if moment in found:
            raise InputError(f.at("effective_from"), "another scheduled price takes effect then")
        found[moment] = sync_pb2.ScheduledPrice(price=f.whole("price", PRICE, MAX_MINOR))
        found[moment].effective_from.FromDatetime(moment)
    return [found[moment] for moment in sorted(found)]


def _moment(f: _Fields, name: str) -> datetime:
    message = "must be a date and time with its UTC offset, e.g. 2026-12-01T00:00:00+02:00"
    try:
        moment = datetime.fromisoformat(f.text(name, required=True))
    except ValueError:
        raise InputError(f.at(name), message) from None
    if moment.utcoffset() is None:
        raise InputError(f.at(name), message)
    return moment


def put_catalog(conn: sqlite3.Connection, feed: FeedBuffer, catalog: Catalog) -> None:
    """Check the catalog against itself and central's, then store and feed every row."""
    _check_products(conn, catalog.products, _check_categories(conn, catalog.categories))
    for category in catalog.categories:
        conn.execute(
            "INSERT INTO categories (id, payload) VALUES (?, ?) "
            "ON CONFLICT (id) DO UPDATE SET payload = excluded.payload",
            (category.id, category.SerializeToString(deterministic=True)),
        )
        feed.add("category", category.id, category)
    for product in catalog.products:
        store_product(conn, feed, product)


def store_product(conn: sqlite3.Connection, feed: FeedBuffer, product: sync_pb2.Product) -> None:
    """Store a product (replacing it) and feed it."""
    conn.execute(
        "INSERT INTO products (id, name, category, price, payload) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET name = excluded.name, category = "
        "excluded.category, price = excluded.price, payload = excluded.payload",
        (product.id, product.name, product.category, product.price,
         product.SerializeToString(deterministic=True)),
    )
    feed.add("product", product.id, product)


def _ids(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}")}


def _unique(ids: Iterable[str], rows: str) -> set[str]:
    """The ids of a file's rows; InputError at the first that repeats one."""
    first: dict[str, int] = {}
    for index, row_id in enumerate(ids):
        if row_id in first:
            raise InputError(f"{rows}[{index}].id", f"repeats {rows}[{first[row_id]}]")
        first[row_id] = index
    return set(first)


def _check_categories(
    conn: sqlite3.Connection, categories: list[sync_pb2.Category]
) -> set[str]:
    """Every category id central will know: the file's, once each and each with a known
    parent, and central's; InputError otherwise."""
    known = _unique((c.id for c in categories), "categories") | _ids(conn, "categories")
    for index, category in enumerate(categories):
        if category.parent_id == category.id:
            raise InputError(f"categories[{index}].parent_id", "is the category itself")
        if category.parent_id and category.parent_id not in known:
            raise InputError(f"categories[{index}].parent_id",
                             f"no category {category.parent_id!r}")
    return known


def _check_products(
    conn: sqlite3.Connection, products: list[sync_pb2.Product], categories: set[str]
) -> None:
    """Products once each, in known categories, with barcodes and PLUs no other product
    (in the file or at central) has."""
    ids = _unique((p.id for p in products), "products")
    barcodes, plus = _code_owners(conn, ids)
    for index, product in enumerate(products):
        path = f"products[{index}]"
        if product.category and product.category not in categories:
            raise InputError(f"{path}.category", f"no category {product.category!r}")
        for position, code in enumerate(product.barcodes):
            _claim(barcodes, code, product.id, f"{path}.barcodes[{position}]")
        if product.plu:
            _claim(plus, product.plu, product.id, f"{path}.plu")


def _code_owners(
    conn: sqlite3.Connection, replaced: set[str]
) -> tuple[dict[str, str], dict[int, str]]:
    """Barcodes and PLUs of central's products the file does not replace, with their owner."""
    barcodes: dict[str, str] = {}
    plus: dict[int, str] = {}
    for product_id, payload in conn.execute("SELECT id, payload FROM products"):
        if product_id in replaced:
            continue
        product = sync_pb2.Product.FromString(payload)
        barcodes.update(dict.fromkeys(product.barcodes, product_id))
        if product.plu:
            plus[product.plu] = product_id
    return barcodes, plus


def _claim(owners: dict[Any, str], code: str | int, product_id: str, field: str) -> None:
    owner = owners.setdefault(code, product_id)
    if owner != product_id:
        raise InputError(field, f"{code!r} belongs to product {owner!r}")


# --- customers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CustomerRow:
    """One row of a customers file: the fields it sets, and cards to issue."""

    customer: sync_pb2.Customer
    fields: tuple[str, ...]
    cards: list[str]


def parse_customers_file(text: str, region: str) -> list[CustomerRow]:
    """Customers from a JSON list; phones without a country code are read in ``region``."""
    value = _load(text)
    if not isinstance(value, list):
        raise InputError("", "the file must hold a JSON list of customers")
    return [_customer(item, f"[{i}]", region) for i, item in enumerate(value)]


def _customer(item: object, path: str, region: str) -> CustomerRow:
    f = _Fields(item, path, CUSTOMER_FIELDS)
    customer = sync_pb2.Customer(
        id=f.text("id", required=True), surname=f.text("surname"),
        first_name=f.text("first_name", required=True), patronymic=f.text("patronymic"),
        phone=_phone(f, region), email=_email(f),
    )
    fields = tuple(name for name in customers.FIELDS if name in f.item)
    return CustomerRow(customer, fields, f.codes("cards"))


def _phone(f: _Fields, region: str) -> str:
    try:
        return normalize_phone(f.text("phone", required=True), region)
    except InvalidPhone as exc:
        raise InputError(f.at("phone"), str(exc)) from None


def _email(f: _Fields) -> str:
    email = f.text("email")
    if email and not EMAIL.fullmatch(email):
        raise InputError(f.at("email"), f"not an email address: {email!r}")
    return email


def put_customers(
    conn: sqlite3.Connection, feed: FeedBuffer, rows: list[CustomerRow], stamp: Stamp, at: str
) -> None:
    """Check every row, then create or update each customer (an HQ edit of the fields
    its row has, merged like any edit) and issue its new cards."""
    _check_customers(conn, rows)
    for row in rows:
        customer_id = row.customer.id
        if not customers.exists(conn, customer_id):
            customers.create(conn, customer_id, "", "")
        edits = customers.edits_of(row.customer, row.fields, stamp, "")
        customers.merge(conn, feed, customer_id, edits, at)
        for code in row.cards:
            if _card_owner(conn, code) is None:
                upsert_card(conn, feed, sync_pb2.Card(barcode=code, customer_id=customer_id))


def _check_customers(conn: sqlite3.Connection, rows: list[CustomerRow]) -> None:
    """Customers once each, none deleted or merged away, with no phone or card another
    customer (in the file or at central) has."""
    _unique((row.customer.id for row in rows), "")
    new_phones = {row.customer.id: row.customer.phone for row in rows}
    phones: dict[str, str] = {}
    cards: dict[str, str] = {}
    for index, row in enumerate(rows):
        customer_id, phone = row.customer.id, row.customer.phone
        if customers.is_deleted(conn, customer_id):
            raise InputError(f"[{index}].id", f"customer {customer_id!r} was deleted or merged")
        owner = phones.setdefault(
            phone, _phone_owner(conn, phone, customer_id, new_phones) or customer_id)
        if owner != customer_id:
            raise InputError(f"[{index}].phone", f"{phone} is the phone of customer {owner!r}")
        for position, code in enumerate(row.cards):
            owner = cards.setdefault(code, _card_owner(conn, code) or customer_id)
            if owner != customer_id:
                raise InputError(f"[{index}].cards[{position}]",
                                 f"card {code!r} is issued to customer {owner!r}")


def _phone_owner(
    conn: sqlite3.Connection, phone: str, customer_id: str, new_phones: dict[str, str]
) -> str | None:
    """Another customer at central with this phone who keeps it (the file gives them
    no other one)."""
    for (other,) in conn.execute(
        "SELECT id FROM customers WHERE phone = ? AND id <> ? ORDER BY id", (phone, customer_id)
    ):
        if new_phones.get(other, phone) == phone:
            return str(other)
    return None


def _card_owner(conn: sqlite3.Connection, code: str) -> str | None:
    row = conn.execute("SELECT customer_id FROM cards WHERE barcode = ?", (code,)).fetchone()
    return None if row is None else str(row[0])
