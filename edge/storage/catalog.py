"""Products and store settings as the till holds them (they come from central)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from edge.storage.database import Database
from kassa.domain.cart import Product


@dataclass(frozen=True)
class StoreSettings:
    """A store's regional settings (R1)."""

    id: str
    name: str
    time_zone: str
    phone_region: str
    currency: str
    currency_sign: str
    weight_label_prefixes: str = ""
    card_prefixes: str = ""
    receipt_barcode_prefix: str = ""
    receipt_language: str = ""
    cash_step: int = 1


def _product(row: dict[str, Any], barcode: str) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        price=row["price"],
        barcode=barcode,
        category=row["category"],
        weighted=bool(row["weighted"]),
        vat_rate=row["vat_rate_bp"],
    )


def find_product(database: Database, code: str) -> Product | None:
    """An active product by one of its barcodes, else by its article."""
    row = database.one(
        "SELECT p.*, b.barcode FROM product_barcodes b JOIN products p ON p.id = b.product_id "
        "WHERE b.barcode = ? AND p.active",
        (code,),
    )
    if row is not None:
        return _product(row, row["barcode"])
    row = database.one("SELECT * FROM products WHERE article = ? AND active", (code,))
    if row is None:
        return None
    first = database.scalar(
        "SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY barcode", (row["id"],)
    )
    return _product(row, first or "")


def find_by_plu(database: Database, plu: int) -> Product | None:
    """The active product a scale label's PLU refers to."""
    row = database.one("SELECT * FROM products WHERE plu = ? AND active", (plu,))
    if row is None:
        return None
    first = database.scalar(
        "SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY barcode", (row["id"],)
    )
    return _product(row, first or "")


def search_products(database: Database, key: str, limit: int = 100) -> list[Product]:
    """Active products whose name contains ``key`` (already a search key), by name."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = database.rows(
        "SELECT p.*, (SELECT MIN(barcode) FROM product_barcodes b WHERE b.product_id = p.id)"
        " AS first_barcode FROM products p WHERE active AND search_name LIKE ? ESCAPE '\\'"
        " ORDER BY name LIMIT ?",
        (f"%{escaped}%", limit),
    )
    return [_product(r, r["first_barcode"] or "") for r in rows]


@dataclass(frozen=True)
class CategoryRule:
    """A category's sale restrictions (R4)."""

    id: str
    name: str
    parent_id: str
    min_age: int
    no_sale_from: str
    no_sale_to: str


def category_chain(database: Database, category_id: str) -> list[CategoryRule]:
    """The category and its ancestors, nearest first (a cycle stops the walk)."""
    chain: list[CategoryRule] = []
    seen: set[str] = set()
    current = category_id
    while current and current not in seen:
        seen.add(current)
        row = database.one("SELECT * FROM categories WHERE id = ?", (current,))
        if row is None:
            break
        rule = CategoryRule(**row)
        chain.append(rule)
        current = rule.parent_id
    return chain


def category_path(database: Database, category_id: str) -> tuple[str, ...]:
    """The ids of a category's path from the root down to it (pricing's category)."""
    return tuple(rule.id for rule in reversed(category_chain(database, category_id)))


def store_settings(database: Database, store_id: str) -> StoreSettings | None:
    """Settings of a store, once central has sent them."""
    row = database.one("SELECT * FROM stores WHERE id = ?", (store_id,))
    return None if row is None else StoreSettings(**row)
