"""Shelf price tags (L12): for one product, or for every product whose price changed today.

A tag shows the price a customer pays now without a card. It shows an old price when it
is lower than before: a promotion for everyone (the engine prices the product alone) or a
price central lowered (the till keeps the price before the last change).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from edge.printing.documents import PriceTag
from edge.printing.layout import Style, rendered
from edge.printing.queue import enqueue
from edge.printing.tags import render_price_tags
from edge.services.till import NotFound, TillService
from edge.storage import catalog
from kassa.domain.cart import Cart, CartLine, Product

_PRODUCTS = (
    "SELECT p.*, pp.old_price, pp.changed_at,"
    " (SELECT MIN(barcode) FROM product_barcodes b WHERE b.product_id = p.id) AS first_barcode"
    " FROM products p LEFT JOIN product_prices pp ON pp.product_id = p.id WHERE p.active"
)


class PriceTags:
    """Makes and queues price tags. Every method may block on disk."""

    def __init__(self, till: TillService) -> None:
        self.till = till
        self.database = till.database

    def for_code(self, code: str) -> list[PriceTag]:
        """The tag of the product with this barcode or article; NotFound if none has it."""
        product = catalog.find_product(self.database, code.strip())
        if product is None:
            raise NotFound(f"unknown code {code}: no product has it")
        row = self.database.one(_PRODUCTS + " AND p.id = ?", (product.id,))
        return [self._tag(product, row["old_price"] if row else None)]

    def changed_today(self) -> list[PriceTag]:
        """Tags of the products whose price central changed today (store time), by name."""
        zone = ZoneInfo(self.till.pricing_store().time_zone)
        today = self.till.now().astimezone(zone).date()
        tags = []
        for row in self.database.rows(_PRODUCTS + " AND pp.changed_at IS NOT NULL ORDER BY name"):
            if datetime.fromisoformat(row["changed_at"]).astimezone(zone).date() == today:
                tags.append(self._tag(_product(row), row["old_price"]))
        return tags

    def _tag(self, product: Product, old_price: int | None) -> PriceTag:
        line = self.till.price(Cart([CartLine(product)]), None).lines[0]
        if line.total < product.price:  # a promotion for everyone
            return PriceTag(product.name, line.total, product.barcode, old_price=product.price)
        was = old_price if old_price is not None and old_price > product.price else None
        return PriceTag(product.name, product.price, product.barcode, old_price=was)

    def queue(self, tags: Sequence[PriceTag]) -> str:
        """Queue the tags as one print job; its id. Raises ValueError when there are none,
        a barcode cannot be printed or the store's settings have not arrived yet."""
        printer = self.till.receipts
        store = self.till.store()
        if printer is None or store is None:
            raise ValueError("store settings not received from central yet")
        style = Style(
            language=store.receipt_language or printer.language, width=printer.config.width,
            code_page=printer.config.code_page, currency_sign=store.currency_sign,
            tz=ZoneInfo(store.time_zone),
        )
        payload = rendered(printer.config.profile,
                           lambda escpos: render_price_tags(escpos, tags, style))
        with self.database.write() as db:
            return enqueue(db, "price-tags", payload)


def _product(row: dict[str, Any]) -> Product:
    return Product(
        id=row["id"], name=row["name"], price=row["price"], barcode=row["first_barcode"] or "",
        category=row["category"], weighted=bool(row["weighted"]), vat_rate=row["vat_rate_bp"],
    )
