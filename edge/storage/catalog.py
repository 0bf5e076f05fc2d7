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


def _product(row: dict[str, Any], barcode: str) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        price=row["price"],
        barcode=barcode,
        category=row["category"],
        weighted=bool(row["weighted"]),
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


def store_settings(database: Database, store_id: str) -> StoreSettings | None:
    """Settings of a store, once central has sent them."""
    row = database.one("SELECT * FROM stores WHERE id = ?", (store_id,))
    return None if row is None else StoreSettings(**row)
