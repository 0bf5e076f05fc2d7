"""Products, their prices in effect, categories and store settings as the till holds them
(they come from central)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
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
    offline_points_cap: int = 0
    offline_points_budget: int = 0


# The price of product ``p`` in effect at the moment bound first (ms since the epoch): the
# latest scheduled price that took effect by then, else the product's own price.
PRICE_AT = (
    "COALESCE((SELECT s.price FROM product_scheduled_prices s WHERE s.product_id = p.id"
    " AND s.effective_ms <= ? ORDER BY s.effective_ms DESC LIMIT 1), p.price)"
)
_FIRST_BARCODE = (
    "(SELECT MIN(barcode) FROM product_barcodes b WHERE b.product_id = p.id) AS first_barcode"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    """Milliseconds since the epoch of an aware datetime."""
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _ms(at: datetime | None) -> int:
    return epoch_ms(datetime.now(UTC) if at is None else at)


def _product(row: dict[str, Any], barcode: str | None = None) -> Product:
    return Product(
        id=row["id"],
        name=row["name"],
        price=row["price_at"],
        barcode=(row["first_barcode"] or "") if barcode is None else barcode,
        category=row["category"],
        weighted=bool(row["weighted"]),
        vat_rate=row["vat_rate_bp"],
    )


def _find(database: Database, where: str, value: object, at_ms: int) -> Product | None:
    row = database.one(
        f"SELECT p.*, {PRICE_AT} AS price_at, {_FIRST_BARCODE} FROM products p"
        f" WHERE p.active AND {where}",
        (at_ms, value),
    )
    return None if row is None else _product(row)


def find_product(database: Database, code: str, *, at: datetime | None = None) -> Product | None:
    """An active product by one of its barcodes, else by its article, at its price in
    effect at ``at`` (default: now)."""
    at_ms = _ms(at)
    row = database.one(
        f"SELECT p.*, {PRICE_AT} AS price_at FROM product_barcodes b JOIN products p"
        " ON p.id = b.product_id WHERE b.barcode = ? AND p.active",
        (at_ms, code),
    )
    if row is not None:
        return _product(row, code)
    return _find(database, "p.article = ?", code, at_ms)


def find_by_plu(database: Database, plu: int, *, at: datetime | None = None) -> Product | None:
    """The active product a scale label's PLU refers to, at its price at ``at`` (default: now)."""
    return _find(database, "p.plu = ?", plu, _ms(at))


def search_products(
    database: Database, key: str, limit: int = 100, *, at: datetime | None = None
) -> list[Product]:
    """Active products whose name contains ``key`` (already a search key), by name, at
    their prices at ``at`` (default: now)."""
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = database.rows(
        f"SELECT p.*, {PRICE_AT} AS price_at, {_FIRST_BARCODE} FROM products p"
        " WHERE active AND search_name LIKE ? ESCAPE '\\' ORDER BY name LIMIT ?",
        (_ms(at), f"%{escaped}%", limit),
    )
    return [_product(r) for r in rows]


def prices_changed_between(
    database: Database, start: datetime, end: datetime
) -> list[tuple[Product, int]]:
    """Active products whose price changed in [start, end), by central at once (as this
    till applied it) or by a scheduled price taking effect (L12 tags), by name.

    Each comes at the price the last change in the range set, with the price before the
    first one; a product back at that price is left out.
    """
    before: dict[str, int] = {}
    last_ms: dict[str, int] = {}
    for at_ms, product_id, old_price in sorted(
        _applied_changes(database, start, end) + _scheduled_changes(database, start, end)
    ):
        before.setdefault(product_id, old_price)
        last_ms[product_id] = at_ms
    changed = []
    for product_id, at_ms in last_ms.items():
        product = _find(database, "p.id = ?", product_id, at_ms)
        if product is not None and product.price != before[product_id]:
            changed.append((product, before[product_id]))
    return sorted(changed, key=lambda pair: (pair[0].name, pair[0].id))


def _applied_changes(
    database: Database, start: datetime, end: datetime
) -> list[tuple[int, str, int]]:
    """(when, product, old price) of the price changes central made effective at once."""
    found = []
    for row in database.rows("SELECT product_id, old_price, changed_at FROM product_prices"):
        changed_at = datetime.fromisoformat(row["changed_at"])
        if start <= changed_at < end:
            found.append((epoch_ms(changed_at), row["product_id"], row["old_price"]))
    return found


def _scheduled_changes(
    database: Database, start: datetime, end: datetime
) -> list[tuple[int, str, int]]:
    """(when, product, price before) of the scheduled prices taking effect in the range."""
    rows = database.rows(
        "SELECT * FROM (SELECT s.product_id, s.effective_ms, COALESCE(LAG(s.price)"
        " OVER (PARTITION BY s.product_id ORDER BY s.effective_ms), p.price) AS before"
        " FROM product_scheduled_prices s JOIN products p ON p.id = s.product_id"
        " WHERE s.product_id IN (SELECT product_id FROM product_scheduled_prices"
        " WHERE effective_ms >= :start AND effective_ms < :end))"
        " WHERE effective_ms >= :start AND effective_ms < :end",
        {"start": epoch_ms(start), "end": epoch_ms(end)},
    )
    return [(r["effective_ms"], r["product_id"], r["before"]) for r in rows]


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
