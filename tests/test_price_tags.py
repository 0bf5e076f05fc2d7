"""Price tags (L12) from a till holding the demo chain: one product, or today's changes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from edge.printing.config import PrinterConfig
from edge.printing.documents import PriceTag
from edge.services.price_tags import PriceTags
from edge.services.receipts import ReceiptPrinter
from edge.services.till import NotFound, TillService
from edge.storage.database import Database
from edge.sync.client import SyncClient
from edge.sync.runner import sync_once
from tests.conftest import Chain

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=ZoneInfo("Europe/Kyiv"))


@pytest.fixture
def tags(chain: Chain, tmp_path: Path) -> Iterator[PriceTags]:
    database = Database(tmp_path / "A1.db")
    client = SyncClient(chain.central.address, chain.tokens["A1"], timeout_s=5)
    try:
        sync_once(database, client)
        till = TillService(database, till_id="A1", store_id="kyiv-1", clock=lambda: NOW,
                           receipts=ReceiptPrinter(PrinterConfig(kind="dummy"), "en"))
        yield PriceTags(till)
    finally:
        client.close()
        database.close()


def test_a_tag_shows_the_promotion_price_and_the_old_one(tags: PriceTags) -> None:
    assert tags.for_code("4820000000093") == [  # drinks -10% for everyone
        PriceTag("Сік яблучний 1 л", 5301, "4820000000093", old_price=5890)]
    assert tags.for_code(" 4820000000017 ") == [PriceTag("Хліб житній", 3250, "4820000000017")]
    with pytest.raises(NotFound, match="1234567890123"):
        tags.for_code("1234567890123")


def test_tags_of_the_prices_changed_today_in_store_time(tags: PriceTags) -> None:
    with tags.database.write() as db:
        for product, old, at in [
            ("p-coffee", 25000, "2026-11-25T06:00:00+00:00"),  # 08:00 in Kyiv: lowered
            ("p-kefir", 4000, "2026-11-24T22:30:00+00:00"),  # 00:30 in Kyiv: raised
            ("p-milk", 4990, "2026-11-24T21:30:00+00:00"),  # 23:30 yesterday in Kyiv
        ]:
            db.execute("INSERT INTO product_prices (product_id, old_price, changed_at)"
                       " VALUES (?, ?, ?)", (product, old, at))
    changed = tags.changed_today()
    assert changed == [
        PriceTag("Кава мелена 250 г", 21900, "4820000000062", old_price=25000),
        PriceTag("Кефір 1% 900 г", 4590, "4820000000031"),
    ]
    job = tags.queue(changed)
    row = tags.database.one("SELECT kind, payload FROM print_jobs WHERE id = ?", (job,))
    assert row is not None and row["kind"] == "price-tags"
    assert "Кава мелена 250 г".encode("cp1251") in row["payload"]
    assert b"250.00" in row["payload"] and b"219.00" in row["payload"]
    with pytest.raises(ValueError, match="no price tags"):
        tags.queue([])
