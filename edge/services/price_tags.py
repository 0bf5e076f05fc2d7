"""Shelf price tags (L12): for one product, or for every product whose price changed today.

A tag shows the price a customer pays now without a card. It shows an old price when it
is lower than before: a promotion for everyone (the engine prices the product alone) or a
price central lowered (the till keeps the price before the last change).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from edge.printing.documents import PriceTag
from edge.printing.layout import Style, rendered
from edge.printing.queue import enqueue
from edge.printing.tags import render_price_tags
from edge.services.till import NotFound, TillService
from edge.storage import catalog
from kassa.domain.cart import Cart, CartLine, Product


class PriceTags:
    """Makes and queues price tags. Every method may block on disk."""

    def __init__(self, till: TillService) -> None:
        self.till = till
        self.database = till.database

    def for_code(self, code: str) -> list[PriceTag]:
        """The tag of the product with this barcode or article; NotFound if none has it."""
        now = self.till.now()
        product = catalog.find_product(self.database, code.strip(), at=now)
        if product is None:
            raise NotFound(f"unknown code {code}: no product has it")
        start, end = self._today(now)
        changed = dict(
            (p.id, old) for p, old in catalog.prices_changed_between(self.database, start, end)
        )
        return [self._tag(product, changed.get(product.id))]

    def changed_today(self) -> list[PriceTag]:
        """Tags of the products whose price changed today (store time), at once by central
        or by a scheduled price taking effect, by name."""
        start, end = self._today(self.till.now())
        return [
            self._tag(product, old)
            for product, old in catalog.prices_changed_between(self.database, start, end)
        ]

    def _today(self, now: datetime) -> tuple[datetime, datetime]:
        zone = ZoneInfo(self.till.pricing_store().time_zone)
        start = datetime.combine(now.astimezone(zone).date(), time(), zone)
        return start, start + timedelta(days=1)

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

